"""DynamoDB update expressions parsed once per text.

moto parses a request's UpdateExpression twice on every call (the request's checks in responses.py, then
`update_item`). The tree depends on the text only, and nothing changes it: the checks only read it
(`find_clauses`) and `UpdateExpressionValidator` works on a deep copy of its own. So one parse serves every
request with the same text; a text that does not parse raises each time (failures are not kept).
"""

from __future__ import annotations

import functools
from typing import Any

# The project writes a few hundred distinct texts; the bound only keeps a stray client's texts out.
KNOWN_EXPRESSIONS = 4096


def install() -> None:
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser

    parse = UpdateExpressionParser.make.__func__  # type: ignore[attr-defined]

    @functools.lru_cache(maxsize=KNOWN_EXPRESSIONS)
    def parsed(expression_str: str) -> Any:
        return parse(UpdateExpressionParser, expression_str)

    def make(cls: type, expression_str: str) -> Any:
        return parsed(expression_str)

    UpdateExpressionParser.make = classmethod(make)  # type: ignore[method-assign,assignment]
