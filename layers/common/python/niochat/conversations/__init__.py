"""Conversations: lifecycle, assignment, transfers, visibility, listing."""
