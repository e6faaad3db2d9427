"""X-Ray tracing without its import cost at cold start: the Powertools Tracer, created by the first invocation.

`Tracer()` imports `aws_xray_sdk` and builds its recorder (~90 ms of CPU) even when tracing is disabled, and
patches botocore and httpx. `LazyTracer` decorates a handler the same way (`capture_lambda_handler`) but creates
the Tracer only when the first invocation finds tracing on: `POWERTOOLS_TRACE_DISABLED` not true, inside Lambda
(not SAM local or Chalice, as Powertools itself decides), and with the invocation's `_X_AMZN_TRACE_ID` (set by
Lambda's active tracing). Tests, benchmarks and the local stack never import the X-Ray SDK at all.

Patching at the first invocation still comes before any client exists: boto3 clients and the provider HTTP client
are created lazily, by the requests that need them. docs/deploy.md says what the traces show.

Every function's handler has this decorator exactly once (the REST ones through niochat.http.app), so it is also
where the invocation's business metrics are flushed (niochat.metrics), whether the invocation is traced or not.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Tracer
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import strtobool

from niochat import metrics

Handler = Callable[..., Any]


def tracing_enabled() -> bool:
    """Whether this invocation is traced: the conditions under which a Powertools Tracer would trace it."""
    if strtobool(os.environ.get(constants.TRACER_DISABLED_ENV, "false")):
        return False
    in_emulator = os.environ.get(constants.SAM_LOCAL_ENV) or os.environ.get(constants.CHALICE_LOCAL_ENV)
    in_lambda = bool(os.environ.get(constants.LAMBDA_TASK_ROOT_ENV)) and not in_emulator
    return in_lambda and bool(os.environ.get(constants.XRAY_TRACE_ID_ENV))


class LazyTracer:
    """A Powertools Tracer made on first use; `tracer` is None until then, and stays None when tracing is off."""

    def __init__(self, **options: Any) -> None:
        self._options = options  # Tracer(**options), when it is made
        self.tracer: Tracer | None = None

    def _traced(self) -> Tracer | None:
        if self.tracer is None and tracing_enabled():
            self.tracer = Tracer(**self._options)
        return self.tracer

    def capture_lambda_handler(
        self,
        lambda_handler: Handler | None = None,
        *,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Any:
        """`Tracer.capture_lambda_handler`, used as `@tracer.capture_lambda_handler` or with its options.
        The first invocation decides, once, whether the handler runs inside the Tracer's subsegment. Each
        invocation ends with niochat.metrics.flush, even when the handler raised."""
        if lambda_handler is None:
            return functools.partial(
                self.capture_lambda_handler, capture_response=capture_response, capture_error=capture_error
            )
        handler = lambda_handler
        run: Handler | None = None

        @functools.wraps(handler)
        def decorate(event: Any, context: Any, **kwargs: Any) -> Any:
            nonlocal run
            if run is None:
                tracer = self._traced()
                options = {"capture_response": capture_response, "capture_error": capture_error}
                run = tracer.capture_lambda_handler(handler, **options) if tracer else handler
            try:
                return run(event, context, **kwargs)
            finally:
                metrics.flush()

        return decorate
