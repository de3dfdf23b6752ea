"""Spike alerts: mention volume or negative share jumping above its baseline.

Every run compares the last ``spike_window_hours`` (ending at the current hour) with the
``spike_baseline_days`` before it. *Volume*: the window has at least ``spike_min_mentions``
mentions and more than ``spike_volume_factor`` times the baseline's average per window.
*Negative*: at least ``spike_min_mentions`` mentions and a negative share at least
``spike_negative_share`` above the baseline's share. An alert is one row per kind and window
start (unique), so a rerun in the same hour raises nothing twice, and a kind already alerted
within the last window is not raised again while the spike lasts. Alerts appear on the
dashboard card and are mailed to ``alert_emails``; ``emailed_at`` is set with the send so a
retried job does not mail twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core import audit, db
from core.clock import utc_now
from core.errors import NotFoundError
from core.events import emit, unit_of_work
from core.mail import OutgoingMail, render_mail, send_mail
from plugins.social.common import as_int, config, instant, org
from plugins.social.mentions import EFFECTIVE

TAG = "social.spike_alert"


@dataclass(frozen=True)
class Window:
    """Counts of one period."""

    mentions: int
    negative: int

    @property
    def negative_share(self) -> float:
        """Negative mentions over all mentions (0 when there are none)."""
        return self.negative / self.mentions if self.mentions else 0.0


async def _window(start: datetime, end: datetime) -> Window:
    row = await db.fetch_one(
        f"SELECT COUNT(*) AS n, SUM(CASE WHEN {EFFECTIVE} = 'negative' THEN 1 ELSE 0 END) "
        "AS neg FROM social_mention m WHERE m.posted_at >= {} AND m.posted_at < {}",
        start,
        end,
    )
    return Window(as_int(row["n"] if row else 0), as_int(row["neg"] if row else 0))


def detect(
    current: Window, baseline: Window, windows_in_baseline: int
) -> list[tuple[str, float, float]]:
    """``(kind, observed, baseline)`` for each kind of spike ``current`` shows."""
    cfg = config()
    found: list[tuple[str, float, float]] = []
    if current.mentions < cfg.spike_min_mentions:
        return found
    average = baseline.mentions / max(windows_in_baseline, 1)
    if current.mentions > cfg.spike_volume_factor * max(average, 1.0):
        found.append(("volume", float(current.mentions), round(average, 2)))
    if current.negative_share >= baseline.negative_share + cfg.spike_negative_share:
        found.append(
            ("negative", round(current.negative_share, 4), round(baseline.negative_share, 4))
        )
    return found


async def check_spikes(now: datetime | None = None) -> list[int]:
    """Compare the current window with the baseline; raise and mail new alerts (their ids)."""
    cfg = config()
    end = (now or utc_now()).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    start = end - timedelta(hours=cfg.spike_window_hours)
    base_start = start - timedelta(days=cfg.spike_baseline_days)
    current = await _window(start, end)
    baseline = await _window(base_start, start)
    windows = max(int(cfg.spike_baseline_days * 24 / cfg.spike_window_hours), 1)
    raised: list[int] = []
    for kind, observed, base in detect(current, baseline, windows):
        recent = await db.fetch_value(
            "SELECT id FROM social_spike_alert WHERE kind = {} AND window_end > {} LIMIT 1",
            kind,
            start,
        )
        if recent is not None:
            continue
        async with unit_of_work():
            alert_id = await db.fetch_value(
                "INSERT INTO social_spike_alert (kind, window_start, window_end, observed, "
                "baseline, mentions, raised_at) VALUES ({}, {}, {}, {}, {}, {}, {}) "
                "ON CONFLICT DO NOTHING RETURNING id",
                kind,
                start,
                end,
                observed,
                base,
                current.mentions,
                utc_now(),
            )
            if alert_id is None:
                continue
            await emit(
                "social.spike_detected",
                {"alert_id": alert_id, "kind": kind, "observed": observed, "baseline": base},
            )
        raised.append(int(alert_id))
    await mail_pending()
    return raised


async def mail_pending() -> int:
    """Mail every alert not yet mailed to ``alert_emails``; returns how many were mailed."""
    recipients = config().alert_emails
    if not recipients:
        return 0
    rows = await db.fetch_all(
        "SELECT * FROM social_spike_alert WHERE emailed_at IS NULL ORDER BY id"
    )
    for row in rows:
        async with unit_of_work():
            claimed = await db.fetch_value(
                "UPDATE social_spike_alert SET emailed_at = {} WHERE id = {} "
                "AND emailed_at IS NULL RETURNING id",
                utc_now(),
                row["id"],
            )
            if claimed is None:
                continue
            context = _mail_context(row)
            subject, text, html = render_mail("social/mail/spike", context, locale=org().locale)
            for address in recipients:
                await send_mail(
                    OutgoingMail(to=address, subject=subject, text=text, html=html, tag=TAG)
                )
    return len(rows)


def _mail_context(row: dict[str, Any]) -> dict[str, Any]:
    start = instant(row["window_start"])
    end = instant(row["window_end"])
    return {
        "kind": row["kind"],
        "observed": row["observed"],
        "baseline": row["baseline"],
        "mentions": row["mentions"],
        "start": start.astimezone(org().zone) if start else None,
        "end": end.astimezone(org().zone) if end else None,
        "link": f"{org().public_base_url.rstrip('/')}/admin/social/",
        "org_name": org().org_name,
    }


async def recent_alerts(days: int = 7, open_only: bool = False) -> list[dict[str, Any]]:
    """Alerts raised in the last ``days`` days (only unacknowledged ones if asked), newest first."""
    extra = " AND acknowledged_at IS NULL" if open_only else ""
    return await db.fetch_all(
        f"SELECT * FROM social_spike_alert WHERE raised_at >= {{}}{extra} ORDER BY raised_at DESC",
        utc_now() - timedelta(days=days),
    )


async def acknowledge(alert_id: int) -> None:
    """Staff have seen the alert: it leaves the dashboard card (and stays on the dashboard)."""
    row = await db.fetch_one("SELECT id FROM social_spike_alert WHERE id = {}", alert_id)
    if row is None:
        raise NotFoundError(f"alert {alert_id} not found")
    async with unit_of_work():
        await db.execute(
            "UPDATE social_spike_alert SET acknowledged_at = {} WHERE id = {} "
            "AND acknowledged_at IS NULL",
            utc_now(),
            alert_id,
        )
        await audit.record_change("acknowledge", "social_spike_alert", alert_id)


async def spike_job() -> None:
    """Periodic job handler."""
    await check_spikes()
