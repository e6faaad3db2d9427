// Lists several screens share (users, teams, inboxes), read once per session and on demand.
import { api } from "./api";
import type { Inbox, Page, Team, User } from "./types";

const cache = new Map<string, Promise<unknown>>();

async function all<T>(path: string, query: Record<string, string | number> = {}): Promise<T[]> {
  const items: T[] = [];
  let page = await api.get<Page<T>>(path, { page_size: 100, ...query });
  items.push(...page.results);
  for (let guard = 0; page.next && guard < 20; guard += 1) {
    page = await api.get<Page<T>>(page.next);
    items.push(...page.results);
  }
  return items;
}

function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  if (!cache.has(key)) {
    const promise = load();
    promise.catch(() => cache.delete(key));
    cache.set(key, promise);
  }
  return cache.get(key) as Promise<T>;
}

export const users = () => cached("users", () => all<User>("/api/users/"));
export const teams = () => cached("teams", () => all<Team>("/api/teams/"));
export const inboxes = () => cached("inboxes", () => all<Inbox>("/api/inboxes/"));
export const fetchAll = all;

export function forget(key?: "users" | "teams" | "inboxes"): void {
  if (key) cache.delete(key);
  else cache.clear();
}
