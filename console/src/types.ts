// The API's shapes the console uses (functions/docs/openapi.json is the source).
export type UserType = "superadmin" | "admin" | "agent";
export type Status = "open" | "pending" | "snoozed" | "closed";

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Me {
  id: number;
  username: string;
  email: string | null;
  first_name: string;
  last_name: string;
  provedor_id: number | null;
  user_type: UserType;
  permissions: string[];
}

export interface Person {
  id: number;
  username: string;
  first_name: string | null;
}

export interface User extends Person {
  email?: string | null;
  last_name?: string;
  user_type: UserType;
  is_active: boolean;
  permissions?: string[];
  last_login?: string | null;
}

export interface InboxSummary {
  id: number;
  name: string;
  channel_type: string;
}

export interface Inbox extends InboxSummary {
  is_active: boolean;
  provedor: number;
  settings: Record<string, unknown>;
  webhook_url: string | null;
  webhook_secret: string | null;
  connection_status: string | null;
  created_at: string;
}

export interface TeamRef {
  id: number;
  name: string;
}

export interface Team extends TeamRef {
  description: string;
  is_active: boolean;
  members_count: number;
}

export interface Member {
  id: number;
  team: number;
  user: (Person & { user_type: UserType }) | null;
  role: "member" | "leader";
}

export interface Contact {
  id: number;
  name: string;
  email: string | null;
  phone: string;
  avatar: string | null;
  additional_attributes: Record<string, unknown>;
  conversation_count: number;
  unread_messages: number;
  created_at: string;
}

export interface MessagePreview {
  id: number;
  conversation: number;
  message_type: string;
  media_type: string;
  content: string | null;
  is_from_customer: boolean;
  created_at: string;
  status: string | null;
}

export interface Conversation {
  id: number;
  contact: Contact | null;
  inbox: InboxSummary | null;
  assignee: Person | null;
  team: TeamRef | null;
  status: Status;
  last_message: MessagePreview | null;
  last_message_at: string | null;
  unread_count?: number;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Reaction {
  emoji: string;
  reactor?: string;
  from_me?: boolean;
}

export interface Message {
  id: number;
  conversation: number;
  message_type: "incoming" | "outgoing" | "activity" | string;
  media_type: string;
  file_url: string | null;
  file_name?: string | null;
  mime_type?: string | null;
  content: string | null;
  is_from_customer: boolean;
  created_at: string;
  external_id: string | null;
  additional_attributes: {
    reactions?: Reaction[];
    deleted?: boolean;
    reply_to?: { message_id?: number; external_id?: string; content?: string };
    [key: string]: unknown;
  };
  status: string | null;
  sender?: Person | string | null;
  error?: { status: number | null; message: string } | null;
  media_status?: string | null;
  media_error?: string | null;
}

export interface LiveEvent {
  type: string;
  id: string;
  seq: number;
  data: Record<string, unknown>;
}

export interface MissedEvents {
  results: LiveEvent[];
  last_seq: number;
  has_more: boolean;
  reset: boolean;
}

export interface ChatMessage {
  id: number;
  room: number | null;
  recipient: number | null;
  sender: Person | null;
  content: string;
  message_type: string;
  file_url: string | null;
  file_name: string | null;
  reactions: { emoji: string; users: number[] }[];
  is_edited: boolean;
  is_deleted: boolean;
  created_at: string;
}

export interface Room {
  id: number;
  name: string;
  description: string;
  room_type: string;
  is_participant: boolean;
  participant_count: number;
  unread_count: number;
  last_message: { content: string; created_at: string; sender: Person | null } | null;
}
