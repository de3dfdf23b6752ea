"""Every portal page a signed-in donor can reach: one h1, a language, labelled controls."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

from tests.admin.test_accessibility import PageAudit
from tests.portal.conftest import PortalClient

MAX_PAGES = 30


def portal_links(audit: PageAudit) -> list[str]:
    """Same-site portal pages worth visiting (no downloads)."""
    found = []
    for href in audit.links:
        parts = urlsplit(urldefrag(href)[0])
        if parts.netloc or not parts.path.startswith("/portal"):
            continue
        if parts.path.endswith((".json", ".csv", ".pdf")):
            continue
        found.append(parts.path)
    return found


async def test_portal_pages_have_headings_language_and_labels(
    portal_client: PortalClient,
) -> None:
    queue, seen, problems = ["/portal/"], set[str](), {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = await portal_client.get(url)
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
        queue.extend(link for link in portal_links(audit) if link not in seen)
    assert len(seen) >= 5
    assert problems == {}
