"""Admin pages: accounts."""
