// The REST client: `Authorization: Token <t>`, errors carry the API's `message`, a 401 ends the session.
import type { RuntimeConfig } from "./config";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly error: string = "",
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
  }
}

type Query = Record<string, string | number | boolean | null | undefined>;

let config: RuntimeConfig = { api_url: "", ws_url: "" };
let token: string | null = null;
let onUnauthorized: (message: string) => void = () => {};

export function configure(runtime: RuntimeConfig, unauthorized: (message: string) => void): void {
  config = runtime;
  onUnauthorized = unauthorized;
}

export function setToken(value: string | null): void {
  token = value;
}

export function getToken(): string | null {
  return token;
}

export function wsUrl(): string {
  return config.ws_url;
}

/** An API path or absolute link (pages' `next`, messages' `file_url`) as a URL to fetch. */
export function apiUrl(path: string, query?: Query): string {
  const base = /^https?:\/\//.test(path) ? path : `${config.api_url}${path}`;
  if (!query) return base;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${base}${base.includes("?") ? "&" : "?"}${text}` : base;
}

/** "Dados inválidos" says little alone: add the fields the API names (details.errors or details.field). */
function withDetails(message: string, details: Record<string, unknown> | null): string {
  if (!details) return message;
  const errors = Array.isArray(details.errors) ? (details.errors as { field?: unknown; message?: unknown }[]) : [details as { field?: unknown; message?: unknown }];
  const parts = errors
    .filter((item) => typeof item?.field === "string" && typeof item?.message === "string")
    .map((item) => `${String(item.field)}: ${String(item.message)}`);
  return parts.length ? `${message} (${parts.join("; ")})` : message;
}

function describe(status: number, body: unknown): ApiError {
  if (body && typeof body === "object") {
    const record = body as Record<string, unknown>;
    const message =
      typeof record.message === "string"
        ? record.message
        : typeof record.detail === "string"
          ? record.detail
          : typeof record.error === "string"
            ? record.error
            : `Erro HTTP ${status}`;
    const details = record.details && typeof record.details === "object" ? (record.details as Record<string, unknown>) : null;
    return new ApiError(withDetails(message, details), status, typeof record.error === "string" ? record.error : "", details);
  }
  return new ApiError(`Erro HTTP ${status}`, status);
}

export async function request<T>(method: string, path: string, options: { query?: Query; body?: unknown; auth?: boolean } = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  const used = options.auth !== false ? token : null;
  if (used) headers.Authorization = `Token ${used}`;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), { method, headers, body });
  } catch {
    throw new ApiError("Sem conexão com o servidor. Verifique a rede e tente de novo.", 0, "NetworkError");
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const error = describe(response.status, parsed);
    // Only the session that made the request ends (a late answer to a previous session's request never logs
    // out the user who has logged in since).
    if (response.status === 401 && used && used === token) onUnauthorized(error.message);
    throw error;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>("POST", path, { body: body ?? {}, query }),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, { body }),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, { body }),
  del: <T>(path: string) => request<T>("DELETE", path),
  request: <T>(method: string, path: string, body?: unknown) => request<T>(method, path, { body }),
};

/** A protected file (message media) as an object URL: fetched with the token, then the redirect to storage. */
export async function fileBlobUrl(link: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(apiUrl(link), { headers: token ? { Authorization: `Token ${token}` } : {} });
  } catch {
    throw new ApiError("Não foi possível baixar o arquivo.", 0, "NetworkError");
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    throw describe(response.status, parsed);
  }
  return URL.createObjectURL(await response.blob());
}
