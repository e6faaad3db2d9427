"""Reading a request: JSON bodies and query strings validated by pydantic models.

pydantic itself is imported by the models' modules, not here: a function whose routes read bodies without a
model (or only some routes use one) doesn't pay for it at cold start."""

from __future__ import annotations

import base64
import binascii
import json
from typing import TYPE_CHECKING, Any, Protocol, Self, TypeVar

from aws_lambda_powertools.event_handler.api_gateway import ApiGatewayResolver

from niochat.errors import NotFound, ValidationError

if TYPE_CHECKING:
    import pydantic
    from pydantic_core import ErrorDetails


class Model(Protocol):
    """What reading a request needs of its model: a pydantic model's `model_validate`."""

    @classmethod
    def model_validate(cls, obj: Any, /) -> Self: ...


M = TypeVar("M", bound=Model)

# What a DynamoDB item can hold: nesting (32 levels, the item itself and its key attributes included) and
# numbers (38 significant digits, magnitude 1e-130 to 1e126). A body is the item's top level.
MAX_JSON_DEPTH = 24
MAX_NUMBER_DIGITS = 38
MIN_NUMBER = 1e-130
MAX_NUMBER = 1e126

_MESSAGES = {
    "missing": "Este campo é obrigatório",
    "extra_forbidden": "Campo não permitido",
    "string_too_long": "Certifique-se de que este campo não tenha mais de {max_length} caracteres",
    "string_too_short": "Certifique-se de que este campo tenha pelo menos {min_length} caracteres",
    "greater_than_equal": "Certifique-se de que este valor seja maior ou igual a {ge}",
    "less_than_equal": "Certifique-se de que este valor seja menor ou igual a {le}",
    "greater_than": "Certifique-se de que este valor seja maior que {gt}",
    "less_than": "Certifique-se de que este valor seja menor que {lt}",
    "int_parsing": "Um número inteiro válido é necessário",
    "int_type": "Um número inteiro válido é necessário",
    "int_from_float": "Um número inteiro válido é necessário",
    "bool_parsing": "Um valor booleano válido é necessário",
    "bool_type": "Um valor booleano válido é necessário",
    "string_type": "Um texto válido é necessário",
    "dict_type": "Um objeto JSON é necessário",
    "list_type": "Uma lista é necessária",
    "literal_error": "Valor inválido. Opções: {expected}",
    "enum": "Valor inválido. Opções: {expected}",
    "value_error": "{error}",
}


def _field_of(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def _message_of(error: ErrorDetails) -> str:
    template = _MESSAGES.get(error["type"])
    if template is None:
        return str(error.get("msg", "Valor inválido"))
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "error" in context:
        context["error"] = str(context["error"])
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return str(error.get("msg", "Valor inválido"))


def validation_error(error: pydantic.ValidationError) -> ValidationError:
    errors = [{"field": _field_of(e["loc"]), "message": _message_of(e)} for e in error.errors()]
    first = errors[0]
    return ValidationError(None, {**first, "errors": errors})


def validate(model: type[M], data: Any) -> M:
    import pydantic  # already imported by the module that defined `model`

    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise validation_error(error) from None


def raw_body(app: ApiGatewayResolver) -> bytes:
    event = app.current_event
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body)
        except (binascii.Error, ValueError):
            raise ValidationError.field("body", "Corpo da requisição inválido") from None
    return body.encode() if isinstance(body, str) else body


class _Unstorable(ValueError):
    """A JSON value the table cannot hold (DynamoDB's number range and nesting depth, UTF-8 text)."""


def _no_constant(name: str) -> Any:
    raise _Unstorable(f"{name} não é um número JSON válido")


def _int(text: str) -> int:
    """A JSON integer DynamoDB can store: at most 38 digits."""
    value = int(text)
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise _Unstorable("Número fora do intervalo suportado")
    return value


def _float(text: str) -> float:
    """A JSON fraction DynamoDB can store: 0 or a magnitude from 1e-130 to 1e126 (1e400 is no Infinity)."""
    value = float(text)
    if value and not MIN_NUMBER <= abs(value) < MAX_NUMBER:
        raise _Unstorable("Número fora do intervalo suportado")
    return value


def _check_tree(value: Any) -> None:
    """Nesting at most MAX_JSON_DEPTH levels; every text valid UTF-8 (no lone surrogates)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise _Unstorable(f"JSON aninhado demais (máximo {MAX_JSON_DEPTH} níveis)")
            children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)
        elif isinstance(node, str) and not node.isascii():
            try:
                node.encode()
            except UnicodeEncodeError:
                raise _Unstorable("Texto com caracteres inválidos") from None


def json_object(app: ApiGatewayResolver) -> dict[str, Any]:
    """The request body as a JSON object; an empty body is {}; anything else is a 400. NaN, Infinity, numbers
    or nesting the table cannot hold and invalid text are refused here, before any model sees them."""
    data = raw_body(app)
    if not data.strip():
        return {}
    try:
        parsed = json.loads(data, parse_constant=_no_constant, parse_float=_float, parse_int=_int)
        _check_tree(parsed)
    except _Unstorable as error:
        raise ValidationError.field("body", str(error), "JSON inválido") from None
    except (ValueError, UnicodeDecodeError, RecursionError, ArithmeticError):
        raise ValidationError.field("body", "JSON malformado", "JSON inválido") from None
    if not isinstance(parsed, dict):
        raise ValidationError.field("body", "Um objeto JSON é necessário")
    return parsed


def body(app: ApiGatewayResolver, model: type[M]) -> M:
    return validate(model, json_object(app))


def query(app: ApiGatewayResolver, model: type[M]) -> M:
    return validate(model, app.current_event.query_string_parameters or {})


def object_id(raw: str, not_found: str = "Não encontrado") -> int:
    """An id from the path: a positive integer in ASCII digits (up to 16: message ids are the longest), else the
    same 404 as an id that does not exist (`²` or `١` are digits to Python, not ids)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 16 or int(raw) == 0:
        raise NotFound(not_found)
    return int(raw)


def source_ip(app: ApiGatewayResolver) -> str | None:
    """The address API Gateway saw the request come from (`requestContext.identity.sourceIp`). Never a
    header such as X-Forwarded-For, which the client writes."""
    context = app.current_event.get("requestContext") or {}
    identity = context.get("identity") or {}
    address = identity.get("sourceIp")
    return address if isinstance(address, str) and address else None
