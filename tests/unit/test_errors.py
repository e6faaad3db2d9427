import pydantic
import pytest

from niochat.errors import AuthenticationError, PlainError, RateLimited, ValidationError
from niochat.http.request import validate


def test_authentication_error_body_is_the_seed_one():
    assert AuthenticationError().body() == {
        "error": "AuthenticationError",
        "message": "Token inválido ou expirado",
    }
    assert AuthenticationError.status == 401


def test_rate_limited_carries_retry_after():
    error = RateLimited(90)
    assert error.status == 429
    assert error.headers == {"Retry-After": "90"}
    assert error.body()["details"] == {"retry_after": 90}


def test_plain_error_body():
    assert PlainError("Timeout da sessão não fornecido").body() == {"error": "Timeout da sessão não fornecido"}


class Body(pydantic.BaseModel):
    name: str = pydantic.Field(max_length=5)
    count: int


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"count": 1}, "name", "Este campo é obrigatório"),
        (
            {"name": "abcdef", "count": 1},
            "name",
            "Certifique-se de que este campo não tenha mais de 5 caracteres",
        ),
        ({"name": "a", "count": "x"}, "count", "Um número inteiro válido é necessário"),
    ],
)
def test_pydantic_errors_become_the_seed_validation_format(data, field, message):
    with pytest.raises(ValidationError) as caught:
        validate(Body, data)
    body = caught.value.body()
    assert body["error"] == "ValidationError"
    assert body["message"] == "Dados inválidos"
    assert body["details"]["field"] == field
    assert body["details"]["message"] == message
