// The realtime client (docs/realtime.md): WebSocket events, and after every (re)connect the missed ones from
// GET /api/events/?after=<seq>. Ids already seen are dropped; `reset` asks every view to reload over REST.
import { api, getToken, wsUrl } from "./api";
import type { LiveEvent, MissedEvents } from "./types";

export type LiveState = "connecting" | "online" | "offline";
type Listener = (event: LiveEvent) => void;

const listeners = new Set<Listener>();
const resetListeners = new Set<() => void>();
const stateListeners = new Set<(state: LiveState) => void>();
const seen: string[] = [];
const seenSet = new Set<string>();

let socket: WebSocket | null = null;
let lastSeq = 0;
let stopped = true;
let attempt = 0;
let timer: number | undefined;
let ping: number | undefined;
let state: LiveState = "offline";
let onAuthLost: () => Promise<void> = async () => {};

export function onEvent(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Called when the event log can't say what was missed: reload the state over REST. */
export function onReset(listener: () => void): () => void {
  resetListeners.add(listener);
  return () => resetListeners.delete(listener);
}

export function onState(listener: (state: LiveState) => void): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}

function setState(next: LiveState): void {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function remember(id: string): boolean {
  if (seenSet.has(id)) return false;
  seenSet.add(id);
  seen.push(id);
  if (seen.length > 2000) seenSet.delete(seen.shift() as string);
  return true;
}

async function expand(event: LiveEvent): Promise<LiveEvent | null> {
  // Over 32 KB the socket carries a reference (docs/realtime.md "Frames"): fetch the whole event.
  if (!event.data || event.data.truncated !== true || typeof event.data.url !== "string") return event;
  const url = event.data.url;
  if (url.startsWith("/api/messages/")) {
    const message = await api.get<Record<string, unknown>>(url);
    return { ...event, data: { conversation_id: event.data.conversation_id, message_id: event.data.message_id, message } };
  }
  const page = await api.get<MissedEvents>(url);
  return page.results.find((item) => item.id === event.id) ?? null;
}

async function deliver(event: LiveEvent): Promise<void> {
  if (typeof event.seq === "number" && event.seq > lastSeq) lastSeq = event.seq;
  if (!remember(event.id)) return;
  let full: LiveEvent | null = event;
  try {
    full = await expand(event);
  } catch {
    full = null;
  }
  if (!full) return;
  for (const listener of listeners) {
    try {
      listener(full);
    } catch (error) {
      console.error("live listener failed", error);
    }
  }
}

async function catchUp(): Promise<void> {
  // A few seqs back closes the window of concurrent shards (docs/realtime.md); seen ids are dropped.
  let after = Math.max(0, lastSeq - 5);
  for (let page = 0; page < 50; page += 1) {
    const missed = await api.get<MissedEvents>("/api/events/", { after, limit: 500 });
    if (missed.reset) {
      lastSeq = missed.last_seq;
      for (const listener of resetListeners) listener();
      return;
    }
    for (const event of missed.results) await deliver(event);
    if (missed.last_seq > lastSeq) lastSeq = missed.last_seq;
    after = missed.last_seq;
    if (!missed.has_more) return;
  }
}

function schedule(): void {
  if (stopped) return;
  window.clearTimeout(timer);
  const delay = Math.min(15000, 500 * 2 ** attempt) * (0.5 + Math.random() / 2);
  attempt += 1;
  timer = window.setTimeout(connect, delay);
}

function connect(): void {
  const token = getToken();
  if (stopped || !token) return;
  setState("connecting");
  let opened = false;
  const ws = new WebSocket(`${wsUrl()}?token=${encodeURIComponent(token)}`);
  socket = ws;
  ws.onopen = () => {
    opened = true;
    attempt = 0;
    setState("online");
    window.clearInterval(ping);
    ping = window.setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ action: "ping" })), 240000);
    catchUp().catch(() => {
      // The socket still delivers; the next reconnect catches up again.
    });
  };
  ws.onmessage = (message) => {
    let event: LiveEvent;
    try {
      event = JSON.parse(String(message.data)) as LiveEvent;
    } catch {
      return;
    }
    if (event && typeof event.type === "string" && typeof event.id === "string") void deliver(event);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    window.clearInterval(ping);
    if (stopped) return;
    setState("offline");
    // A refused handshake (401) looks like any close: ask the API whether the session still stands.
    if (!opened) onAuthLost().finally(schedule);
    else schedule();
  };
}

/** Start after the state was loaded: `since` is the seq GET /api/events/ gave before loading it. */
export function start(since: number, authLost: () => Promise<void>): void {
  stop();
  stopped = false;
  lastSeq = since;
  attempt = 0;
  onAuthLost = authLost;
  connect();
}

export function stop(): void {
  stopped = true;
  window.clearTimeout(timer);
  window.clearInterval(ping);
  const ws = socket;
  socket = null;
  ws?.close();
  setState("offline");
}

/** For the browser tests and the status badge: drop the socket as a network failure would. */
export function dropConnection(): void {
  socket?.close();
}

export async function currentSeq(): Promise<number> {
  const start = await api.get<MissedEvents>("/api/events/");
  return start.last_seq;
}
