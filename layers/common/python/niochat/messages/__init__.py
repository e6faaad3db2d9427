"""Messages of a conversation: sending through the inbox's WhatsApp provider, reactions, deletion, reading."""
