"""The IAM rows of infra/components/access.py held against what the functions really call. Moto checks no IAM, so
a function that does more than its row allows would only fail on AWS: here every DynamoDB and S3 call (presigned
links included) of the routes of the functions with a narrow row — the public system function, the docs, the
read-only audit and events functions, and the media function's bucket actions — is recorded and checked against
the row, session upkeep included (a token slid forward, an expired token deleted)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from infra.components import access
from infra.components.access import ACCESS
from infra.routes import rest_function_for
from niochat.store import clients, keys, messages, tokens
from niochat.store.table import table
from niochat.store.writes import Update
from tests.integration import conversation_world as cw
from tests.integration import messages_world as mw
from tests.integration.conftest import login

Call = tuple[str, str | None]  # (IAM action, the partition key it touches, if one)
TRANSACT = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}


def _pk(key: dict[str, Any] | None) -> str | None:
    return (key or {}).get("PK", {}).get("S")


def _calls(service: str, operation: str, params: dict[str, Any]) -> list[Call]:
    if service == "s3":
        return [("s3:ListBucket" if operation == "HeadBucket" else f"s3:{operation}", None)]
    if operation == "TransactWriteItems":
        return [
            (f"dynamodb:{TRANSACT[kind]}", _pk(spec.get("Key") or spec.get("Item")))
            for item in params["TransactItems"]
            for kind, spec in item.items()
        ]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", None)]
    return [(f"dynamodb:{operation}", _pk(params.get("Key") or params.get("Item")))]


def allowed(function: str, call: Call) -> bool:
    """Whether the function's row (as infra/components/access.py turns it into IAM statements) allows `call`."""
    row, (action, pk) = ACCESS[function], call
    if action.startswith("s3:"):
        return action in row.media
    if action in row.unconditional_table_actions:
        return True
    if row.table == "read":
        return action in access.SESSION_ACTIONS and pk is not None and pk.startswith("TOKEN#")
    if row.table == "health":
        return action in access.HEALTH_ACTIONS and pk == access.HEALTH_KEY
    return False


class Recorder:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        for client in (clients.dynamodb(), clients.s3()):
            client.meta.events.register("before-parameter-build", self._record)

    def _record(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        self.calls += _calls(model.service_model.endpoint_prefix, model.name, params)

    @contextmanager
    def calls_of(self, function: str) -> Iterator[list[Call]]:
        """The calls made inside the block; they must all be allowed to `function`."""
        start = len(self.calls)
        made: list[Call] = []
        yield made
        made += self.calls[start:]
        refused = [call for call in made if not allowed(function, call)]
        assert refused == [], f"{function} made calls its IAM row refuses"


@pytest.fixture
def world(aws):
    world = mw.build("http://127.0.0.1:9")
    world["tokens"] = {name: login_as(world, name) for name in ("admin", "agent1")}
    return world


def login_as(world: dict[str, Any], name: str) -> str:
    from tests.integration.conftest import Api

    return login(Api(), world["people"][name]["username"], cw.PASSWORD)


def get(api, recorder: Recorder, path: str, **kwargs: Any) -> tuple[int, list[Call]]:
    function = rest_function_for(path.split("?")[0])
    assert function is not None
    query = dict(part.split("=", 1) for part in path.split("?", 1)[1].split("&")) if "?" in path else None
    with recorder.calls_of(function) as made:
        status = api.get(path.split("?")[0], query=query, **kwargs).status
    return status, made


def test_the_checker_refuses_what_a_row_does_not_grant() -> None:
    assert not allowed("audit", ("dynamodb:PutItem", "TOKEN#abc"))
    assert not allowed("audit", ("dynamodb:UpdateItem", "P#1#CONTACT"))
    assert allowed("audit", ("dynamodb:UpdateItem", "TOKEN#abc"))
    assert not allowed("system", ("dynamodb:GetItem", "P#1"))
    assert not allowed("system", ("s3:GetObject", None))
    assert not allowed("media", ("s3:DeleteObject", None))
    assert not allowed("events", ("s3:GetObject", None))


def test_the_public_system_function_reads_only_the_health_item_and_heads_the_bucket(api, world):
    recorder = Recorder()
    status, made = get(api, recorder, "/api/health/")
    assert status == 200 and sorted(made) == [("dynamodb:GetItem", "HEALTH"), ("s3:ListBucket", None)]
    status, made = get(api, recorder, "/api/changelog/")
    assert status == 200 and made == []


def test_the_docs_function_calls_nothing(api, world):
    recorder = Recorder()
    for path in ("/api/openapi.json", "/api/docs/", "/api/docs/swagger-ui.css", "/api/docs/nada.js"):
        _, made = get(api, recorder, path)
        assert made == [], path


def test_the_audit_log_is_read_only(api, world):
    recorder = Recorder()
    admin, agent = world["tokens"]["admin"], world["tokens"]["agent1"]
    user_id = world["people"]["agent1"]["id"]
    for path in ("/api/audit-logs/", "/api/audit-logs/?action=user_created", f"/api/audit-logs/?user_id={user_id}",
                 "/api/audit-logs/?date_from=2020-01-01", "/api/audit-logs/?page_size=1"):  # fmt: skip
        status, made = get(api, recorder, path, token=admin)
        assert status == 200 and made, path
    assert get(api, recorder, "/api/audit-logs/", token=agent)[0] == 403


def test_the_missed_events_are_read_only(api, world):
    recorder = Recorder()
    for path in ("/api/events/", "/api/events/?after=0", "/api/events/?after=5&limit=10"):
        status, made = get(api, recorder, path, token=world["tokens"]["agent1"])
        assert status == 200 and made, path


def test_the_media_function_links_files_and_touches_no_other_bucket_action(api, world):
    recorder = Recorder()
    pid, conversation_id = world["pid"], world["conversation"]["id"]
    ready = mw.customer_message(world, "", media_type="image", file_name="foto.jpg", mime_type="image/jpeg",
                                media_status="ready")  # fmt: skip
    key = f"media/{pid}/{conversation_id}/{ready['id']}-foto.jpg"
    table().write(
        Update("fixture", *messages.key(pid, conversation_id, ready["id"])).set_all({"media_key": key}).when_exists()
    )
    pending = mw.customer_message(world, "", media_type="image", file_name="b.jpg", media_status="pending")
    admin = world["tokens"]["admin"]

    status, made = get(api, recorder, f"/api/media/messages/{conversation_id}/{ready['id']}-foto.jpg/", token=admin)
    assert status == 302 and ("s3:GetObject", None) in made  # the presigned link
    status, _ = get(api, recorder, f"/api/media/messages/{conversation_id}/{pending['id']}-b.jpg/", token=admin)
    assert status == 404
    status, _ = get(api, recorder, f"/api/media/messages/{conversation_id}/1-nada.jpg/", token=admin)
    assert status == 404


def _age(raw_token: str, seconds: int) -> None:
    """Make the token look last used `seconds` ago."""
    from niochat.auth.sessions import hash_token

    pk, sk = keys.token(hash_token(raw_token))
    item = tokens.get(hash_token(raw_token))
    assert item is not None
    table().write(
        Update("fixture", pk, sk).set_all({"last_used_at": int(item["last_used_at"]) - seconds}).when_exists()
    )


@pytest.mark.parametrize("path", ["/api/audit-logs/", "/api/events/"])
def test_read_only_functions_keep_the_callers_session_and_write_nothing_else(api, world, path):
    recorder = Recorder()
    token = world["tokens"]["admin"]
    _age(token, 600)  # idle for longer than TOKEN_TOUCH_SECONDS: this request slides it forward
    status, made = get(api, recorder, path, token=token)
    assert status == 200
    (touched,) = [call for call in made if call[0] == "dynamodb:UpdateItem"]
    assert touched[1] is not None and touched[1].startswith("TOKEN#")

    _age(token, 10 * 24 * 3600)  # past any session timeout: this request deletes it
    status, made = get(api, recorder, path, token=token)
    assert status == 401
    (deleted,) = [call for call in made if call[0] == "dynamodb:DeleteItem"]
    assert deleted[1] is not None and deleted[1].startswith("TOKEN#")
