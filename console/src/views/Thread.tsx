// One conversation: its messages (media, delivery status with retry, reactions, replies, deletion), the
// composer (text and files) and the actions (assign, transfer to an agent or a team, close, reopen).
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { DELIVERY_LABELS, errorText, fullDate, personName, STATUS_LABELS, when } from "../format";
import * as live from "../live";
import type { Conversation, Me, Message, Page, Team, User } from "../types";
import { ErrorNotice, Loading, useAction } from "../ui";
import { MediaView } from "./Media";

const QUICK_REACTIONS = ["👍", "❤️", "😂", "😮", "😢", "🙏"];

function mediaKind(file: File): "image" | "video" | "audio" | "document" {
  if (file.type.startsWith("image/")) return "image";
  if (file.type.startsWith("video/")) return "video";
  if (file.type.startsWith("audio/")) return "audio";
  return "document";
}

function sortMessages(list: Message[]): Message[] {
  return [...list].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id);
}

export function Thread({ id, me, users, teams, onBack }: { id: number; me: Me; users: User[]; teams: Team[]; onBack: () => void }) {
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [older, setOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const [target, setTarget] = useState("");
  const [busy, run] = useAction();
  const bottom = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const stick = useRef(true);

  const upsert = (incoming: Message[]) =>
    setMessages((list) => {
      const byId = new Map(list.map((message) => [message.id, message]));
      for (const message of incoming) byId.set(message.id, { ...byId.get(message.id), ...message });
      return sortMessages([...byId.values()]);
    });

  const load = async () => {
    try {
      const [conv, page] = await Promise.all([
        api.get<Conversation>(`/api/conversations/${id}/`),
        api.get<Page<Message>>("/api/messages/", { conversation: id, page_size: 50 }),
      ]);
      setConversation(conv);
      setMessages(sortMessages(page.results));
      setOlder(Boolean(page.next));
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  useEffect(() => {
    void load();
    return live.onReset(() => void load());
  }, [id]);

  useEffect(() => {
    if (stick.current) bottom.current?.scrollIntoView({ block: "end" });
  }, [messages.length]);

  useEffect(() => {
    let markTimer: number | undefined;
    return live.onEvent((event) => {
      const data = event.data as Record<string, unknown>;
      if (event.type === "conversation_updated") {
        const updated = data.conversation as Conversation;
        if (updated.id === id) setConversation((current) => ({ ...current, ...updated }));
        return;
      }
      if (data.conversation_id !== id) return;
      if (event.type === "chat_message") {
        const message = data.message as Message;
        // The event is the message as inserted (`sending` for ours): never let it undo a newer state that the
        // send's own answer already gave.
        setMessages((list) => (list.some((item) => item.id === message.id) ? list : sortMessages([...list, message])));
        // The live preview lacks a file's name and type: read the whole message.
        if (message.media_type && message.media_type !== "text")
          api.get<Message>(`/api/messages/${message.id}/`).then((full) => upsert([full]), () => undefined);
        // Reading the newest page moves our read marker (the list's unread count).
        window.clearTimeout(markTimer);
        markTimer = window.setTimeout(() => void api.get("/api/messages/", { conversation: id, page_size: 1 }).catch(() => undefined), 800);
      } else if (event.type === "message_reaction") {
        setMessages((list) =>
          list.map((message) =>
            message.id === data.message_id
              ? { ...message, additional_attributes: { ...message.additional_attributes, reactions: data.reactions as Message["additional_attributes"]["reactions"] } }
              : message,
          ),
        );
      } else if (event.type === "message_deleted") {
        setMessages((list) =>
          list.map((message) => (message.id === data.message_id ? { ...message, additional_attributes: { ...message.additional_attributes, deleted: true } } : message)),
        );
      }
    });
  }, [id]);

  const loadOlder = async () => {
    const oldest = messages[0];
    if (!oldest) return;
    try {
      stick.current = false;
      const page = await api.get<Page<Message>>("/api/messages/", { conversation: id, before: oldest.id, page_size: 50 });
      upsert(page.results);
      setOlder(Boolean(page.next));
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  const afterSendFailure = () => {
    // A refused send keeps its row as `failed` (docs/messages.md): show it with its retry button.
    void api.get<Page<Message>>("/api/messages/", { conversation: id, page_size: 20 }).then((page) => upsert(page.results), () => undefined);
  };

  const send = async (event?: Event) => {
    event?.preventDefault();
    const content = text.trim();
    if (!content) return;
    stick.current = true;
    const ok = await run(async () => {
      try {
        const message = await api.post<Message>("/api/messages/send_text/", { conversation_id: id, content, reply_to_message_id: replyTo?.id ?? null });
        upsert([message]);
      } catch (failure) {
        afterSendFailure();
        throw failure;
      }
    });
    if (ok) {
      setText("");
      setReplyTo(null);
    }
  };

  const sendFile = async (file: File) => {
    const form = new FormData();
    form.set("conversation_id", String(id));
    form.set("message_type", mediaKind(file));
    if (text.trim()) form.set("caption", text.trim());
    form.set("file", file, file.name);
    stick.current = true;
    const ok = await run(async () => {
      try {
        upsert([await api.post<Message>("/api/messages/send_media/", form)]);
      } catch (failure) {
        afterSendFailure();
        throw failure;
      }
    });
    if (ok) setText("");
    if (fileInput.current) fileInput.current.value = "";
  };

  const action = async (path: string, body: unknown = {}) => {
    await run(async () => {
      const result = await api.post<{ message: string; conversation: Conversation }>(`/api/conversations/${id}/${path}/`, body);
      setConversation(result.conversation);
      // The activity message arrives live; read the newest page too, in case the socket is down.
      const page = await api.get<Page<Message>>("/api/messages/", { conversation: id, page_size: 10 });
      upsert(page.results);
      return result;
    }, undefined);
  };

  const assign = async () => {
    if (!target || !conversation) return;
    if (target.startsWith("team:")) await action("transfer_to_team", { team_id: Number(target.slice(5)) });
    else if (conversation.assignee) await action("transfer", { user_id: Number(target) });
    else await action("assign", { user_id: Number(target) });
    setTarget("");
  };

  const react = (message: Message, emoji: string) =>
    run(async () => upsert([await api.post<Message>("/api/messages/react/", { message_id: message.id, reaction: emoji })]));
  const remove = (message: Message) => {
    if (!window.confirm("Apagar esta mensagem para todos?")) return;
    void run(async () => upsert([await api.post<Message>("/api/messages/delete_message/", { message_id: message.id })]));
  };
  const retry = (message: Message) =>
    run(async () => {
      try {
        upsert([await api.post<Message>(`/api/messages/${message.id}/retry/`)]);
      } catch (failure) {
        afterSendFailure();
        throw failure;
      }
    });

  if (error && !conversation)
    return (
      <div class="thread">
        <button type="button" class="back" onClick={onBack}>
          ← Conversas
        </button>
        <ErrorNotice message={error} retry={() => void load()} />
      </div>
    );
  if (!conversation) return <Loading what="Abrindo a conversa…" />;
  const closed = conversation.status === "closed";

  return (
    <div class="thread" data-testid="thread">
      <header class="thread-head">
        <button type="button" class="back" onClick={onBack}>
          ← Conversas
        </button>
        <div>
          <h2>{conversation.contact?.name || conversation.contact?.phone}</h2>
          <p class="muted small">
            {conversation.contact?.phone} · {conversation.inbox?.name} ·{" "}
            <span class={`status ${conversation.status}`} data-testid="thread-status">
              {STATUS_LABELS[conversation.status]}
            </span>{" "}
            ·{" "}
            <span data-testid="thread-assignee">
              {conversation.assignee ? personName(conversation.assignee) : "Sem responsável"}
            </span>
            {conversation.team && ` · Equipe ${conversation.team.name}`}
          </p>
        </div>
        <div class="actions">
          {!closed && (
            <>
              {!conversation.assignee && (
                <button type="button" disabled={busy} onClick={() => void action("assign", {})}>
                  Atribuir a mim
                </button>
              )}
              <select aria-label="Atribuir ou transferir para" value={target} onChange={(e) => setTarget(e.currentTarget.value)} data-testid="assign-target">
                <option value="">Atribuir / transferir…</option>
                <optgroup label="Atendentes">
                  {users
                    .filter((user) => user.id !== conversation.assignee?.id)
                    .map((user) => (
                      <option key={user.id} value={String(user.id)}>
                        {personName(user)}
                        {user.id === me.id ? " (você)" : ""}
                      </option>
                    ))}
                </optgroup>
                <optgroup label="Equipes">
                  {teams.map((team) => (
                    <option key={team.id} value={`team:${team.id}`}>
                      {team.name}
                    </option>
                  ))}
                </optgroup>
              </select>
              <button type="button" disabled={busy || !target} onClick={() => void assign()} data-testid="assign">
                {target.startsWith("team:") ? "Transferir" : conversation.assignee ? "Transferir" : "Atribuir"}
              </button>
              <button type="button" disabled={busy} onClick={() => void action("close", {})} data-testid="close">
                Encerrar
              </button>
            </>
          )}
          {closed && (
            <button type="button" disabled={busy} onClick={() => void action("reopen", {})} data-testid="reopen">
              Reabrir
            </button>
          )}
        </div>
      </header>
      <ErrorNotice message={error} retry={() => void load()} />
      <ol class="messages" data-testid="messages" aria-live="polite">
        {older && (
          <li class="older">
            <button type="button" class="link" onClick={() => void loadOlder()}>
              Mensagens anteriores
            </button>
          </li>
        )}
        {messages.map((message) => (
          <MessageRow
            key={message.id}
            message={message}
            canDelete={!closed}
            closed={closed}
            onReply={() => setReplyTo(message)}
            onReact={(emoji) => void react(message, emoji)}
            onDelete={() => remove(message)}
            onRetry={() => void retry(message)}
          />
        ))}
        <div ref={bottom} />
      </ol>
      {closed ? (
        <p class="notice">Conversa encerrada. Reabra para responder.</p>
      ) : (
        <form class="composer" onSubmit={send}>
          {replyTo && (
            <div class="replying">
              Respondendo: <em>{(replyTo.content ?? "").slice(0, 80) || "mensagem"}</em>
              <button type="button" class="link" onClick={() => setReplyTo(null)} aria-label="Cancelar resposta">
                ×
              </button>
            </div>
          )}
          <textarea
            aria-label="Mensagem"
            placeholder="Escreva uma resposta (Enter envia, Shift+Enter quebra a linha)"
            value={text}
            rows={2}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && !e.shiftKey) {
                e.preventDefault();
                void send();
              }
            }}
          />
          <div class="composer-actions">
            <label class="button">
              Anexar arquivo
              <input
                ref={fileInput}
                type="file"
                class="visually-hidden"
                onChange={(e) => {
                  const file = e.currentTarget.files?.[0];
                  if (file) void sendFile(file);
                }}
              />
            </label>
            <button type="submit" class="primary" disabled={busy || !text.trim()} data-testid="send">
              Enviar
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function MessageRow(props: {
  message: Message;
  canDelete: boolean;
  closed: boolean;
  onReply: () => void;
  onReact: (emoji: string) => void;
  onDelete: () => void;
  onRetry: () => void;
}) {
  const { message } = props;
  const [picking, setPicking] = useState(false);
  if (message.message_type === "activity")
    return (
      <li class="activity" data-testid="activity">
        {message.content} <time>{when(message.created_at)}</time>
      </li>
    );
  const outgoing = message.message_type === "outgoing" || !message.is_from_customer;
  const attrs = message.additional_attributes ?? {};
  const deleted = attrs.deleted === true;
  const reactions = attrs.reactions ?? [];
  const mine = reactions.find((reaction) => reaction.reactor === "me" || reaction.from_me);
  const status = message.status ?? "";
  return (
    <li class={`message ${outgoing ? "out" : "in"} ${deleted ? "deleted" : ""}`} data-testid="message" data-id={message.id}>
      <div class="bubble">
        {attrs.reply_to && <blockquote class="quote">{attrs.reply_to.content || "Mensagem respondida"}</blockquote>}
        {deleted ? (
          <p class="muted">
            <em>Mensagem apagada</em>
          </p>
        ) : (
          <>
            {message.file_url && <MediaView link={message.file_url} kind={message.media_type} name={message.file_name ?? ""} />}
            {!message.file_url && message.media_status && message.media_status !== "ready" && (
              <p class="media-error">Arquivo {message.media_status === "too_large" ? "grande demais" : "indisponível"}{message.media_error ? `: ${message.media_error}` : ""}</p>
            )}
            {message.content && <p class="text">{message.content}</p>}
          </>
        )}
        <footer>
          <span>{outgoing ? personName(message.sender ?? null) : "Cliente"}</span>
          <time title={fullDate(message.created_at)}>{when(message.created_at)}</time>
          {outgoing && status && (
            <span class={`delivery ${status}`} data-testid="delivery">
              {DELIVERY_LABELS[status] ?? status}
            </span>
          )}
        </footer>
        {status === "failed" && (
          <p class="media-error">
            {message.error?.message ?? "O envio falhou."}{" "}
            <button type="button" class="link" onClick={props.onRetry} disabled={props.closed}>
              Tentar de novo
            </button>
          </p>
        )}
        {reactions.length > 0 && (
          <p class="reactions" aria-label="Reações">
            {reactions.map((reaction, index) => (
              <span key={index} title={reaction.reactor === "me" ? "Nossa reação" : "Cliente"}>
                {reaction.emoji}
              </span>
            ))}
          </p>
        )}
      </div>
      {!deleted && !props.closed && (
        <div class="message-tools">
          <button type="button" class="link" onClick={props.onReply}>
            Responder
          </button>
          {message.external_id && (
            <button type="button" class="link" aria-expanded={picking} onClick={() => setPicking(!picking)}>
              Reagir
            </button>
          )}
          {outgoing && props.canDelete && status !== "sending" && (
            <button type="button" class="link danger" onClick={props.onDelete}>
              Apagar
            </button>
          )}
          {picking && (
            <span class="picker">
              {QUICK_REACTIONS.map((emoji) => (
                <button key={emoji} type="button" class="link" aria-label={`Reagir com ${emoji}`} onClick={() => (setPicking(false), props.onReact(emoji))}>
                  {emoji}
                </button>
              ))}
              {mine && (
                <button type="button" class="link" onClick={() => (setPicking(false), props.onReact(""))}>
                  Remover
                </button>
              )}
            </span>
          )}
        </div>
      )}
    </li>
  );
}
