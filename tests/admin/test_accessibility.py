"""Every admin page reachable from the navigation: one h1, a language, and a label on every
form control (checked on the HTML the server sends, page by page)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from core.testing import BrowserSession

CONTROLS = frozenset({"input", "select", "textarea"})
UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})
MAX_PAGES = 60


class PageAudit(HTMLParser):
    """Collects the facts the checks need from one page."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.h1_count = 0
        self.links: list[str] = []
        self.label_targets: set[str] = set()
        self.controls: list[dict[str, str]] = []
        self._label_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = values.get("lang", "")
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "label":
            self._label_depth += 1
            if values.get("for"):
                self.label_targets.add(values["for"])
        elif tag in CONTROLS:
            if tag == "input" and values.get("type", "text") in UNLABELLED_INPUT_TYPES:
                return
            values["_tag"] = tag
            values["_wrapped"] = "yes" if self._label_depth else ""
            self.controls.append(values)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_depth:
            self._label_depth -= 1

    def unlabelled(self) -> list[str]:
        """Controls with neither a ``<label>`` nor an ``aria-label``/``aria-labelledby``."""
        missing = []
        for control in self.controls:
            labelled = (
                control.get("id", "") in self.label_targets
                or control.get("_wrapped")
                or control.get("aria-label")
                or control.get("aria-labelledby")
            )
            if not labelled:
                missing.append(f"<{control['_tag']} name={control.get('name', '?')}>")
        return missing


def admin_links(audit: PageAudit) -> list[str]:
    """Same-site admin GET links worth visiting (no downloads, no sign-out)."""
    found = []
    for href in audit.links:
        path = urldefrag(href)[0]
        parts = urlsplit(path)
        if parts.netloc or not parts.path.startswith("/admin"):
            continue
        if parts.path.endswith((".csv", ".pdf", ".json")) or "export" in parts.path:
            continue
        found.append(path)
    return found


async def test_admin_pages_have_headings_language_and_labels(admin_ui: BrowserSession) -> None:
    queue = ["/admin/"]
    seen: set[str] = set()
    problems: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = await admin_ui.get(url)
        if response.status_code != 200 or "text/html" not in response.headers["content-type"]:
            continue
        audit = PageAudit()
        audit.feed(response.text)
        issues = audit.unlabelled()
        if audit.h1_count != 1:
            issues.append(f"{audit.h1_count} h1 headings")
        if audit.lang not in {"en", "es"}:
            issues.append("no lang on <html>")
        if issues:
            problems[url] = issues
        queue.extend(link for link in admin_links(audit) if link not in seen)
    assert len(seen) > 1
    assert problems == {}
