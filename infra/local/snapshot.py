"""The data kept across restarts: every table item and bucket object, saved to and loaded from the data dir.

Layout of `<data dir>/snapshot/`:
    manifest.json   what was saved and when (written last)
    items.jsonl     one table item per line, in DynamoDB's typed JSON
    objects.jsonl   one bucket object per line: key, file, content type, metadata
    objects/<file>  the object's bytes (hard-linked from the previous snapshot when unchanged)

A save writes `snapshot.tmp/` and swaps it in with renames, so a crash never leaves a half-written snapshot.
"""

from __future__ import annotations

import base64
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

from infra.local import aws

log = logging.getLogger(__name__)

VERSION = 1


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

    # -- save ---------------------------------------------------------------------------------------
    def save(self) -> Counts:
        shutil.rmtree(self._tmp, ignore_errors=True)
        (self._tmp / "objects").mkdir(parents=True)
        items = aws.table_items(self.table_name)
        _write_lines(self._tmp / "items.jsonl", items)
        objects = list(self._save_objects(self._tmp / "objects", self._current() / "objects"))
        _write_lines(self._tmp / "objects.jsonl", objects)
        counts = Counts(len(items), len(objects))
        manifest = {
            "version": VERSION,
            "saved_at": time.time(),
            "table": self.table_name,
            "bucket": self.bucket,
            "items": counts.items,
            "objects": counts.objects,
        }
        _write_lines(self._tmp / "manifest.json", [manifest])
        shutil.rmtree(self._old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(self._old)
        self._tmp.rename(self.path)
        shutil.rmtree(self._old, ignore_errors=True)
        return counts

    def _save_objects(self, folder: Path, previous: Path) -> Iterator[dict[str, Any]]:
        s3 = aws.client("s3")
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for entry in page.get("Contents", []):
                key = entry["Key"]
                name = hashlib.sha256(f"{key}\0{entry['ETag']}".encode()).hexdigest()
                head = s3.head_object(Bucket=self.bucket, Key=key)
                if (previous / name).is_file():
                    _link_or_copy(previous / name, folder / name)
                else:
                    s3.download_file(self.bucket, key, str(folder / name))
                yield {
                    "key": key,
                    "file": name,
                    "content_type": head.get("ContentType"),
                    "metadata": head.get("Metadata") or {},
                }

    # -- load ---------------------------------------------------------------------------------------
    def load(self) -> Counts:
        """Write the saved items and objects into the (new, empty) table and bucket."""
        folder = self._current()
        dynamodb = aws.client("dynamodb")
        items = 0
        batch: list[dict[str, Any]] = []
        for item in _read_lines(folder / "items.jsonl"):
            batch.append({"PutRequest": {"Item": _binary_to_bytes(item)}})
            if len(batch) == 25:
                items += _batch_write(dynamodb, self.table_name, batch)
                batch = []
        if batch:
            items += _batch_write(dynamodb, self.table_name, batch)
        s3 = aws.client("s3")
        objects = 0
        for entry in _read_lines(folder / "objects.jsonl"):
            extra: dict[str, Any] = {"Metadata": entry.get("metadata") or {}}
            if entry.get("content_type"):
                extra["ContentType"] = entry["content_type"]
            s3.upload_file(str(folder / "objects" / entry["file"]), self.bucket, entry["key"], ExtraArgs=extra)
            objects += 1
        return Counts(items, objects)


def _batch_write(dynamodb: Any, table_name: str, requests: list[dict[str, Any]]) -> int:
    pending: dict[str, Any] = {table_name: requests}
    while pending:
        pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(requests)


def _binary_to_bytes(item: dict[str, Any]) -> dict[str, Any]:
    """Typed JSON holds binary values base64-encoded; boto3 wants bytes (it encodes them itself)."""
    return {name: _typed(value) for name, value in item.items()}


def _typed(value: dict[str, Any]) -> dict[str, Any]:
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(v) for v in inner]}
    if kind == "L":
        return {"L": [_typed(v) for v in inner]}
    if kind == "M":
        return {"M": _binary_to_bytes(inner)}
    return value


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _base64(value: Any) -> str:
    """moto holds some binary values as bytes: typed JSON spells them in base64."""
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def _write_lines(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for row in rows:
            file.write(json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=_base64) + "\n")
        file.flush()
        os.fsync(file.fileno())


def _read_lines(path: Path) -> Iterator[dict[str, Any]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as file:
        for line in file:
            if line.strip():
                yield json.loads(line)
