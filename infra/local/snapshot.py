"""The data kept across restarts, part one: every table item and bucket object at one moment, saved to and
loaded from the data dir (part two is the journal of every change since: infra/local/journal.py).

Layout of `<data dir>/snapshot/`:
    manifest.json   what was saved, when, and the first journal generation not in it (written last)
    items.jsonl     one table item per line, in DynamoDB's typed JSON
    objects.jsonl   one bucket object per line: key, file, metadata (content type among it)
    objects/<file>  the object's bytes (hard-linked from the previous snapshot when unchanged)

A save writes `snapshot.tmp/` and swaps it in with renames, so a crash never leaves a half-written snapshot.
It may run while the API serves: it holds the store's locks one chunk of items at a time, and whatever
changes during the save is in journal generations from `journal` on, which a load replays over it (each
journal record is the whole new state of what it names, so replaying it over a later state is harmless).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.local import aws, durable, typed_json

log = logging.getLogger(__name__)

VERSION = 2


@dataclass(frozen=True)
class Counts:
    items: int
    objects: int


class Snapshot:
    def __init__(self, data_dir: Path, table_name: str, bucket: str) -> None:
        self.path = data_dir / "snapshot"
        self._tmp = data_dir / "snapshot.tmp"
        self._old = data_dir / "snapshot.old"
        self.table_name = table_name
        self.bucket = bucket

    def exists(self) -> bool:
        return (self._current() / "manifest.json").is_file()

    def _current(self) -> Path:
        # A crash between the two renames of a save leaves only snapshot.old: it is still complete.
        return self.path if self.path.exists() or not self._old.exists() else self._old

    def journal_generation(self) -> int:
        """The first journal generation the snapshot does not hold (0: none saved, replay everything)."""
        if not self.exists():
            return 0
        manifest = next(_read_lines(self._current() / "manifest.json"))
        return int(manifest.get("journal", 0))

    # -- save ---------------------------------------------------------------------------------------
    def save(self, journal: int) -> Counts:
        """Save the table and bucket; `journal` is the first journal generation whose changes it may miss."""
        shutil.rmtree(self._tmp, ignore_errors=True)
        (self._tmp / "objects").mkdir(parents=True)
        items = _write_lines(self._tmp / "items.jsonl", aws.table_items(self.table_name))
        objects = _write_lines(
            self._tmp / "objects.jsonl", self._save_objects(self._tmp / "objects", self._current() / "objects")
        )
        counts = Counts(items, objects)
        manifest = {
            "version": VERSION,
            "saved_at": time.time(),
            "table": self.table_name,
            "bucket": self.bucket,
            "items": counts.items,
            "objects": counts.objects,
            "journal": journal,
        }
        _write_lines(self._tmp / "manifest.json", iter([manifest]))
        durable.sync_dir(self._tmp / "objects")
        durable.sync_dir(self._tmp)
        shutil.rmtree(self._old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(self._old)
        self._tmp.rename(self.path)
        durable.sync_dir(self.path.parent)
        shutil.rmtree(self._old, ignore_errors=True)
        return counts

    def _save_objects(self, folder: Path, previous: Path) -> Iterator[dict[str, Any]]:
        for stored in aws.bucket_objects(self.bucket):
            name = hashlib.sha256(f"{stored.key}\0{stored.etag}".encode()).hexdigest()
            if (previous / name).is_file():
                _link_or_copy(previous / name, folder / name)
            else:
                durable.write_bytes(folder / name, stored.body)
            yield {"key": stored.key, "file": name, "metadata": stored.metadata}

    # -- load ---------------------------------------------------------------------------------------
    def load(self) -> Counts:
        """Write the saved items and objects into the (new, empty) table and bucket."""
        folder = self._current()
        items = 0
        for item in _read_lines(folder / "items.jsonl"):
            aws.put_item(self.table_name, typed_json.with_bytes(item))
            items += 1
        objects = 0
        for entry in _read_lines(folder / "objects.jsonl"):
            metadata = entry.get("metadata") or {}
            if "content_type" in entry:  # a version 1 snapshot: user metadata apart from the content type
                metadata = {f"x-amz-meta-{k}": v for k, v in metadata.items()}
                if entry["content_type"]:
                    metadata["content-type"] = entry["content_type"]
            aws.put_object(self.bucket, entry["key"], (folder / "objects" / entry["file"]).read_bytes(), metadata)
            objects += 1
        return Counts(items, objects)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write_lines(path: Path, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(typed_json.dumps(row) + "\n")
            count += 1
        file.flush()
        os.fsync(file.fileno())
    return count


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)
