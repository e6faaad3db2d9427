"""Authentication: login, logout, tokens, session timeout, failed-login limits."""
