"""Admin pages: constituents."""
