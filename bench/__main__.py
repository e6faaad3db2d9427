"""`python -m bench` runs every benchmark in order; `python -m bench <name>…` runs the named ones."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from bench import assistant, calls, chat, cold_start, csat, local_stack, reactions, realtime, reports, scale, webhooks

BENCHMARKS: dict[str, Callable[[], list[str]]] = {
    "cold_start": cold_start.run,
    "calls": calls.run,
    "scale": scale.run,
    "realtime": realtime.run,
    "reactions": reactions.run,
    "csat": csat.run,
    "reports": reports.run,
    "chat": chat.run,
    "assistant": assistant.run,
    "webhooks": webhooks.run,
    "local_stack": local_stack.run,
}


def main(argv: list[str]) -> int:
    names = argv or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    for name in names:
        started = time.perf_counter()
        for table in BENCHMARKS[name]():
            print(table, end="\n\n", flush=True)
        print(f"[{name}: {time.perf_counter() - started:.1f} s]", end="\n\n", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
