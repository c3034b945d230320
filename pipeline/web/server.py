"""Run the pages: bind, print the links, serve with uvicorn until Ctrl+C.

``serve(site, host, port, echo)`` binds the socket itself first (a port in use is a usage
error before anything is printed; ``port=0`` takes a free port, which the printed links
show), prints one ``LABEL: URL`` line per link (``Halaman Sekretariat (jangan
dibagikan)`` first, then ``Unit <code>`` for each reporting unit, so a unit coded
SEKRETARIAT cannot be taken for the secretariat), a warning when the host is not this
computer only, and serves until Ctrl+C (uvicorn's graceful shutdown: requests in progress
finish, up to ``GRACE_SECONDS``). The log (``iku.web``) goes to stderr and to
``<data>/server.log``; uvicorn's access log is off because its lines would hold whole
links.

Bounded (issue 18 §9, ``guard``): before serving, the soft limit of open files is raised
to the hard one where the OS allows (``system.raise_open_files``); ``uvicorn_server``
gives uvicorn the guarded h11 protocol (deadlines for a request's head and body, a cap on
connections that sheds the idle ones) with the cap the open-files limit allows,
uvicorn's keep-alive, a bounded request head, a small accept burst and a long listen
queue. Measured with ``python -m dev.bench_web --idle`` (docs/BENCHMARKS.md): the units'
pages answer while more idle connections arrive than the process may open files.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from pathlib import Path

import uvicorn

from .. import system
from ..errors import UsageError
from . import guard
from .app import create_app
from .site import Site

GRACE_SECONDS = 10
LISTEN_BACKLOG = 512  # connections the OS holds until accepted (a burst of a flood)
LOG_FILE = "server.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def network_warning(host: str) -> str:
    return (
        f"PERHATIAN: halaman ini terbuka untuk jaringan (--host {host}), bukan hanya untuk "
        "komputer ini. Siapa pun di jaringan itu yang memegang salah satu tautan di bawah "
        "dapat memakainya: tautan unit untuk mengunggah isian unit itu, tautan Halaman "
        "Sekretariat untuk melihat semua isian dan membuat laporan. Kirim setiap tautan "
        "hanya kepada unitnya melalui saluran pribadi, jangan bagikan tautan Halaman "
        "Sekretariat, dan hentikan "
        "server (Ctrl+C) setelah pengumpulan selesai. Sambungannya tidak terenkripsi (http): "
        "pakai hanya di jaringan kantor yang tepercaya. Bila tautan bocor, jalankan ulang "
        "dengan --token-baru."
    )


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(
            f"tidak dapat membuka {host}:{port} ({exc.strerror or exc}); port itu mungkin "
            "sedang dipakai program lain: pilih port lain dengan --port") from None
    sock.listen(LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


def base_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


SECRETARIAT_LINK = "Halaman Sekretariat (jangan dibagikan)"


def unit_link(code: str) -> str:
    """The label of a unit's link: ``Unit POLITIK``. A unit may be coded SEKRETARIAT (many
    agencies have one), so the secretariat's own link says ``SECRETARIAT_LINK``."""
    return f"Unit {code}"


def links(site: Site, base: str) -> list[tuple[str, str]]:
    """The printed links, as (label, URL): the secretariat's first, then each unit's."""
    out = [(SECRETARIAT_LINK, f"{base}/s/{site.tokens.secretariat}")]
    out += [(unit_link(code), f"{base}/u/{token}") for code, token in site.tokens.units.items()]
    return out


def _setup_logging(folder: Path) -> None:
    log = logging.getLogger("iku.web")
    log.setLevel(logging.INFO)
    log.propagate = False
    for handler in list(log.handlers):
        log.removeHandler(handler)
        handler.close()
    formatter = logging.Formatter(LOG_FORMAT)
    for handler in (logging.StreamHandler(), logging.FileHandler(folder / LOG_FILE,
                                                                 encoding="utf-8")):
        handler.setFormatter(formatter)
        log.addHandler(handler)


class _Server(uvicorn.Server):
    """uvicorn's server, whose listen queue is set back to ``LISTEN_BACKLOG`` once
    serving (see ``uvicorn_server``)."""

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        for sock in sockets or []:
            sock.listen(LISTEN_BACKLOG)


def uvicorn_server(app, limits: guard.Limits | None = None, open_files: int | None = None):
    """uvicorn's server of the page: the guarded protocol with ``limits`` (default
    ``guard.Limits()``) and the cap that ``open_files`` (the soft limit in force; None:
    none) allows.

    uvicorn's ``backlog`` is both the listen queue and asyncio's accept burst (the
    connections accepted per turn of the loop); the burst is kept small
    (``limits.accept_burst``: the descriptors of sockets accepted but not yet shed), then
    the listen queue is set back to ``LISTEN_BACKLOG`` once serving, so a burst of
    connections waits in the OS queue instead of having its handshakes dropped (a dropped
    one is retried by the client one second later)."""
    limits = limits or guard.Limits()
    cap = limits.connection_cap(open_files)
    return _Server(uvicorn.Config(
        app, http=guard.protocol_class(limits, cap), ws="none", loop="asyncio",
        log_level="warning", access_log=False, lifespan="off",
        timeout_graceful_shutdown=GRACE_SECONDS, server_header=False,
        timeout_keep_alive=limits.keep_alive_seconds, backlog=limits.accept_burst,
        h11_max_incomplete_event_size=limits.head_bytes))


def serve(site: Site, host: str = "127.0.0.1", port: int = 8000,
          echo: Callable[[str], None] = print, limits: guard.Limits | None = None) -> None:
    limits = limits or guard.Limits()
    open_files = system.raise_open_files()
    sock = bind(host, port)
    try:
        _setup_logging(site.folder)
        logging.getLogger("iku.web").info(
            "batas: %d sambungan sekaligus, %s berkas terbuka",
            limits.connection_cap(open_files), open_files or "tanpa batas")
        bound = sock.getsockname()[1]
        if not is_local(host):
            echo(network_warning(host))
        for label, url in links(site, base_url(host, bound)):
            echo(f"{label}: {url}")
        echo(f"Folder data: {site.folder}. Hentikan dengan Ctrl+C.")
        server = uvicorn_server(create_app(site), limits, open_files)
        try:
            server.run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled gracefully
            pass
        echo("Server dihentikan.")
    finally:
        sock.close()
