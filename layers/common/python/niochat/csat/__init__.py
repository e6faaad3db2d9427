"""CSAT: satisfaction surveys after each close, their answers, feedback and statistics (docs/csat.md)."""
