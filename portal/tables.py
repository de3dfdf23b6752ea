"""Tables of the ``portal`` Piccolo app.

Secrets (magic-link tokens, session ids) are stored only as SHA-256 hashes. Constituent
ids are plain integers rather than foreign keys so that erasure and merges in core never
trip over portal rows; the portal's own erasure hook deletes them.
"""

from __future__ import annotations

from piccolo.columns import JSON, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class PortalAccount(Table, tablename="portal_account"):
    """Portal-only settings of a constituent: an optional password."""

    id = Serial(primary_key=True)
    constituent_id = Integer(unique=True)
    password_hash = Varchar(length=200, null=True, default=None)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class PortalMagicLink(Table, tablename="portal_magic_link"):
    """A single-use sign-in link; only the token's hash is kept."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True)
    constituent_id = Integer(index=True)
    email = Varchar(length=254)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)
    ip = Varchar(length=64, default="")


class PortalSession(Table, tablename="portal_session"):
    """A server-side portal session; the cookie holds a random id, the table its hash."""

    id = Serial(primary_key=True)
    session_hash = Varchar(length=64, unique=True)
    constituent_id = Integer(index=True)
    email = Varchar(length=254)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    user_agent = Varchar(length=300, default="")
    ip = Varchar(length=64, default="")


class PortalChangeRequest(Table, tablename="portal_change_request"):
    """Identity changes (names, date of birth) a constituent asked for, awaiting staff."""

    id = Serial(primary_key=True)
    constituent_id = Integer(index=True)
    changes = JSON(default="{}")
    status = Varchar(length=20, default="pending", index=True)
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=200, default="")
    note = Text(default="")


class PortalErasureRequest(Table, tablename="portal_erasure_request"):
    """A request to erase one's personal data, awaiting staff; the outcome is kept."""

    id = Serial(primary_key=True)
    constituent_id = Integer(index=True)
    reason = Text(default="")
    status = Varchar(length=20, default="pending", index=True)
    created_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=200, default="")
    note = Text(default="")
    result = JSON(default="{}")


ALL_TABLES: list[type[Table]] = [
    PortalAccount,
    PortalMagicLink,
    PortalSession,
    PortalChangeRequest,
    PortalErasureRequest,
]
