"""Admin pages: settings."""
