"""The clock the local stack's tests move: an offset added to the real time, or a clock stopped at an instant."""

from __future__ import annotations

import time

import pytest

from niochat import clock

CASES = [("120", 1_000_120.0), ("-30.5", 999_969.5), ("", 1_000_000.0), ("@1796300000.25", 1_796_300_000.25),
         ("nonsense", 1_000_000.0)]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_file_moves_or_stops_the_clock(tmp_path, monkeypatch, text, expected):
    path = tmp_path / "offset"
    path.write_text(text)
    monkeypatch.setenv("NIOCHAT_CLOCK_OFFSET_FILE", str(path))
    monkeypatch.setattr(time, "time", lambda: 1_000_000.0)
    assert clock.now() == expected


def test_without_the_file_the_clock_is_the_real_one(monkeypatch):
    monkeypatch.delenv("NIOCHAT_CLOCK_OFFSET_FILE", raising=False)
    monkeypatch.setattr(time, "time", lambda: 1_000_000.0)
    assert clock.now() == 1_000_000.0 and clock.iso() == "1970-01-12T13:46:40.000000Z"
