"""The team-rooms listener: a `team` room follows its team — a member added to the team joins the team's
rooms, a member removed leaves them. Idempotent: joining a room one is in, or leaving one one is not in, does
nothing, so re-delivered records change nothing."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from niochat.chat import rooms
from niochat.domain import chat
from niochat.errors import Conflict, NotFound, ValidationError
from niochat.reactions.change import Change
from niochat.reactions.pipeline import Batch
from niochat.store import chat as store

logger = Logger(child=True)


class TeamRoomsListener:
    name = "team_rooms"
    kinds = frozenset({"team_member"})

    def prepare(self, batch: Batch) -> None:
        return None  # membership changes are rare; each reads its team's rooms

    def handle(self, change: Change, batch: Batch) -> None:
        membership = change.new or change.old
        if membership is None or change.provedor_id is None or (change.new is not None and change.old is not None):
            return
        provedor_id, user_id = change.provedor_id, int(membership["user_id"])
        for room in store.rooms_of_team(provedor_id, int(membership["team_id"])):
            if change.new is not None and not chat.is_participant(room, user_id):
                try:
                    rooms.add(provedor_id, room, user_id, chat.MEMBER)
                except (Conflict, NotFound, ValidationError) as refused:  # already in, room gone or full, user gone
                    logger.info("team member not added to a team room", extra={"room": room["id"],
                                                                               "reason": refused.message})  # fmt: skip
            elif change.new is None and chat.is_participant(room, user_id):
                participant = store.get_participant(provedor_id, int(room["id"]), user_id)
                if participant is not None:
                    try:
                        rooms.remove(provedor_id, participant)
                    except NotFound:
                        continue  # left meanwhile
