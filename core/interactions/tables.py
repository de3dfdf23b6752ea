"""Tables of the ``core_interactions`` Piccolo app: one timeline of every touch.

Every interaction, whichever plugin recorded it, is a row of ``core_interaction``: core's
columns (channel, direction, who initiated, when, staff owner, follow-up) plus the typed
``payload`` of its interaction type, stored as JSON text and validated by the type's model.
Indexes Piccolo's column options cannot express (the timeline order, open follow-ups and
the idempotency key of plugin writes) are created by a later raw migration.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from core.auth.tables import User
from core.constituents.tables import Constituent


class Interaction(Table, tablename="core_interaction"):
    """One touch with a constituent: a call, note, email, gift, shift, mention..."""

    id = Serial(primary_key=True)
    # Indexed together with occurred_at by the raw index migration.
    constituent_id = ForeignKey(Constituent, on_delete=OnDelete.cascade, null=False)
    interaction_type = Varchar(length=80, index=True)  # "<plugin>.<name>", e.g. core.call
    channel = Varchar(length=20)  # see core.interactions.types.CHANNELS
    direction = Varchar(length=20)  # inbound | outbound | internal
    purpose = Varchar(length=100, default="")
    subject = Varchar(length=300, default="")
    body = Text(default="")
    initiated_by = Varchar(length=20)  # constituent | staff | system
    occurred_at = Timestamptz()
    owner_id = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    follow_up_status = Varchar(length=20, default="none")  # none | open | done | cancelled
    follow_up_due = Date(null=True, default=None)  # a calendar day in the org time zone
    follow_up_done_at = Timestamptz(null=True, default=None)
    source_plugin = Varchar(length=40, index=True)
    payload = Text(default="{}")
    external_ref = Varchar(length=200, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    deleted_at = Timestamptz(null=True, default=None)


ALL_TABLES: list[type[Table]] = [Interaction]
