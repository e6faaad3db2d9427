"""Team chat: rooms, participants, room messages, private messages and unread counts (docs/team-chat.md)."""
