"""Tables of the ``volunteers`` plugin (named ``volunteers_*``)."""
