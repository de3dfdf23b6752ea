"""Core interactions."""
