// The runtime config: /config.json next to the app (never baked into the build).
export interface RuntimeConfig {
  // The REST API's base ("" = this origin), without a trailing slash.
  api_url: string;
  // The WebSocket URL without its query string.
  ws_url: string;
}

export class ConfigError extends Error {}

export async function loadConfig(): Promise<RuntimeConfig> {
  let response: Response;
  try {
    response = await fetch("/config.json", { cache: "no-store" });
  } catch {
    throw new ConfigError("Não foi possível ler /config.json: o servidor do console não respondeu.");
  }
  if (!response.ok) throw new ConfigError(`Não foi possível ler /config.json (HTTP ${response.status}).`);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ConfigError("/config.json não é um JSON válido.");
  }
  const config = body as Partial<RuntimeConfig>;
  if (typeof config.api_url !== "string" || typeof config.ws_url !== "string" || !config.ws_url) {
    throw new ConfigError('/config.json precisa de "api_url" (texto) e "ws_url" (a URL do WebSocket).');
  }
  const ws = config.ws_url.startsWith("/")
    ? `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${config.ws_url}`
    : config.ws_url;
  return { api_url: config.api_url.replace(/\/+$/, ""), ws_url: ws };
}
