"""Contacts: the customers a provedor talks to."""
