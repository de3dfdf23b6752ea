"""Core jobs."""
