"""Bounds on the page's connections: no client, slow, idle or one of many, can take the
page away from the others (issue 18 §9).

Why: uvicorn has no deadline for receiving a request. Its ``timeout_keep_alive`` covers
only the idle time between two requests and restarts at every byte; a connection that
sends nothing at all is never closed (h11), and ``limit_concurrency`` answers 503 but
keeps the socket. Measured before this module, on ``iku serve`` limited to 256 open
files: 400 idle connections, no token needed, held every descriptor ("Too many open
files" at each accept) and the units' pages stopped answering until they went away.

``protocol_class(limits, cap)`` returns uvicorn's own HTTP/1.1 protocol (h11) with, for
each connection (uvicorn's extension point: ``uvicorn.Config(http=...)``):

* a deadline for a complete request head: ``head_seconds`` from the accept, and again
  from the end of each response (a kept-alive connection must send its next request, or
  finish sending the body the app did not read, within that time);
* a pace for the body: at least ``body_min_bytes`` in every ``body_window`` seconds
  (unless the app itself paused reading) and the whole body within ``body_seconds``;
* a response the client stops reading (writing paused) is cut after
  ``write_stall_seconds``;
* at most ``per_client`` connections from one client address (this computer's own
  excepted) and ``cap`` in all. A connection beyond either first sheds the connection
  that has been idle longest (no request in progress: waiting for its first request, or
  kept alive between two), of its own address at the first limit, of any at the second;
  only when every connection that could make room is busy with a request is the new one
  answered 503 and closed at once. Sockets are closed, never held: a flood of idle
  connections only replaces itself, a flood from one computer only ever sheds its own
  connections, and a new connection whose request is already waiting when it is accepted
  is not shed before that request is read. A browser's request, which follows its
  connection within milliseconds, finds room unless more than the cap of new connections
  arrive from elsewhere before its first bytes;
* under pressure (``pressure`` of the cap in use) a response is sent with
  ``Connection: close``: the client's next request comes on a new connection, which finds
  room as above, instead of on a kept-alive one the flood may shed meanwhile (measured:
  clients reusing their connections got "connection reset" during a flood without it).

Every cut closes the socket at once (``abort``: nothing is flushed to a client that does
not read). Nothing here blocks the event loop: the deadlines are ``call_later`` timers,
the idle connections an insertion-ordered dict (shedding the oldest is O(1)), and the cuts
are counted and logged as one line per ``log_every`` seconds (``iku.web``), so a flood
cannot fill the log either.

``system.raise_open_files()`` raises the soft limit of open files towards the hard one
(POSIX; nothing on Windows, which has no such limit for sockets) and ``Limits.connection_cap``
derives the cap from it, keeping ``fd_reserve`` descriptors for the files the app opens
(log, uploads, workbooks, reports, LibreOffice's pipes, the history database) plus
``4 * accept_burst`` for sockets accepted but not yet shed: asyncio accepts at most
``backlog`` connections per turn of the loop (``uvicorn.Config(backlog=accept_burst)``)
and a shed socket's descriptor is released a turn or two later.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import select
from collections import Counter
from dataclasses import dataclass
from typing import Any, ClassVar

from uvicorn.protocols.http.flow_control import CLOSE_HEADER
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger("iku.web")

MIN_CONNECTIONS = 16
_BUSY_TEXT = b"Server sedang sibuk; muat ulang halaman sebentar lagi."
BUSY = (b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_BUSY_TEXT), _BUSY_TEXT))

_WHY = {
    "head": "tidak mengirim permintaan lengkap dalam {head} detik",
    "body": "mengirim isi permintaan terlalu lambat",
    "write": "tidak membaca jawaban selama {write} detik",
    "shed": "dilepas (menganggur paling lama) karena sambungan penuh ({cap})",
    "client": "dilepas (menganggur paling lama) karena satu alamat sudah memakai {client} "
              "sambungan",
    "busy": "ditolak (503) karena semua {cap} sambungan sedang dilayani",
}


@dataclass(frozen=True)
class Limits:
    """The deadlines and bounds of ``iku serve``'s connections (seconds, bytes)."""

    head_seconds: float = 10.0  # accept (or end of a response) → complete request head
    head_bytes: int = 16 * 1024  # largest request head (h11's own bound, made explicit)
    body_window: float = 10.0  # the body must grow by body_min_bytes in every window ...
    body_min_bytes: int = 8 * 1024  # ... (8 KiB in 10 s: far below any office network)
    body_seconds: float = 300.0  # and be complete within this (20 MB at 70 KB/s)
    write_stall_seconds: float = 60.0  # a response the client stops reading
    keep_alive_seconds: int = 5  # uvicorn's idle time between two requests
    max_connections: int = 1000  # whatever the open-files limit allows
    per_client: int = 64  # connections of one client address (not this computer's own)
    pressure: float = 0.75  # share of the cap in use beyond which no connection is kept alive
    fd_reserve: int = 100  # descriptors kept for the app's own files
    accept_burst: int = 16  # connections asyncio accepts per turn of the loop
    log_every: float = 60.0  # one log line per this many seconds sums up the cuts

    def connection_cap(self, open_files: int | None) -> int:
        """The most connections to keep open under a soft limit of ``open_files``
        descriptors (None: no such limit, e.g. Windows)."""
        if open_files is None:
            return self.max_connections
        room = open_files - self.fd_reserve - 4 * self.accept_burst
        return max(MIN_CONNECTIONS, min(self.max_connections, room))


class Guard:
    """The connections of one server: every one admitted (``live``, and per client
    address), the idle ones in the order they became idle (all, and per client address),
    and the cuts not yet logged."""

    def __init__(self, limits: Limits, cap: int):
        self.limits = limits
        self.cap = cap
        self.crowded = max(1, int(cap * limits.pressure))  # live connections: no keep-alive
        self.live: set[GuardedH11Protocol] = set()
        self.idle: dict[GuardedH11Protocol, None] = {}  # oldest idle first
        self.live_of: Counter[str] = Counter()  # client address → live connections
        self.idle_of: dict[str, dict[GuardedH11Protocol, None]] = {}  # oldest first
        self.cuts: Counter[str] = Counter()
        self._report: asyncio.TimerHandle | None = None

    def admit(self, conn: GuardedH11Protocol) -> bool:
        """Room for ``conn``: at its client's limit, shed that client's connection idle
        longest; else at the cap, the connection idle longest. False when every
        connection that could make room is busy."""
        host = conn.host
        if host and self.live_of[host] >= self.limits.per_client:
            if not self._shed(self.idle_of.get(host), conn, "client"):
                return False
        elif len(self.live) >= self.cap and not self._shed(self.idle, conn, "shed"):
            return False
        self.live.add(conn)
        if host:
            self.live_of[host] += 1
        return True

    def _shed(self, idle: dict | None, conn: GuardedH11Protocol, why: str) -> bool:
        oldest = next(iter(idle), None) if idle else None
        if oldest is None:
            self.note(conn.loop, "busy")
            return False
        self.note(conn.loop, why)
        oldest.cut()
        return True

    def set_idle(self, conn: GuardedH11Protocol) -> None:
        self.set_busy(conn)
        self.idle[conn] = None  # the newest idle
        if conn.host:
            self.idle_of.setdefault(conn.host, {})[conn] = None

    def set_busy(self, conn: GuardedH11Protocol) -> None:
        self.idle.pop(conn, None)
        mine = self.idle_of.get(conn.host)
        if mine is not None:
            mine.pop(conn, None)
            if not mine:
                del self.idle_of[conn.host]

    def forget(self, conn: GuardedH11Protocol) -> None:
        self.set_busy(conn)
        if conn in self.live:
            self.live.remove(conn)
            if conn.host:
                self.live_of[conn.host] -= 1
                if self.live_of[conn.host] <= 0:
                    del self.live_of[conn.host]

    def note(self, loop: asyncio.AbstractEventLoop, why: str) -> None:
        self.cuts[why] += 1
        if self._report is None:
            self._report = loop.call_later(self.limits.log_every, self.report)

    def report(self) -> None:
        """One log line summing up the cuts since the last one."""
        self._report = None
        if not self.cuts:
            return
        values = {"head": f"{self.limits.head_seconds:g}", "cap": self.cap,
                  "write": f"{self.limits.write_stall_seconds:g}",
                  "client": self.limits.per_client}
        parts = [f"{n} {_WHY[why].format(**values)}" for why, n in sorted(self.cuts.items())]
        self.cuts.clear()
        log.warning("sambungan diputus: %s", "; ".join(parts))


def _waiting(transport: asyncio.BaseTransport) -> bool:
    """Bytes (or the client's end) already wait on a new connection's socket."""
    sock = transport.get_extra_info("socket")
    try:
        fd = sock.fileno()
        if hasattr(select, "poll"):  # select() cannot take descriptors above 1023
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (AttributeError, OSError, ValueError):
        return False


def _counted_host(client: tuple[str, int] | None) -> str:
    """The client address counted against ``per_client``; "" for none, and for this
    computer itself (the secretariat's own browser, and the tests)."""
    if not client:
        return ""
    try:
        return "" if ipaddress.ip_address(client[0]).is_loopback else client[0]
    except ValueError:
        return client[0]


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with the deadlines and the cap of the module doc. Built per
    server by ``protocol_class``, which gives it its ``guard``."""

    guard: ClassVar[Guard]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None  # head, or the whole body
        self._pace: asyncio.TimerHandle | None = None
        self._stall: asyncio.TimerHandle | None = None
        self._request: object | None = None  # the cycle being received
        self._body_bytes = 0
        self._cut = False
        self.host = ""  # the client address counted against Limits.per_client

    # --- uvicorn's protocol interface -----------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.host = _counted_host(self.client)
        if not self.guard.admit(self):
            self._cut = True
            transport.write(BUSY)  # a fresh socket's buffer takes it at once
            transport.close()
            return
        self._wait_for_head(idle=not _waiting(transport))

    def connection_lost(self, exc: Exception | None) -> None:
        self._cut = True
        self.guard.forget(self)
        self._cancel_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._cut:
            return
        super().data_received(data)
        self._follow(len(data))

    def on_response_complete(self) -> None:
        if not self._cut and not self.transport.is_closing():
            self._wait_for_head()  # before a pipelined request is handled below
        elif not self._cut and self._stall is None:  # closing: the rest must be read soon
            self._stall = self.loop.call_later(self.guard.limits.write_stall_seconds,
                                               self._late, "write")
        super().on_response_complete()
        self._follow(0)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._stall is None and not self._cut:
            self._stall = self.loop.call_later(self.guard.limits.write_stall_seconds,
                                               self._late, "write")

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._stall is not None:
            self._stall.cancel()
            self._stall = None

    # --- the deadlines ----------------------------------------------------------------

    def cut(self) -> None:
        """Close at once (nothing flushed) and forget this connection."""
        if self._cut:
            return
        self._cut = True
        self.guard.forget(self)
        self._cancel_timers()
        self.transport.abort()

    def _wait_for_head(self, idle: bool = True) -> None:
        """The next request head is due within ``head_seconds``. ``idle``: sheddable
        now; a new connection whose bytes already wait becomes so only once they are
        read (``_follow``), so that its request is not shed between the accept and the
        read, which asyncio does a few turns of the loop later (seen without this: a
        client's first request shed unread while a flood's first burst was accepted)."""
        self._cancel_timers(keep_stall=True)
        self._request = None
        if idle:
            self.guard.set_idle(self)
        self._deadline = self.loop.call_later(self.guard.limits.head_seconds, self._late,
                                              "head")

    def _follow(self, received: int) -> None:
        """After uvicorn handled some bytes: a new request (busy, body deadlines), body
        bytes (pace), or the body complete (no deadline while the app answers)."""
        cycle = self.cycle
        if self._cut:
            return
        if cycle is None or cycle.response_complete:  # no request in progress: idle
            if self not in self.guard.idle and not self.transport.is_closing():
                self.guard.set_idle(self)
            return
        limits = self.guard.limits
        if cycle is not self._request:  # a complete request head: busy
            self._request = cycle
            self.guard.set_busy(self)
            if len(self.guard.live) >= self.guard.crowded and CLOSE_HEADER not in self.headers:
                self.headers.append(CLOSE_HEADER)  # uvicorn answers "Connection: close"
            self._cancel_timers(keep_stall=True)
            self._body_bytes = 0
            if cycle.more_body:
                self._deadline = self.loop.call_later(limits.body_seconds, self._late, "body")
                self._pace = self.loop.call_later(limits.body_window, self._check_pace)
            return
        if cycle.more_body:
            self._body_bytes += received
        else:
            self._cancel_timers(keep_stall=True)

    def _check_pace(self) -> None:
        self._pace = None
        cycle = self.cycle
        if self._cut or cycle is not self._request or cycle is None or not cycle.more_body:
            return
        limits = self.guard.limits
        if self._body_bytes < limits.body_min_bytes and not self.flow.read_paused:
            self._late("body")
            return
        self._body_bytes = 0
        self._pace = self.loop.call_later(limits.body_window, self._check_pace)

    def _late(self, why: str) -> None:
        if not self._cut:
            self.guard.note(self.loop, why)
            self.cut()

    def _cancel_timers(self, keep_stall: bool = False) -> None:
        timers = [self._deadline, self._pace] + ([] if keep_stall else [self._stall])
        for timer in timers:
            if timer is not None:
                timer.cancel()
        self._deadline = self._pace = None
        if not keep_stall:
            self._stall = None


def protocol_class(limits: Limits, cap: int) -> type[GuardedH11Protocol]:
    """A protocol class for one server (``uvicorn.Config(http=...)``), with its own
    ``Guard``."""
    return type("GuardedH11Protocol", (GuardedH11Protocol,), {"guard": Guard(limits, cap)})
