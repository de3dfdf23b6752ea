"""Migrations of this Piccolo app."""
