"""Donations plugin: Gifts, pledges, recurring giving, receipts and fundraising reports."""
