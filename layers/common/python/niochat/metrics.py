"""Business metrics: named counters the services bump (`count(WEBHOOK_DELIVERIES, outcome="stored")`), summed
during an invocation and published at its end by `flush` as CloudWatch embedded metric format (EMF) lines — one
line per set of dimensions, written with Powertools' EMF provider to the function's log, where CloudWatch turns
them into metrics. No API call, nothing on the request path but a dict update.

Every metric is in the namespace `POWERTOOLS_METRICS_NAMESPACE` (`NioChat` on AWS) and has the `service`
dimension (`niochat-<function>`, from `POWERTOOLS_SERVICE_NAME`), plus the dimensions named below. Dimension
values are a few fixed words, never a tenant, a user or a customer. docs/deploy.md lists them.

`flush` runs once per invocation, from the one decorator every function's handler has
(niochat.tracing.LazyTracer.capture_lambda_handler), traced or not. `POWERTOOLS_METRICS_DISABLED=true` (the local
stack) turns `count` into a no-op. Importing this module is free: `aws_lambda_powertools`' own `__init__` already
imports its metrics package, which every function loads with the Logger.
"""

from __future__ import annotations

import os

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.shared import constants

logger = Logger(child=True)

DEFAULT_NAMESPACE = "NioChat"

# Webhook deliveries by `outcome`: stored | duplicate | ignored (answered 200) | refused (401/403, nothing stored).
WEBHOOK_DELIVERIES = "WebhookDeliveries"
# Messages stored from chats WhatsApp names only by a LID (no number yet: a contact keyed by the LID).
LID_ONLY_MESSAGES = "LidOnlyMessages"
# Messages a provider did not accept (or did not answer): marked failed, shown to the agent, may be resent.
PROVIDER_SEND_FAILURES = "ProviderSendFailures"
# Failed fetches of an inbound message's file, by `outcome`: pending (a timer tries again) | failed (given up).
MEDIA_DOWNLOAD_FAILURES = "MediaDownloadFailures"
# Realtime events posted to WebSocket connections; connections found gone (410) and deleted; other post failures.
FANOUT_POSTS = "FanoutPosts"
GONE_CONNECTIONS = "GoneConnections"
FANOUT_POST_FAILURES = "FanoutPostFailures"
# Timers by `kind`: work done; done later than TIMER_LATE_SECONDS after it was due; given up after its attempts.
TIMER_WORK_DONE = "TimerWorkDone"
TIMER_WORK_LATE = "TimerWorkLate"
TIMER_WORK_GIVEN_UP = "TimerWorkGivenUp"

Dimensions = tuple[tuple[str, str], ...]
_pending: dict[Dimensions, dict[str, float]] = {}


def count(name: str, value: float = 1, **dimensions: str) -> None:
    """Add `value` to the counter `name` with these dimensions (published by the next `flush`)."""
    if value <= 0 or is_metrics_disabled():
        return
    counters = _pending.setdefault(tuple(sorted(dimensions.items())), {})
    counters[name] = counters.get(name, 0) + value


def flush() -> None:
    """Publish and forget what was counted since the last flush. Never raises: a metric is not worth a failed
    invocation (a failure is logged)."""
    global _pending
    pending, _pending = _pending, {}
    if not pending or is_metrics_disabled():
        return
    namespace = os.environ.get(constants.METRICS_NAMESPACE_ENV) or DEFAULT_NAMESPACE
    for dimensions, counters in pending.items():
        try:
            emf = EphemeralMetrics(namespace=namespace)
            for dimension, value in dimensions:
                emf.add_dimension(name=dimension, value=value)
            for name, total in counters.items():
                emf.add_metric(name=name, unit=MetricUnit.Count, value=total)
            emf.flush_metrics()
        except Exception:  # an invalid name or dimension: the others are still published
            logger.warning("metrics not published", extra={"metrics": sorted(counters)}, exc_info=True)


def pending() -> dict[Dimensions, dict[str, float]]:
    """What `flush` would publish now (a copy)."""
    return {dimensions: dict(counters) for dimensions, counters in _pending.items()}


def reset() -> None:
    """Forget what was counted, unpublished."""
    _pending.clear()
