"""Recording and changing interactions and their follow-ups.

Staff (through the API and admin UI) and plugins call the same functions. A plugin records
its own interaction types with a payload its type's model validates, and passes
``external_ref`` (its own id for the thing, e.g. a gift id) so that re-delivering the same
fact (a retried webhook, a re-run import) returns the interaction already stored.

Every change runs in :func:`core.events.unit_of_work` with an audit entry about the
constituent and a domain event dispatched after commit. Reads live in
:mod:`core.interactions.queries`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from core import audit, db
from core.context import current_actor
from core.errors import ConflictError, InvalidInputError
from core.events import emit, unit_of_work
from core.interactions import fields
from core.interactions.catalog import (
    CHANNELS,
    DIRECTIONS,
    FOLLOW_UP_STATUSES,
    INITIATORS,
    default_initiator,
    dump_payload,
    resolve_type,
    validate_payload,
)
from core.interactions.core_types import default_direction
from core.interactions.records import (
    SELECT_COLUMNS,
    Interaction,
    fetch_interaction,
    from_row,
    require_constituent,
    require_owner,
)

ENTITY = "interaction"
UPDATABLE = frozenset(
    {
        "subject",
        "body",
        "purpose",
        "channel",
        "direction",
        "occurred_at",
        "owner_id",
        "follow_up_status",
        "follow_up_due",
    }
)
# Which event a follow-up status change emits (besides ``interaction.updated``).
FOLLOW_UP_EVENTS = {
    "open": "follow_up.opened",
    "done": "follow_up.completed",
    "cancelled": "follow_up.cancelled",
}


def event_payload(interaction: Interaction) -> dict[str, Any]:
    """What events say about an interaction (ids and classification, no free text)."""
    return {
        "interaction_id": interaction.id,
        "constituent_id": interaction.constituent_id,
        "interaction_type": interaction.interaction_type,
        "source_plugin": interaction.source_plugin,
        "channel": interaction.channel,
        "direction": interaction.direction,
        "occurred_at": interaction.occurred_at.isoformat(),
        "owner_id": interaction.owner_id,
        "follow_up_status": interaction.follow_up_status,
        "follow_up_due": (
            interaction.follow_up_due.isoformat() if interaction.follow_up_due else None
        ),
    }


async def _by_external_ref(plugin: str, external_ref: str) -> Interaction | None:
    row = await db.fetch_one(
        f"SELECT {SELECT_COLUMNS}, u.display_name AS owner_name, "
        "c.display_name AS constituent_name FROM core_interaction i "
        "JOIN core_constituent c ON c.id = i.constituent_id "
        "LEFT JOIN core_user u ON u.id = i.owner_id "
        "WHERE i.source_plugin = {} AND i.external_ref = {}",
        plugin,
        external_ref,
    )
    return None if row is None else from_row(row)


def _replayed(existing: Interaction, constituent_id: int, interaction_type: str) -> Interaction:
    """The stored interaction for a repeated write, or ConflictError if it is another fact."""
    if existing.constituent_id != constituent_id or existing.interaction_type != interaction_type:
        raise ConflictError(
            f"external_ref {existing.external_ref!r} of plugin {existing.source_plugin!r} "
            f"already identifies interaction {existing.id} ({existing.interaction_type} of "
            f"constituent {existing.constituent_id})"
        )
    return existing


async def record_interaction(
    *,
    constituent_id: int,
    interaction_type: str,
    payload: Mapping[str, Any] | BaseModel | None = None,
    channel: str | None = None,
    direction: str | None = None,
    purpose: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    initiated_by: str | None = None,
    occurred_at: datetime | None = None,
    owner_id: int | None = None,
    follow_up_status: str | None = None,
    follow_up_due: date | None = None,
    external_ref: str | None = None,
) -> Interaction:
    """Record one interaction on a constituent's timeline and return it.

    ``channel`` defaults to the type's default channel, ``direction`` to ``internal`` for
    notes and tasks and ``outbound`` otherwise, ``initiated_by`` to ``staff`` for staff
    callers and ``system`` for processes, ``occurred_at`` to now. A ``follow_up_due`` date
    (org time zone) opens a follow-up. With ``external_ref``, recording the same fact again
    returns the stored interaction (no new row, no event); the same reference for a
    different constituent or type is a ConflictError.

    Raises InvalidInputError (unknown or switched-off type, invalid payload or fields) and
    NotFoundError (no such constituent, or deleted).
    """
    registered = await resolve_type(interaction_type)
    errors = fields.FieldErrors()
    clean_payload: dict[str, Any] = {}
    try:
        clean_payload = validate_payload(registered, payload)
    except InvalidInputError as exc:
        for name, message in exc.errors.items():
            errors.add(name, message)
    now = datetime.now(UTC)
    due = fields.day(follow_up_due, "follow_up_due", errors)
    values: dict[str, Any] = {
        "channel": fields.choice(
            channel or registered.default_channel, "channel", CHANNELS, errors
        ),
        "direction": fields.choice(
            direction or default_direction(registered.key), "direction", DIRECTIONS, errors
        ),
        "purpose": fields.line(purpose, "purpose", fields.PURPOSE_MAX, errors),
        "subject": fields.line(subject, "subject", fields.SUBJECT_MAX, errors),
        "body": fields.body(body, errors),
        "initiated_by": fields.choice(
            initiated_by or default_initiator(current_actor().kind),
            "initiated_by",
            INITIATORS,
            errors,
        ),
        "occurred_at": fields.instant(occurred_at or now, "occurred_at", errors),
        "owner_id": fields.identifier(owner_id, "owner_id", errors),
        "follow_up_due": due,
        "external_ref": fields.external_ref(external_ref, errors),
    }
    status = follow_up_status or ("open" if due is not None else "none")
    if status not in ("none", "open"):
        errors.add(
            "follow_up_status",
            "a new interaction's follow-up must be none or open (complete or cancel it later)",
        )
    elif status == "none" and due is not None:
        errors.add("follow_up_due", "a due date needs follow_up_status open")
    errors.raise_if_any()
    ref = values["external_ref"]

    async with unit_of_work():
        await require_constituent(constituent_id)
        if values["owner_id"] is not None:
            await require_owner(values["owner_id"])
        if ref is not None and (existing := await _by_external_ref(registered.plugin, ref)):
            return _replayed(existing, constituent_id, registered.key)
        row = await db.fetch_one(
            "INSERT INTO core_interaction (constituent_id, interaction_type, channel, "
            "direction, purpose, subject, body, initiated_by, occurred_at, owner_id, "
            "follow_up_status, follow_up_due, follow_up_done_at, source_plugin, payload, "
            "external_ref, created_at, updated_at, deleted_at) VALUES ({}, {}, {}, {}, {}, {}, "
            "{}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (source_plugin, external_ref) DO NOTHING RETURNING id",
            constituent_id,
            registered.key,
            values["channel"],
            values["direction"],
            values["purpose"],
            values["subject"],
            values["body"],
            values["initiated_by"],
            values["occurred_at"],
            values["owner_id"],
            status,
            due,
            None,
            registered.plugin,
            dump_payload(clean_payload),
            ref,
            now,
            now,
            None,
        )
        if row is None:
            # A concurrent write with the same reference committed first.
            assert ref is not None
            existing = await _by_external_ref(registered.plugin, ref)
            assert existing is not None
            return _replayed(existing, constituent_id, registered.key)
        created = await fetch_interaction(int(row["id"]))
        await audit.record_change(
            "create", ENTITY, created.id, after=created.snapshot(), constituent_id=constituent_id
        )
        await emit("interaction.recorded", event_payload(created))
        if status == "open":
            await emit("follow_up.opened", event_payload(created))
    return created


def _checked_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values of the fields being changed; InvalidInputError for any problem."""
    errors = fields.FieldErrors()
    for name in sorted(set(changes) - UPDATABLE):
        errors.add(name, f"cannot be changed (changeable: {', '.join(sorted(UPDATABLE))})")
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name in ("subject", "purpose"):
            limit = fields.SUBJECT_MAX if name == "subject" else fields.PURPOSE_MAX
            clean[name] = fields.line(value, name, limit, errors)
        elif name == "body":
            clean[name] = fields.body(value, errors)
        elif name == "channel":
            clean[name] = fields.choice(value, name, CHANNELS, errors)
        elif name == "direction":
            clean[name] = fields.choice(value, name, DIRECTIONS, errors)
        elif name == "occurred_at":
            clean[name] = fields.instant(value, name, errors)
        elif name == "owner_id":
            clean[name] = fields.identifier(value, name, errors)
        elif name == "follow_up_due":
            clean[name] = fields.day(value, name, errors)
        elif name == "follow_up_status":
            clean[name] = fields.choice(value, name, FOLLOW_UP_STATUSES, errors)
    errors.raise_if_any()
    return clean


def _follow_up_state(before: Interaction, clean: dict[str, Any], now: datetime) -> None:
    """Make status, due date and done time consistent (in ``clean``).

    Setting a due date without a status opens the follow-up; status ``none`` clears the due
    date; ``done`` stamps ``follow_up_done_at`` (kept if it was already done).
    """
    explicit_status = "follow_up_status" in clean
    status = clean.get("follow_up_status", before.follow_up_status)
    due = clean.get("follow_up_due", before.follow_up_due)
    if not explicit_status and clean.get("follow_up_due") is not None:
        status = "open"
    if status == "none":
        if explicit_status and clean.get("follow_up_due") is not None:
            raise InvalidInputError({"follow_up_due": "a due date needs follow_up_status open"})
        due = None
    if status == "done":
        done_at = before.follow_up_done_at if before.follow_up_status == "done" else now
    else:
        done_at = None
    clean["follow_up_status"] = status
    clean["follow_up_due"] = due
    clean["follow_up_done_at"] = done_at


async def update_interaction(interaction_id: int, changes: Mapping[str, Any]) -> Interaction:
    """Change subject, body, purpose, channel, direction, when, owner or follow-up.

    ``changes`` holds only the fields to change; ``owner_id`` and ``follow_up_due`` may be
    None to clear them. Nothing changed means no audit entry and no event.
    """
    clean = _checked_changes(changes)
    now = datetime.now(UTC)
    async with unit_of_work():
        before = await fetch_interaction(interaction_id)
        if clean.get("owner_id") is not None:
            await require_owner(clean["owner_id"])
        if {"follow_up_status", "follow_up_due"} & set(clean):
            _follow_up_state(before, clean, now)
        changed = {k: v for k, v in clean.items() if getattr(before, k) != v}
        if not changed:
            return before
        assignments = ", ".join(f"{name} = {{}}" for name in changed)
        await db.execute(
            f"UPDATE core_interaction SET {assignments}, updated_at = {{}} WHERE id = {{}}",
            *changed.values(),
            now,
            interaction_id,
        )
        after = await fetch_interaction(interaction_id)
        await audit.record_change(
            "update",
            ENTITY,
            interaction_id,
            before=before.snapshot(),
            after=after.snapshot(),
            constituent_id=after.constituent_id,
        )
        await emit("interaction.updated", {**event_payload(after), "changed": sorted(changed)})
        if "follow_up_status" in changed and after.follow_up_status in FOLLOW_UP_EVENTS:
            await emit(FOLLOW_UP_EVENTS[after.follow_up_status], event_payload(after))
    return after


async def _close_follow_up(interaction_id: int, status: str) -> Interaction:
    async with unit_of_work():
        current = await fetch_interaction(interaction_id)
        if current.follow_up_status != "open":
            raise ConflictError(
                f"interaction {interaction_id} has no open follow-up "
                f"(its follow-up is {current.follow_up_status})"
            )
        return await update_interaction(interaction_id, {"follow_up_status": status})


async def complete_follow_up(interaction_id: int) -> Interaction:
    """Mark an open follow-up done (now); ConflictError if it is not open."""
    return await _close_follow_up(interaction_id, "done")


async def cancel_follow_up(interaction_id: int) -> Interaction:
    """Cancel an open follow-up; ConflictError if it is not open."""
    return await _close_follow_up(interaction_id, "cancelled")


async def delete_interaction(interaction_id: int) -> None:
    """Soft-delete an interaction: it leaves the timeline and follow-up lists; data is kept."""
    now = datetime.now(UTC)
    async with unit_of_work():
        before = await fetch_interaction(interaction_id)
        await db.execute(
            "UPDATE core_interaction SET deleted_at = {}, updated_at = {} WHERE id = {}",
            now,
            now,
            interaction_id,
        )
        await audit.record_change(
            "delete",
            ENTITY,
            interaction_id,
            before=before.snapshot(),
            constituent_id=before.constituent_id,
        )
        await emit("interaction.deleted", event_payload(before))


async def get_interaction(interaction_id: int) -> Interaction:
    """One interaction (not deleted, of a live constituent); NotFoundError otherwise."""
    return await fetch_interaction(interaction_id)


async def schedule_follow_up(
    *,
    constituent_id: int,
    owner_id: int | None,
    due: date,
    subject: str,
    body: str | None = None,
) -> Interaction:
    """Record a ``core.task`` with an open follow-up due on ``due`` (org time zone)."""
    errors = fields.FieldErrors()
    if not isinstance(subject, str) or not subject.strip():
        errors.add("subject", "is required")
    if due is None:
        errors.add("due", "is required")
    errors.raise_if_any()
    return await record_interaction(
        constituent_id=constituent_id,
        interaction_type="core.task",
        subject=subject,
        body=body,
        owner_id=owner_id,
        follow_up_status="open",
        follow_up_due=due,
    )
