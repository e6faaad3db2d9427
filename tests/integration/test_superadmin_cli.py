"""The command that creates a deployed stack's first superadmin."""

from __future__ import annotations

from infra import superadmin
from tests.integration.conftest import login


def test_creates_a_superadmin_who_can_log_in(api, monkeypatch, capsys):
    monkeypatch.setenv("NIOCHAT_ADMIN_PASSWORD", "uma-senha-longa")
    assert superadmin.main(["--username", "ops", "--email", "ops@example.com"]) == 0
    assert "superadmin ops created" in capsys.readouterr().out
    token = login(api, "ops", "uma-senha-longa")
    me = api.get("/api/auth/me/", token=token).json
    assert me["user_type"] == "superadmin" and me["provedor_id"] is None


def test_refuses_a_short_password_and_a_taken_username(api, monkeypatch, capsys):
    monkeypatch.setenv("NIOCHAT_ADMIN_PASSWORD", "curta")
    assert superadmin.main(["--username", "ops", "--email", "ops@example.com"]) == 1
    monkeypatch.setenv("NIOCHAT_ADMIN_PASSWORD", "uma-senha-longa")
    assert superadmin.main(["--username", "ops", "--email", "ops@example.com"]) == 0
    assert superadmin.main(["--username", "ops", "--email", "outro@example.com"]) == 1
    assert "not created" in capsys.readouterr().err
