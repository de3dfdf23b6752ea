"""Custom field values in forms: one typed control per active field, named ``cf_<key>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from admin.forms import FormErrors
from core.constituents.custom_fields import active_fields, canonical_value
from core.errors import InvalidInputError

PREFIX = "cf_"


@dataclass(frozen=True)
class CustomInput:
    """How the form shows one custom field."""

    name: str
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    help_text: str

    @property
    def options(self) -> list[tuple[str, str]]:
        """The choices as ``(value, label)`` pairs."""
        return [(choice, choice) for choice in self.choices]


async def custom_field_inputs() -> list[CustomInput]:
    """The active custom fields in display order, as form controls."""
    fields = sorted((await active_fields()).values(), key=lambda f: (f.position, f.key))
    return [
        CustomInput(
            PREFIX + f.key, f.key, f.label, f.field_type, f.choices, f.required, f.help_text
        )
        for f in fields
    ]


async def custom_values_from_form(values: dict[str, Any]) -> tuple[dict[str, Any], FormErrors]:
    """The typed values by field key (None clears), checked against each field's type."""
    fields = await active_fields()
    typed: dict[str, Any] = {}
    errors: FormErrors = {}
    for key, field in fields.items():
        raw = values.get(PREFIX + key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        try:
            canonical_value(field, raw, PREFIX + key)
        except InvalidInputError as exc:
            errors[PREFIX + key] = next(iter(exc.errors.values()))
            continue
        typed[key] = raw
    return typed, errors


def form_values_of(current: dict[str, str | bool]) -> dict[str, Any]:
    """Stored values in the form's shape (booleans as ``true``/``false``)."""
    shaped: dict[str, Any] = {}
    for key, value in current.items():
        shaped[PREFIX + key] = ("true" if value else "false") if isinstance(value, bool) else value
    return shaped
