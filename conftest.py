"""Root pytest configuration: the Stewardship fixtures for core, plugins and tests."""

pytest_plugins = ["core.testing", "core.testing_browser"]
