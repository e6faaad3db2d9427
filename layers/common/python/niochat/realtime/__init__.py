"""Realtime: WebSocket connections, and the fan-out of table changes to them as the seed's events."""
