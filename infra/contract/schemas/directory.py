"""Provedores and users."""

from __future__ import annotations

from infra.contract.schemas.common import UserType, mirror
from niochat.directory import views

Provedor = mirror("Provedor", views.ProvedorView)
User = mirror("User", views.UserView, user_type=UserType)
Colleague = mirror(
    "Colleague", views.ReducedUser, "What an agent sees of another user of their provedor.", user_type=UserType
)
