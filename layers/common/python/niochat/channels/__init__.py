"""WhatsApp providers (Uazapi, Evolution API): one interface, one httpx client per provider."""
