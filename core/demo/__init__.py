"""Believable demo data: an organisation with English- and Spanish-speaking supporters."""
