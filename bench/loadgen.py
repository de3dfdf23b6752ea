"""A small keep-alive HTTP/1.1 load generator on raw asyncio sockets.

Each of ``concurrency`` connections sends a request, reads the whole response
(``Content-Length`` bodies; the servers measured never stream) and sends the next, cycling
through ``paths``. Latency is measured per request; a warm-up period is not recorded.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.measure import percentile


@dataclass
class LoadResult:
    """Requests completed, their latencies (seconds) and any non-2xx statuses."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests_per_second(self) -> float:
        """Completed requests per second of the measured period."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        """A latency percentile in milliseconds."""
        return percentile(self.latencies, fraction) * 1000

    @property
    def errors(self) -> int:
        """Responses that were not 2xx."""
        return sum(n for status, n in self.statuses.items() if not 200 <= status < 300)


def _request(host: str, port: int, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _connection(
    host: str, port: int, requests: list[bytes], start: int, until: float, warm_until: float,
    result: LoadResult, limit: int | None,
) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection(host, port)
    index = start
    try:
        # At least one measured request, even when the machine is too busy for the window.
        while time.perf_counter() < until or not result.latencies:
            if limit is not None and len(result.latencies) >= limit:
                break
            sent = time.perf_counter()
            writer.write(requests[index % len(requests)])
            status = await _read_response(reader)
            done = time.perf_counter()
            index += 1
            if sent >= warm_until:
                result.latencies.append(done - sent)
                result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_load(
    port: int,
    paths: Sequence[str],
    *,
    concurrency: int = 8,
    duration: float = 5.0,
    warmup: float = 1.0,
    headers: dict[str, str] | None = None,
    max_requests: int | None = None,
    host: str = "127.0.0.1",
) -> LoadResult:
    """Drive ``paths`` for ``warmup + duration`` seconds (or ``max_requests``)."""
    requests = [_request(host, port, p, headers or {}) for p in paths]
    now = time.perf_counter()
    warm_until, until = now + warmup, now + warmup + duration
    result = LoadResult(seconds=duration)
    step = max(1, len(requests) // concurrency)
    await asyncio.gather(
        *(
            _connection(host, port, requests, i * step, until, warm_until, result, max_requests)
            for i in range(concurrency)
        )
    )
    if max_requests is not None or time.perf_counter() < until - 0.01:
        result.seconds = max(time.perf_counter() - warm_until, 1e-9)
    return result


def pin_to(cpu: int) -> None:
    """Run this process on one CPU (when the machine has it), away from the server's."""
    if hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})
