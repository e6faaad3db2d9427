"""Reactions to table changes: the stream's records as typed changes, handed to a list of listeners."""
