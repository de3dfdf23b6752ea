"""Request and response bodies of the auth API (hand-written pydantic models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from core.auth.passwords import MAX_PASSWORD_LENGTH
from core.errors import InvalidInputError
from core.validation import normalise_email

MAX_ID = 2_147_483_647  # PostgreSQL integer columns


def _email(value: str) -> str:
    try:
        return normalise_email(value)
    except InvalidInputError as exc:
        raise ValueError(f"not a valid email address: {exc.errors['email']}") from exc


Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
Password = Annotated[str, Field(min_length=1, max_length=MAX_PASSWORD_LENGTH)]
DisplayName = Annotated[str, Field(min_length=1, max_length=200)]
RoleName = Annotated[str, Field(min_length=1, max_length=60)]
PermissionName = Annotated[str, Field(min_length=1, max_length=100)]
Locale = Literal["en", "es"]


class Input(BaseModel):
    """Base of request bodies: unknown fields are an error, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- login ------------------------------------------------------------------------------


class LoginIn(Input):
    """Credentials for ``POST /auth/login``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    email: Email
    password: Password


class MeOut(BaseModel):
    """The caller: who, what they may do, and how they authenticated."""

    id: int
    email: str
    display_name: str
    permissions: list[str]
    via: Literal["session", "token"]
    csrf_token: str | None = Field(
        default=None, description="For cookie sessions: send it as X-CSRF-Token on writes."
    )


# --- users ------------------------------------------------------------------------------


class UserOut(BaseModel):
    """A staff user."""

    id: int
    email: str
    display_name: str
    is_active: bool
    locale: str
    roles: list[str]
    created_at: datetime
    last_login_at: datetime | None
    has_password: bool


class LoginOut(BaseModel):
    """A successful login: the user, their permissions and the session's CSRF token."""

    user: UserOut
    permissions: list[str]
    csrf_token: str
    expires_at: datetime


class UserPage(BaseModel):
    """A page of users."""

    items: list[UserOut]
    total: int
    page: int
    per_page: int


class UserCreateIn(Input):
    """A new staff user; without a password they cannot log in until one is set."""

    email: Email
    display_name: DisplayName | None = None
    password: Password | None = None
    roles: Annotated[list[RoleName], Field(max_length=20)] = ["staff"]


class UserUpdateIn(Input):
    """Fields to change on a user; omitted fields stay as they are."""

    display_name: DisplayName | None = None
    is_active: bool | None = None
    roles: Annotated[list[RoleName], Field(max_length=20)] | None = None
    locale: Locale | None = None


class PasswordIn(Input):
    """A new password (length rules in :mod:`core.auth.passwords`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)

    password: Password


class PermissionOut(BaseModel):
    """A permission an active plugin declares (``*`` grants them all)."""

    name: str
    label: str
    description: str


# --- roles ------------------------------------------------------------------------------


class RoleOut(BaseModel):
    """A role and the permissions it grants."""

    id: int
    name: str
    label: str
    permissions: list[str]
    builtin: bool
    user_count: int


class RolePage(BaseModel):
    """A page of roles."""

    items: list[RoleOut]
    total: int
    page: int
    per_page: int


class RoleCreateIn(Input):
    """A new role."""

    name: RoleName
    label: Annotated[str, Field(min_length=1, max_length=120)]
    permissions: Annotated[list[PermissionName], Field(max_length=200)] = []


class RoleUpdateIn(Input):
    """Fields to change on a role; omitted fields stay as they are."""

    label: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    permissions: Annotated[list[PermissionName], Field(max_length=200)] | None = None


# --- API tokens -------------------------------------------------------------------------


class TokenOut(BaseModel):
    """An API token (never its secret)."""

    id: int
    user_id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool


class TokenCreatedOut(TokenOut):
    """A token just created: ``secret`` is shown this once and cannot be retrieved later."""

    secret: str


class TokenPage(BaseModel):
    """A page of API tokens."""

    items: list[TokenOut]
    total: int
    page: int
    per_page: int


class TokenCreateIn(Input):
    """A new API token; without scopes it carries all of its user's permissions."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    scopes: Annotated[list[PermissionName], Field(max_length=200)] = []
    expires_at: AwareDatetime | None = None
    user_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        default=None, description="Another user's id (requires users.manage); default: yours."
    )
