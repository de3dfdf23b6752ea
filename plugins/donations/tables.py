"""Tables of the ``donations`` plugin (named ``donations_*``)."""
