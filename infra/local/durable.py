"""Writes of the local stack's data dir that must survive a crash once they return (the snapshot and the
journal): a file's bytes flushed to disk, and a folder's entries (files created or renamed in it)."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes(path: Path, body: bytes) -> None:
    """Write `body` to `path` and fsync it."""
    with path.open("wb") as file:
        file.write(body)
        file.flush()
        os.fsync(file.fileno())


def sync_dir(folder: Path) -> None:
    """Make the folder's entries (files created or renamed in it) durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
