"""The base of every request model.

`defer_build`: pydantic builds a model's validator the first time it validates, not at import, so a cold
start pays only for the models its request uses (a function imports every route's models).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestModel(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="ignore")


class ScopeQuery(RequestModel):
    """`?provedor=`: the provedor a superadmin reads (everyone else reads their own: niochat.tenancy)."""

    provedor: int | None = None
