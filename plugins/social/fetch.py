"""Outbound HTTP for social sources: public addresses only, bounded in size and time.

Every URL a source fetches comes from staff input or from a remote server (redirects,
pagination links), so it is untrusted. :func:`fetch` resolves the host itself, refuses any
address that is not globally routable (private, loopback, link-local, multicast, reserved,
unspecified, IPv4-mapped forms of those) unless it lies in ``allow_networks``, and then
connects to *that* address (the Host header and TLS server name keep the original name), so a
second DNS answer cannot swap in an internal address between check and connect. Redirects are
followed by hand, each hop checked the same way. Bodies are streamed and abandoned past
``max_bytes``; the whole exchange runs under one deadline.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
REDIRECTS = {301, 302, 303, 307, 308}
RETRY_AFTER_CAP = 7 * 86_400


class FetchError(Exception):
    """A fetch that did not produce a usable response; ``str()`` is safe to show staff."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    """The URL resolves to an address outbound fetches may not reach."""


class RateLimitedError(FetchError):
    """HTTP 429, or 503 with Retry-After: wait before asking again."""


class ServerFailureError(FetchError):
    """HTTP 5xx: the remote side failed; back off."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch."""

    allow_networks: tuple[IPNetwork, ...] = ()
    max_bytes: int = 2_000_000
    timeout_seconds: float = 15.0
    max_redirects: int = 5
    user_agent: str = "Stewardship-social/0.1"

    @classmethod
    def build(cls, allow: Iterable[str] = (), **limits: object) -> FetchPolicy:
        """A policy from CIDR strings and keyword limits."""
        networks = tuple(ipaddress.ip_network(item, strict=False) for item in allow)
        return cls(allow_networks=networks, **limits)  # type: ignore[arg-type]


@dataclass
class FetchResponse:
    """A complete (size-checked) response."""

    status: int
    url: str
    headers: httpx.Headers
    body: bytes = b""
    links: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The body decoded as UTF-8 (invalid bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address (IPv4-mapped IPv6 judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None and not is_public(mapped):
            return False
        if address.teredo is not None:
            return False
    if (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    ):
        return False
    return address.is_global


def address_allowed(address: IPAddress, policy: FetchPolicy) -> bool:
    """Public, or inside one of the policy's explicitly allowed networks."""
    if any(address.version == net.version and address in net for net in policy.allow_networks):
        return True
    return is_public(address)


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (a literal address resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}") from exc
    seen: list[IPAddress] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]
        address = ipaddress.ip_address(raw)
        if address not in seen:
            seen.append(address)
    if not seen:
        raise FetchError(f"cannot resolve host {host!r}")
    return seen


async def checked_addresses(url: httpx.URL, policy: FetchPolicy) -> list[IPAddress]:
    """The addresses to try for ``url``; refuses blocked schemes and addresses.

    Every resolved address must be allowed: a name with one public and one private answer is
    refused, since the connection could use either.
    """
    if url.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs may be fetched, not {url.scheme!r}")
    if not url.host:
        raise FetchError("the URL has no host")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = await resolve(url.host, port)
    for address in addresses:
        if not address_allowed(address, policy):
            raise BlockedAddressError(
                f"refused: {url.host} resolves to a non-public address ({address})"
            )
    return addresses


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(min(int(value), RETRY_AFTER_CAP))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    delta = (when - (now or datetime.now(UTC))).total_seconds()
    return float(min(max(delta, 0.0), RETRY_AFTER_CAP))


def parse_links(header: str | None) -> dict[str, str]:
    """``rel`` to URL from an RFC 8288 Link header (Mastodon paginates with these)."""
    links: dict[str, str] = {}
    if not header:
        return links
    for part in header.split(","):
        pieces = part.strip().split(";")
        target = pieces[0].strip()
        if not (target.startswith("<") and target.endswith(">")):
            continue
        for param in pieces[1:]:
            key, _sep, val = param.strip().partition("=")
            if key.strip().lower() == "rel":
                for rel in val.strip().strip('"').split():
                    links[rel.lower()] = target[1:-1]
    return links


def _pinned_request(
    client: httpx.AsyncClient,
    url: httpx.URL,
    address: IPAddress,
    headers: Mapping[str, str],
    policy: FetchPolicy,
) -> httpx.Request:
    host_header = url.netloc.decode("ascii")
    request = client.build_request(
        "GET",
        url.copy_with(host=str(address)),
        headers={"User-Agent": policy.user_agent, **headers, "Host": host_header},
    )
    if url.scheme == "https":
        request.extensions["sni_hostname"] = url.host
    return request


async def _read_limited(response: httpx.Response, limit: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"response too large ({declared} bytes; the limit is {limit})")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(f"response too large (over {limit} bytes)")
        chunks.append(chunk)
    return b"".join(chunks)


def _raise_for_status(status: int, headers: httpx.Headers) -> None:
    retry_after = parse_retry_after(headers.get("retry-after"))
    if status == 429:
        raise RateLimitedError(
            "rate limited by the server (HTTP 429)", status=status, retry_after=retry_after
        )
    if status >= 500:
        if status == 503 and retry_after is not None:
            raise RateLimitedError(
                "server unavailable (HTTP 503)", status=status, retry_after=retry_after
            )
        raise ServerFailureError(
            f"server error (HTTP {status})", status=status, retry_after=retry_after
        )
    if status >= 400:
        raise FetchError(f"request refused (HTTP {status})", status=status)


async def _connect(
    client: httpx.AsyncClient, url: httpx.URL, headers: Mapping[str, str], policy: FetchPolicy
) -> httpx.Response:
    """Send to each checked address in turn until one accepts the connection (a host with
    IPv6 and IPv4 answers still works where one family is unreachable)."""
    last: httpx.ConnectError | None = None
    for address in await checked_addresses(url, policy):
        request = _pinned_request(client, url, address, headers, policy)
        try:
            return await client.send(request, stream=True)
        except httpx.ConnectError as exc:
            last = exc
    raise FetchError("connection failed: no address of the host accepted") from last


async def _exchange(
    url: str,
    headers: Mapping[str, str],
    policy: FetchPolicy,
    transport: httpx.AsyncBaseTransport | None,
) -> FetchResponse:
    current = httpx.URL(url)
    timeout = httpx.Timeout(policy.timeout_seconds)
    async with httpx.AsyncClient(
        timeout=timeout, follow_redirects=False, transport=transport, trust_env=False
    ) as client:
        for _hop in range(policy.max_redirects + 1):
            response = await _connect(client, current, headers, policy)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    current = current.join(response.headers["location"])
                    continue
                _raise_for_status(response.status_code, response.headers)
                body = (
                    b""
                    if response.status_code == 304
                    else await _read_limited(response, policy.max_bytes)
                )
                return FetchResponse(
                    status=response.status_code,
                    url=str(current),
                    headers=response.headers,
                    body=body,
                    links=parse_links(response.headers.get("link")),
                )
            finally:
                await response.aclose()
    raise FetchError(f"too many redirects (more than {policy.max_redirects})")


async def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    headers: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchResponse:
    """GET ``url`` under ``policy``; 2xx and 304 return, anything else raises FetchError.

    429 (and 503 with Retry-After) raise :class:`RateLimitedError`, other 5xx raise
    :class:`ServerFailureError`, both carrying the server's Retry-After in seconds.
    """
    try:
        async with asyncio.timeout(policy.timeout_seconds):
            return await _exchange(url, headers or {}, policy, transport)
    except TimeoutError as exc:
        raise FetchError(f"timed out after {policy.timeout_seconds:g} s") from exc
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL: {exc}") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"connection failed: {type(exc).__name__}") from exc
