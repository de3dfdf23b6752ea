"""Core constituents."""
