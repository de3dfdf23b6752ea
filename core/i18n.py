"""Translations and locale-aware formatting for the admin UI, the portal and mail.

Every package that shows text keeps gettext catalogues at
``<package>/locale/<lang>/LC_MESSAGES/*.po`` (core, admin, portal and each plugin; a package
may split its messages over several files, one per area).
Catalogues are read from the ``.po`` files and compiled in memory at start-up, so a checkout
needs no build step. English is the source language; Spanish is complete (a test checks that
every message in the templates has a translation).

The active locale lives in a context variable set per request (:func:`use_locale`), so
templates, services and mail all translate with the same :func:`gettext`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from importlib import import_module
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal, get_currency_precision
from babel.support import NullTranslations, Translations

SUPPORTED_LOCALES: tuple[str, ...] = ("en", "es")
DEFAULT_LOCALE = "en"
LOCALE_NAMES: dict[str, str] = {"en": "English", "es": "Español"}
LOCALE_COOKIE = "steward_lang"
CORE_PACKAGES: tuple[str, ...] = ("core", "admin", "portal")

_current: contextvars.ContextVar[str] = contextvars.ContextVar(
    "steward_locale", default=DEFAULT_LOCALE
)
_catalogue_packages: list[str] = list(CORE_PACKAGES)


def normalise_locale(value: str | None) -> str | None:
    """``"es-MX"`` → ``"es"``; None for a language we do not ship."""
    if not value:
        return None
    language = value.strip().replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED_LOCALES else None


def best_match(accept_language: str) -> str | None:
    """The first supported language in an ``Accept-Language`` header, by quality."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = normalise_locale(tag)
        if language and quality > 0:
            choices.append((-quality, position, language))
    return sorted(choices)[0][2] if choices else None


def current_locale() -> str:
    """The locale of the current request (or job, or mail being rendered)."""
    return _current.get()


@contextmanager
def use_locale(locale: str | None) -> Iterator[str]:
    """Run a block in ``locale`` (unsupported values fall back to English)."""
    chosen = normalise_locale(locale) or DEFAULT_LOCALE
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def register_catalogue_packages(packages: Iterable[str]) -> None:
    """Add plugin packages whose ``locale/`` folders hold catalogues (called at boot)."""
    changed = False
    for package in packages:
        if package not in _catalogue_packages:
            _catalogue_packages.append(package)
            changed = True
    if changed:
        translations_for.cache_clear()


def package_locale_dir(package: str) -> Path | None:
    """``<package>/locale`` when the package has one."""
    module = import_module(package)
    files = getattr(module, "__file__", None)
    if not files:
        return None
    folder = Path(files).resolve().parent / "locale"
    return folder if folder.is_dir() else None


def _compile(po_file: Path, locale: str) -> Translations:
    with po_file.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer)


@cache
def translations_for(locale: str) -> NullTranslations:
    """Every registered catalogue for ``locale`` merged into one."""
    merged: Translations | None = None
    for package in _catalogue_packages:
        folder = package_locale_dir(package)
        if folder is None:
            continue
        for po_file in sorted((folder / locale / "LC_MESSAGES").glob("*.po")):
            compiled = _compile(po_file, locale)
            if merged is None:
                merged = compiled
            else:
                merged.merge(compiled)
    return merged if merged is not None else NullTranslations()


def gettext(message: str, **variables: object) -> str:
    """Translate ``message`` into the current locale; ``%(name)s`` placeholders filled in."""
    text = translations_for(current_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """Plural-aware :func:`gettext`; ``num`` is available as a placeholder."""
    text = translations_for(current_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


# --- Formatting ---------------------------------------------------------------------------


def format_date(value: date | None, style: str = "medium") -> str:
    """A calendar date in the current locale (``"22 Nov 2026"`` / ``"22 nov 2026"``)."""
    if value is None:
        return ""
    return babel_format_date(value, format=style, locale=current_locale())


def format_datetime(value: datetime | None, zone: ZoneInfo, style: str = "medium") -> str:
    """An instant shown in the organisation's time zone, in the current locale."""
    if value is None:
        return ""
    return babel_format_datetime(value, format=style, tzinfo=zone, locale=current_locale())


def format_number(value: int | float | None) -> str:
    """A number with the locale's grouping and decimal signs."""
    if value is None:
        return ""
    return format_decimal(value, locale=current_locale())


def format_money(minor_units: int | None, currency: str) -> str:
    """Integer minor units as money in the current locale (``1234`` EUR → ``€12.34``)."""
    if minor_units is None:
        return ""
    from decimal import Decimal

    places = get_currency_precision(currency)
    amount = Decimal(minor_units).scaleb(-places)
    return format_currency(amount, currency, locale=current_locale())


def locale_display_name(code: str) -> str:
    """A language's own name (``"Español"``)."""
    return LOCALE_NAMES.get(code) or Locale.parse(code).get_display_name(code) or code
