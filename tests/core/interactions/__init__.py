"""Tests of the interactions timeline, follow-ups and their API."""
