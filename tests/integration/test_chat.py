"""Team chat on moto through the chat function: rooms, participants, messages (cursors, replies, edits, soft
deletes, reactions, files), private messages, and unread counts that stay exact under concurrent posts."""

from __future__ import annotations

import threading

import pytest

from niochat.directory.users import create_user
from niochat.domain.users import UserType
from tests.integration.conftest import login


@pytest.fixture
def team(api, tenant):
    """Ana (admin), Beto and Caio (agents) of provedor A, signed in."""
    pid = tenant["provedor"]["id"]
    caio = create_user(username="agent_c", password="senha-forte-3", user_type=UserType.AGENT, provedor_id=pid,
                       email="c@a.example", first_name="Caio")  # fmt: skip
    return {
        "pid": pid,
        "ana": (tenant["admin"]["id"], login(api, "admin_a", "senha-forte-1")),
        "beto": (tenant["agent"]["id"], login(api, "agent_a", "senha-forte-2")),
        "caio": (caio["id"], login(api, "agent_c", "senha-forte-3")),
    }


def call(api, method, path, token, body=None, status=200, **query):
    response = api.call(method, path, body, token=token, query={k: str(v) for k, v in query.items()} or None)
    assert response.status == status, (method, path, response.status, response.raw["body"])
    return response.json if response.raw.get("body") else None


def room_with(api, team, *members, **fields):
    _, ana = team["ana"]
    body = {"name": "Suporte N1", "participants": [team[m][0] for m in members], **fields}
    return call(api, "POST", "/api/internal-chat/rooms/", ana, body, status=201)


def post(api, token, room, content, **extra):
    return call(api, "POST", "/api/internal-chat/messages/", token, {"room": room, "content": content, **extra}, 201)


def test_a_room_post_counts_unread_for_the_others_until_they_read(api, team):
    (beto_id, beto), (_, caio), (ana_id, ana) = team["beto"], team["caio"], team["ana"]
    room = room_with(api, team, "beto")
    assert room["participant_count"] == 2 and room["role"] == "admin" and room["room_type"] == "general"
    first = post(api, ana, room["id"], "Bom dia, time")
    assert first["sender"] == {"id": ana_id, "username": "admin_a", "first_name": "Ana"} and first["room"] == room["id"]
    assert call(api, "GET", "/api/internal-chat-unread-count/", beto) == {"total_unread": 1}
    assert call(api, "GET", "/api/internal-chat-unread-by-user/", beto) == {str(ana_id): 1}
    assert call(api, "GET", "/api/internal-chat-unread-count/", ana) == {"total_unread": 0}
    listed = call(api, "GET", "/api/internal-chat/rooms/", beto)
    assert listed["count"] == 1 and listed["results"][0]["unread_count"] == 1
    assert listed["results"][0]["last_message"]["content"] == "Bom dia, time"
    # Caio is outside: the room, its messages and participants are 404 for him
    for path, query in (("/api/internal-chat/rooms/{id}/".format(**room), {}),
                        ("/api/internal-chat/messages/", {"room": room["id"]}),
                        ("/api/internal-chat/participants/", {"room": room["id"]})):  # fmt: skip
        assert call(api, "GET", path, caio, status=404, **query)["error"] == "NotFound"
    reply = post(api, beto, room["id"], "Bom dia!", reply_to_id=first["id"])  # NioChat's name
    assert reply["reply_to"]["id"] == first["id"] and reply["reply_to"]["sender"]["id"] == ana_id
    assert call(api, "GET", "/api/internal-chat-unread-count/", beto) == {"total_unread": 0}  # posting read it
    assert call(api, "GET", "/api/internal-chat-unread-by-user/", ana) == {str(beto_id): 1}
    read = call(api, "POST", "/api/internal-chat/messages/mark_read/", ana, {"room_id": room["id"]})
    assert read["unread_count"] == 0
    assert call(api, "GET", "/api/internal-chat-unread-count/", ana) == {"total_unread": 0}
    page = call(api, "GET", "/api/internal-chat/messages/", beto, room=room["id"])
    assert [m["content"] for m in page["results"]] == ["Bom dia!", "Bom dia, time"] and page["count"] == 2
    older = call(api, "GET", "/api/internal-chat/messages/", beto, room=room["id"], before=reply["id"])
    assert [m["id"] for m in older["results"]] == [first["id"]]


def test_edits_deletes_and_reactions(api, team):
    (beto_id, beto), (_, ana) = team["beto"], team["ana"]
    room = room_with(api, team, "beto")
    message = post(api, beto, room["id"], "Reunião às 10h")
    assert call(api, "PATCH", f"/api/internal-chat/messages/{message['id']}/", ana, {"content": "x"}, 403)
    edited = call(api, "PATCH", f"/api/internal-chat/messages/{message['id']}/", beto, {"content": "Reunião às 11h"})
    assert edited["is_edited"] and edited["content"] == "Reunião às 11h"
    react = f"/api/internal-chat/messages/{message['id']}/react/"
    assert call(api, "POST", react, ana, {"emoji": "👍"})["reactions"] == [{"emoji": "👍", "users": [team["ana"][0]]}]
    both = call(api, "POST", react, beto, {"emoji": "👍"})["reactions"]
    assert both == [{"emoji": "👍", "users": [team["ana"][0], beto_id]}]
    assert call(api, "POST", react, ana, {"emoji": "👍"})["reactions"] == [{"emoji": "👍", "users": [beto_id]}]
    gone = call(api, "DELETE", f"/api/internal-chat/messages/{message['id']}/", ana)  # an admin may
    assert gone["is_deleted"] and gone["content"] == "" and gone["reactions"] == []


def test_a_private_message_is_unread_for_the_recipient_only_until_read(api, team):
    (ana_id, ana), (beto_id, beto) = team["ana"], team["beto"]
    sent = call(api, "POST", "/api/private-messages/", ana, {"recipient_id": beto_id, "content": "Oi Beto"}, 201)
    assert sent["recipient"] == beto_id
    assert call(api, "GET", "/api/private-unread-counts/", beto) == {str(ana_id): 1}
    assert call(api, "GET", "/api/private-unread-counts/", ana) == {}
    mine = call(api, "GET", "/api/private-messages/", beto, other_user_id=ana_id)
    assert [m["content"] for m in mine["results"]] == ["Oi Beto"]
    call(api, "POST", "/api/private-messages/mark_read/", beto, {"user": ana_id})
    assert call(api, "GET", "/api/private-unread-counts/", beto) == {}
    call(api, "POST", "/api/private-messages/", beto, {"recipient": ana_id, "content": "Oi Ana"}, 201)
    assert call(api, "GET", "/api/private-unread-counts/", ana) == {str(beto_id): 1}
    _, caio = team["caio"]
    assert call(api, "GET", f"/api/private-messages/{sent['id']}/", caio, status=404)["error"] == "NotFound"


def test_twenty_concurrent_posts_number_the_room_without_gaps(api, team):
    (_, beto), (ana_id, ana) = team["beto"], team["ana"]
    room = room_with(api, team, "beto")
    results: list[int] = []

    def send(n: int) -> None:
        response = api.post("/api/internal-chat/messages/", {"room": room["id"], "content": f"m{n}"}, token=ana)
        results.append(response.status)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 20
    from niochat.store import chat as store

    stored = store.get_room(team["pid"], room["id"], consistent=True)
    assert stored["seq"] == 20 and stored["sent"] == {str(ana_id): 20}
    page = call(api, "GET", "/api/internal-chat/messages/", beto, room=room["id"], page_size=100)
    from niochat.store.chat import get_message

    assert sorted(get_message(team["pid"], m["id"])["seq"] for m in page["results"]) == list(range(1, 21))
    assert call(api, "GET", "/api/internal-chat-unread-count/", beto) == {"total_unread": 20}


def test_a_team_room_follows_its_team(api, team):
    from tests.integration.realtime.kit import StreamTap

    (ana_id, ana), (beto_id, beto), (caio_id, caio) = team["ana"], team["beto"], team["caio"]
    squad = call(api, "POST", "/api/teams/", ana, {"name": "N2"}, status=201)
    call(api, "POST", "/api/team-members/", ana, {"team": squad["id"], "user": beto_id}, status=201)
    tap = StreamTap()
    room = room_with(api, team, room_type="team", team_id=squad["id"])
    assert room["participant_count"] == 2  # Ana (who created it) and Beto (the team)
    assert call(api, "GET", "/api/internal-chat/rooms/", beto)["count"] == 1
    membership = call(api, "POST", "/api/team-members/", ana, {"team": squad["id"], "user": caio_id}, status=201)
    tap.drain()
    tap.drain()  # re-delivered: nothing changes
    people = call(api, "GET", "/api/internal-chat/participants/", caio, room=room["id"])
    assert sorted(p["user"]["id"] for p in people["results"]) == sorted([ana_id, beto_id, caio_id])
    call(api, "DELETE", f"/api/team-members/{membership['id']}/", ana, status=204)
    tap.drain()
    assert call(api, "GET", f"/api/internal-chat/rooms/{room['id']}/", caio, status=404)
    assert call(api, "GET", f"/api/internal-chat/rooms/{room['id']}/", ana)["participant_count"] == 2
    # A team room needs a team of the provedor; joining it is by team only
    assert call(api, "POST", "/api/internal-chat/rooms/", ana, {"name": "X", "room_type": "team", "team": 999},
                status=400)["details"]["field"] == "team"  # fmt: skip
    assert call(api, "POST", f"/api/internal-chat/rooms/{room['id']}/join/", caio, status=404)


def test_public_rooms_are_joined_and_left_and_managed_by_their_admins(api, team):
    (_, beto), (caio_id, caio) = team["beto"], team["caio"]
    room = call(api, "POST", "/api/internal-chat/rooms/", beto, {"name": "Vendas", "room_type": "sales"}, status=201)
    joined = call(api, "POST", f"/api/internal-chat/rooms/{room['id']}/join/", caio, status=201)
    assert joined["user"]["id"] == caio_id and joined["role"] == "member"
    assert call(api, "POST", f"/api/internal-chat/rooms/{room['id']}/join/", caio, status=409)
    assert call(api, "PATCH", f"/api/internal-chat/rooms/{room['id']}/", caio, {"name": "Minha"}, status=403)
    renamed = call(api, "PATCH", f"/api/internal-chat/rooms/{room['id']}/", beto, {"name": "Vendas B2B"})
    assert renamed["name"] == "Vendas B2B"
    call(api, "POST", f"/api/internal-chat/rooms/{room['id']}/leave/", caio, status=204)
    assert call(api, "GET", "/api/internal-chat/rooms/", caio)["count"] == 0
    private_room = call(api, "POST", "/api/internal-chat/rooms/", beto, {"name": "Só nós", "room_type": "private"},
                        status=201)  # fmt: skip
    assert call(api, "POST", f"/api/internal-chat/rooms/{private_room['id']}/join/", caio, status=404)
    added = call(api, "POST", "/api/internal-chat/participants/", beto, {"room_id": private_room["id"],
                                                                         "user_id": caio_id}, status=201)  # fmt: skip
    by_caio = {"room": private_room["id"], "user": team["ana"][0]}
    assert call(api, "POST", "/api/internal-chat/participants/", caio, by_caio, status=403)
    call(api, "DELETE", f"/api/internal-chat/participants/{added['id']}/", beto, status=204)
    call(api, "DELETE", f"/api/internal-chat/rooms/{room['id']}/", beto, status=204)
    assert call(api, "GET", f"/api/internal-chat/rooms/{room['id']}/", beto, status=404)
    assert call(api, "GET", "/api/internal-chat/rooms/", team["ana"][1], all="true")["count"] == 1
    assert call(api, "GET", "/api/internal-chat/rooms/", beto, all="true", status=403)


def test_a_file_in_a_room_is_served_to_its_participants_only_and_goes_with_its_message(api, team):
    from niochat.settings import get_settings
    from niochat.store import clients
    from tests.integration.messages_world import post_multipart

    (_, ana), (_, beto), (_, caio) = team["ana"], team["beto"], team["caio"]
    room = room_with(api, team, "beto")
    upload = {"file": ("escala março.pdf", "application/pdf", b"%PDF-1.4 escala")}
    fields = {"room_id": str(room["id"]), "content": "a escala"}
    sent = post_multipart("/api/internal-chat/messages/", fields, upload, beto, "chat")
    assert sent.status == 201, sent.json
    shown = sent.json
    assert shown["message_type"] == "file" and shown["file_name"] == "escala_marco.pdf" and shown["file_size"] == 15
    assert shown["file_url"].endswith(f"/api/internal-chat/messages/{shown['id']}/file/")
    link = api.get(f"/api/internal-chat/messages/{shown['id']}/file/", token=ana)
    assert link.status == 302 and "escala_marco.pdf" in link.headers["location"]
    assert api.get(f"/api/internal-chat/messages/{shown['id']}/file/", token=caio).status == 404
    bucket = get_settings().media_bucket
    prefix = f"chat/{team['pid']}/room-{room['id']}/"
    assert len(clients.s3().list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])) == 1
    call(api, "DELETE", f"/api/internal-chat/messages/{shown['id']}/", beto)
    assert clients.s3().list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", []) == []
    assert api.get(f"/api/internal-chat/messages/{shown['id']}/file/", token=ana).status == 404
    empty = post_multipart("/api/internal-chat/messages/", {"room": str(room["id"])}, {}, beto, "chat")
    assert empty.status == 400 and empty.json["details"]["field"] == "file"


def test_a_deleted_rooms_messages_and_files_are_purged_by_the_timers(api, team, monkeypatch):
    from niochat.chat import rooms
    from niochat.settings import get_settings
    from niochat.store import chat as store
    from niochat.store import clients
    from niochat.store.table import table
    from niochat.timers import sweep
    from tests.integration.messages_world import post_multipart

    (_, beto), (_, ana) = team["beto"], team["ana"]
    room = room_with(api, team, "beto")
    for n in range(4):
        post(api, beto, room["id"], f"m{n}")
    upload = {"file": ("nota.pdf", "application/pdf", b"%PDF nota")}
    assert post_multipart("/api/internal-chat/messages/", {"room": str(room["id"])}, upload, beto, "chat").status == 201
    monkeypatch.setattr(rooms, "PURGE_BATCH", 2)  # three runs for five messages
    call(api, "DELETE", f"/api/internal-chat/rooms/{room['id']}/", ana, status=204)
    for _ in range(5):
        sweep.sweep()
    assert table().query(store.room_messages_pk(team["pid"], room["id"])).items == []
    prefix = f"chat/{team['pid']}/room-{room['id']}/"
    assert clients.s3().list_objects_v2(Bucket=get_settings().media_bucket, Prefix=prefix).get("Contents", []) == []
