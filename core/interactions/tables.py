"""Tables of the ``core_interactions`` Piccolo app."""
