"""Volunteers plugin: Opportunities, shifts, sign-ups, check-in and volunteer hours."""
