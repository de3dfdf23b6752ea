"""Admin pages: interactions."""
