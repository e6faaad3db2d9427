"""Team and team-member use cases inside one provedor.

Admins (and superadmins) write; agents read their provedor's teams and members, and get 403 on every write
whatever the id or the body (permission before existence and validation, DRF's order). For another provedor's
team or membership an admin gets the same 404 as for a missing one, and naming another provedor's team or user
in a body is the same 400 as naming one that does not exist.
"""

from __future__ import annotations

from typing import cast

from niochat import clock
from niochat.domain.teams import Membership, Team, new_membership, new_team
from niochat.domain.users import Principal
from niochat.errors import ApiError, Conflict, NotFound, PermissionDenied, ValidationError
from niochat.store import teams as store
from niochat.store import users as user_store
from niochat.store.pages import Partition
from niochat.store.writes import WriteError
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


def require_writer(caller: Principal) -> None:
    """Writing teams and memberships: admins only, whatever the id or the body (DRF's order)."""
    if not caller.is_admin:
        raise PermissionDenied("Apenas administradores podem gerenciar equipes")


def get(provedor_id: int, team_id: int, consistent: bool = False) -> Team:
    team = store.teams.get(provedor_id, team_id, consistent=consistent)
    if team is None:
        raise NotFound(NOT_FOUND)
    return team


def _duplicate_name() -> ValidationError:
    return ValidationError.field("name", DUPLICATE_NAME, DUPLICATE_NAME)


def create(caller: Principal, provedor_id: int, data: TeamCreate) -> Team:
    require_writer(caller)
    team = new_team(
        store.teams.new_id(provedor_id),
        provedor_id,
        name=data.name,
        description=data.description,
        is_active=data.is_active,
        now=clock.iso(),
    )
    try:
        store.create_team(provedor_id, team)
    except WriteError:
        if store.owner_of_name(provedor_id, data.name) is not None:
            raise _duplicate_name() from None
        raise
    return team


def _failure(provedor_id: int, team_id: int, not_found: ApiError) -> ApiError:
    if store.teams.get(provedor_id, team_id, consistent=True) is None:
        return not_found
    return Conflict(CHANGED)


def update(caller: Principal, provedor_id: int, team_id: int, data: TeamReplace | TeamPatch) -> Team:
    require_writer(caller)
    old = get(provedor_id, team_id)
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
    except WriteError:
        new_name = changes.get("name", old["name"])
        renamed = store.fold_name(new_name) != store.fold_name(old["name"])
        if renamed and store.owner_of_name(provedor_id, new_name) not in (None, team_id):
            raise _duplicate_name() from None
        raise _failure(provedor_id, team_id, NotFound(NOT_FOUND)) from None
    return cast(Team, {**old, **changes, "version": int(old.get("version") or 0) + 1})


def delete(caller: Principal, provedor_id: int, team_id: int) -> None:
    """Deletes the team with its memberships in one transaction. A team with more members than one
    transaction can hold is refused (409): its members must be removed first."""
    require_writer(caller)
    team = get(provedor_id, team_id, consistent=True)
    if len(team.get("members") or {}) > MAX_MEMBERS_ON_DELETE:
        raise Conflict(
            f"A equipe tem mais de {MAX_MEMBERS_ON_DELETE} membros. Remova membros antes de excluí-la",
            {"members_count": int(team.get("members_count") or 0), "max_members": MAX_MEMBERS_ON_DELETE},
        )
    try:
        store.delete_team(provedor_id, team)
    except WriteError:
        raise _failure(provedor_id, team_id, NotFound(NOT_FOUND)) from None


def partition(provedor_id: int) -> Partition:
    """Every team of the provedor, newest first."""
    return store.teams.partition(provedor_id)


def count(provedor_id: int) -> int:
    return store.teams.count(provedor_id)


# -- members -----------------------------------------------------------------------------------------------
def get_member(provedor_id: int, member_id: int) -> Membership:
    membership = store.members.get(provedor_id, member_id)
    if membership is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return membership


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


def add_member(caller: Principal, provedor_id: int, data: MemberCreate) -> Membership:
    require_writer(caller)
    error = _member_error(provedor_id, data)
    if error:
        raise error
    membership = new_membership(
        store.members.new_id(provedor_id),
        provedor_id,
        team_id=data.team,
        user_id=data.user,
        role=data.role,
        now=clock.iso(),
    )
    try:
        store.add_member(provedor_id, membership)
    except WriteError:  # the team, the user or the membership changed meanwhile
        raise (_member_error(provedor_id, data) or Conflict(CHANGED)) from None
    return membership


def remove_member(caller: Principal, provedor_id: int, member_id: int) -> None:
    require_writer(caller)
    membership = get_member(provedor_id, member_id)
    try:
        store.remove_member(provedor_id, membership)
    except WriteError:  # removed meanwhile
        raise NotFound(MEMBER_NOT_FOUND) from None


def members_listing(provedor_id: int, team_id: int) -> tuple[Partition, int]:
    """The team's members (newest first) and how many there are; 404 for a team not in this provedor."""
    team = get(provedor_id, team_id, consistent=True)
    return store.members_partition(provedor_id, team_id), int(team.get("members_count") or 0)


def teams_of_user(provedor_id: int, user_id: int) -> list[int]:
    """Ids of the teams `user_id` belongs to in this provedor (one Query on GSI2)."""
    return store.team_ids_of_user(provedor_id, user_id)
