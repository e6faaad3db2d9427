"""A provedor's integrations: the AI assistant's and SGP's settings (GET/PATCH /api/integrations/…)."""
