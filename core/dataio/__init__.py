"""Bulk import and export of constituents as CSV (internal plugin ``dataio``)."""
