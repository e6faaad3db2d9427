"""Tenant isolation, table-driven: for every endpoint and method, a user of provedor A gets 404 for
provedor B's objects (never 200, never B's data, never another error that would reveal the object exists),
and A's lists never include B's items.

To add an endpoint group: write a `make_<kind>(provedor_id) -> id` that creates one object in a provedor
through the services, and add its probes to PROBES (`{id}` in the path, or as a body's value, is replaced with
B's object id).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from niochat.directory.provedores import create_provedor
from niochat.directory.users import create_user
from niochat.domain.users import UserType
from niochat.store import provedores
from tests.integration.conftest import Api, login

# B gets this many objects of each kind and A one, so B's last id never exists in A.
B_OBJECTS = 5


def make_contact(provedor_id: int, n: int) -> int:
    from niochat.contacts import service
    from niochat.contacts.models import ContactCreate
    from niochat.domain.users import Principal

    root = Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")
    body = ContactCreate(
        name=f"Segredo P{provedor_id} N{n}", phone=f"+55119{provedor_id:02d}{n:06d}", provedor=provedor_id
    )
    return service.create(root, provedor_id, body)["id"]


def make_user(provedor_id: int, n: int) -> int:
    user = create_user(username=f"user_p{provedor_id}_{n}", password="senha-forte-3", user_type=UserType.AGENT,
                       provedor_id=provedor_id, email=f"user{n}@p{provedor_id}.example",
                       first_name=f"Segredo P{provedor_id} N{n}")  # fmt: skip
    return user["id"]


def _root():
    from niochat.domain.users import Principal

    return Principal(user_id=0, provedor_id=None, user_type=UserType.SUPERADMIN, username="root")


def make_inbox(provedor_id: int, n: int) -> int:
    from niochat.inboxes import service
    from niochat.inboxes.models import InboxCreate

    settings = {**INBOX_SETTINGS, "token": f"tok-P{provedor_id}-N{n}-0123"}
    name = f"Segredo P{provedor_id} N{n}"
    body = InboxCreate(name=name, channel_type="whatsapp", provedor=provedor_id, settings=settings)
    return service.create(_root(), provedor_id, body).inbox["id"]


def make_team(provedor_id: int, n: int) -> int:
    from niochat.teams import service
    from niochat.teams.models import TeamCreate

    body = TeamCreate(name=f"Segredo P{provedor_id} N{n}", provedor=provedor_id)
    return service.create(_root(), provedor_id, body)["id"]


def make_team_member(provedor_id: int, n: int) -> int:
    """A membership (it shows its user, named with the marker) in a team of its own."""
    from niochat.teams import service
    from niochat.teams.models import MemberCreate

    team = make_team(provedor_id, 100 + n)
    user = create_user(username=f"membro_p{provedor_id}_n{n}", password="senha-forte-3", user_type=UserType.AGENT,
                       provedor_id=provedor_id, first_name=f"Segredo P{provedor_id} N{n}")  # fmt: skip
    return service.add_member(_root(), provedor_id, MemberCreate(team=team, user=user["id"]))["id"]


def make_message(provedor_id: int, n: int) -> int:
    """A failed outgoing message with a file (so send, retry, react, delete and media would all reach the
    provider or S3 if a tenant check were missing), its content marked, in a conversation of its own. Its inbox's
    provider is a closed port: a leak would be a 502, never a silent success."""
    from niochat import clock
    from niochat.contacts import service as contacts
    from niochat.contacts.models import ContactCreate
    from niochat.conversations import service as conversations
    from niochat.store import messages
    from niochat.store.inboxes import inboxes
    from niochat.store.table import table
    from tests.integration.messages_world import next_id

    settings = {"provider": "uazapi", "base_url": "http://127.0.0.1:9", "token": f"tok-msg-P{provedor_id}-N{n}"}
    inbox = inboxes.create(provedor_id, {"id": inboxes.new_id(provedor_id), "name": "Mensagens", "is_active": True,
                                         "channel_type": "whatsapp", "settings": settings})  # fmt: skip
    phone = f"+55219{provedor_id:02d}{n:06d}"
    body = ContactCreate(name=f"Cliente {n}", phone=phone, provedor=provedor_id)
    contact = contacts.create(_root(), provedor_id, body)
    conversation = conversations.create(provedor_id, contact["id"], inbox["id"])
    message_id = next_id()
    key = f"media/{provedor_id}/{conversation['id']}/{message_id}-segredo.pdf"
    message = {"id": message_id, "conversation": conversation["id"], "inbox_id": inbox["id"],
               "message_type": "outgoing", "media_type": "document", "content": f"Segredo P{provedor_id} N{n}",
               "is_from_customer": False,
               "external_id": f"EXT{provedor_id}N{n}", "status": "failed", "file_name": "segredo.pdf",
               "mime_type": "application/pdf", "media_key": key, "media_status": "ready",
               "additional_attributes": {}, "created_at": clock.iso(), "updated_at": clock.iso()}  # fmt: skip
    table().transact(
        [
            messages.put_op(provedor_id, message),
            messages.external_put_op(provedor_id, inbox["id"], message["external_id"], message),
        ]
    )
    _s3().put_object(Bucket=_bucket(), Key=key, Body=f"Segredo P{provedor_id} N{n}".encode())
    return message_id


def make_conversation(provedor_id: int, n: int) -> int:
    """A conversation whose contact's name and attributes carry the marker."""
    from niochat import clock
    from niochat.contacts import service as contacts
    from niochat.contacts.models import ContactCreate
    from niochat.conversations import service as conversations
    from niochat.store.inboxes import inboxes

    fields = {"name": "Conversas", "is_active": True, "channel_type": "webchat", "settings": {}}
    inbox = inboxes.create(provedor_id, {"id": inboxes.new_id(provedor_id), **fields, "created_at": clock.iso()})
    body = ContactCreate(name=f"Segredo P{provedor_id} Conversa {n}", phone=f"+55319{provedor_id:02d}{n:06d}",
                         provedor=provedor_id)  # fmt: skip
    contact = contacts.create(_root(), provedor_id, body)
    marker = {"nota": f"Segredo P{provedor_id} N{n}"}
    return int(conversations.create(provedor_id, contact["id"], inbox["id"], additional_attributes=marker)["id"])


def make_feedback(provedor_id: int, n: int) -> int:
    """A CSAT answer (and its request) about a conversation of its own, the marker in its name and comment."""
    from niochat import clock
    from niochat.domain import csat
    from niochat.domain.messages import new_message_id
    from niochat.store import csat as store
    from niochat.store.conversations import conversations
    from niochat.store.table import table

    conversation = dict(conversations.get(provedor_id, make_conversation(provedor_id, 200 + n)) or {})
    conversation["closed_at"] = clock.iso()
    marker = f"Segredo P{provedor_id} N{n}"
    request = csat.new_request(new_message_id(clock.now()), conversation, marker, "webchat", clock.iso(), clock.iso())
    request.update(status="answered", sent_at=clock.iso())
    contact = {"name": marker, "phone": "+5511999999999"}
    rating = csat.Rating(5, marker)
    feedback = csat.new_feedback(new_message_id(clock.now()), request, contact, rating, f"5 {marker}", "webchat",
                                 clock.iso())  # fmt: skip
    request["feedback_id"] = feedback["id"]
    table().transact([store.put_request_op(provedor_id, request), store.put_feedback_op(provedor_id, feedback),
                      store.counters_op(provedor_id, {**store.feedback_counts(feedback),
                                                      **store.request_counts(request, "answered", 1)})])  # fmt: skip
    return feedback["id"]


def _admin_of(provedor_id: int):
    """The provedor's admin (made by the world) as a caller of the services."""
    from niochat.domain.users import Principal
    from niochat.store import users

    admin = next(u for u in (users.get_by_login("admin_a"), users.get_by_login("admin_b"))
                 if u and u["provedor_id"] == provedor_id)  # fmt: skip
    return Principal(user_id=admin["id"], provedor_id=provedor_id, user_type=UserType.ADMIN, username=admin["username"])


def make_chat_room(provedor_id: int, n: int) -> int:
    """A private room of the provedor's admin, named with the marker."""
    from niochat.chat import rooms
    from niochat.chat.models import RoomCreate

    body = RoomCreate(name=f"Segredo P{provedor_id} N{n}", room_type="private", description=f"Segredo P{provedor_id}")
    return rooms.create(_admin_of(provedor_id), provedor_id, body)["id"]


def make_chat_message(provedor_id: int, n: int) -> int:
    """A message with the marker in a room of its own, reacted to."""
    from niochat.chat import messages

    caller = _admin_of(provedor_id)
    message = messages.post(caller, provedor_id, make_chat_room(provedor_id, 100 + n), f"Segredo P{provedor_id} N{n}",
                            None)  # fmt: skip
    messages.react(caller, provedor_id, message["id"], "👍")
    return message["id"]


def make_chat_participant(provedor_id: int, n: int) -> int:
    """The provedor's agent, added to a room named with the marker."""
    from niochat.chat import rooms
    from niochat.store import chat as store
    from niochat.store import users

    agent = next(u for u in (users.get_by_login("agent_a"), users.get_by_login("agent_b"))
                 if u and u["provedor_id"] == provedor_id)  # fmt: skip
    room = store.get_room(provedor_id, make_chat_room(provedor_id, 200 + n), consistent=True)
    assert room is not None
    return rooms.add(provedor_id, room, agent["id"], "member")["id"]


def make_private_message(provedor_id: int, n: int) -> int:
    """A private message from the provedor's admin to its agent, with the marker."""
    from niochat.chat import private
    from niochat.store import users

    agent = next(u for u in (users.get_by_login("agent_a"), users.get_by_login("agent_b"))
                 if u and u["provedor_id"] == provedor_id)  # fmt: skip
    return private.send(_admin_of(provedor_id), provedor_id, agent["id"], f"Segredo P{provedor_id} N{n}", None)["id"]


def _s3():
    from niochat.store import clients

    return clients.s3()


def _bucket() -> str:
    from niochat.settings import get_settings

    return get_settings().media_bucket


INBOX_SETTINGS = {"provider": "evolution", "base_url": "https://evo.example", "instance": "i", "token": "tok-123456789"}

MAKERS: dict[str, Callable[[int, int], int]] = {"contact": make_contact, "user": make_user}
MAKERS.update({"inbox": make_inbox, "team": make_team, "team_member": make_team_member})
MAKERS["message"] = make_message
MAKERS["conversation"] = make_conversation
MAKERS["feedback"] = make_feedback
MAKERS.update({"chat_room": make_chat_room, "chat_message": make_chat_message, "private_message": make_private_message,
               "chat_participant": make_chat_participant})  # fmt: skip

# (kind, method, path, body)
PROBES: list[tuple[str, str, str, Any]] = [
    ("contact", "GET", "/api/contacts/{id}/", None),
    ("contact", "PUT", "/api/contacts/{id}/", {"name": "Invasor", "phone": "+5511900000000"}),
    ("contact", "PATCH", "/api/contacts/{id}/", {"name": "Invasor"}),
    ("contact", "DELETE", "/api/contacts/{id}/", None),
    ("inbox", "GET", "/api/inboxes/{id}/", None),
    ("inbox", "PUT", "/api/inboxes/{id}/", {"name": "Invasor", "channel_type": "whatsapp", "settings": INBOX_SETTINGS}),
    ("inbox", "PATCH", "/api/inboxes/{id}/", {"name": "Invasor", "is_active": False}),
    ("inbox", "POST", "/api/inboxes/{id}/rotate_secret/", None),
    ("inbox", "DELETE", "/api/inboxes/{id}/", None),
    ("team", "GET", "/api/teams/{id}/", None),
    ("team", "PUT", "/api/teams/{id}/", {"name": "Invasor"}),
    ("team", "PATCH", "/api/teams/{id}/", {"name": "Invasor"}),
    ("team", "DELETE", "/api/teams/{id}/", None),
    ("team_member", "GET", "/api/team-members/{id}/", None),
    ("team_member", "DELETE", "/api/team-members/{id}/", None),
    ("user", "GET", "/api/users/{id}/", None),
    ("user", "PATCH", "/api/users/{id}/", {"first_name": "Invasor", "is_active": False}),
    ("user", "POST", "/api/users/{id}/set_password/", {"password": "senha-invasora-1"}),
    ("provedor", "GET", "/api/provedores/{id}/", None),  # B's own provedor id
]
PROBES += [
    ("conversation", "GET", "/api/conversations/{id}/", None),
    ("conversation", "PATCH", "/api/conversations/{id}/", {"status": "closed"}),
    ("conversation", "POST", "/api/conversations/{id}/assign/", {}),
    ("conversation", "POST", "/api/conversations/{id}/transfer/", {"user_id": 1}),
    ("conversation", "POST", "/api/conversations/{id}/transfer_to_team/", {"team_id": 1}),
    ("conversation", "POST", "/api/conversations/{id}/close/", {}),
    ("conversation", "POST", "/api/conversations/{id}/reopen/", {}),
    ("message", "GET", "/api/messages/{id}/", None),
    ("message", "POST", "/api/messages/{id}/retry/", None),
    ("feedback", "GET", "/api/csat/feedbacks/{id}/", None),
    ("chat_room", "GET", "/api/internal-chat/rooms/{id}/", None),
    ("chat_room", "PATCH", "/api/internal-chat/rooms/{id}/", {"name": "Invasor"}),
    ("chat_room", "DELETE", "/api/internal-chat/rooms/{id}/", None),
    ("chat_room", "POST", "/api/internal-chat/rooms/{id}/join/", None),
    ("chat_room", "POST", "/api/internal-chat/rooms/{id}/leave/", None),
    ("chat_message", "GET", "/api/internal-chat/messages/{id}/", None),
    ("chat_message", "PATCH", "/api/internal-chat/messages/{id}/", {"content": "Invasor"}),
    ("chat_message", "DELETE", "/api/internal-chat/messages/{id}/", None),
    ("chat_message", "POST", "/api/internal-chat/messages/{id}/react/", {"emoji": "👎"}),
    ("chat_message", "GET", "/api/internal-chat/messages/{id}/file/", None),
    ("private_message", "GET", "/api/private-messages/{id}/", None),
    ("private_message", "PATCH", "/api/private-messages/{id}/", {"content": "Invasor"}),
    ("private_message", "DELETE", "/api/private-messages/{id}/", None),
    ("private_message", "POST", "/api/private-messages/{id}/react/", {"emoji": "👎"}),
    ("private_message", "GET", "/api/private-messages/{id}/file/", None),
    ("chat_participant", "GET", "/api/internal-chat/participants/{id}/", None),
    ("chat_participant", "DELETE", "/api/internal-chat/participants/{id}/", None),
    # the assistant's trial on B's conversation: A's assistant never reads it ("{id}" in a body: B's id)
    ("conversation", "POST", "/api/atendimento/ia/", {"conversation_id": "{id}", "message": "Resuma a conversa"}),
]

# (kind, list path, JSON key whose value must never be one of B's)
LISTS: list[tuple[str, str]] = [
    ("contact", "/api/contacts/"),
    ("inbox", "/api/inboxes/"),
    ("team", "/api/teams/"),
    ("user", "/api/users/"),
    ("conversation", "/api/conversations/"),
    ("feedback", "/api/csat/feedbacks/"),
    ("feedback", "/api/csat/requests/"),
    ("chat_room", "/api/internal-chat/rooms/"),
]

# Where the owner reads an object back after a probe: the kind's GET probe.
DETAIL_PATHS = {kind: path for kind, method, path, _ in reversed(PROBES) if method == "GET"}  # the first one
# What agents are refused with 403 for every id, existing or not (so the answer reveals nothing): every provedor
# endpoint, and the admin-only writes (permission before existence, DRF's order).
ADMIN_ONLY_WRITES = {"inbox", "team", "team_member"}


def _with_id(body: Any, object_id: int) -> Any:
    """`body` with every "{id}" value replaced by the object's id (a number, as a client sends it)."""
    if isinstance(body, dict):
        return {key: object_id if value == "{id}" else value for key, value in body.items()}
    return body


def refused_to_agents(kind: str, method: str) -> bool:
    return kind == "provedor" or (kind in ADMIN_ONLY_WRITES and method != "GET")


@pytest.fixture(scope="module")
def aws(module_aws: None) -> None:
    """The probes below never change B (each checks so), so the two provedores are built once per module."""


@pytest.fixture(scope="module")
def world(aws):
    a = create_provedor("Provedor A")
    b = create_provedor("Provedor B")
    for provedor, tag in ((a, "a"), (b, "b")):
        create_user(
            username=f"admin_{tag}",
            password="senha-forte-1",
            user_type=UserType.ADMIN,
            provedor_id=provedor["id"],
            email=f"admin@{tag}.example",
            first_name=f"Segredo P{provedor['id']} Admin",
        )
        create_user(username=f"agent_{tag}", password="senha-forte-2", user_type=UserType.AGENT,
                    provedor_id=provedor["id"], email=f"agent@{tag}.example",
                    first_name=f"Segredo P{provedor['id']} Agent",
                    permissions=["manage_contacts", "view_team_unassigned", "view_ai_conversations"])  # fmt: skip
    b_ids: dict[str, int] = {}
    for kind, make in MAKERS.items():
        make(a["id"], 1)
        for n in range(1, B_OBJECTS + 1):
            b_ids[kind] = make(b["id"], n)
    b = provedores.update(b["id"], {"nome": f"Provedor B Segredo P{b['id']}"})
    b_ids["provedor"] = b["id"]
    return {"a": a, "b": b, "b_ids": b_ids}


@pytest.fixture(scope="module")
def sessions(world) -> dict[str, str]:
    """A token for each of A's people and B's admin, logged in once for the module: no probe ends a session."""
    api = Api()
    return {name: login(api, name, "senha-forte-2" if name.startswith("agent") else "senha-forte-1")
            for name in ("admin_a", "agent_a", "admin_b")}  # fmt: skip


def _b_marker(world: dict[str, Any]) -> str:
    """Every object made for B carries this in its name."""
    return f"Segredo P{world['b']['id']}"


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
@pytest.mark.parametrize(("kind", "method", "path", "body"), PROBES, ids=[f"{m} {p}" for _, m, p, _ in PROBES])
def test_another_provedors_object_is_404(api, world, sessions, role, kind, method, path, body):
    token = sessions[role]
    url = path.format(id=world["b_ids"][kind])
    response = api.call(method, url, _with_id(body, world["b_ids"][kind]), token=token)
    refused = role == "agent_a" and refused_to_agents(kind, method)
    status, error = (403, "PermissionError") if refused else (404, "NotFound")
    assert response.status == status, (url, response.status, response.raw["body"])
    assert response.json["error"] == error
    assert _b_marker(world) not in response.raw["body"]
    # and nothing changed in B: its owner still reads it
    detail = api.get(DETAIL_PATHS.get(kind, path).format(id=world["b_ids"][kind]), token=sessions["admin_b"])
    assert detail.status == 200
    assert _b_marker(world) in detail.raw["body"]


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
@pytest.mark.parametrize(("kind", "path"), LISTS, ids=[p for _, p in LISTS])
def test_lists_never_include_another_provedors_items(api, world, sessions, role, kind, path):
    response = api.get(path, token=sessions[role], query={"page_size": "100"})
    assert response.status == 200, response.json
    body = json.dumps(response.json, ensure_ascii=False)
    assert _b_marker(world) not in body
    for item in response.json["results"]:
        assert item.get("provedor", item.get("provedor_id", world["a"]["id"])) == world["a"]["id"]


def test_a_search_never_finds_another_provedors_contacts(api, world):
    token = login(api, "admin_a", "senha-forte-1")
    for query in ("segredo", f"p{world['b']['id']}", "0000002"):
        results = api.get("/api/contacts/", token=token, query={"search": query}).json["results"]
        assert all(c["provedor"] == world["a"]["id"] for c in results)


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_another_provedors_user_keeps_their_password_and_sessions(api, world, role):
    victim = f"user_p{world['b']['id']}_{B_OBJECTS}"
    victim_token = login(api, victim, "senha-forte-3")
    password = "senha-forte-1" if role.startswith("admin") else "senha-forte-2"
    token = login(api, role, password)
    url = f"/api/users/{world['b_ids']['user']}/"
    assert api.post(url + "set_password/", {"password": "senha-invasora-1"}, token=token).status == 404
    assert api.call("PATCH", url, {"is_active": False}, token=token).status == 404
    assert api.get("/api/auth/me/", token=victim_token).status == 200
    assert login(api, victim, "senha-forte-3")


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_the_members_of_another_provedors_team_are_404(api, world, role):
    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    response = api.get("/api/team-members/", token=token, query={"team": str(world["b_ids"]["team"])})
    assert response.status == 404 and response.json["error"] == "NotFound"
    assert response.json == api.get("/api/team-members/", token=token, query={"team": "999"}).json
    assert _b_marker(world) not in response.raw["body"]
    for team in api.get("/api/teams/", token=token).json["results"]:
        members = api.get("/api/team-members/", token=token, query={"team": str(team["id"]), "page_size": "100"})
        assert _b_marker(world) not in members.raw["body"]
        assert all(m["provedor"] == world["a"]["id"] for m in members.json["results"])


def test_a_cannot_add_members_with_another_provedors_team_or_user(api, world):
    from niochat.store import users

    token = login(api, "admin_a", "senha-forte-1")
    a_team = api.get("/api/teams/", token=token).json["results"][0]["id"]
    a_user = users.get_by_login("agent_a")["id"]
    b_user = users.get_by_login(f"membro_p{world['b']['id']}_n1")["id"]
    b_team = world["b_ids"]["team"]
    with_b_team = api.post("/api/team-members/", {"team": b_team, "user": a_user}, token=token)
    no_team = api.post("/api/team-members/", {"team": 999, "user": a_user}, token=token)
    assert with_b_team.status == 400 and with_b_team.json == no_team.json
    assert with_b_team.json["details"]["field"] == "team"
    with_b_user = api.post("/api/team-members/", {"team": a_team, "user": b_user}, token=token)
    no_user = api.post("/api/team-members/", {"team": a_team, "user": 99_999}, token=token)
    assert with_b_user.status == 400 and with_b_user.json == no_user.json
    assert with_b_user.json["details"]["field"] == "user"
    for response in (with_b_team, with_b_user):
        assert _b_marker(world) not in response.raw["body"]
    owner = login(api, "admin_b", "senha-forte-1")
    assert api.get(f"/api/teams/{b_team}/", token=owner).json["members_count"] == 0


def _b_message(world: dict[str, Any]) -> dict[str, Any]:
    from niochat.store import messages

    return messages.get(world["b"]["id"], world["b_ids"]["message"])


# (name, request from B's message: method, path, JSON body, query)
MESSAGE_PROBES: list[tuple[str, Callable[[dict[str, Any]], tuple[str, str, Any, dict[str, str] | None]]]] = [
    ("list", lambda m: ("GET", "/api/messages/", None, {"conversation": str(m["conversation"])})),
    ("send_text", lambda m: ("POST", "/api/messages/send_text/", {"conversation_id": m["conversation"],
                                                                  "content": "Invasor"}, None)),
    ("react", lambda m: ("POST", "/api/messages/react/", {"message_id": m["id"], "reaction": "👍"}, None)),
    ("delete_message", lambda m: ("POST", "/api/messages/delete_message/", {"message_id": m["id"]}, None)),
    ("retry", lambda m: ("POST", f"/api/messages/{m['id']}/retry/", None, None)),
    ("media", lambda m: ("GET", f"/api/media/messages/{m['conversation']}/{m['id']}-segredo.pdf/", None, None)),
    ("uazapi_file", lambda m: ("GET", f"/api/uazapi/file/{m['external_id']}/", None, None)),
]  # fmt: skip


def _unknown(message: dict[str, Any]) -> dict[str, Any]:
    """The same request about ids that exist nowhere."""
    return {**message, "id": message["id"] + 7, "conversation": 99_999, "external_id": "EXTNAOEXISTE"}


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
@pytest.mark.parametrize(("name", "probe"), MESSAGE_PROBES, ids=[name for name, _ in MESSAGE_PROBES])
def test_another_provedors_messages_and_media_are_404(api, world, role, name, probe):
    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    message = _b_message(world)
    method, path, body, query = probe(message)
    response = api.call(method, path, body, token=token, query=query)
    assert response.status == 404, (path, response.status, response.raw["body"])
    assert response.json["error"] == "NotFound" and _b_marker(world) not in response.raw["body"]
    method, path, body, query = probe(_unknown(message))
    assert response.json == api.call(method, path, body, token=token, query=query).json
    owner = login(api, "admin_b", "senha-forte-1")
    after = api.get(f"/api/messages/{message['id']}/", token=owner).json
    assert after["status"] == "failed" and after["additional_attributes"] == {}
    listed = api.get("/api/messages/", token=owner, query={"conversation": str(message["conversation"])}).json
    assert listed["count"] == 1 and _b_marker(world) in listed["results"][0]["content"]
    media_path = f"/api/media/messages/{message['conversation']}/{message['id']}-segredo.pdf/"
    assert api.get(media_path, token=owner).status == 302
    assert api.get(f"/api/uazapi/file/{message['external_id']}/", token=owner).status == 302


def test_another_provedors_conversation_refuses_media_uploads(api, world):
    from tests.integration.messages_world import post_multipart

    token = login(api, "admin_a", "senha-forte-1")
    fields = {"conversation_id": str(_b_message(world)["conversation"]), "message_type": "document"}
    files = {"file": ("x.pdf", "application/pdf", b"%PDF")}
    response = post_multipart("/api/messages/send_media/", fields, files, token)
    assert response.status == 404 and response.json["error"] == "NotFound"
    listing = boto3_keys(f"media/{world['b']['id']}/{_b_message(world)['conversation']}/")
    assert listing == [_b_message(world)["media_key"]]


def boto3_keys(prefix: str) -> list[str]:
    return [item["Key"] for item in _s3().list_objects_v2(Bucket=_bucket(), Prefix=prefix).get("Contents", [])]


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_another_provedors_events_are_never_returned(api, world, role):
    """/api/events/ (the realtime event log): B's events never reach A, whatever A asks for."""
    from niochat.realtime.events import EVERYONE, Draft
    from niochat.realtime.log import EventLog

    b_id = world["b"]["id"]
    drafts = [(f"b-{n}", Draft("audit_log", b_id, {"action": _b_marker(world)}, EVERYONE)) for n in range(3)]
    EventLog().append(b_id, drafts)
    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    for query in ({"after": "0"}, {"after": "0", "provedor": str(b_id)}, {}):
        response = api.get("/api/events/", token=token, query=query)
        assert response.status == 200, response.json
        assert _b_marker(world) not in response.raw["body"]
        assert response.json["results"] == [] and response.json["last_seq"] == 0  # A's own log is empty


def test_a_webhook_is_stored_only_in_the_provedor_its_proof_names(world):
    """A's webhook secret on a delivery naming B's instance and carrying B's own token: stored in A only. B's
    token under a wrong secret: 401, and B unchanged."""
    from tests.integration.conftest import post_webhook
    from tests.integration.webhook_world import EVO_CUSTOMER, contact_by_phone, evolution, items_of_provedor
    from tests.integration.webhook_world import make_inbox as make_webhook_inbox
    from tests.integration.webhook_world import message as stored_message

    a, b = world["a"]["id"], world["b"]["id"]
    a_inbox, a_secret = make_webhook_inbox(a, provider="evolution", token=f"tok-webhook-P{a}", instance="a")
    payload = evolution("text-conversation")
    payload.update(instance="i", apikey=f"tok-P{b}-N1-0123")  # B's instance name and B's inbox token
    b_items = items_of_provedor(b)
    answer = post_webhook(payload, query={"secret": a_secret})
    assert answer.status == 200 and answer.json["status"] == "stored"
    assert stored_message(a, answer.json)["inbox_id"] == a_inbox["id"]
    assert contact_by_phone(a, EVO_CUSTOMER) is not None and contact_by_phone(b, EVO_CUSTOMER) is None
    assert post_webhook(payload, query={"secret": "segredo-errado"}).status == 401
    assert items_of_provedor(b) == b_items


def test_the_audit_log_never_shows_another_provedors_entries(api, world):
    token = login(api, "admin_a", "senha-forte-1")
    response = api.get("/api/audit-logs/", token=token, query={"page_size": "100"})
    assert response.status == 200
    assert response.json["count"] == len(response.json["results"]) > 0
    assert _b_marker(world) not in json.dumps(response.json, ensure_ascii=False)
    for query in ({"action": "conversation_created"}, {"user_id": "1"}, {"provedor": str(world["b"]["id"])}):
        assert _b_marker(world) not in json.dumps(api.get("/api/audit-logs/", token=token, query=query).json)


def test_conversation_search_never_finds_another_provedors_conversations(api, world):
    token = login(api, "admin_a", "senha-forte-1")
    for query in ("segredo", "conversa", f"p{world['b']['id']}"):
        body = api.get("/api/conversations/", token=token, query={"search": query, "status": "all"}).json
        assert all(c["provedor"] == world["a"]["id"] for c in body["results"])
        assert _b_marker(world) not in json.dumps(body, ensure_ascii=False)


def test_csat_settings_stats_and_webhook_never_cross_provedores(api, world):
    """B's CSAT settings never show to A; A's statistics and lists count A's answers only; B's webhook secret
    never answers for A's conversations, nor A's for B's."""
    from niochat.store import csat as store

    admin_b = login(api, "admin_b", "senha-forte-1")
    patched = api.call("PATCH", "/api/csat/settings/", {"survey_text": f"Olá {{nome}}, {_b_marker(world)}"},
                       token=admin_b)  # fmt: skip
    assert patched.status == 200
    b_secret = api.post("/api/csat/settings/webhook_secret/", {}, token=admin_b).json["webhook_secret"]
    admin_a = login(api, "admin_a", "senha-forte-1")
    a_secret = api.post("/api/csat/settings/webhook_secret/", {}, token=admin_a).json["webhook_secret"]
    for path in ("/api/csat/settings/", "/api/csat/feedbacks/stats/", "/api/csat/feedbacks/", "/api/csat/requests/"):
        for query in ({}, {"provedor": str(world["b"]["id"])}, {"agent": "0"}):
            response = api.get(path, token=admin_a, query=query)
            assert response.status == 200, (path, response.json)
            assert _b_marker(world) not in response.raw["body"]
    assert api.get("/api/csat/feedbacks/", token=admin_a).json["count"] == 1  # A's own one
    # ids are per provedor: B's last conversation (its last feedback's) has no namesake in A
    b_conversation = store.get_feedback(world["b"]["id"], world["b_ids"]["feedback"])["conversation_id"]
    answer = api.post("/api/csat/webhook/", {"conversation_id": b_conversation, "rating": 1},
                      query={"secret": a_secret})  # fmt: skip
    assert answer.status == 404 and answer.json["error"] == "NotFound"
    assert b_secret != a_secret and store.counters(world["b"]["id"])["fb"] == B_OBJECTS


REPORTS = ("/api/dashboard/stats/", "/api/dashboard-stats/", "/api/dashboard/response-time-hourly/",
           "/api/analysis/", "/api/test-analysis/", "/api/dashboard/settings/")  # fmt: skip


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_reports_never_show_or_reveal_another_provedors_figures(api, world, role):
    """B's day figures (a first response of 777 s by B's agent, at B's local hour), counters, agents, audit
    entries and calendar never reach A, whatever provedor A names; A's PATCH of the calendar never changes B's."""
    from niochat import clock
    from niochat.domain.reports import Fact
    from niochat.store import aggregates, calendars, users

    b_id = world["b"]["id"]
    b_agent = users.get_by_login("agent_b")["id"]
    today = calendars.calendar(b_id).day(clock.iso())
    agent = f"frt_a_{b_agent}"
    amounts = {"frt_n": 1, "frt_s": 777, "frt_bs": 777, f"{agent}_n": 1, f"{agent}_s": 777, f"{agent}_bs": 777,
               "h10_n": 1, "h10_s": 777, "h10_bs": 777, "conversations_created": 9}  # fmt: skip
    aggregates.record(b_id, Fact(f"isolation#{b_id}", today, amounts, {"h10_max": 777, "h10_bmax": 777}))  # once
    owner = login(api, "admin_b", "senha-forte-1")
    b_stats = api.get("/api/dashboard/stats/", token=owner).json
    assert b_stats["tempo_primeira_resposta_seconds"] == 777.0 and b_stats["total_conversas"] > 5
    b_calendar = api.get("/api/dashboard/settings/", token=owner).json

    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    for path in REPORTS:
        own = api.get(path, token=token)
        assert own.status == 200, (path, own.json)
        for query in ({"provedor": str(b_id)}, {"provedor": str(b_id), "days": "7"}):
            response = api.get(path, token=token, query=query)
            assert response.status == 200, (path, response.json)
            assert _b_marker(world) not in response.raw["body"] and "777" not in response.raw["body"]
            assert response.json == own.json or path.endswith("stats/")  # `days` changes the window, not the tenant
    stats = api.get("/api/dashboard/stats/", token=token, query={"provedor": str(b_id)}).json
    assert stats["total_conversas"] < b_stats["total_conversas"]
    assert all(agent["id"] != b_agent for agent in stats["atendentes"])
    if role == "admin_a":
        changed = api.call("PATCH", "/api/dashboard/settings/", {"timezone": "Asia/Tokyo", "provedor": b_id},
                           token=token)  # fmt: skip
        assert changed.status == 200 and changed.json["timezone"] == "Asia/Tokyo"  # A's own calendar
        api.call("PATCH", "/api/dashboard/settings/", {"timezone": "America/Sao_Paulo"}, token=token)
    assert api.get("/api/dashboard/settings/", token=owner).json == b_calendar


@pytest.mark.parametrize("role", ["admin_a", "agent_a"])
def test_team_chat_never_reaches_another_provedors_rooms_or_people(api, world, role):
    """B's rooms are 404 to every chat endpoint naming them; B's users are the same 400 as users that do not
    exist; A's unread counts and room list never count B's messages."""
    from niochat.store import users

    token = login(api, role, "senha-forte-1" if role.startswith("admin") else "senha-forte-2")
    b_room, b_agent = world["b_ids"]["chat_room"], users.get_by_login("agent_b")["id"]
    for method, path, body, query in [
        ("GET", "/api/internal-chat/messages/", None, {"room": str(b_room)}),
        ("GET", "/api/internal-chat/participants/", None, {"room": str(b_room)}),
        ("POST", "/api/internal-chat/messages/", {"room": b_room, "content": "Invasor"}, None),
        ("POST", "/api/internal-chat/messages/mark_read/", {"room": b_room}, None),
        ("POST", "/api/internal-chat/participants/", {"room": b_room, "user": b_agent}, None),
    ]:
        response = api.call(method, path, body, token=token, query=query)
        assert response.status == 404 and response.json["error"] == "NotFound", (path, response.json)
        assert _b_marker(world) not in response.raw["body"]
    # (method, path, body and query naming the user)
    private: list[tuple[str, str, Callable[[int], Any], Callable[[int], Any]]] = [
        ("GET", "/api/private-messages/", lambda u: None, lambda u: {"user": str(u)}),
        ("POST", "/api/private-messages/", lambda u: {"recipient": u, "content": "Oi"}, lambda u: None),
        ("POST", "/api/private-messages/mark_read/", lambda u: {"user": u}, lambda u: None),
    ]
    for method, path, body, query in private:
        b_answer = api.call(method, path, body(b_agent), token=token, query=query(b_agent))
        nobody = api.call(method, path, body(99_999), token=token, query=query(99_999))
        assert b_answer.status == 400 and b_answer.json == nobody.json, (path, b_answer.json)
    unread = ("/api/internal-chat-unread-count/", "/api/internal-chat-unread-by-user/", "/api/private-unread-counts/")
    for path in (*unread, "/api/internal-chat/rooms/"):
        body = api.get(path, token=token).raw["body"]
        assert _b_marker(world) not in body and f'"{b_agent}"' not in body


def _recovery_of(provedor_id: int, marker: str) -> None:
    """A lead and its sent attempt, counted, as the timers write them."""
    from niochat.store import recovery as store
    from niochat.store.table import table
    from niochat.store.writes import Put

    conversation_id = make_conversation(provedor_id, 300)
    attempt = {"id": 77_000_001, "conversation_id": conversation_id, "attempt_number": 1, "status": "sent",
               "message_sent": f"Olá {marker}", "sent_at": "2026-12-01T12:00:00.000000Z", "reason": marker,
               "contact_name": marker, "phone": "+5511977770000"}  # fmt: skip
    pk, sk = store.lead_key(provedor_id, conversation_id)
    lead = {"PK": pk, "SK": sk, "type": store.LEAD, "provedor_id": provedor_id, "conversation_id": conversation_id,
            "status": "attempting", "attempts": 1, "contact_name": marker, "phone": "+5511977770000",
            "last_attempt_id": attempt["id"], "last_attempt_at": attempt["sent_at"]}  # fmt: skip
    table().transact([Put("lead", lead), store.put_attempt_op(provedor_id, attempt),
                      store.counters_op(provedor_id, {"attempts": 1, "pending": 1, "leads_attempted": 1})])  # fmt: skip


def test_integrations_recovery_and_the_assistant_never_cross_provedores(api, world):
    """B's AI, SGP, channel (telegram, e-mail, webchat, WhatsApp) and recovery settings and its recovery
    statistics (its keys, tokens, password and texts) never reach A's admin or agent, whatever they name; A's
    writes naming B change only A's (or are refused); A's assistant never reads B's conversations."""
    marker, b_id = _b_marker(world), world["b"]["id"]
    admin_b = login(api, "admin_b", "senha-forte-1")
    secret_key, secret_token = "sk-b-secret-key-123456", "sgp-b-secret-token-1"
    ai_b = {"persona": marker, "api_key": secret_key, "business": {"notes": marker}}
    assert api.call("PATCH", "/api/integrations/ai/", ai_b, token=admin_b).status == 200
    sgp_b = {"url": "https://evo.example", "token": secret_token, "app": marker}  # resolves (conftest)
    assert api.call("PATCH", "/api/integrations/sgp/", sgp_b, token=admin_b).status == 200
    recovery_b = {"message": f"Olá {{nome}} {marker}", "enabled": True}
    assert api.post(f"/api/recovery/settings/{b_id}/", recovery_b, token=admin_b).status == 200
    admin_a = login(api, "admin_a", "senha-forte-1")
    bot = "987654321:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    telegram = {"bot_token": bot, "bot_username": marker.replace(" ", "_")}
    assert api.call("PATCH", "/api/integrations/telegram/", telegram, token=admin_b).status == 200
    email_password = "senha-email-de-b-12345"
    email = {"imap_host": "imap.b.example", "username": marker, "password": email_password}
    assert api.call("PATCH", "/api/integrations/email/", email, token=admin_b).status == 200
    webchat = {"welcome_message": marker, "business_hours": marker}
    assert api.call("PATCH", "/api/integrations/webchat/", webchat, token=admin_b).status == 200
    _recovery_of(b_id, marker)  # B's campaign: a lead and an attempt named with the marker, counted
    b_stats = api.get("/api/recovery/stats/", token=admin_b).json
    assert b_stats["stats"]["total_attempts"] == 1 and marker in json.dumps(b_stats, ensure_ascii=False)
    admins_only = ("/api/integrations/ai/", "/api/integrations/sgp/", "/api/recovery/settings/",
                   "/api/recovery/stats/")  # fmt: skip
    channels = tuple(f"/api/integrations/{c}/" for c in ("whatsapp", "telegram", "email", "webchat"))
    agent_a = login(api, "agent_a", "senha-forte-2")
    for token, paths in ((admin_a, admins_only + channels), (agent_a, channels)):
        for path in paths:
            for query in ({}, {"provedor": str(b_id)}):
                response = api.get(path, token=token, query=query)
                assert response.status == 200, (path, response.json)
                body = response.raw["body"]
                assert marker not in body and secret_key[-4:] not in body and secret_token[-4:] not in body
                assert marker.replace(" ", "_") not in body and bot[-4:] not in body and email_password[-4:] not in body
                assert response.json.get("provedor", world["a"]["id"]) == world["a"]["id"]
    a_stats = api.get("/api/recovery/stats/", token=admin_a).json
    assert a_stats["stats"]["total_attempts"] == 0 and a_stats["conversations"] == []
    for path in admins_only:
        assert api.get(path, token=agent_a).status == 403
    for path, body in (("/api/integrations/ai/", {"persona": "A", "provedor": b_id}),
                       ("/api/integrations/sgp/", {"app": "A", "provedor": b_id}),
                       ("/api/integrations/telegram/", {"bot_username": "A", "provedor": b_id}),
                       ("/api/integrations/email/", {"username": "A", "provedor": b_id}),
                       ("/api/integrations/webchat/", {"welcome_message": "A", "provedor": b_id})):  # fmt: skip
        changed = api.call("PATCH", path, body, token=admin_a)
        assert changed.status == 200 and changed.json["provedor"] == world["a"]["id"], (path, changed.json)
        assert api.call("PATCH", path, body, token=agent_a).status == 403
    assert api.get("/api/integrations/ai/", token=admin_b).json["persona"] == marker
    assert api.get("/api/integrations/sgp/", token=admin_b).json["app"] == marker
    assert (
        api.get("/api/integrations/telegram/", token=admin_b).json["settings"]["bot_username"]
        == telegram["bot_username"]
    )
    assert api.get("/api/integrations/email/", token=admin_b).json["settings"]["username"] == marker
    assert api.get("/api/integrations/webchat/", token=admin_b).json["settings"]["welcome_message"] == marker
    refused = api.post(f"/api/recovery/settings/{b_id}/", {"enabled": False}, token=admin_a)
    assert refused.status == 400 and api.get("/api/recovery/settings/", token=admin_b).json["enabled"] is True
    for role, password in (("admin_a", "senha-forte-1"), ("agent_a", "senha-forte-2")):
        probe = {"conversation_id": world["b_ids"]["conversation"], "message": "oi"}
        answer = api.post("/api/atendimento/ia/", probe, token=login(api, role, password))
        assert answer.status == 404 and marker not in answer.raw["body"]
