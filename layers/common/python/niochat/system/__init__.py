"""Health and changelog."""
