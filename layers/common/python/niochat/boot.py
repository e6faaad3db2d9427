"""The handler Lambda calls in every function (infra/components/functions.py: `niochat.boot.lambda_handler`): it
imports the function's own handler module `app` (functions/<name>/app.py, at the root of /var/task) with the
garbage collector paused, then freezes what the import created and resumes collection.

Why: a cold start is almost all imports (boto3, Powertools, pydantic, niochat), and each import allocates
thousands of objects that live as long as the process. With collection on, CPython runs dozens of collections
over that growing heap while it imports, a third of a REST function's import time and none of it reclaimable
(`bench cold_start` prints the cost beside the floor). Frozen, those objects sit in the permanent generation, so
the collections that requests trigger later don't walk them again either. The price: the few cycles the imports
left unreachable (about a thousand objects, some 100 KB) are kept for the life of the process.

The local stack, the tests and the benchmarks' per-module reports load `app` themselves (infra/lambda_runtime.py):
long-lived processes that load many functions, where this pause would buy nothing.
"""

from __future__ import annotations

import gc

_collecting = gc.isenabled()
gc.disable()
try:
    from app import lambda_handler  # type: ignore[import-not-found]  # the function's folder, first on sys.path
finally:
    gc.freeze()
    if _collecting:
        gc.enable()

__all__ = ["lambda_handler"]
