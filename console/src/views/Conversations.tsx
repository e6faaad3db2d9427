// Conversations: status tabs, search and filters, unread badges; the list follows the WebSocket and the thread
// of the open one sits beside it (below it on a phone).
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import * as directory from "../directory";
import { errorText, personName, STATUS_LABELS, when } from "../format";
import * as live from "../live";
import { navigate } from "../router";
import type { Conversation, Inbox, Me, MessagePreview, Page, Team, User } from "../types";
import { ErrorNotice, Loading, useLatest } from "../ui";
import { Thread } from "./Thread";

const TABS: { key: string; label: string }[] = [
  { key: "active", label: "Ativas" },
  { key: "open", label: "Abertas" },
  { key: "pending", label: "Pendentes" },
  { key: "snoozed", label: "IA" },
  { key: "closed", label: "Encerradas" },
];

interface Filters {
  tab: string;
  search: string;
  assignee: string;
  team: string;
  inbox: string;
}

function matches(conversation: Conversation, filters: Filters, me: Me): boolean {
  const status = conversation.status;
  if (filters.tab === "active" ? status === "closed" : status !== filters.tab) return false;
  if (filters.assignee === "me" && conversation.assignee?.id !== me.id) return false;
  if (filters.assignee === "none" && conversation.assignee) return false;
  if (/^\d+$/.test(filters.assignee) && conversation.assignee?.id !== Number(filters.assignee)) return false;
  if (filters.team && conversation.team?.id !== Number(filters.team)) return false;
  if (filters.inbox && conversation.inbox?.id !== Number(filters.inbox)) return false;
  if (filters.search) {
    const needle = filters.search.toLowerCase();
    const haystack = `${conversation.contact?.name ?? ""} ${conversation.contact?.phone ?? ""}`.toLowerCase();
    if (!haystack.includes(needle)) return false;
  }
  return true;
}

function byRecency(a: Conversation, b: Conversation): number {
  return (b.last_message_at ?? b.updated_at).localeCompare(a.last_message_at ?? a.updated_at) || b.id - a.id;
}

function preview(message: MessagePreview | null): string {
  if (!message) return "Sem mensagens";
  if (message.content) return message.content;
  return { image: "📷 Imagem", audio: "🎤 Áudio", voice: "🎤 Áudio", video: "🎬 Vídeo", document: "📄 Documento" }[message.media_type] ?? "Mensagem";
}

/** A filter of the list: "" (`all`) first, then `children` (fixed choices), then one option per [id, name] of `choices`. */
function FilterSelect({ label, value, all, choices, onChange, children }: { label: string; value: string; all: string; choices: [number, string][]; onChange: (value: string) => void; children?: ComponentChildren }) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">{all}</option>
      {children}
      {choices.map(([id, name]) => (
        <option key={id} value={String(id)}>
          {name}
        </option>
      ))}
    </select>
  );
}

export function ConversationsScreen({ me, openId }: { me: Me; openId: number | null }) {
  const [filters, setFilters] = useState<Filters>({ tab: "active", search: "", assignee: "", team: "", inbox: "" });
  const [search, setSearch] = useState("");
  const [items, setItems] = useState<Conversation[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [count, setCount] = useState(0);
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const loader = useLatest<Page<Conversation>>((page) => {
    setItems(page.results);
    setNext(page.next);
    setCount(page.count);
  });
  const { error, loading } = loader;
  const openRef = useRef(openId);
  openRef.current = openId;
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  useEffect(() => {
    Promise.all([directory.users(), directory.teams(), directory.inboxes()]).then(
      ([u, t, i]) => {
        setUsers(u.filter((user) => user.is_active));
        setTeams(t);
        setInboxes(i);
      },
      (failure: unknown) => setLookupError(`Filtros indisponíveis: ${errorText(failure)}`),
    );
  }, []);

  const load = () =>
    loader.run(() =>
      api.get<Page<Conversation>>("/api/conversations/", {
        status: filters.tab === "active" ? null : filters.tab,
        search: filters.search,
        assignee: filters.assignee,
        team: filters.team,
        inbox: filters.inbox,
        page_size: 50,
      }),
    );
  useEffect(load, [filters]);
  useEffect(() => live.onReset(load), [filters]);

  // Search as you type, a moment after the last key.
  useEffect(() => {
    const timer = window.setTimeout(() => setFilters((current) => (current.search === search.trim() ? current : { ...current, search: search.trim() })), 300);
    return () => window.clearTimeout(timer);
  }, [search]);

  useEffect(
    () =>
      live.onEvent((event) => {
        if (event.type === "conversation_updated") {
          const conversation = (event.data as { conversation: Conversation }).conversation;
          setItems((list) => {
            const existing = list.find((item) => item.id === conversation.id);
            const merged = { ...conversation, unread_count: existing?.unread_count ?? conversation.unread_count ?? 0 };
            const rest = list.filter((item) => item.id !== conversation.id);
            if (!matches(merged, filtersRef.current, me)) {
              if (existing) setCount((n) => Math.max(0, n - 1));
              return rest;
            }
            if (!existing) setCount((n) => n + 1);
            return [...rest, merged].sort(byRecency);
          });
        } else if (event.type === "chat_message") {
          const data = event.data as { conversation_id: number; message: MessagePreview };
          const message = data.message;
          setItems((list) => {
            const existing = list.find((item) => item.id === data.conversation_id);
            if (!existing) {
              // A conversation this page does not hold yet: read it, then show it if it belongs here.
              api.get<Conversation>(`/api/conversations/${data.conversation_id}/`).then(
                (conversation) => {
                  if (!matches(conversation, filtersRef.current, me)) return;
                  setItems((current) => {
                    if (current.some((item) => item.id === conversation.id)) return current;
                    setCount((n) => n + 1);
                    return [...current, conversation].sort(byRecency);
                  });
                },
                () => undefined,
              );
              return list;
            }
            const unread = (existing.unread_count ?? 0) + (message.is_from_customer && openRef.current !== existing.id ? 1 : 0);
            const updated = { ...existing, last_message: message, last_message_at: message.created_at, unread_count: unread };
            return [...list.filter((item) => item.id !== existing.id), updated].sort(byRecency);
          });
        }
      }),
    [me],
  );

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.get<Page<Conversation>>(next);
      setItems((list) => [...list, ...page.results.filter((item) => !list.some((have) => have.id === item.id))]);
      setNext(page.next);
    } catch (failure) {
      loader.setError(errorText(failure));
    }
  };

  const open = (id: number) => {
    setItems((list) => list.map((item) => (item.id === id ? { ...item, unread_count: 0 } : item)));
    navigate(`/conversas/${id}`);
  };

  const set = (patch: Partial<Filters>) => setFilters((current) => ({ ...current, ...patch }));

  return (
    <div class={`conversations ${openId ? "has-open" : ""}`}>
      <section class="list-pane" aria-label="Lista de conversas">
        <div class="tabs" role="tablist" aria-label="Situação">
          {TABS.map((tab) => (
            <button
              key={tab.key}
              type="button"
              role="tab"
              aria-selected={filters.tab === tab.key}
              data-testid={`tab-${tab.key}`}
              onClick={() => set({ tab: tab.key })}
            >
              {tab.label}
            </button>
          ))}
        </div>
        <div class="filters">
          <input type="search" placeholder="Buscar por nome ou telefone" aria-label="Buscar conversas" value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
          <FilterSelect
            label="Responsável"
            value={filters.assignee}
            all="Todos os responsáveis"
            choices={users.map((user) => [user.id, personName(user)])}
            onChange={(assignee) => set({ assignee })}
          >
            <option value="me">Minhas</option>
            <option value="none">Sem responsável</option>
          </FilterSelect>
          <FilterSelect label="Equipe" value={filters.team} all="Todas as equipes" choices={teams.map((team) => [team.id, team.name])} onChange={(team) => set({ team })} />
          <FilterSelect
            label="Caixa de entrada"
            value={filters.inbox}
            all="Todas as caixas"
            choices={inboxes.map((inbox) => [inbox.id, inbox.name])}
            onChange={(inbox) => set({ inbox })}
          />
        </div>
        {lookupError && <p class="muted small">{lookupError}</p>}
        <ErrorNotice message={error} retry={load} />
        <p class="muted small" data-testid="conversation-count">
          {count} conversa{count === 1 ? "" : "s"}
        </p>
        {loading && !items.length ? (
          <Loading />
        ) : (
          <ul class="conversation-list" data-testid="conversation-list">
            {items.map((conversation) => (
              <li key={conversation.id}>
                <button
                  type="button"
                  class={`conversation-item ${openId === conversation.id ? "current" : ""}`}
                  data-testid={`conversation-${conversation.id}`}
                  aria-current={openId === conversation.id ? "true" : undefined}
                  onClick={() => open(conversation.id)}
                >
                  <span class="row">
                    <strong>{conversation.contact?.name || conversation.contact?.phone || `Conversa ${conversation.id}`}</strong>
                    <time>{when(conversation.last_message_at)}</time>
                  </span>
                  <span class="row">
                    <span class="preview" data-testid="preview">
                      {preview(conversation.last_message)}
                    </span>
                    {(conversation.unread_count ?? 0) > 0 && (
                      <span class="badge" data-testid="unread" aria-label={`${conversation.unread_count} não lidas`}>
                        {conversation.unread_count}
                      </span>
                    )}
                  </span>
                  <span class="row meta">
                    <span class={`status ${conversation.status}`}>{STATUS_LABELS[conversation.status]}</span>
                    <span>{conversation.assignee ? personName(conversation.assignee) : conversation.team ? conversation.team.name : "Sem responsável"}</span>
                    <span>{conversation.inbox?.name}</span>
                  </span>
                </button>
              </li>
            ))}
            {!items.length && !loading && <li class="muted empty">Nenhuma conversa aqui.</li>}
          </ul>
        )}
        {next && (
          <button type="button" class="more" onClick={more}>
            Carregar mais
          </button>
        )}
      </section>
      <section class="thread-pane" aria-label="Conversa aberta">
        {openId ? (
          <Thread key={openId} id={openId} me={me} users={users} teams={teams} onBack={() => navigate("/conversas")} />
        ) : (
          <p class="muted empty">Escolha uma conversa na lista.</p>
        )}
      </section>
    </div>
  );
}
