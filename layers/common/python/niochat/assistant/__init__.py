"""The AI assistant's use cases: its tools, the answer loop, the replies to customers in AI conversations, and
the agents' trial endpoint."""
