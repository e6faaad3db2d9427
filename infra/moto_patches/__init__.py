"""moto's DynamoDB, Streams and S3 made to behave, and cost, as AWS does where the project depends on it.

Pinned to one moto version (`MOTO_VERSION`): each patch replaces or wraps a named function of moto's
internals, so `install()` refuses any other version rather than patch code it has not been checked against.
The patches, one module each:

- `atomic`: requests are atomic under threads. moto applies a conditional write or a transaction in Python
  without a lock, so two threads could both pass the same condition; here every DynamoDB request runs under
  one lock (reads too, so none sees a transaction half applied), and TransactGetItems takes up to 100
  items (DynamoDB's limit; moto enforces 25). Every write request is also a *write
  boundary*: the items and objects it changed are handed to listeners (the local stack's journal) before
  its answer leaves.
- `items`: the one seam where moto changes a stored item (Table.put_item, Table.delete_item and the in-place
  DynamoDBBackend.update_item), observed by the patches below.
- `transactions`: a failed TransactWriteItems is rolled back from an undo record of the items it touched,
  not from a copy of every table it names (moto deep-copies the table per operation: 3 s at 30,000 items).
- `indexes`: queries read a sorted index per partition (table and GSI keys) kept up to date on every item
  change, instead of sorting every item of the table (moto's query walks `all_items()` each time).
- `streams`: stream reads wait for writes (no half transaction seen), and delivered records can be dropped
  (`streams.trim`): moto keeps every record otherwise.
- `s3`: object puts and deletes are write boundaries too.
- `expressions`: an update expression is parsed once per text (moto parsed it twice per request).
- `server`: the embedded server (the local stack's) finds a request's backend once per host name, not by
  listing moto's folders and matching every service's URL patterns per request.
- `answers`: DynamoDB's item answers are the JSON moto's results already are, not a walk of the service
  model's output shapes (the walk was ~18 % of the integration suite's CPU).

`tests/unit/test_moto_patches.py` runs random operation sequences against plain and patched moto and
compares items, order, pages and errors.
"""

from __future__ import annotations

MOTO_VERSION = "5.2.5"

_installed = False


class UnsupportedMotoVersion(RuntimeError):
    pass


def check_version() -> None:
    import moto

    if moto.__version__ != MOTO_VERSION:
        raise UnsupportedMotoVersion(
            f"infra.moto_patches is written against moto=={MOTO_VERSION}, but moto {moto.__version__} is "
            f"installed: pin moto=={MOTO_VERSION} (pyproject.toml) or check every patch in infra/moto_patches/ "
            "against the new version's sources and update MOTO_VERSION"
        )


def install() -> None:
    """Apply every patch (once per process). The local stack and the tests call this."""
    global _installed
    check_version()
    if _installed:
        return
    from infra.moto_patches import answers, atomic, expressions, indexes, items, s3, server, streams, transactions

    items.install()
    atomic.install()
    transactions.install()
    indexes.install()
    answers.install()
    expressions.install()
    streams.install()
    s3.install()
    server.install()
    _installed = True
