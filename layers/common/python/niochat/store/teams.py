"""Teams and their members.

- team `P#<p>#TEAM` / `<id>` (a Collection item). Besides its fields it carries `members_count` and
  `members`, a map user id → membership id: the map makes "this user is already a member" a condition on the
  team item (no extra uniqueness item), and lets a team's deletion find every membership with one consistent
  read. `version` guards renames and deletion against concurrent changes;
- team name `P#<p>#TEAMNAME` / `<case-folded name>` → {team_id}: unique names per provedor;
- membership `P#<p>#TEAM_MEMBER` / `<id>` (a Collection item) with GSI1 `P#<p>#TEAM#<team>#MEMBERS` /
  `<id>` (a team's members, one Query per page) and GSI2 `P#<p>#USER#<user>#TEAMS` / `<team>` (a user's
  teams, for conversation visibility).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from niochat.domain.teams import Membership, Team
from niochat.store import counters, keys
from niochat.store.collection import Collection
from niochat.store.pages import Partition
from niochat.store.table import Item, table
from niochat.store.writes import Check, Delete, Operation, Put, Update, field

teams: Collection[Team] = Collection("team")
members: Collection[Membership] = Collection("team_member")

# DynamoDB's TransactWriteItems limit (moto allows only 25). Deleting a team takes 3 operations plus one per
# member.
MAX_TRANSACTION_ITEMS = 100


def fold_name(name: str) -> str:
    return " ".join(name.casefold().split())


def name_put(provedor_id: int, name: str, team_id: int) -> Put:
    pk, sk = keys.team_name(provedor_id, fold_name(name))
    return Put("name", {"PK": pk, "SK": sk, "type": "team_name", "team_id": team_id}).when_absent()


def name_delete(provedor_id: int, name: str, label: str = "name") -> Delete:
    return Delete(label, *keys.team_name(provedor_id, fold_name(name)))


def owner_of_name(provedor_id: int, name: str) -> int | None:
    item = table().get(*keys.team_name(provedor_id, fold_name(name)), consistent=True)
    return int(item["team_id"]) if item else None


def create_team(provedor_id: int, team: Mapping[str, Any]) -> Item:
    item = {**team, "members": {}, "members_count": 0, "version": 1}
    return teams.create(provedor_id, item, [name_put(provedor_id, team["name"], team["id"])])


def update_team(provedor_id: int, old: Mapping[str, Any], changes: Item) -> None:
    version = int(old.get("version") or 0)
    operations: list[Operation] = [teams.update_op(provedor_id, old["id"], changes).expect_version(version)]
    new_name = changes.get("name", old["name"])
    if fold_name(new_name) != fold_name(old["name"]):
        operations += [name_delete(provedor_id, old["name"], "old_name"), name_put(provedor_id, new_name, old["id"])]
    table().transact(operations)


def delete_team(provedor_id: int, team: Mapping[str, Any]) -> None:
    """The team, its name and every membership, atomically. The version condition guarantees that the
    memberships deleted are exactly the team's (a member added meanwhile fails the transaction)."""
    member_ids = [int(m) for m in (team.get("members") or {}).values()]
    operations = [
        teams.delete_op(provedor_id, team["id"]).expect_version(int(team.get("version") or 0)),
        name_delete(provedor_id, team["name"]),
        counters.add_many_op(provedor_id, {teams.kind: -1, members.kind: -len(member_ids)}),
    ]
    operations += [Delete(f"member {member_id}", *members.key(provedor_id, member_id)) for member_id in member_ids]
    table().transact(operations)


def add_member(provedor_id: int, membership: Mapping[str, Any]) -> Item:
    """The membership, the team's map and count, atomically; fails (ConditionFailed on "team" or "user") when
    the team is gone, the user is already a member, or the user is not an active user of this provedor."""
    team_id, user_id = membership["team_id"], membership["user_id"]
    item = {
        **membership,
        "GSI1PK": keys.members_of_team(provedor_id, team_id),
        "GSI1SK": keys.pad(membership["id"]),
        "GSI2PK": keys.teams_of_user(provedor_id, user_id),
        "GSI2SK": keys.pad(team_id),
    }
    slot = f"members.{user_id}"
    team_update = (
        Update("team", *teams.key(provedor_id, team_id))
        .set(slot, membership["id"])
        .add("members_count", 1)
        .add("version", 1)
        .when_exists()
        .when(field(slot).not_exists())
    )
    user_check = Check("user", *keys.user(user_id)).when(
        field("provedor_id").eq(provedor_id), field("is_active").eq(True)
    )
    return members.create(provedor_id, item, [team_update, user_check])


def remove_member(provedor_id: int, membership: Mapping[str, Any]) -> None:
    slot = f"members.{membership['user_id']}"
    team_update = (
        Update("team", *teams.key(provedor_id, membership["team_id"]))
        .remove(slot)
        .add("members_count", -1)
        .add("version", 1)
        .when(field(slot).eq(membership["id"]))
    )
    members.delete(provedor_id, membership["id"], [team_update])


def members_partition(provedor_id: int, team_id: int) -> Partition:
    """A team's members, newest first (GSI1)."""
    return Partition(keys.members_of_team(provedor_id, team_id), index_name="GSI1", forward=False)


def team_ids_of_user(provedor_id: int, user_id: int) -> list[int]:
    items = table().query_all(keys.teams_of_user(provedor_id, user_id), index="GSI2")
    return [int(item["team_id"]) for item in items]
