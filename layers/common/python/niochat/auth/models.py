"""Request models for auth."""

from __future__ import annotations

from pydantic import Field

from niochat.models import RequestModel


class LoginBody(RequestModel):
    username: str = Field(min_length=1, max_length=254, description="A username or an email")
    password: str = Field(min_length=1, max_length=1024)
