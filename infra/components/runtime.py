"""Environment every function runs with beyond its own settings: on AWS (infra/components/functions.py), in the
local stack (infra/local/aws.py) and in the benchmarks (bench/env.py). No CDK import, so the local stack and the
benchmarks can read it cheaply."""

from __future__ import annotations

RUNTIME_ENV: dict[str, str] = {
    # pydantic looks for plugins through importlib.metadata's entry points the first time any model builds its
    # validator: ~5 ms of CPU on a cold request (bench cold_start's notes). NioChat uses no pydantic plugin.
    "PYDANTIC_DISABLE_PLUGINS": "__all__",
}
