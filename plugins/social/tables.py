"""Tables of the ``social`` plugin (named ``social_*``)."""
