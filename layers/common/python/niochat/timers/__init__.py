"""Work that is due later: the sweep over the due index (niochat.store.due) and what each timer does."""
