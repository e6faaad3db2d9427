"""Inboxes (channels) of a provedor."""

from __future__ import annotations

from niochat.store.collection import Collection

inboxes = Collection("inbox")
