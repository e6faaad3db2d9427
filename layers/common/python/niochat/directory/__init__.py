"""Provedores and users: who the tenants are and who works for them."""
