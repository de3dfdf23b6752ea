"""Tables of the ``core_constituents`` Piccolo app."""
