"""Constituent search (internal plugin ``search``): one interface, SQLite FTS5 or PostgreSQL."""
