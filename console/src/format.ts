import type { Person } from "./types";

const dateTime = new Intl.DateTimeFormat("pt-BR", { dateStyle: "short", timeStyle: "short" });
const time = new Intl.DateTimeFormat("pt-BR", { hour: "2-digit", minute: "2-digit" });

export function when(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === new Date().toDateString() ? time.format(date) : dateTime.format(date);
}

export function fullDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
}

export function personName(person: Person | string | null | undefined): string {
  if (!person) return "—";
  if (typeof person === "string") return person === "customer" ? "Cliente" : person;
  return person.first_name || person.username;
}

export const STATUS_LABELS: Record<string, string> = {
  open: "Em atendimento",
  pending: "Pendente",
  snoozed: "Com a IA",
  closed: "Encerrada",
};

export const DELIVERY_LABELS: Record<string, string> = {
  sending: "Enviando…",
  sent: "Enviada",
  delivered: "Entregue",
  read: "Lida",
  failed: "Falhou",
  received: "Recebida",
};

// An inbox's WhatsApp connection as its provider last reported it (an unknown word is shown as sent).
export const CONNECTION_LABELS: Record<string, string> = {
  connected: "conectada",
  connecting: "conectando…",
  disconnected: "desconectada",
  unknown: "conexão não informada",
};

export const CHANNEL_LABELS: Record<string, string> = { whatsapp: "WhatsApp", telegram: "Telegram", email: "E-mail", webchat: "Webchat" };
export const PROVIDER_LABELS: Record<string, string> = { uazapi: "Uazapi", evolution: "Evolution API" };

export function label(labels: Record<string, string>, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  return labels[String(value)] ?? String(value);
}

export function number(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  return value.toLocaleString("pt-BR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value < 60) return `${Math.round(value)} s`;
  if (value < 3600) return `${Math.round(value / 60)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
