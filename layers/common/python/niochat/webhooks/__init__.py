"""Inbound WhatsApp: provider webhook deliveries parsed into events and stored (docs/webhooks.md)."""
