"""Safe fetching: address checks, redirects, size and time limits, Retry-After."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime

import pytest

from plugins.social.fetch import (
    BlockedAddressError,
    FetchError,
    FetchPolicy,
    RateLimitedError,
    ServerFailureError,
    fetch,
    is_public,
    parse_links,
    parse_retry_after,
)
from plugins.social.tests.server import LoopbackServer, Reply

LOOPBACK = FetchPolicy.build(["127.0.0.0/8"], max_bytes=10_000, timeout_seconds=2.0)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address under test, not a binding
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::",
        "2001:db8::1",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "1.1.1.1"])
def test_public_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed",
        "http://localhost/feed",
        "http://[::1]/feed",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://0x7f000001/",
    ],
)
async def test_fetch_refuses_internal_targets_without_allow_list(url: str) -> None:
    with pytest.raises(FetchError):
        await fetch(url, FetchPolicy(timeout_seconds=2.0))


async def test_fetch_refuses_other_schemes() -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetch("file:///etc/passwd", LOOPBACK)


async def test_allow_list_lets_tests_reach_loopback(server: LoopbackServer) -> None:
    server.routes["/ok"] = [Reply(200, b"hello", {"Content-Type": "text/plain"})]
    response = await fetch(server.url("/ok"), LOOPBACK)
    assert response.status == 200
    assert response.body == b"hello"
    sent = server.requests_to("/ok")[0]
    assert sent.headers["user-agent"] == LOOPBACK.user_agent
    assert sent.headers["host"] == f"127.0.0.1:{server.port}"


async def test_redirect_to_a_blocked_address_is_refused(server: LoopbackServer) -> None:
    server.routes["/hop"] = [Reply(302, b"", {"Location": "http://169.254.169.254/meta"})]
    with pytest.raises(BlockedAddressError, match="non-public"):
        await fetch(server.url("/hop"), LOOPBACK)
    server.routes["/hop6"] = [Reply(301, b"", {"Location": "http://[fe80::1]/x"})]
    with pytest.raises(BlockedAddressError):
        await fetch(server.url("/hop6"), LOOPBACK)


async def test_redirects_within_policy_are_followed_and_bounded(server: LoopbackServer) -> None:
    server.routes["/a"] = [Reply(301, b"", {"Location": "/b"})]
    server.routes["/b"] = [Reply(200, b"final")]
    response = await fetch(server.url("/a"), LOOPBACK)
    assert response.body == b"final"
    assert response.url.endswith("/b")
    server.routes["/loop"] = [Reply(302, b"", {"Location": "/loop"})]
    with pytest.raises(FetchError, match="too many redirects"):
        await fetch(server.url("/loop"), LOOPBACK)


async def test_oversized_response_is_abandoned(server: LoopbackServer) -> None:
    server.routes["/big"] = [Reply(200, b"x" * 20_000)]
    with pytest.raises(FetchError, match="too large"):
        await fetch(server.url("/big"), LOOPBACK)
    # A body without Content-Length is cut off while streaming.
    server.routes["/chunked"] = [
        Reply(200, b"4e20\r\n" + b"z" * 20_000 + b"\r\n0\r\n\r\n", {"Transfer-Encoding": "chunked"})
    ]
    with pytest.raises(FetchError, match="too large"):
        await fetch(server.url("/chunked"), LOOPBACK)


async def test_status_errors_carry_retry_after(server: LoopbackServer) -> None:
    server.routes["/busy"] = [Reply(429, b"slow down", {"Retry-After": "120"})]
    with pytest.raises(RateLimitedError) as limited:
        await fetch(server.url("/busy"), LOOPBACK)
    assert limited.value.retry_after == 120
    server.routes["/down"] = [Reply(502, b"bad gateway")]
    with pytest.raises(ServerFailureError) as failed:
        await fetch(server.url("/down"), LOOPBACK)
    assert failed.value.status == 502
    server.routes["/gone"] = [Reply(404, b"")]
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetch(server.url("/gone"), LOOPBACK)


async def test_slow_server_times_out() -> None:
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the TCP connection but never answers
    port = listener.getsockname()[1]
    try:
        with pytest.raises(FetchError, match=r"timed out|connection failed"):
            await fetch(
                f"http://127.0.0.1:{port}/", FetchPolicy.build(["127.0.0.0/8"], timeout_seconds=0.5)
            )
    finally:
        listener.close()


def test_retry_after_formats() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now) == 30
    assert parse_retry_after("Thu, 01 Jan 2026 12:01:00 GMT", now) == 60
    assert parse_retry_after("garbage", now) is None
    assert parse_retry_after("99999999", now) == 7 * 86_400


def test_link_header() -> None:
    header = (
        '<https://m.example/api/v1/timelines/tag/x?max_id=10>; rel="next", '
        '<https://m.example/api/v1/timelines/tag/x?min_id=20>; rel="prev"'
    )
    assert parse_links(header) == {
        "next": "https://m.example/api/v1/timelines/tag/x?max_id=10",
        "prev": "https://m.example/api/v1/timelines/tag/x?min_id=20",
    }


async def test_connects_to_the_checked_address_and_falls_back(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name is resolved once, by the checker; the connection goes to a checked address
    (127.0.0.2 refuses, 127.0.0.1 answers) while the Host header keeps the name."""
    import plugins.social.fetch as fetch_module

    async def fake_resolve(host: str, port: int) -> list[ipaddress.IPv4Address]:
        assert host == "feed.test"
        return [ipaddress.IPv4Address("127.0.0.2"), ipaddress.IPv4Address("127.0.0.1")]

    monkeypatch.setattr(fetch_module, "resolve", fake_resolve)
    server.routes["/ok"] = [Reply(200, b"pinned")]
    response = await fetch(f"http://feed.test:{server.port}/ok", LOOPBACK)
    assert response.body == b"pinned"
    assert server.requests_to("/ok")[0].headers["host"] == f"feed.test:{server.port}"

    async def mixed(host: str, port: int) -> list[ipaddress.IPv4Address]:
        return [ipaddress.IPv4Address("93.184.215.14"), ipaddress.IPv4Address("10.0.0.1")]

    monkeypatch.setattr(fetch_module, "resolve", mixed)
    with pytest.raises(BlockedAddressError):
        await fetch("http://rebind.test/", FetchPolicy(timeout_seconds=2.0))


def test_only_web_links_are_kept_on_mentions() -> None:
    from datetime import UTC, datetime

    from plugins.social.sources.base import MentionIn

    now = datetime.now(UTC)
    for bad in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "/relative"):
        assert MentionIn(external_id="1", url=bad, posted_at=now).url is None
    assert MentionIn(external_id="1", url="https://a.example/x", posted_at=now).url == (
        "https://a.example/x"
    )
