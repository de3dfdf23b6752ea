"""Staff web UI (Jinja2 + htmx): the shell and core pages; plugins add pages through hooks."""
