"""Team and team-member use cases inside one provedor.

Admins (and superadmins) write; agents read their provedor's teams and members. For another provedor's team
or membership every caller gets the same 404 (existence is checked before permission), and naming another
provedor's team or user in a body is the same 400 as naming one that does not exist.
"""

from __future__ import annotations

from typing import Any

from niochat import clock
from niochat.domain.users import Principal
from niochat.errors import ApiError, Conflict, NotFound, PermissionDenied, ValidationError
from niochat.store import teams as store
from niochat.store import users as user_store
from niochat.store.pages import Partition
from niochat.store.table import Item, is_conditional_failure
from niochat.teams.models import MemberCreate, TeamCreate, TeamPatch, TeamReplace
from niochat.tenancy import INVALID_PROVEDOR

NOT_FOUND = "Equipe não encontrada"
MEMBER_NOT_FOUND = "Membro não encontrado"
DUPLICATE_NAME = "Já existe uma equipe com este nome"
INVALID_TEAM = "Equipe inválida"
INVALID_USER = "Usuário inválido"
ALREADY_MEMBER = "Este usuário já é membro da equipe"
CHANGED = "A equipe foi alterada por outra requisição. Recarregue e tente novamente"
# Deleting a team is one transaction: the team, its name, the counters, and one operation per member.
MAX_MEMBERS_ON_DELETE = store.MAX_TRANSACTION_ITEMS - 3
TEAM_FIELDS = ("id", "name", "description", "provedor", "is_active", "members_count", "created_at", "updated_at")
USER_FIELDS = ("id", "username", "first_name", "last_name", "email", "user_type", "is_active")


def public(team: Item) -> dict[str, Any]:
    data = {name: team.get(name) for name in TEAM_FIELDS}
    data["provedor"] = team["provedor_id"]
    data["description"] = team.get("description") or ""
    data["is_active"] = bool(team.get("is_active", True))
    data["members_count"] = int(team.get("members_count") or 0)
    return data


def public_list(items: list[Item]) -> list[dict[str, Any]]:
    return [public(item) for item in items]


def _require_admin(caller: Principal) -> None:
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem gerenciar equipes")


def get(provedor_id: int, team_id: int, consistent: bool = False) -> Item:
    team = store.teams.get(provedor_id, team_id, consistent=consistent)
    if team is None:
        raise NotFound(NOT_FOUND)
    return team


def _duplicate_name() -> ValidationError:
    return ValidationError.field("name", DUPLICATE_NAME, DUPLICATE_NAME)


def create(caller: Principal, provedor_id: int, data: TeamCreate) -> Item:
    _require_admin(caller)
    now = clock.iso()
    team = {
        "id": store.teams.new_id(provedor_id),
        "name": data.name,
        "description": data.description or "",
        "is_active": data.is_active,
        "created_at": now,
        "updated_at": now,
    }
    try:
        return store.create_team(provedor_id, team)
    except Exception as error:
        if is_conditional_failure(error) and store.owner_of_name(provedor_id, data.name) is not None:
            raise _duplicate_name() from None
        raise


def _failure(provedor_id: int, team_id: int, not_found: ApiError) -> ApiError:
    if store.teams.get(provedor_id, team_id, consistent=True) is None:
        return not_found
    return Conflict(CHANGED)


def update(caller: Principal, provedor_id: int, team_id: int, data: TeamReplace | TeamPatch) -> Item:
    old = get(provedor_id, team_id)  # existence before permission: the same 404 for everyone
    _require_admin(caller)
    if data.provedor is not None and data.provedor != provedor_id:
        raise ValidationError.field("provedor", INVALID_PROVEDOR)
    partial = isinstance(data, TeamPatch)
    changes = data.model_dump(exclude={"provedor"}, exclude_unset=partial)
    if partial:
        changes = {k: v for k, v in changes.items() if not (k in ("name", "is_active") and v is None)}
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    changes["updated_at"] = clock.iso()
    try:
        store.update_team(provedor_id, old, changes)
    except Exception as error:
        if not is_conditional_failure(error):
            raise
        new_name = changes.get("name", old["name"])
        renamed = store.fold_name(new_name) != store.fold_name(old["name"])
        if renamed and store.owner_of_name(provedor_id, new_name) not in (None, team_id):
            raise _duplicate_name() from None
        raise _failure(provedor_id, team_id, NotFound(NOT_FOUND)) from None
    return {**old, **changes, "version": int(old.get("version") or 0) + 1}


def delete(caller: Principal, provedor_id: int, team_id: int) -> None:
    """Deletes the team with its memberships in one transaction. A team with more members than one
    transaction can hold is refused (409): its members must be removed first."""
    team = get(provedor_id, team_id, consistent=True)
    _require_admin(caller)
    if len(team.get("members") or {}) > MAX_MEMBERS_ON_DELETE:
        raise Conflict(
            f"A equipe tem mais de {MAX_MEMBERS_ON_DELETE} membros. Remova membros antes de excluí-la",
            {"members_count": int(team.get("members_count") or 0), "max_members": MAX_MEMBERS_ON_DELETE},
        )
    try:
        store.delete_team(provedor_id, team)
    except Exception as error:
        if is_conditional_failure(error):
            raise _failure(provedor_id, team_id, NotFound(NOT_FOUND)) from None
        raise


def partition(provedor_id: int) -> Partition:
    """Every team of the provedor, newest first."""
    return store.teams.partition(provedor_id)


def count(provedor_id: int) -> int:
    return store.teams.count(provedor_id)


# -- members -----------------------------------------------------------------------------------------------
def _user_summary(user: Item | None) -> dict[str, Any] | None:
    return {name: user.get(name) for name in USER_FIELDS} if user else None


def member_public(membership: Item, user: Item | None) -> dict[str, Any]:
    return {
        "id": membership["id"],
        "team": membership["team_id"],
        "user": _user_summary(user),
        "role": membership["role"],
        "joined_at": membership.get("joined_at"),
        "provedor": membership["provedor_id"],
    }


def members_public(memberships: list[Item]) -> list[dict[str, Any]]:
    """A page of memberships with their users (one BatchGetItem for the page)."""
    found = store.users([int(m["user_id"]) for m in memberships]) if memberships else {}
    return [member_public(m, found.get(int(m["user_id"]))) for m in memberships]


def get_member(provedor_id: int, member_id: int) -> Item:
    membership = store.members.get(provedor_id, member_id)
    if membership is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return membership


def member_with_user(membership: Item) -> dict[str, Any]:
    return member_public(membership, user_store.get(int(membership["user_id"])))


def _valid_user(provedor_id: int, user_id: int) -> bool:
    user = user_store.get(user_id)
    return bool(user and user.get("provedor_id") == provedor_id and user.get("is_active", True))


def _member_error(provedor_id: int, data: MemberCreate) -> ApiError | None:
    """Why `data.user` cannot join `data.team` (None when it can). A team or user of another provedor reads
    exactly like one that does not exist."""
    team = store.teams.get(provedor_id, data.team, consistent=True)
    if team is None:
        return ValidationError.field("team", INVALID_TEAM)
    if not _valid_user(provedor_id, data.user):
        return ValidationError.field("user", INVALID_USER)
    if str(data.user) in (team.get("members") or {}):
        return ValidationError.field("user", ALREADY_MEMBER, ALREADY_MEMBER)
    return None


def add_member(caller: Principal, provedor_id: int, data: MemberCreate) -> dict[str, Any]:
    _require_admin(caller)
    error = _member_error(provedor_id, data)
    if error:
        raise error
    membership = {
        "id": store.members.new_id(provedor_id),
        "team_id": data.team,
        "user_id": data.user,
        "role": data.role,
        "joined_at": clock.iso(),
    }
    try:
        created = store.add_member(provedor_id, membership)
    except Exception as failure:
        if is_conditional_failure(failure):  # the team, the user or the membership changed meanwhile
            raise (_member_error(provedor_id, data) or Conflict(CHANGED)) from None
        raise
    return member_with_user(created)


def remove_member(caller: Principal, provedor_id: int, member_id: int) -> None:
    membership = get_member(provedor_id, member_id)
    _require_admin(caller)
    try:
        store.remove_member(provedor_id, membership)
    except Exception as error:
        if is_conditional_failure(error):
            raise NotFound(MEMBER_NOT_FOUND) from None
        raise


def members_listing(provedor_id: int, team_id: int) -> tuple[Partition, int]:
    """The team's members (newest first) and how many there are; 404 for a team not in this provedor."""
    team = get(provedor_id, team_id, consistent=True)
    return store.members_partition(provedor_id, team_id), int(team.get("members_count") or 0)


def teams_of_user(provedor_id: int, user_id: int) -> list[int]:
    """Ids of the teams `user_id` belongs to in this provedor (one Query on GSI2)."""
    return store.team_ids_of_user(provedor_id, user_id)
