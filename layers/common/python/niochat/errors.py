"""The API's errors, in the seed's format: {"error": ..., "message": ..., "details": {...}}.

Services raise these; one exception handler (niochat.http.app) turns them into responses for every function.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the API answers with: its HTTP status, its `error` code and the message when none is given.
    A subclass names the three in its class line: `class NotFound(ApiError, status=404, error=..., message=...)`."""

    status: int = 400
    error: str = "Error"
    default_message: str = "Erro"

    def __init_subclass__(cls, status: int | None = None, error: str | None = None, message: str | None = None) -> None:
        super().__init_subclass__()
        if status is not None:
            cls.status = status
        if error is not None:
            cls.error = error
        if message is not None:
            cls.default_message = message

    def __init__(
        self,
        message: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.details = details
        self.headers = headers or {}
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationError(ApiError, status=400, error="ValidationError", message="Dados inválidos"):
    @classmethod
    def field(cls, field: str, message: str, summary: str | None = None) -> ValidationError:
        return cls(summary, {"field": field, "message": message})


class AuthenticationError(ApiError, status=401, error="AuthenticationError", message="Token inválido ou expirado"): ...


class PermissionDenied(
    ApiError, status=403, error="PermissionError", message="Você não tem permissão para esta ação"
): ...


class NotFound(ApiError, status=404, error="NotFound", message="Não encontrado"): ...


class MethodNotAllowed(ApiError, status=405, error="MethodNotAllowed", message="Método não permitido"): ...


class Conflict(ApiError, status=409, error="Conflict", message="Conflito com o estado atual do recurso"): ...


class PayloadTooLarge(
    ApiError, status=413, error="PayloadTooLarge", message="Arquivo maior que o limite permitido"
): ...


class Unprocessable(ApiError, status=422, error="UnprocessableEntity", message="Entidade não processável"): ...


class RateLimited(
    ApiError, status=429, error="RateLimitError", message="Muitas tentativas. Tente novamente mais tarde"
):
    def __init__(self, retry_after: int, message: str | None = None) -> None:
        retry_after = max(1, int(retry_after))
        super().__init__(message, {"retry_after": retry_after}, {"Retry-After": str(retry_after)})


class BadGateway(ApiError, status=502, error="BadGateway", message="Falha ao comunicar com o provedor externo"): ...


class ServiceUnavailable(ApiError, status=503, error="ServiceUnavailable", message="Serviço indisponível"): ...


class PlainError(ApiError):
    """An error whose body is only {"error": <message>}: the seed shows this shape for session-timeout."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"error": self.message}
