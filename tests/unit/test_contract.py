"""The API contract (infra/contract): valid OpenAPI 3.1, one entry per route the resolvers register and no
entry without its route, response models that mirror the views, and committed files generated from the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from infra import routes
from infra.contract import generated, websocket
from infra.contract.document import build
from infra.contract.operation import PATH_PARAM
from infra.contract.operations import ACTIONS, OPERATIONS, all_operations
from infra.contract.schemas import auth, chat, contacts, csat, directory, inboxes, messages, teams
from tests.integration.conftest import load_function

ROOT = Path(__file__).resolve().parents[2]
NOT_HTTP = (routes.WEBSOCKET_FUNCTION, routes.STREAM_FUNCTION, routes.TIMERS_FUNCTION)
RESOLVED = [name for name in routes.functions() if name not in NOT_HTTP]


def test_the_document_is_valid_openapi_3_1():
    document = build()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert len({op.operation_id for op in all_operations()}) == len(all_operations())


@pytest.mark.parametrize("path", sorted(generated.files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_committed_file_is_what_the_code_generates(path):
    assert path.is_file() and path.read_text() == generated.files()[path], (
        f"{path.relative_to(ROOT)} is stale: run `make contract` and commit it"
    )


def _routes(function: str) -> list:
    app = load_function(function).app
    return app._static_routes + app._dynamic_routes


def _serving(function: str, method: str, path: str) -> list:
    """The routes that would serve a request: the resolver tries static routes before dynamic ones, so
    `/api/csat/feedbacks/stats/` is served by its own route, not by `/api/csat/feedbacks/<feedback_id>/`."""
    app = load_function(function).app
    for group in (app._static_routes, app._dynamic_routes):
        matching = [r for r in group if r.method == method and r.rule.match(_concrete(path))]
        if matching:
            return matching
    return []


def _concrete(path: str) -> str:
    return PATH_PARAM.sub("1", path)


@pytest.mark.parametrize("function", RESOLVED)
def test_every_route_has_its_operations_and_every_operation_its_route(function):
    registered = _routes(function)
    documented = OPERATIONS.get(function, [])
    served = {}
    for op in documented:
        matching = _serving(function, op.method, op.path)
        assert len(matching) == 1, f"{op.method} {op.path} is documented but {function} serves it {len(matching)} times"
        served.setdefault((matching[0].method, matching[0].path), []).append(op.operation_id)
    missing = sorted(f"{r.method} {r.path}" for r in registered if (r.method, r.path) not in served)
    assert not missing, f"routes of {function} without an entry in infra/contract/operations.py: {missing}"


def test_every_function_with_a_resolver_is_documented_and_nothing_else():
    assert set(OPERATIONS) == set(RESOLVED)


@pytest.mark.parametrize("op", all_operations(), ids=lambda op: op.operation_id)
def test_each_operation_is_listed_under_the_function_the_route_table_gives_its_path(op):
    function = next(name for name, ops in OPERATIONS.items() if op in ops)
    path = _concrete(op.path)
    assert (routes.rest_function_for(path) or routes.webhook_function_for(path)) == function


def test_each_conversation_action_is_documented():
    served = load_function("conversations").ACTIONS
    assert [name for name, *_ in ACTIONS] == list(served)
    for name, _, body, _ in ACTIONS:
        assert served[name][1] is body


# -- response models mirror the views ---------------------------------------------------------------------
def _keys(shape) -> set[str]:
    return set(shape.__required_keys__) | set(shape.__optional_keys__)


def _views():
    from niochat.chat.views import MessageView as ChatMessageView
    from niochat.chat.views import ParticipantView, ReactionView, ReplyView, RoomView
    from niochat.contacts.views import ContactView, ConversationContact
    from niochat.csat.views import FeedbackView, RecentFeedback, RequestView
    from niochat.directory.views import Me, ProvedorView, ReducedUser, UserView
    from niochat.domain.messages import LastMessage
    from niochat.inboxes.views import InboxView
    from niochat.messages.views import MessageView
    from niochat.teams.views import MemberUser, TeamView

    return [
        (contacts.Contact, ContactView), (contacts.ConversationContact, ConversationContact),
        (inboxes.Inbox, InboxView), (teams.Team, TeamView), (teams.MemberUser, MemberUser),
        (directory.User, UserView), (directory.Colleague, ReducedUser), (directory.Provedor, ProvedorView),
        (auth.Me, Me), (messages.Message, MessageView), (messages.MessagePreview, LastMessage),
        (csat.CsatFeedback, FeedbackView), (csat.CsatRecentFeedback, RecentFeedback),
        (csat.CsatRequest, RequestView), (chat.Room, RoomView), (chat.Participant, ParticipantView),
        (chat.ChatMessage, ChatMessageView), (chat.Reply, ReplyView), (chat.Reaction, ReactionView),
    ]  # fmt: skip


@pytest.mark.parametrize(("model", "fields"), _views(), ids=lambda v: getattr(v, "__name__", ""))
def test_a_response_model_has_exactly_its_views_fields(model, fields):
    assert set(model.model_fields) == _keys(fields)


def test_the_websocket_events_are_the_ones_the_stream_makes():
    sources = ("events.py", "chat_events.py")
    source = "".join((ROOT / "layers/common/python/niochat/realtime" / name).read_text() for name in sources)
    made = set(re.findall(r'\b(?:Draft|draft)\("([a-z_]+)"', source))
    assert set(websocket.EVENTS) == made
    assert set(build()["x-websocket-events"]["events"]) == made
