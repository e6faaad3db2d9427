"""The write seam on moto: labelled operations, typed errors naming the failed labels with the item found,
and the one optimistic-lock rule."""

from __future__ import annotations

from typing import Any

import pytest

from niochat.store.table import table
from niochat.store.writes import Check, ConditionFailed, Delete, Put, TransactionConflict, Update, field

PK = "TEST#writes"


def _item(sk: str, **fields: Any) -> dict[str, Any]:
    return {"PK": PK, "SK": sk, **fields}


def test_update_sets_adds_removes_and_returns_the_new_item(aws: None) -> None:
    table().write(Put("seed", _item("a", status="open", error="x", nested={"status": "sending"})))
    op = (
        Update("item", PK, "a")
        .set("status", "sent")
        .set("nested.status", "sent")
        .set_default("first_at", "t1")
        .append("history", [{"n": 1}])
        .add("count", 2)
        .remove("error")
        .when_exists()
        .when(field("status").eq("open"))
    )
    after = table().write(op, returning="new")
    assert after == _item("a", status="sent", nested={"status": "sent"}, first_at="t1", history=[{"n": 1}], count=2)
    again = table().write(Update("item", PK, "a").set_default("first_at", "t2").append("history", [{"n": 2}]), "new")
    assert again is not None
    assert again["first_at"] == "t1"
    assert again["history"] == [{"n": 1}, {"n": 2}]


def test_updated_returns_only_the_attributes_the_update_changed(aws: None) -> None:
    table().write(Put("seed", _item("seq", other=7)))
    assert table().write(Update("sequence", PK, "seq").add("n", 1), returning="updated") == {"n": 1}


def test_a_failed_condition_names_the_label_and_carries_the_current_item(aws: None) -> None:
    table().write(Put("seed", _item("a", status="closed")))
    with pytest.raises(ConditionFailed) as failure:
        table().write(Update("conversation", PK, "a").set("status", "open").when(field("status").eq("pending")))
    assert failure.value.failed == {"conversation"}
    assert failure.value.item("conversation") == _item("a", status="closed")
    assert table().get(PK, "a") == _item("a", status="closed")


def test_a_missing_item_fails_when_exists_is_required_and_has_no_current_item(aws: None) -> None:
    with pytest.raises(ConditionFailed) as failure:
        table().write(Delete("gone", PK, "missing").when_exists())
    assert failure.value.on("gone")
    assert failure.value.item("gone") is None


def test_a_transaction_names_only_the_failed_labels_and_writes_nothing(aws: None) -> None:
    table().write(Put("seed", _item("claim", owner=1)))
    table().write(Put("seed", _item("counter", n=5)))
    table().write(Put("seed", _item("guard", n=5)))
    operations = [
        Update("counter", PK, "counter").add("n", 1),
        Put("claim", _item("claim", owner=2)).when_absent(),
        Check("still-there", PK, "guard").when(field("n").eq(5)),
    ]
    with pytest.raises(ConditionFailed) as failure:
        table().transact(operations)
    assert failure.value.failed == {"claim"}
    assert failure.value.item("claim") == _item("claim", owner=1)
    assert table().get(PK, "counter") == _item("counter", n=5)


def test_labels_of_one_transaction_must_differ(aws: None) -> None:
    with pytest.raises(ValueError, match="distinct labels"):
        table().transact([Put("x", _item("a")), Put("x", _item("b"))])


def test_expect_version_is_the_one_optimistic_lock(aws: None) -> None:
    table().write(Put("seed", _item("legacy", name="old")))  # written before items carried a version
    table().write(Update("entity", PK, "legacy").set("name", "v1").expect_version(0))
    assert table().get(PK, "legacy") == _item("legacy", name="v1", version=1)
    with pytest.raises(ConditionFailed):
        table().write(Update("entity", PK, "legacy").set("name", "stale").expect_version(0))
    table().write(Update("entity", PK, "legacy").set("name", "v2").expect_version(1))
    with pytest.raises(ConditionFailed) as failure:
        table().write(Delete("entity", PK, "legacy").expect_version(1))
    assert failure.value.item("entity") == _item("legacy", name="v2", version=2)
    table().write(Delete("entity", PK, "legacy").expect_version(2))
    assert table().get(PK, "legacy") is None


def test_an_update_that_changes_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="changes nothing"):
        Update("empty", PK, "a").render()


def test_a_concurrent_transaction_is_a_typed_conflict() -> None:
    class _Client:
        def transact_write_items(self, **_: Any) -> None:
            from botocore.exceptions import ClientError

            response = {
                "Error": {"Code": "TransactionCanceledException", "Message": "cancelled"},
                "CancellationReasons": [{"Code": "None"}, {"Code": "TransactionConflict"}],
            }
            raise ClientError(response, "TransactWriteItems")  # type: ignore[arg-type]

    from niochat.store.table import Table

    class _Stubbed(Table):
        @property
        def client(self) -> Any:
            return _Client()

    with pytest.raises(TransactionConflict):
        _Stubbed("t").transact([Put("a", _item("a")), Put("b", _item("b"))])
