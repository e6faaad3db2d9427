"""The table's stream: each record becomes one typed change, handed to the listeners
(niochat.reactions.listeners). A record's failure is reported on its own (partial batch response)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from niochat.http.app import logger, tracer
from niochat.reactions import change as changes
from niochat.reactions import pipeline
from niochat.reactions.listeners import LISTENERS


class ChangeProcessor(BatchProcessor):
    """A BatchProcessor that decodes the batch's records once and prepares the listeners before the first
    record; the batch's state lives from `_prepare` to `_clean`, never across invocations."""

    def __init__(self) -> None:
        super().__init__(event_type=EventType.DynamoDBStreams)
        self.batch: pipeline.Batch | None = None
        self._changes: dict[str, changes.Change] = {}

    def _prepare(self) -> None:
        super()._prepare()
        self._changes = {}
        for raw in self.records:
            try:
                decoded = changes.from_record(raw)
            except Exception:  # that record fails on its own, in its handler
                logger.warning("undecodable stream record", extra={"event_id": raw.get("eventID")}, exc_info=True)
                continue
            self._changes[decoded.event_id] = decoded
        self.batch = pipeline.begin(list(self._changes.values()), LISTENERS)

    def _clean(self) -> None:
        try:
            super()._clean()
        finally:
            self.batch, self._changes = None, {}

    def change_of(self, record: DynamoDBRecord) -> changes.Change:
        found = self._changes.get(record.event_id or "")
        return found if found is not None else changes.from_record(record.raw_event)


processor = ChangeProcessor()


def record_handler(record: DynamoDBRecord) -> None:
    batch = processor.batch
    change = processor.change_of(record)
    pipeline.dispatch(change, batch if batch is not None else pipeline.begin([change], LISTENERS), LISTENERS)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event, record_handler, processor, context)
