"""Tables of the ``membership`` plugin (named ``membership_*``)."""
