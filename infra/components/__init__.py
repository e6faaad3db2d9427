"""Constructs the NioChat stack is assembled from, one concern per module."""
