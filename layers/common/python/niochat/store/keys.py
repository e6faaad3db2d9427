"""Key builders for the table's global items, for a provedor's own items and for a few tenant indexes
(docs/data-model.md lists every pattern). Most tenant keys are built by their store module instead.

- `tenant(p)` is `P#<p>`, the start of every tenant partition key; `pad` zero-pads an id for a sort key.
- Global items (no `P#` prefix): users and their lists, the username and email pointers, tokens and their
  lists, login budgets, WebSocket connections and their lists, the inboxes' webhook-secret and provider-token
  pointers, the global id sequences. Those that belong to a provedor carry `provedor_id` as an attribute, which
  the store checks against the caller's scope before returning anything (a login pointer carries only its
  `user_id`; the budget of an unknown login name or of an address belongs to no provedor).
- A provedor's: its item and the provedores list, its id sequences, its counters, its team names and the
  team/user membership indexes, its realtime event log.
Everything else under `P#<p>` (a Collection's items, the contacts' phone and name indexes, the conversation
lists, messages, audit, CSAT, team chat, aggregates, timers) and the platform's counters are keyed in their own
store module, from `tenant`.
"""

from __future__ import annotations


def pad(number: int) -> str:
    return f"{number:012d}"


def tenant(provedor_id: int) -> str:
    return f"P#{provedor_id}"


# provedores
def provedor(provedor_id: int) -> tuple[str, str]:
    return tenant(provedor_id), "PROVEDOR"


PROVEDORES_GSI1PK = "PROVEDORES"


# id sequences and counters
def global_sequence(kind: str) -> tuple[str, str]:
    return "SEQ", kind


def tenant_sequences(provedor_id: int) -> tuple[str, str]:
    """One item per provedor holding the last id of each kind as an attribute."""
    return tenant(provedor_id), "SEQ"


def counters(provedor_id: int) -> tuple[str, str]:
    return tenant(provedor_id), "COUNTERS"


# users
def user(user_id: int) -> tuple[str, str]:
    return f"USER#{user_id}", "USER"


def users_of(provedor_id: int | None) -> str:
    return f"{tenant(provedor_id)}#USERS" if provedor_id is not None else "PLATFORM#USERS"


# GSI2 partition listing every user of the platform (superadmin's unfiltered list), by zero-padded id.
ALL_USERS_GSI2PK = "USERS"


def username(name: str) -> tuple[str, str]:
    return f"USERNAME#{name.strip().lower()}", "USERNAME"


def email(address: str) -> tuple[str, str]:
    return f"EMAIL#{address.strip().lower()}", "EMAIL"


# tokens
def token(token_hash: str) -> tuple[str, str]:
    return f"TOKEN#{token_hash}", "TOKEN"


def tokens_of_user(user_id: int) -> str:
    return f"USER#{user_id}#TOKENS"


def tokens_of_provedor(provedor_id: int | None) -> str:
    return f"{tenant(provedor_id)}#TOKENS" if provedor_id is not None else "PLATFORM#TOKENS"


# login budgets (niochat.store.login_failures): global items, like the users they protect
def login_budget_of_user(user_id: int) -> tuple[str, str]:
    """An account's budget, beside its user item: one whichever name (username or email) it is logged in by."""
    return f"USER#{user_id}", "LOGINBUDGET"


def login_budget_of_name(login: str) -> tuple[str, str]:
    """The budget of a login name that is no account's (its answers must look like an account's)."""
    return f"LOGINNAME#{login.strip().lower()}", "LOGINBUDGET"


def login_budget_of_ip(source: str, window_start: int) -> tuple[str, str]:
    """A source address's failed logins in one fixed window (`source`: an IPv4 address or an IPv6 /64)."""
    return f"LOGINIP#{source}", f"W#{window_start}"


# WebSocket connections
def connection(connection_id: str) -> tuple[str, str]:
    return f"WSCONN#{connection_id}", "WSCONN"


def connections_of_provedor(provedor_id: int | None) -> str:
    return f"{tenant(provedor_id)}#WSCONNS" if provedor_id is not None else "PLATFORM#WSCONNS"


def connections_of_user(user_id: int) -> str:
    return f"USER#{user_id}#WSCONNS"


# inboxes: global pointers that authenticate a webhook delivery with one GetItem (hashes: sha256 hex)
def webhook_secret(secret_hash: str) -> tuple[str, str]:
    return f"WEBHOOKSECRET#{secret_hash}", "WEBHOOKSECRET"


def provider_token(token_hash: str) -> tuple[str, str]:
    return f"PROVIDERTOKEN#{token_hash}", "PROVIDERTOKEN"


# teams: unique names per provedor, members of a team (GSI1) and teams of a user (GSI2)
def team_name(provedor_id: int, folded_name: str) -> tuple[str, str]:
    return f"{tenant(provedor_id)}#TEAMNAME", folded_name


def members_of_team(provedor_id: int, team_id: int) -> str:
    return f"{tenant(provedor_id)}#TEAM#{team_id}#MEMBERS"


def teams_of_user(provedor_id: int, user_id: int) -> str:
    return f"{tenant(provedor_id)}#USER#{user_id}#TEAMS"


# realtime event log (niochat.store.events): the sequence, the log, and the ids already logged
def event_sequence(provedor_id: int) -> tuple[str, str]:
    return tenant(provedor_id), "EVENTSEQ"


def event_log(provedor_id: int) -> str:
    return f"{tenant(provedor_id)}#EVENTS"


def event_ids(provedor_id: int) -> str:
    return f"{tenant(provedor_id)}#EVENTIDS"
