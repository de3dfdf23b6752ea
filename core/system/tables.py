"""Tables of the ``core_system`` Piccolo app."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table


class PluginState(Table, tablename="core_plugin_state"):
    """Runtime on/off switch of an installed plugin (absent means on)."""

    name = Varchar(length=40, primary_key=True)
    enabled = Boolean(default=True)
    changed_at = Timestamptz()
    changed_by = Varchar(length=200, null=True)


class AuditEntry(Table, tablename="core_audit_log"):
    """Who changed what, when, with the record before and after (redactable on erasure)."""

    id = Serial(primary_key=True)
    occurred_at = Timestamptz(index=True)
    actor_kind = Varchar(length=20)
    actor_id = Integer(null=True)
    actor_label = Varchar(length=200)
    action = Varchar(length=60, index=True)
    entity_type = Varchar(length=60, index=True)
    entity_id = Varchar(length=60)
    constituent_id = Integer(null=True, index=True)
    before = JSON(null=True)
    after = JSON(null=True)
    request_id = Varchar(length=64, null=True)
    redacted = Boolean(default=False)


class OrgSetting(Table, tablename="core_org_setting"):
    """An organisation setting changed at runtime; it overrides steward.toml and the env."""

    key = Varchar(length=60, primary_key=True)
    value = Varchar(length=400)  # JSON-encoded
    changed_at = Timestamptz()
    changed_by = Varchar(length=200, null=True)
