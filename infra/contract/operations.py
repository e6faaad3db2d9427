"""Every REST operation, by the function (infra/routes.py) whose resolver serves it.

Request bodies and query strings are the handlers' own pydantic models; responses are the models of
infra.contract.schemas (a module per area).
`Var` marks the ids the Postman collection fills from its environment (`captures` stores them).
"""

from __future__ import annotations

from typing import Any

from infra.contract.operation import Operation, Page, Raw, Var
from infra.contract.schemas.audit import AuditEntry
from infra.contract.schemas.auth import Me, SessionTimeout, SessionTimeoutBody, Token
from infra.contract.schemas.chat import (
    UNREAD_BY_SENDER,
    ChatMessage,
    Participant,
    PrivateRead,
    Room,
    RoomRead,
    UnreadTotal,
)
from infra.contract.schemas.common import Error, MessageBody, PlainError, Shape
from infra.contract.schemas.contacts import Contact
from infra.contract.schemas.conversations import ActionResult, Conversation
from infra.contract.schemas.csat import CsatFeedback, CsatRequest, CsatSettings, CsatStats, CsatWebhookSecret
from infra.contract.schemas.directory import Colleague, Provedor, User
from infra.contract.schemas.inboxes import Inbox, InboxSecretRotated
from infra.contract.schemas.integrations import AiSettings, AssistantTrial, ChannelIntegration, SgpSettings
from infra.contract.schemas.messages import Message
from infra.contract.schemas.realtime import MissedEvents
from infra.contract.schemas.recovery import RecoverySettings, RecoveryStats
from infra.contract.schemas.reports import Analysis, DashboardStats, HourlyResponseTimes, ReportCalendar
from infra.contract.schemas.system import Changelog, Health
from infra.contract.schemas.teams import Member, Team
from infra.contract.schemas.webhooks import WebhookQuery, WebhookResult
from niochat.assistant.models import TrialRequest
from niochat.audit.service import AuditQuery
from niochat.auth.models import LoginBody
from niochat.chat import models as chat
from niochat.contacts.models import ContactCreate, ContactPatch, ContactQuery, ContactReplace
from niochat.conversations import models as conversations
from niochat.csat.models import FeedbackQuery, RequestQuery, SettingsPatch, StatsQuery, WebhookAnswer
from niochat.directory.models import PasswordChange, ProvedorCreate, ProvedorPatch, UserCreate, UserPatch, UserQuery
from niochat.inboxes.models import InboxCreate, InboxPatch, InboxQuery, InboxReplace
from niochat.integrations.models import AiSettingsPatch, SgpSettingsPatch
from niochat.messages.models import DeleteMessage, MessageQuery, React, Scope, SendText
from niochat.models import ScopeQuery
from niochat.realtime.catchup import EventsQuery
from niochat.recovery.models import RecoveryPatch
from niochat.reports.models import AnalysisQuery, CalendarPatch, HourlyQuery
from niochat.reports.models import StatsQuery as ReportStatsQuery
from niochat.teams.models import MemberCreate, MemberQuery, TeamCreate, TeamPatch, TeamQuery, TeamReplace

WEBHOOK_SERVER = {
    "url": "{function_url}",
    "description": "The webhooks function's Lambda Function URL (stack output WebhookUrl); `make dev` serves it",
    "variables": {"function_url": {"default": "http://localhost:8010"}},
}
ASSETS = ("swagger-ui.css", "swagger-ui-bundle.js")


def _crud(
    tag: str,
    base: str,
    key: str,
    model: type[Shape],
    bodies: tuple[type, type, type],
    query: type,
    examples: tuple[dict[str, Any], dict[str, Any]],
    singular: str,
    conflicts: tuple[int, ...] = (),
) -> list[Operation]:
    """List, create, read, replace, patch and delete of one resource at `base` with the path id `key`."""
    (create, replace, patch), (example, patch_example) = bodies, examples
    one, name = f"{base}<{key}>/", tag.lower()
    return [
        Operation("GET", base, f"{name}_list", f"List {name}", tag, response=Page(model), query=(query,)),
        Operation("POST", base, f"{name}_create", f"Create a {singular}", tag, 201, model, body=create,
                  example=example, captures={key: "id"}),
        Operation("GET", one, f"{name}_read", f"Read a {singular}", tag, response=model, query=(query,)),
        Operation("PUT", one, f"{name}_replace", f"Replace a {singular}", tag, response=model, query=(query,),
                  body=replace, example=example, extra_errors=conflicts),
        Operation("PATCH", one, f"{name}_patch", f"Change some fields of a {singular}", tag, response=model,
                  query=(query,), body=patch, example=patch_example, extra_errors=conflicts),
        Operation("DELETE", one, f"{name}_delete", f"Delete a {singular}", tag, 204, query=(query,),
                  extra_errors=conflicts),
    ]  # fmt: skip


INBOX_EXAMPLE = {"name": "Atendimento Web", "channel_type": "webchat", "settings": {"welcome": "Olá!"}}
CONTACT_EXAMPLE = {
    "name": "Maria Cliente",
    "phone": "+5511999990000",
    "email": "maria@example.com",
    "additional_attributes": {"plano": "100 Mega"},
}
TEAM_EXAMPLE = {"name": "Suporte Técnico", "description": "Primeiro nível"}
ROOM_ID = Var("room_id")
CHANNEL_PARAM = {"channel": {"type": "string", "enum": ["whatsapp", "telegram", "email", "webchat"],
                             "example": "webchat"}}  # fmt: skip
CONVERSATION_ID = Var("conversation_id")
MESSAGE_ID = Var("message_id")
ACTIONS: tuple[tuple[str, str, type | None, dict[str, Any] | None], ...] = (
    ("assign", "Assign (to the caller when `user_id` is left out)", conversations.AssignBody, {}),
    ("transfer", "Transfer to another agent", conversations.TransferBody, {"user_id": Var("user_id")}),
    ("transfer_to_team", "Transfer to a team", conversations.TransferToTeamBody, {"team_id": Var("team_id")}),
    ("close", "Close", conversations.CloseBody, {"resolution_notes": "Resolvido por telefone"}),
    ("reopen", "Reopen", None, None),
)
WEBHOOK_PATHS = (
    ("/webhook/evolution-uazapi/", "webhook", "A WhatsApp provider's delivery"),
    ("/webhook/evolution-uazapi", "webhook_no_slash", "A WhatsApp provider's delivery (no trailing slash)"),
    ("/webhooks/evolution-uazapi/", "webhook_legacy", "A WhatsApp provider's delivery (NioChat's path)"),
    ("/webhooks/evolution-uazapi", "webhook_legacy_no_slash", "The same (NioChat's path, no trailing slash)"),
)


def _chat_message_ops(area: str, key: str, name: str, kind: str) -> list[Operation]:
    """Read, edit, delete, react to and fetch the file of a room message or a private message."""
    one = f"/api/{area}/<{key}>/"
    scope = (chat.Scope,)
    return [
        Operation("GET", one, f"{name}_read", f"Read a {kind}", "Team chat", response=ChatMessage, query=scope),
        Operation("PATCH", one, f"{name}_edit", f"Edit a {kind} (its sender)", "Team chat", response=ChatMessage,
                  query=scope, body=chat.Edit, example={"content": "Bom dia, time! (editado)"}, extra_errors=(409,),
                  description="`is_edited` becomes true; the previous text is kept."),
        Operation("POST", f"{one}react/", f"{name}_react", f"React to a {kind} (the same emoji again removes it)",
                  "Team chat", response=ChatMessage, query=scope, body=chat.React, example={"emoji": "👍"},
                  extra_errors=(409,), description="`reaction` is accepted for `emoji`."),
        Operation("GET", f"{one}file/", f"{name}_file", f"A {kind}'s file: a redirect to a 5-minute S3 link",
                  "Team chat", 302, Raw("text/plain", None, ("Location",)), query=scope),
        Operation("DELETE", one, f"{name}_delete", f"Delete a {kind} (its sender or an admin)", "Team chat",
                  response=ChatMessage, query=scope,
                  description="A soft delete: the message stays, without content, file or reactions."),
    ]  # fmt: skip


CHAT: list[Operation] = [
    Operation("POST", "/api/internal-chat/rooms/", "chat_rooms_create", "Create a room", "Team chat", 201, Room,
              body=chat.RoomCreate, example={"name": "Suporte N1", "description": "Plantão do suporte",
                                             "room_type": "general"},
              captures={"room_id": "id"},
              description="The creator is a participant and the room's admin; `participants` invites colleagues; "
                          "a `team` room (`team`/`team_id`) starts with the team's members and follows them."),
    Operation("GET", "/api/internal-chat/rooms/", "chat_rooms_list", "The caller's rooms (admins: `?all=true`)",
              "Team chat", response=Page(Room), query=(chat.RoomQuery,)),
    Operation("GET", "/api/internal-chat/rooms/<room_id>/", "chat_rooms_read", "Read a room", "Team chat",
              response=Room, query=(chat.Scope,)),
    Operation("PATCH", "/api/internal-chat/rooms/<room_id>/", "chat_rooms_patch",
              "Change a room (its admins, the provedor's admins)", "Team chat", response=Room, query=(chat.Scope,),
              body=chat.RoomPatch, example={"description": "Plantão do suporte técnico"}, extra_errors=(409,)),
    Operation("POST", "/api/internal-chat/rooms/<room_id>/join/", "chat_rooms_join",
              "Join a general, support or sales room", "Team chat", 201, Participant, query=(chat.Scope,),
              extra_errors=(409,)),
    Operation("GET", "/api/internal-chat/participants/", "chat_participants_list", "A room's participants",
              "Team chat", response=Page(Participant), query=(chat.RoomScoped,)),
    Operation("POST", "/api/internal-chat/participants/", "chat_participants_create",
              "Add a colleague to a room (room admins, the provedor's admins)", "Team chat", 201, Participant,
              body=chat.ParticipantCreate, example={"room": ROOM_ID, "user": Var("user_id")}, extra_errors=(404, 409),
              captures={"participant_id": "id"}, description="`room_id` and `user_id` are accepted."),
    Operation("GET", "/api/internal-chat/participants/<participant_id>/", "chat_participants_read",
              "Read a participant", "Team chat", response=Participant, query=(chat.Scope,)),
    Operation("POST", "/api/internal-chat/messages/", "chat_messages_create", "Post to a room", "Team chat", 201,
              ChatMessage, query=(chat.Scope,), body=chat.RoomText,
              example={"room": ROOM_ID, "content": "Bom dia, time!"}, extra_errors=(404, 413, 503),
              captures={"chat_message_id": "id"},
              description="JSON, or multipart/form-data with `file` (and `room`, `content`, `reply_to`). "
                          "`room_id` and `reply_to_id` are accepted. 503 only if the room is flooded."),
    Operation("GET", "/api/internal-chat/messages/", "chat_messages_list", "A room's messages, newest first",
              "Team chat", response=Page(ChatMessage), query=(chat.MessageWindow,)),
    Operation("POST", "/api/internal-chat/messages/mark_read/", "chat_messages_mark_read",
              "Mark a room read (up to a message, or all of it)", "Team chat", response=RoomRead,
              query=(chat.Scope,), body=chat.MarkRoomRead, example={"room": ROOM_ID}, extra_errors=(404,)),
    *_chat_message_ops("internal-chat/messages", "chat_message_id", "chat_messages", "room message"),
    Operation("POST", "/api/private-messages/", "private_messages_create", "Send a private message",
              "Team chat", 201, ChatMessage, query=(chat.Scope,), body=chat.PrivateText,
              example={"recipient": Var("user_id"), "content": "Oi! Pode me ajudar com um cliente?"},
              extra_errors=(413,), captures={"private_message_id": "id"},
              description="JSON, or multipart/form-data with `file`. `recipient_id` and `reply_to_id` are accepted."),
    Operation("GET", "/api/private-messages/", "private_messages_list",
              "The private messages with a colleague, newest first", "Team chat", response=Page(ChatMessage),
              query=(chat.PrivateWindow,), description="`other_user_id` is accepted for `user`."),
    Operation("POST", "/api/private-messages/mark_read/", "private_messages_mark_read",
              "Mark what a colleague sent as read", "Team chat", response=PrivateRead, query=(chat.Scope,),
              body=chat.MarkPrivateRead, example={"user": Var("user_id")}),
    *_chat_message_ops("private-messages", "private_message_id", "private_messages", "private message"),
    Operation("GET", "/api/internal-chat-unread-count/", "chat_unread_count", "Unread room messages in total",
              "Team chat", response=UnreadTotal, query=(chat.Scope,)),
    Operation("GET", "/api/internal-chat-unread-by-user/", "chat_unread_by_user", "Unread room messages by sender",
              "Team chat", response=UNREAD_BY_SENDER, query=(chat.Scope,)),
    Operation("GET", "/api/private-unread-counts/", "private_unread_counts", "Unread private messages by sender",
              "Team chat", response=UNREAD_BY_SENDER, query=(chat.Scope,)),
    Operation("POST", "/api/internal-chat/rooms/<room_id>/leave/", "chat_rooms_leave", "Leave a room",
              "Team chat", 204, query=(chat.Scope,)),
    Operation("DELETE", "/api/internal-chat/participants/<participant_id>/", "chat_participants_delete",
              "Remove a participant (room admins, the provedor's admins, or oneself)", "Team chat", 204,
              query=(chat.Scope,)),
    Operation("DELETE", "/api/internal-chat/rooms/<room_id>/", "chat_rooms_delete",
              "Delete a room (its admins, the provedor's admins)", "Team chat", 204, query=(chat.Scope,),
              extra_errors=(409,)),
]  # fmt: skip

OPERATIONS: dict[str, list[Operation]] = {
    "system": [
        Operation("GET", "/api/health/", "health", "Health of the table and the media bucket", "System",
                  response=Health, other={503: Health}, public=True),
        Operation("GET", "/api/changelog/", "changelog", "The changelog, as JSON", "System", response=Changelog,
                  public=True),
    ],
    "docs": [
        Operation("GET", "/api/openapi.json", "openapi", "This OpenAPI document", "Documentation",
                  response=Raw("application/json", {"type": "object"}), public=True),
        Operation("GET", "/api/docs/", "swagger_ui", "Swagger UI for this document", "Documentation",
                  response=Raw("text/html", {"type": "string"}), public=True),
        Operation("GET", "/api/docs/<asset>", "swagger_ui_asset", "A Swagger UI asset (shipped with the function)",
                  "Documentation", response=Raw(("text/css", "application/javascript"), {"type": "string"}),
                  public=True, path_schemas={"asset": {"type": "string", "enum": list(ASSETS)}}),
    ],
    "auth": [
        Operation("POST", "/api/auth/login/", "login", "Log in: a token for `Authorization: Token <token>`", "Auth",
                  response=Token, body=LoginBody, example={"username": Var("username", "demo-admin"),
                                                            "password": Var("password", "niochat-demo")},
                  extra_errors=(401, 403, 429), public=True, captures={"token": "token"}),
        Operation("POST", "/api/auth/logout/", "logout", "Log out (the token stops working at once)", "Auth",
                  response=MessageBody),
        Operation("GET", "/api/auth/me/", "me", "The caller's user", "Auth", response=Me,
                  captures={"provedor_id": "provedor_id"}),
        Operation("POST", "/api/auth/session-timeout/", "session_timeout", "Set the caller's session timeout",
                  "Auth", response=SessionTimeout, body=SessionTimeoutBody, example={"timeout": 120},
                  other={400: (Error, PlainError)}),
    ],
    "contacts": _crud("Contacts", "/api/contacts/", "contact_id", Contact,
                      (ContactCreate, ContactReplace, ContactPatch), ContactQuery,
                      (CONTACT_EXAMPLE, {"email": "maria.cliente@example.com"}), "contact"),
    "inboxes": [
        *(inbox_crud := _crud("Inboxes", "/api/inboxes/", "inbox_id", Inbox, (InboxCreate, InboxReplace, InboxPatch),
                              InboxQuery, (INBOX_EXAMPLE, {"is_active": True}), "inbox", conflicts=(409,)))[:-1],
        Operation("POST", "/api/inboxes/<inbox_id>/rotate_secret/", "inboxes_rotate_secret",
                  "Rotate an inbox's webhook secret (admins)", "Inboxes", response=InboxSecretRotated,
                  query=(InboxQuery,), extra_errors=(409,),
                  description="A new webhook secret; the previous one stops working at once. The new secret and "
                              "the full `webhook_url` are returned this once, as in the creation's 201."),
        inbox_crud[-1],
    ],
    "teams": [
        *_crud("Teams", "/api/teams/", "team_id", Team, (TeamCreate, TeamReplace, TeamPatch), TeamQuery,
               (TEAM_EXAMPLE, {"description": "Segundo nível"}), "team", conflicts=(409,)),
        Operation("GET", "/api/team-members/", "team_members_list", "List a team's members", "Teams",
                  response=Page(Member), query=(MemberQuery,)),
        Operation("POST", "/api/team-members/", "team_members_create", "Add a user to a team", "Teams", 201,
                  Member, body=MemberCreate, example={"team": Var("team_id"), "user": Var("user_id"),
                                                      "role": "member"},
                  extra_errors=(409,), captures={"member_id": "id"}),
        Operation("GET", "/api/team-members/<member_id>/", "team_members_read", "Read a membership", "Teams",
                  response=Member, query=(TeamQuery,)),
        Operation("DELETE", "/api/team-members/<member_id>/", "team_members_delete", "Remove a membership",
                  "Teams", 204, query=(TeamQuery,)),
    ],
    "conversations": [
        Operation("GET", "/api/conversations/", "conversations_list",
                  "List conversations (what the caller may see), newest activity first", "Conversations",
                  response=Page(Conversation), query=(conversations.ConversationQuery,)),
        Operation("POST", "/api/conversations/", "conversations_create", "Open a conversation (admins)",
                  "Conversations", 201, Conversation, body=conversations.ConversationCreate,
                  example={"contact": Var("contact_id"), "inbox": Var("inbox_id")}, extra_errors=(409,),
                  captures={"conversation_id": "id"},
                  description="`contact_id` and `inbox_id` are accepted for `contact` and `inbox`."),
        Operation("GET", "/api/conversations/<conversation_id>/", "conversations_read", "Read a conversation",
                  "Conversations", response=Conversation, query=(conversations.ConversationQuery,)),
        Operation("PATCH", "/api/conversations/<conversation_id>/", "conversations_patch",
                  "Change a conversation's status or attributes", "Conversations", response=Conversation,
                  query=(conversations.ConversationQuery,), body=conversations.ConversationPatch,
                  example={"status": "open"}, extra_errors=(409,)),
        *[
            Operation("POST", f"/api/conversations/<conversation_id>/{action}/", f"conversations_{action}", summary,
                      "Conversations", response=ActionResult, query=(conversations.ConversationQuery,), body=body,
                      example=example, extra_errors=(409,))
            for action, summary, body, example in ACTIONS
        ],
    ],
    "audit": [
        Operation("GET", "/api/audit-logs/", "audit_logs_list", "The audit log (admins), newest first", "Audit",
                  response=Page(AuditEntry), query=(AuditQuery,)),
    ],
    "directory": [
        Operation("GET", "/api/provedores/", "provedores_list", "List provedores (superadmins)", "Provedores",
                  response=Page(Provedor)),
        Operation("POST", "/api/provedores/", "provedores_create", "Create a provedor (superadmins)", "Provedores",
                  201, Provedor, body=ProvedorCreate, example={"nome": "Provedor Exemplo"},
                  captures={"provedor_id": "id"}),
        Operation("GET", "/api/provedores/<provedor_id>/", "provedores_read",
                  "Read a provedor (superadmins; admins their own)", "Provedores", response=Provedor),
        Operation("PATCH", "/api/provedores/<provedor_id>/", "provedores_patch",
                  "Change or suspend a provedor (superadmins)", "Provedores", response=Provedor,
                  body=ProvedorPatch, example={"email_contato": "contato@example.com"}),
        Operation("GET", "/api/users/", "users_list", "List users (agents see colleagues in reduced form)", "Users",
                  response=Page((User, Colleague)), query=(UserQuery,)),
        Operation("POST", "/api/users/", "users_create", "Create an admin or an agent (admins)", "Users", 201,
                  User, body=UserCreate, example={"username": "agente.exemplo", "email": "agente@example.com",
                                                  "password": "senha-forte-123", "user_type": "agent"},
                  captures={"user_id": "id"}),
        Operation("GET", "/api/users/<user_id>/", "users_read", "Read a user", "Users",
                  response=(User, Colleague)),
        Operation("PATCH", "/api/users/<user_id>/", "users_patch", "Change a user", "Users", response=User,
                  body=UserPatch, example={"first_name": "Agente"}, extra_errors=(409,)),
        Operation("POST", "/api/users/<user_id>/set_password/", "users_set_password", "Set a user's password",
                  "Users", response=MessageBody, body=PasswordChange,
                  example={"password": "outra-senha-123"}, extra_errors=(429,)),
    ],
    "events": [
        Operation("GET", "/api/events/", "events_list", "The realtime events missed after a seq", "Realtime",
                  response=MissedEvents, query=(EventsQuery,)),
    ],
    "messages": [
        Operation("GET", "/api/messages/", "messages_list", "A conversation's messages, newest first", "Messages",
                  response=Page(Message), query=(MessageQuery,)),
        Operation("GET", "/api/messages/<message_id>/", "messages_read", "Read a message", "Messages",
                  response=Message, query=(Scope,)),
        Operation("POST", "/api/messages/send_text/", "messages_send_text", "Send a text on WhatsApp", "Messages",
                  201, Message, query=(Scope,), body=SendText,
                  example={"conversation_id": CONVERSATION_ID, "content": "Olá! Como posso ajudar?"},
                  extra_errors=(404, 409, 502), captures={"message_id": "id"}),
        Operation("POST", "/api/messages/send_media/", "messages_send_media", "Send a file on WhatsApp",
                  "Messages", 201, Message, query=(Scope,), multipart=True,
                  example={"conversation_id": CONVERSATION_ID, "message_type": "document", "caption": "Segue"},
                  extra_errors=(404, 409, 413, 502),
                  description="multipart/form-data; `media_type` is accepted for `message_type`."),
        Operation("POST", "/api/messages/react/", "messages_react", "React to a message (\"\" removes ours)",
                  "Messages", response=Message, query=(Scope,), body=React,
                  example={"message_id": MESSAGE_ID, "reaction": "👍"}, extra_errors=(404, 409, 502),
                  description="`emoji` is accepted for `reaction`."),
        Operation("POST", "/api/messages/delete_message/", "messages_delete", "Delete a message for everyone",
                  "Messages", response=Message, query=(Scope,), body=DeleteMessage,
                  example={"message_id": MESSAGE_ID}, extra_errors=(404, 409, 502)),
        Operation("POST", "/api/messages/<message_id>/retry/", "messages_retry", "Send a failed message again",
                  "Messages", response=Message, query=(Scope,), extra_errors=(409, 502)),
    ],
    "media": [
        Operation("GET", "/api/media/messages/<conversation_id>/<file_name>/", "media_read",
                  "A message's file: a redirect to a 5-minute S3 link", "Messages", 302,
                  Raw("text/plain", None, ("Location",)), query=(Scope,), extra_errors=(502,),
                  path_schemas={"file_name": {"type": "string", "pattern": "^[0-9]{1,16}-[A-Za-z0-9._-]{1,120}$",
                                              "example": "1790000000000000-boleto.pdf"}}),
        Operation("GET", "/api/uazapi/file/<file_id>/", "media_by_provider_id",
                  "A message's file by the provider's message id: a redirect to a 5-minute S3 link", "Messages", 302,
                  Raw("text/plain", None, ("Location",)), query=(Scope,), extra_errors=(502,),
                  path_schemas={"file_id": {"type": "string", "pattern": "^[A-Za-z0-9:._-]{1,200}$",
                                            "example": "3EB0A1B2C3D4E5F60006"}},
                  description="Looked up in the caller's provedor only, for a caller who may see the conversation; "
                              "a file still pending is fetched from the provider first."),
    ],
    "csat": [
        Operation("GET", "/api/csat/settings/", "csat_settings_read", "CSAT settings (admins)", "CSAT",
                  response=CsatSettings, query=(ScopeQuery,)),
        Operation("PATCH", "/api/csat/settings/", "csat_settings_patch", "Change CSAT settings (admins)", "CSAT",
                  response=CsatSettings, body=SettingsPatch, example={"delay_minutes": 0, "expiry_minutes": 1440},
                  extra_errors=(409,),
                  description="Only the fields sent change. `inboxes` maps an inbox id to what it does differently "
                              "(null removes an inbox's override)."),
        Operation("POST", "/api/csat/settings/webhook_secret/", "csat_webhook_secret",
                  "Create or rotate the CSAT webhook's secret (admins)", "CSAT", 201, CsatWebhookSecret,
                  query=(ScopeQuery,), extra_errors=(409,),
                  description="The full webhook URL is returned this once; the previous secret stops working."),
        Operation("GET", "/api/csat/feedbacks/", "csat_feedbacks_list", "CSAT answers, newest first", "CSAT",
                  response=Page(CsatFeedback), query=(FeedbackQuery,),
                  description="Agents see the answers about conversations they closed as assignee."),
        Operation("GET", "/api/csat/feedbacks/stats/", "csat_feedbacks_stats", "CSAT statistics of the last days",
                  "CSAT", response=CsatStats, query=(StatsQuery,)),
        Operation("GET", "/api/csat/feedbacks/<feedback_id>/", "csat_feedbacks_read", "Read a CSAT answer",
                  "CSAT", response=CsatFeedback, query=(ScopeQuery,)),
        Operation("GET", "/api/csat/requests/", "csat_requests_list", "CSAT surveys, newest first", "CSAT",
                  response=Page(CsatRequest), query=(RequestQuery,)),
        Operation("POST", "/api/csat/webhook/", "csat_webhook", "An answer from outside WhatsApp", "CSAT", 201,
                  CsatFeedback, query=(WebhookQuery,), body=WebhookAnswer,
                  example={"conversation_id": CONVERSATION_ID, "rating": 5, "feedback": "Excelente atendimento!"},
                  other={200: CsatFeedback}, extra_errors=(401, 404, 409), public=True,
                  description="Proven by `?secret=` or `X-Webhook-Secret` (POST /api/csat/settings/webhook_secret/). "
                              "Needs a sent, unexpired survey of that conversation (else 409); the same answer "
                              "again is 200 with the feedback recorded the first time."),
    ],
    "reports": [
        Operation("GET", path, operation_id, summary, "Reports", response=DashboardStats, query=(ReportStatsQuery,),
                  description="Conversation counts now, and the window's messages, first response, reply and "
                              "resolution times (`*_seconds` beside the seed's text), resolution rate, CSAT, "
                              "channels, agents and the newest audit entries. Admins get the provedor's figures, "
                              "an agent their own (docs/metrics.md).")
        for path, operation_id, summary in (
            ("/api/dashboard/stats/", "dashboard_stats", "Dashboard statistics of the last days"),
            ("/api/dashboard-stats/", "dashboard_stats_alias", "Dashboard statistics (the same view)"),
        )
    ] + [
        Operation("GET", "/api/dashboard/response-time-hourly/", "dashboard_response_time_hourly",
                  "Human replies' response time by local hour", "Reports", response=HourlyResponseTimes,
                  query=(HourlyQuery,), description="24 entries {time, avg, max, count}, minutes with one decimal."),
        *(Operation("GET", path, operation_id, summary, "Reports", response=Analysis, query=(AnalysisQuery,),
                    description="period today|week|month|quarter (default week); zero-filled days and the "
                                "previous period's summary.")
          for path, operation_id, summary in (
              ("/api/analysis/", "analysis", "Conversation analysis of a period"),
              ("/api/test-analysis/", "analysis_alias", "Conversation analysis (the same view)"),
          )),
        Operation("GET", "/api/dashboard/settings/", "report_calendar_read", "The report calendar", "Reports",
                  response=ReportCalendar, query=(ScopeQuery,)),
        Operation("PATCH", "/api/dashboard/settings/", "report_calendar_patch",
                  "Change the time zone or opening hours (admins)", "Reports", response=ReportCalendar,
                  body=CalendarPatch, example={"timezone": "America/Sao_Paulo",
                                               "business_hours": {"saturday": ["08:00-12:00"]}}),
    ],
    "chat": CHAT,
    "integrations": [
        Operation("GET", "/api/integrations/ai/", "integrations_ai_read", "The AI assistant's settings (admins)",
                  "Integrations", response=AiSettings, query=(ScopeQuery,)),
        Operation("PATCH", "/api/integrations/ai/", "integrations_ai_patch",
                  "Change the AI assistant's settings (admins)", "Integrations", response=AiSettings,
                  body=AiSettingsPatch, extra_errors=(409,),
                  example={"enabled": True, "assistant_name": "Nina", "business": {"plans": "FIBRA 300 MEGA"}},
                  description="Only the fields sent change. `api_key`: the mask sent back leaves it unchanged, an "
                              "empty string removes it (the deployment's default key is used). `base_url` must "
                              "point at a public address."),
        Operation("GET", "/api/integrations/sgp/", "integrations_sgp_read", "SGP's settings (admins)",
                  "Integrations", response=SgpSettings, query=(ScopeQuery,)),
        Operation("PATCH", "/api/integrations/sgp/", "integrations_sgp_patch", "Change SGP's settings (admins)",
                  "Integrations", response=SgpSettings, body=SgpSettingsPatch, extra_errors=(409,),
                  example={"enabled": True, "url": "https://sgp.example.com", "token": "sgp-token-123",
                           "app": "niochat"},
                  description="A new `url` needs the token again (the stored one is never sent to another host)."),
        Operation("GET", "/api/integrations/<channel>/", "integrations_channel_read",
                  "A channel's integration: WhatsApp's inboxes, or Telegram's, e-mail's or webchat's settings",
                  "Integrations", response=ChannelIntegration, query=(ScopeQuery,), path_schemas=CHANNEL_PARAM,
                  description="Agents read it without secrets (and without WhatsApp's webhook URLs)."),
        Operation("PATCH", "/api/integrations/<channel>/", "integrations_channel_patch",
                  "Change a channel's stored settings (admins; not WhatsApp: configure its inboxes)", "Integrations",
                  response=ChannelIntegration, path_schemas=CHANNEL_PARAM, extra_errors=(409,),
                  body={"type": "object", "description": "webchat: widget_color, welcome_message, pre_chat_form, "
                        "business_hours; email: imap_/smtp_ host, port, tls, username, password; telegram: "
                        "bot_token, bot_username"},
                  example={"widget_color": "#1A2B3C", "welcome_message": "Olá! Como podemos ajudar?"},
                  description="Telegram, e-mail and webchat only store settings today: nothing delivers on them "
                              "yet. Secrets are masked in every answer and in the audit log."),
    ],
    "recovery": [
        Operation("GET", "/api/recovery/stats/", "recovery_stats", "Recovery campaigns' statistics (admins)",
                  "Recovery", response=RecoveryStats, query=(ScopeQuery,),
                  description="Exact counters, the 20 newest attempts and the 20 newest leads."),
        Operation("GET", "/api/recovery/settings/", "recovery_settings_read", "Recovery settings (admins)",
                  "Recovery", response=RecoverySettings, query=(ScopeQuery,)),
        Operation("POST", "/api/recovery/settings/<provedor_id>/", "recovery_settings_write",
                  "Change recovery settings (admins)", "Recovery", response=RecoverySettings, body=RecoveryPatch,
                  example={"enabled": True, "auto_recovery": True, "recovery_interval": 30}, extra_errors=(409,),
                  description="Only the fields sent change. `provedor_id` must be the caller's own provedor "
                              "(superadmins: any)."),
    ],
    "ai": [
        Operation("POST", "/api/atendimento/ia/", "assistant_try", "Try the AI assistant on a message",
                  "Integrations", response=AssistantTrial, body=TrialRequest, extra_errors=(404, 409, 502),
                  example={"conversation_id": CONVERSATION_ID, "message": "Quero pagar minha fatura"},
                  description="The same answer a customer would get (on the conversation's history when one is "
                              "named), with its SGP tools, but nothing is sent, stored, closed or handed off and no "
                              "ticket is opened. 409 when the assistant is off or has no key, 502 when the model "
                              "did not answer in time."),
    ],
    "webhooks": [
        Operation("POST", path, operation_id, summary, "Webhooks", response=WebhookResult, query=(WebhookQuery,),
                  body={"type": "object", "description": "The provider's delivery, as it sends it"}, public=True,
                  extra_errors=(401, 403), server=WEBHOOK_SERVER,
                  description="A Uazapi or Evolution API delivery, proven by `?secret=` (from the inbox's webhook "
                              "URL) or the provider's token (`apikey`/`token` header, or the delivery's field). "
                              "403 when the inbox's provedor is suspended: nothing is stored.")
        for path, operation_id, summary in WEBHOOK_PATHS
    ],
}  # fmt: skip


def all_operations() -> list[Operation]:
    return [operation for operations in OPERATIONS.values() for operation in operations]
