"""A third-party plugin used by the tests: it implements every hook through the public API.

It lives outside the ``plugins`` package and registers through a real
``stewardship.plugins`` entry point (see ``tests/core/plugin_contract/conftest.py``), the way
an independent package such as ``stewardship_giftaid`` would.
"""
