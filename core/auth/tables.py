"""Tables of the ``core_auth`` Piccolo app."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table


class Role(Table, tablename="core_role"):
    """A named set of permissions (``*`` grants every permission)."""

    id = Serial(primary_key=True)
    name = Varchar(length=60, unique=True)
    label = Varchar(length=120)
    permissions = JSON(default="[]")
    builtin = Boolean(default=False)


class User(Table, tablename="core_user"):
    """A staff user of the admin UI and API."""

    id = Serial(primary_key=True)
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=200)
    password_hash = Varchar(length=200, null=True)
    is_active = Boolean(default=True)
    locale = Varchar(length=5, default="en")
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class UserRole(Table, tablename="core_user_role"):
    """Membership of a user in a role."""

    id = Serial(primary_key=True)
    user_id = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    role_id = ForeignKey(Role, on_delete=OnDelete.cascade, index=True)


class ApiToken(Table, tablename="core_api_token"):
    """An integration token: only a SHA-256 hash is stored; scopes limit its permissions."""

    id = Serial(primary_key=True)
    user_id = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=120)
    prefix = Varchar(length=16)
    token_hash = Varchar(length=64, unique=True)
    scopes = JSON(default="[]")
    created_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class StaffSession(Table, tablename="core_session"):
    """A server-side staff session; the cookie holds a random id, the table only its hash."""

    id = Serial(primary_key=True)
    session_hash = Varchar(length=64, unique=True)
    user_id = ForeignKey(User, on_delete=OnDelete.cascade, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    user_agent = Varchar(length=300, default="")
    ip = Varchar(length=64, default="")


class LoginAttempt(Table, tablename="core_login_attempt"):
    """A login or magic-link request, kept briefly to rate-limit by address and by client."""

    id = Serial(primary_key=True)
    key = Varchar(length=300, index=True)
    attempted_at = Timestamptz(index=True)
    succeeded = Boolean(default=False)
