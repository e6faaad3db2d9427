// The logged-in user: the token in localStorage, /api/auth/me/ read at start.
import { api, setToken } from "./api";
import type { Me } from "./types";

const KEY = "niochat.token";

export function storedToken(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  setToken(token);
  try {
    if (token) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  } catch {
    // Private mode: the session lasts as long as the tab.
  }
}

export async function login(username: string, password: string): Promise<Me> {
  const { token } = await api.post<{ token: string }>("/api/auth/login/", { username, password });
  saveToken(token);
  return api.get<Me>("/api/auth/me/");
}

export function isAdmin(me: Me): boolean {
  return me.user_type === "admin" || me.user_type === "superadmin";
}

export function displayName(me: Me): string {
  return [me.first_name, me.last_name].filter(Boolean).join(" ") || me.username;
}
