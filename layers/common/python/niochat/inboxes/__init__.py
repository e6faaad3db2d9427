"""Inboxes: the channels (a WhatsApp number, a Telegram bot...) a provedor receives conversations on."""
