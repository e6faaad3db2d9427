"""The language model, behind one small adapter: any OpenAI-compatible server through the `openai` SDK,
imported only when the assistant first calls it (only functions/ai does)."""
