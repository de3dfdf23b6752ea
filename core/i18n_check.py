"""Finds user-facing messages that lack a Spanish translation.

``python -m core.i18n_check`` lists every message marked for translation in the templates
(``_("...")``) and Python modules (``_()``/``gettext``/``ngettext``) of core, admin, portal
and the first-party plugins, whose Spanish translation is missing or empty. Each missing
message is printed as a ready-to-fill ``.po`` entry; paste it into the area's catalogue
(``<package>/locale/es/LC_MESSAGES/<area>.po``). The test suite runs the same check.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.extract import extract_from_dir

from core.i18n import translations_for

ROOT = Path(__file__).resolve().parent.parent
PACKAGES: tuple[str, ...] = (
    "core",
    "admin",
    "portal",
    "plugins/donations",
    "plugins/membership",
    "plugins/volunteers",
    "plugins/social",
)
METHOD_MAP = [
    ("**/tests/**", "ignore"),
    ("**/migrations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]
OPTIONS = {"**/templates/**": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def marked_messages(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """``(message, "file:line")`` for every translatable message in the shipped packages."""
    from core.i18n import register_catalogue_packages

    register_catalogue_packages(p.replace("/", ".") for p in PACKAGES)
    for package in PACKAGES:
        folder = root / package
        if not folder.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder),
            method_map=METHOD_MAP,
            options_map=OPTIONS,
            keywords=KEYWORDS,
            comment_tags=(),
            strip_comment_tags=True,
        ):
            texts = message if isinstance(message, tuple) else (message,)
            for text in texts:
                if text:
                    yield text, f"{package}/{filename}:{lineno}"


def untranslated(locale: str = "es") -> dict[str, str]:
    """Messages without a translation in ``locale``, with where each first appears."""
    messages = list(marked_messages())  # registers every package's catalogue first
    catalogue = getattr(translations_for(locale), "_catalog", {})
    missing: dict[str, str] = {}
    for text, where in messages:
        if not catalogue.get(text):
            missing.setdefault(text, where)
    return missing


def po_entry(text: str, where: str) -> str:
    """A ``.po`` entry for ``text`` with an empty translation."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'#: {where}\nmsgid "{escaped}"\nmsgstr ""\n'


def main() -> int:
    """Print the missing entries; exit status 1 when there are any."""
    missing = untranslated()
    for text, where in missing.items():
        print(po_entry(text, where))
    print(f"# {len(missing)} message(s) without a Spanish translation", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
