"""Migrations of the example plugin."""
