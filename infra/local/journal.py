"""The journal: every change the embedded AWS acknowledges, on disk before its answer leaves.

Layout of `<data dir>/journal/`:
    <generation>.jsonl     one line per write request: the whole new state of each item and object it
                           changed ({"table", "item"} or {"table", "key"} when deleted; {"bucket", "key",
                           "blob", "metadata"} or {"bucket", "key", "deleted"})
    <generation>.blobs/    the object bodies those lines name (sha256 of the bytes), written before the line

How a write becomes durable (the moto patches' write boundary, infra/moto_patches/atomic.py):
- while the request still holds the store's lock, its line is appended (one `write` on an O_APPEND file),
  so the journal's order is the order changes were applied, and a line never holds half a request: a
  transaction's items are one line;
- after the lock is released and before the answer is returned, `fdatasync` — shared: one call covers every
  line appended before it, so concurrent writers wait for one flush instead of queueing one each (group
  commit). An answer is therefore only ever sent for a change the disk has, and a kill -9, a crash of the
  machine or a power cut loses only writes nobody was told had happened. A reader may see a change a few
  hundred microseconds before its flush (as with any group commit); anything *written* because of what it
  read is appended after it, so never survives without it.
- a torn last line (a crash during its `write`) ends that file's replay: it was never acknowledged.

On start, the snapshot is loaded, then every generation from the snapshot's `journal` on is replayed in
order, and a new generation is begun. Compaction (`LocalStack.compact`): a new generation begins at a
moment between two writes, the snapshot is saved (the API keeps serving: what changes meanwhile is in the
new generation, whose whole-state records are harmless to replay over it), and the older generations are
deleted. It runs at shutdown and whenever the current generation passes `max_bytes`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from infra.local import aws, durable, typed_json
from infra.moto_patches import atomic, items

log = logging.getLogger(__name__)

Record = dict[str, Any]


class Journal:
    def __init__(self, folder: Path, max_bytes: int, on_full: Callable[[], None] = lambda: None) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        # Called (once per generation, from a writer's thread: it must not block) past max_bytes.
        self._on_full = on_full
        self._append_lock = threading.Lock()
        self._sync_lock = threading.Lock()
        self._fd: int | None = None
        self.generation = 0
        self._written = 0
        self._synced = 0
        self._full_reported = False
        self.records = 0

    # -- files --------------------------------------------------------------------------------------
    def _path(self, generation: int) -> Path:
        return self.folder / f"{generation:08d}.jsonl"

    def _blobs(self, generation: int) -> Path:
        return self.folder / f"{generation:08d}.blobs"

    def generations(self) -> list[int]:
        if not self.folder.is_dir():
            return []
        return sorted(int(path.stem) for path in self.folder.glob("*.jsonl") if path.stem.isdigit())

    def size(self) -> int:
        return self._written

    # -- replay -------------------------------------------------------------------------------------
    def replay(self, since: int, apply: Callable[[Record, Path], None]) -> int:
        """Hand every record of generations ≥ `since`, in order, to `apply` (with its blobs folder);
        how many records there were."""
        count = 0
        for generation in self.generations():
            if generation < since:
                continue
            for record in self._records(generation):
                apply(record, self._blobs(generation))
                count += 1
        return count

    def _records(self, generation: int) -> Iterator[Record]:
        path = self._path(generation)
        with path.open("rb") as file:
            for number, line in enumerate(file, 1):
                try:
                    if not line.endswith(b"\n"):
                        raise ValueError("no end of line")
                    record = json.loads(line)
                except ValueError:
                    log.warning("%s: line %d is torn (never acknowledged): replay of this file ends", path, number)
                    return
                yield record

    # -- writing ------------------------------------------------------------------------------------
    def open(self) -> None:
        """Begin a new generation (after the last one on disk) and journal every write from now on."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._append_lock, self._sync_lock:
            self._begin(max(self.generations(), default=0) + 1)
        atomic.listen(self.listener)

    def _begin(self, generation: int) -> None:
        self._fd = os.open(self._path(generation), os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o644)
        durable.sync_dir(self.folder)
        self.generation = generation
        self._written = self._synced = 0
        self._full_reported = False

    def rotate(self) -> int:
        """Begin a new generation; returns it. Call it between two writes (holding the store's locks)."""
        with self._append_lock, self._sync_lock:
            self._close_file()
            self._begin(self.generation + 1)
            return self.generation

    def discard_before(self, generation: int) -> None:
        """Delete the generations a saved snapshot holds."""
        for old in self.generations():
            if old < generation:
                self._path(old).unlink(missing_ok=True)
                shutil.rmtree(self._blobs(old), ignore_errors=True)

    def close(self) -> None:
        atomic.unlisten(self.listener)
        with self._append_lock, self._sync_lock:
            self._close_file()

    def _close_file(self) -> None:
        if self._fd is not None:
            os.fdatasync(self._fd)
            os.close(self._fd)
            self._fd = None

    def listener(self, changes: list[atomic.Change]) -> Callable[[], None] | None:
        """The write boundary's listener: append the request's line now (the store's lock is held) and
        return the flush the request waits for before answering."""
        with self._append_lock:
            if self._fd is None:
                return None
            line = (typed_json.dumps({"c": [self._encode(change) for change in changes]}) + "\n").encode()
            os.write(self._fd, line)
            self._written += len(line)
            self.records += 1
            generation, upto = self.generation, self._written
            full = self._written > self.max_bytes and not self._full_reported
            self._full_reported = self._full_reported or full
        if full:
            self._on_full()
        return lambda: self._sync(generation, upto)

    def _sync(self, generation: int, upto: int) -> None:
        with self._sync_lock:
            if generation != self.generation or self._synced >= upto or self._fd is None:
                return  # rotated or closed (both flush first), or another writer's flush covered it
            target = self._written
            os.fdatasync(self._fd)
            self._synced = target

    def _encode(self, change: atomic.Change) -> Record:
        if isinstance(change, atomic.ItemChange):
            table = change.table
            item = items.current(table, change.hash_key, change.range_key)
            if item is not None:
                return {"table": table.name, "item": item.to_json()["Attributes"]}
            key = {table.hash_key_attr: change.hash_key.to_json()}
            if table.range_key_attr is not None:
                key[table.range_key_attr] = change.range_key.to_json()
            return {"table": table.name, "key": key}
        try:
            stored = change.backend.get_object(change.bucket, change.key)
        except Exception:  # the bucket is gone: so is the object
            stored = None
        if stored is None:
            return {"bucket": change.bucket, "key": change.key, "deleted": True}
        blob = self._blob(stored.value)
        return {"bucket": change.bucket, "key": change.key, "blob": blob, "metadata": dict(stored.metadata)}

    def _blob(self, body: bytes) -> str:
        """Write an object body into the generation's blobs (durably, before the line naming it)."""
        name = hashlib.sha256(body).hexdigest()
        folder = self._blobs(self.generation)
        path = folder / name
        if not path.exists():
            folder.mkdir(exist_ok=True)
            partial = folder / f"{name}.partial"
            durable.write_bytes(partial, body)
            partial.rename(path)
            durable.sync_dir(folder)
        return name


def restore(record: Record, blobs: Path, table_name: str, bucket: str) -> None:
    """Apply one journal record to the stack's table and bucket (straight into moto, journaling nothing)."""
    for change in record["c"]:
        if "table" in change:
            if "item" in change:
                aws.put_item(table_name, typed_json.with_bytes(change["item"]))
            else:
                aws.delete_item(table_name, typed_json.with_bytes(change["key"]))
        elif change.get("deleted"):
            aws.delete_object(bucket, change["key"])
        else:
            aws.put_object(bucket, change["key"], (blobs / change["blob"]).read_bytes(), change["metadata"])
