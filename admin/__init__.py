"""The staff web UI: shell, core pages, and helpers for plugins' admin pages."""

from admin.forms import FormErrors, form_values, validate_form
from admin.rendering import render_admin_page

__all__ = ["FormErrors", "form_values", "render_admin_page", "validate_form"]
