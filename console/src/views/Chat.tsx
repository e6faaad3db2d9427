// Team chat: rooms and private messages with unread counts, live from the WebSocket.
import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import * as directory from "../directory";
import { errorText, personName, when } from "../format";
import * as live from "../live";
import { navigate } from "../router";
import type { ChatMessage, Me, Page, Room, User } from "../types";
import { ErrorNotice, Loading, LoadingList, ModalForm, useAction } from "../ui";
import { MediaView } from "./Media";

export function ChatScreen({ me, target }: { me: Me; target: string[] }) {
  const [rooms, setRooms] = useState<Room[] | null>(null);
  const [users, setUsers] = useState<User[]>([]);
  const [privateUnread, setPrivateUnread] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const kind = target[0];
  const id = target[1] ? Number(target[1]) : null;

  const load = () => {
    Promise.all([
      directory.fetchAll<Room>("/api/internal-chat/rooms/"),
      directory.users(),
      api.get<Record<string, number>>("/api/private-unread-counts/"),
    ]).then(
      ([roomList, userList, unread]) => {
        setRooms(roomList);
        setUsers(userList.filter((user) => user.id !== me.id && user.is_active));
        setPrivateUnread(unread);
        setError(null);
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  useEffect(load, []);
  useEffect(() => live.onReset(load), []);
  useEffect(
    () =>
      live.onEvent((event) => {
        const data = event.data as Record<string, unknown>;
        if (event.type === "unread_count_update") {
          setPrivateUnread((data.private as Record<string, number>) ?? {});
          // Room counts: read again (the event carries totals by sender, not by room).
          directory.fetchAll<Room>("/api/internal-chat/rooms/").then(setRooms, () => undefined);
        } else if (event.type === "internal_chat_message") {
          const message = data.message as ChatMessage;
          setRooms((list) => list?.map((room) => (room.id === data.room_id ? { ...room, last_message: { content: message.content, created_at: message.created_at, sender: message.sender } } : room)) ?? list);
        }
      }),
    [],
  );

  const current = kind === "sala" ? rooms?.find((room) => room.id === id) : null;
  const colleague = kind === "dm" ? users.find((user) => user.id === id) : null;
  return (
    <div class={`chat ${id ? "has-open" : ""}`}>
      <aside class="list-pane" aria-label="Salas e colegas">
        <ErrorNotice message={error} retry={load} />
        <header class="row">
          <h2>Salas</h2>
          <button type="button" class="link" onClick={() => setCreating(true)}>
            Nova sala
          </button>
        </header>
        <LoadingList items={rooms} error={error} empty="Nenhuma sala.">
          {(room) => (
            <li key={room.id}>
              <a href={`#/chat/sala/${room.id}`} aria-current={kind === "sala" && id === room.id ? "page" : undefined}>
                # {room.name}
                {room.unread_count > 0 && <span class="badge">{room.unread_count}</span>}
              </a>
            </li>
          )}
        </LoadingList>
        <h2>Mensagens privadas</h2>
        <ul class="plain">
          {users.map((user) => (
            <li key={user.id}>
              <a href={`#/chat/dm/${user.id}`} aria-current={kind === "dm" && id === user.id ? "page" : undefined}>
                {personName(user)}
                {(privateUnread[String(user.id)] ?? 0) > 0 && <span class="badge">{privateUnread[String(user.id)]}</span>}
              </a>
            </li>
          ))}
        </ul>
      </aside>
      <section class="thread-pane">
        {kind === "sala" && id && (
          <ChatThread key={`r${id}`} me={me} title={current ? `# ${current.name}` : `Sala ${id}`} room={id} onRead={() => setRooms((list) => list?.map((room) => (room.id === id ? { ...room, unread_count: 0 } : room)) ?? list)} />
        )}
        {kind === "dm" && id && (
          <ChatThread key={`u${id}`} me={me} title={colleague ? personName(colleague) : `Colega ${id}`} user={id} onRead={() => setPrivateUnread((counts) => ({ ...counts, [String(id)]: 0 }))} />
        )}
        {!id && <p class="muted empty">Escolha uma sala ou um colega.</p>}
      </section>
      {creating && <RoomForm users={users} onClose={() => setCreating(false)} onCreated={(room) => (setCreating(false), load(), navigate(`/chat/sala/${room.id}`))} />}
    </div>
  );
}

function ChatThread({ me, title, room, user, onRead }: { me: Me; title: string; room?: number; user?: number; onRead: () => void }) {
  const [messages, setMessages] = useState<ChatMessage[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [text, setText] = useState("");
  const [busy, run] = useAction();
  const bottom = useRef<HTMLDivElement>(null);
  const path = room ? "/api/internal-chat/messages/" : "/api/private-messages/";
  const query = room ? { room } : { user };

  const upsert = (incoming: ChatMessage[]) =>
    setMessages((list) => {
      const byId = new Map((list ?? []).map((message) => [message.id, message]));
      for (const message of incoming) byId.set(message.id, message);
      return [...byId.values()].sort((a, b) => a.id - b.id);
    });

  const markRead = () => {
    const done = room ? api.post(`${path}mark_read/`, { room }) : api.post(`${path}mark_read/`, { user });
    done.then(onRead, () => undefined);
  };

  const load = () => {
    api.get<Page<ChatMessage>>(path, { ...query, page_size: 50 }).then(
      (page) => {
        setMessages([...page.results].sort((a, b) => a.id - b.id));
        setError(null);
        markRead();
      },
      (failure: unknown) => setError(errorText(failure)),
    );
  };
  useEffect(load, [room, user]);
  useEffect(() => {
    bottom.current?.scrollIntoView({ block: "end" });
  }, [messages?.length]);
  useEffect(
    () =>
      live.onEvent((event) => {
        const data = event.data as Record<string, unknown>;
        const message = data.message as ChatMessage | undefined;
        if (!message) return;
        const mineRoom = room && data.room_id === room;
        const mineDm = user && !room && (message.sender?.id === user || message.recipient === user) && message.room === null;
        if (!mineRoom && !mineDm) return;
        if (["internal_chat_message", "internal_chat_message_updated", "internal_chat_reaction", "private_message"].includes(event.type)) {
          upsert([message]);
          if (message.sender?.id !== me.id) markRead();
        }
      }),
    [room, user],
  );

  const send = async (event: Event) => {
    event.preventDefault();
    const content = text.trim();
    if (!content) return;
    const ok = await run(async () => upsert([await api.post<ChatMessage>(path, room ? { room, content } : { recipient: user, content })]));
    if (ok) setText("");
  };
  const react = (message: ChatMessage, emoji: string) =>
    run(async () => upsert([await api.post<ChatMessage>(`${path}${message.id}/react/`, { emoji })]));
  const remove = (message: ChatMessage) => run(async () => upsert([await api.del<ChatMessage>(`${path}${message.id}/`)]));

  return (
    <div class="thread">
      <header class="thread-head">
        <button type="button" class="back" onClick={() => navigate("/chat")}>
          ← Chat
        </button>
        <h2>{title}</h2>
      </header>
      <ErrorNotice message={error} retry={load} />
      {!messages ? (
        !error && <Loading />
      ) : (
        <ol class="messages">
          {messages.map((message) => {
            const mine = message.sender?.id === me.id;
            return (
              <li key={message.id} class={`message ${mine ? "out" : "in"}`}>
                <div class="bubble">
                  {message.is_deleted ? (
                    <p class="muted">
                      <em>Mensagem apagada</em>
                    </p>
                  ) : (
                    <>
                      {message.file_url && <MediaView link={message.file_url} kind={message.message_type === "file" ? "document" : message.message_type} name={message.file_name ?? ""} />}
                      {message.content && <p class="text">{message.content}</p>}
                    </>
                  )}
                  <footer>
                    <span>{personName(message.sender)}</span>
                    <time>{when(message.created_at)}</time>
                    {message.is_edited && <span>(editada)</span>}
                  </footer>
                  {message.reactions.length > 0 && (
                    <p class="reactions">
                      {message.reactions.map((reaction) => (
                        <span key={reaction.emoji}>
                          {reaction.emoji} {reaction.users.length}
                        </span>
                      ))}
                    </p>
                  )}
                </div>
                {!message.is_deleted && (
                  <div class="message-tools">
                    <button type="button" class="link" aria-label="Reagir com 👍" onClick={() => void react(message, "👍")}>
                      👍
                    </button>
                    {mine && (
                      <button type="button" class="link danger" onClick={() => void remove(message)}>
                        Apagar
                      </button>
                    )}
                  </div>
                )}
              </li>
            );
          })}
          {!messages.length && <li class="muted">Nenhuma mensagem ainda.</li>}
          <div ref={bottom} />
        </ol>
      )}
      <form class="composer" onSubmit={send}>
        <textarea
          aria-label="Mensagem"
          rows={2}
          value={text}
          placeholder="Escreva (Enter envia)"
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              void send(e);
            }
          }}
        />
        <div class="composer-actions">
          <button type="submit" class="primary" disabled={busy || !text.trim()}>
            Enviar
          </button>
        </div>
      </form>
    </div>
  );
}

function RoomForm({ users, onClose, onCreated }: { users: User[]; onClose: () => void; onCreated: (room: Room) => void }) {
  const [name, setName] = useState("");
  const [roomType, setRoomType] = useState("general");
  const [participants, setParticipants] = useState<number[]>([]);
  const submit = async () => onCreated(await api.post<Room>("/api/internal-chat/rooms/", { name: name.trim(), room_type: roomType, participants }));
  return (
    <ModalForm title="Nova sala" submitLabel="Criar sala" onClose={onClose} submit={submit}>
      <label>
        Nome
        <input required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        Tipo
        <select value={roomType} onChange={(e) => setRoomType(e.currentTarget.value)}>
          <option value="general">Geral</option>
          <option value="support">Suporte</option>
          <option value="sales">Vendas</option>
          <option value="private">Privada (só convidados)</option>
        </select>
      </label>
      <fieldset>
        <legend>Convidar</legend>
        {users.map((user) => (
          <label key={user.id} class="check">
            <input
              type="checkbox"
              checked={participants.includes(user.id)}
              onChange={(e) => setParticipants((list) => (e.currentTarget.checked ? [...list, user.id] : list.filter((item) => item !== user.id)))}
            />
            {personName(user)}
          </label>
        ))}
      </fieldset>
    </ModalForm>
  );
}
