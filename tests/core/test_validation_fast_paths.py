"""The fast paths of core.validation give exactly what the general validators give.

The import benchmark showed email_validator as a fifth of the import's time; the plain
address fast path skips it only where it would accept the address unchanged.
"""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import example, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInputError
from core.validation import normalise_email, normalise_phone, plain_email

# Characters around the fast path's edges: dots, separators, specials email_validator
# accepts or refuses, upper case, non-ASCII and spaces.
EMAIL_ALPHABET = "abzAZ09.-_+@!#$%&'*/=?^`{|}~ \"()[]:;,<>\\éİK\u212a\u0131ß"
LABELS = st.sampled_from(
    ["example", "org", "com", "-a", "a-", "x", "localhost", "local", "invalid", "test",
     "onion", "arpa", "123", "xn--bcher-kva", "xn--zz", "a" * 63, "a" * 64, ""]
)  # fmt: skip


def general(email: str) -> str | None:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def assert_agrees(email: str) -> None:
    fast = plain_email(email)
    if fast is not None:
        assert general(email) == fast
    try:
        ours: str | None = normalise_email(email)
    except InvalidInputError:
        ours = None
    assert ours == (general(email) if len(email) <= 254 else None)


@settings(max_examples=400)
@given(st.text(alphabet=EMAIL_ALPHABET, max_size=40))
@example("r.moore1@example.org")
@example("R.Moore1@Example.ORG")
@example("a..b@example.org")
@example(".a@example.org")
@example("a.@example.org")
@example("a@example")
@example("a@localhost.localhost")
@example("a@b.invalid")
@example("\u212a@example.org")
def test_email_fast_path_agrees_with_email_validator(email: str) -> None:
    assert_agrees(email)


@settings(max_examples=300)
@given(
    st.text(alphabet="abc09._+-", min_size=1, max_size=70),
    st.lists(LABELS, min_size=1, max_size=4),
)
def test_email_fast_path_agrees_on_domains(local: str, labels: list[str]) -> None:
    assert_agrees(local + "@" + ".".join(labels))


def test_fast_path_takes_plain_addresses_only() -> None:
    assert plain_email("ana.garcia+news@example.org") == "ana.garcia+news@example.org"
    assert plain_email("Ana@example.org") is None  # not normalised: the caller lowers first
    assert plain_email("a" * 65 + "@example.org") is None
    assert plain_email("josé@example.org") is None
    assert plain_email("ana@münchen.de") is None


def test_refused_addresses_keep_the_validator_message() -> None:
    with pytest.raises(InvalidInputError) as caught:
        normalise_email("ana@b.invalid")
    assert "special-use or reserved" in caught.value.errors["email"]


@given(st.text(alphabet="+0123456789 ()-.xt", max_size=20), st.sampled_from(["ES", "GB", "US"]))
def test_memoised_phone_reading_matches_phonenumbers(number: str, region: str) -> None:
    try:
        parsed = phonenumbers.parse(number, region)
        valid = phonenumbers.is_valid_number(parsed)
    except phonenumbers.NumberParseException:
        valid = False
    expected = (
        phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) if valid else None
    )
    for _ in range(2):  # the second call is answered from the memo
        try:
            ours: str | None = normalise_phone(number, region)
        except InvalidInputError:
            ours = None
        assert ours == expected
