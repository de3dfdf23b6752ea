"""Membership plugin: Membership levels, renewals, status rules and the member directory."""
