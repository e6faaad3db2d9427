"""Reactions and timers on AWS: the table's stream → the stream function and → the AI assistant (each mapping
filtered, failures retried then parked on a queue), EventBridge rate(1 minute) → the timers function, and the
alarms that say when any of them is falling behind or failing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import stream_filter
from infra.components.alarms import threshold_alarm

# Iterator age above this means the stream function is behind (realtime events arrive late).
MAX_ITERATOR_AGE = Duration.minutes(5)


class Reactions(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        table: dynamodb.ITable,
        stream_function: lambda_.Function,
        timers_function: lambda_.Function,
        assistant_function: lambda_.Function,
    ) -> None:
        super().__init__(scope, construct_id)
        self.stream_failures = self._stream_mapping(
            stream_function,
            table,
            "StreamFailures",
            stream_filter.patterns(),
            batch_size=100,
            retry_attempts=3,
            max_record_age=Duration.days(1),
        )
        # The assistant's own mapping of the same stream: a slow model never delays the realtime events. Batches
        # of up to 10 new customer messages, gathered for up to 2 s (a burst is answered once); one batch per
        # shard at a time (parallelization 1), so a conversation never gets two answers at once.
        self.assistant_failures = self._stream_mapping(
            assistant_function,
            table,
            "AssistantFailures",
            stream_filter.ASSISTANT_PATTERNS,
            batch_size=10,
            max_batching_window=Duration.seconds(2),
            parallelization_factor=1,
            retry_attempts=2,
            max_record_age=Duration.hours(1),
        )
        self.schedule = events.Rule(
            self,
            "EveryMinute",
            description="The timers' sweep of due work (niochat.timers.sweep)",
            schedule=events.Schedule.rate(Duration.minutes(1)),
            # A missed tick is not retried: the next one, a minute later, sweeps the same due items.
            targets=[targets.LambdaFunction(timers_function, retry_attempts=0)],
        )
        self.alarms = [
            *self._consumer_alarms(
                "Stream",
                stream_function,
                self.stream_failures,
                failed="The stream function failed (whole batches; record failures are retried).",
                behind="The stream function is behind the table's changes.",
                parked="Stream records were given up on (see the StreamFailures queue).",
            ),
            *self._consumer_alarms(
                "Assistant",
                assistant_function,
                self.assistant_failures,
                failed="The AI assistant's function failed (customers' messages may wait for an answer or a hand-off).",
                behind="The AI assistant is behind the customers' messages (they wait for an answer or a hand-off).",
                parked="Customer messages the assistant gave up on (see the AssistantFailures queue).",
            ),
            threshold_alarm(
                self,
                "TimersErrors",
                "A timers sweep failed (its due items wait for the next minute's sweep).",
                timers_function.metric_errors(period=Duration.minutes(5)),
                threshold=3,
            ),
        ]

    def _stream_mapping(
        self,
        function: lambda_.Function,
        table: dynamodb.ITable,
        failures_id: str,
        patterns: Sequence[Mapping[str, Any]],
        **tuning: Any,
    ) -> sqs.Queue:
        """`function` reads the table's stream from LATEST, only the records matching `patterns`; the records of a
        batch that its handler (a Powertools BatchProcessor) reports failed are retried, not the whole batch, a
        failing batch is halved, and what still fails is parked on a queue of its own (`failures_id`, kept 14
        days: returned), which receives the failed batch's shard and sequence range (not the records themselves).
        `tuning`: the mapping's batch size, retries, record age..."""
        failures = sqs.Queue(
            self,
            failures_id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(14),
        )
        function.add_event_source(
            event_sources.DynamoEventSource(
                table,
                starting_position=lambda_.StartingPosition.LATEST,
                report_batch_item_failures=True,
                bisect_batch_on_error=True,
                on_failure=event_sources.SqsDlq(failures),
                filters=[lambda_.FilterCriteria.filter(pattern) for pattern in patterns],
                **tuning,
            )
        )
        return failures

    def _consumer_alarms(
        self, name: str, function: lambda_.Function, failures: sqs.Queue, *, failed: str, behind: str, parked: str
    ) -> list[cloudwatch.Alarm]:
        """The three alarms of a function reading the table's stream: `<name>Errors` (it failed),
        `<name>IteratorAge` (it is behind) and `<name>RecordsParked` (it gave records up onto `failures`)."""
        five_minutes = Duration.minutes(5)
        return [
            threshold_alarm(self, f"{name}Errors", failed, function.metric_errors(period=five_minutes), threshold=1),
            threshold_alarm(
                self,
                f"{name}IteratorAge",
                behind,
                _iterator_age(function),
                threshold=MAX_ITERATOR_AGE.to_milliseconds(),
                periods=2,
            ),
            threshold_alarm(
                self,
                f"{name}RecordsParked",
                parked,
                failures.metric_approximate_number_of_messages_visible(period=five_minutes),
                threshold=1,
            ),
        ]


def _iterator_age(function: lambda_.IFunction) -> cloudwatch.Metric:
    """How far behind the table's stream the function's event source mapping reads (the oldest record's age)."""
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name="IteratorAge",
        dimensions_map={"FunctionName": function.function_name},
        statistic="Maximum",
        period=Duration.minutes(5),
    )
