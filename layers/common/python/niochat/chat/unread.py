"""Unread counts: arithmetic on the caller's participations, their rooms and their private sides (one Query
and one BatchGetItem for rooms, one Query for private messages), never a count of messages."""

from __future__ import annotations

from collections import Counter
from typing import Any

from niochat.domain import chat
from niochat.store import chat as store


def _rooms_and_readers(provedor_id: int, user_id: int) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    readers = store.all_memberships(provedor_id, user_id)
    rooms = store.rooms(provedor_id, [int(p["room_id"]) for p in readers]) if readers else {}
    return [(dict(rooms[int(p["room_id"])]), dict(p)) for p in readers if int(p["room_id"]) in rooms]


def rooms(provedor_id: int, user_id: int) -> tuple[int, dict[str, int]]:
    """Unread room messages in total, and by sender (id as text)."""
    pairs = _rooms_and_readers(provedor_id, user_id)
    by_sender: Counter[str] = Counter()
    for room, reader in pairs:
        by_sender.update(chat.unread_by_sender(room, reader))
    total = sum(chat.unread(room, reader) for room, reader in pairs)
    return total, dict(sorted(by_sender.items(), key=lambda kv: int(kv[0])))


def private_by_sender(provedor_id: int, user_id: int) -> dict[str, int]:
    counts = {str(side["other_id"]): int(side.get("received") or 0) - int(side.get("read") or 0)
              for side in store.sides(provedor_id, user_id)}  # fmt: skip
    return {sender: n for sender, n in sorted(counts.items(), key=lambda kv: int(kv[0])) if n > 0}


def summary(provedor_id: int, user_id: int) -> dict[str, Any]:
    """`unread_count_update`'s data: rooms' total and by sender, and private messages by sender."""
    total, by_sender = rooms(provedor_id, user_id)
    return {"total_unread": total, "unread_by_user": by_sender, "private": private_by_sender(provedor_id, user_id)}
