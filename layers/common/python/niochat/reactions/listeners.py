"""The stream's listeners, in the order they see each change. Adding a reaction is adding a line here."""

from __future__ import annotations

from niochat.chat.listener import TeamRoomsListener
from niochat.csat.listener import CsatListener
from niochat.reactions.pipeline import Listener
from niochat.realtime.listener import RealtimeListener
from niochat.realtime.revocation import RevocationListener
from niochat.recovery.leads import RecoveryListener
from niochat.reports.listener import AggregatesListener

LISTENERS: tuple[Listener, ...] = (
    RealtimeListener(),
    AggregatesListener(),
    RevocationListener(),
    CsatListener(),
    TeamRoomsListener(),
    RecoveryListener(),
)


def wanted_kinds() -> frozenset[str]:
    """Every item `type` some listener wants: the stream's event filter lets only these through."""
    return frozenset().union(*(listener.kinds for listener in LISTENERS))
