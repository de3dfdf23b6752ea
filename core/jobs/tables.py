"""Tables of the ``core_jobs`` Piccolo app."""
