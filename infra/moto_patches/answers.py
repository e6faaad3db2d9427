"""DynamoDB's item answers written as the JSON they already are.

moto 5.2.5 turns every answer into its wire form by walking the operation's output shape in botocore's
service model (`moto.core.serialize`). For DynamoDB's item operations moto already builds the result as a
plain dict in wire form (attribute values as `{"S": ...}`, counts as numbers), so the walk only rebuilds the
same dict, and it costs more than most operations themselves: ~18 % of the integration suite's CPU. Here a
successful answer of an item operation is `json.dumps`ed directly. Errors, the other operations (tables,
streams, TTL) and any result that is not plain JSON (the bytes of a binary attribute) still go through moto's
serializer.

moto also lists a response class's methods with `inspect.getmembers` on every request to find the action;
the list is kept per class here.

`tests/integration/test_moto_patches.py` runs random sequences on plain and patched moto and compares the
answers.
"""

from __future__ import annotations

import functools
import json
from typing import Any

# The operations whose results moto builds as wire-form dicts (moto/dynamodb/responses.py).
ITEM_OPERATIONS = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    }
)
CONTENT_TYPE = "application/x-amz-json-1.0"


@functools.cache
def _output_members(operation: str) -> frozenset[str]:
    from moto.core.utils import get_service_model

    shape = get_service_model("dynamodb").operation_model(operation).output_shape
    return frozenset(shape.members) if shape is not None else frozenset()


def install() -> None:
    from moto.core import responses, utils
    from moto.dynamodb.responses import DynamoHandler

    generic = DynamoHandler.serialized

    @functools.wraps(generic)
    def serialized(self: Any, action_result: Any) -> Any:
        result = action_result.result
        action = self._get_action()
        if isinstance(result, dict) and action in ITEM_OPERATIONS:
            members = _output_members(action)
            try:  # only the output shape's members, as the serializer writes (DeleteItem adds a legacy key)
                body = json.dumps({k: v for k, v in result.items() if k in members and v is not None})
            except TypeError:  # bytes of a binary attribute: moto's serializer encodes them
                return generic(self, action_result)
            headers = {"Content-Type": CONTENT_TYPE}
            headers.update(self.response_headers)
            return 200, headers, body
        return generic(self, action_result)

    DynamoHandler.serialized = serialized  # type: ignore[method-assign]

    names = functools.cache(utils.method_names_from_class)
    utils.method_names_from_class = names
    responses.method_names_from_class = names
