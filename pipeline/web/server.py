"""Run the pages: bind, print the links, serve with uvicorn until Ctrl+C.

``serve(site, host, port, echo)`` binds the socket itself first (a port in use is a usage
error before anything is printed; ``port=0`` takes a free port, which the printed links
show), prints one ``LABEL: URL`` line per link (``SEKRETARIAT`` first, then each
reporting unit's code), a warning when the host is not this computer only, and serves
until Ctrl+C (uvicorn's graceful shutdown: requests in progress finish, up to
``GRACE_SECONDS``). The log (``iku.web``) goes to stderr and to ``<data>/server.log``;
uvicorn's access log is off because its lines would hold whole links.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Callable
from pathlib import Path

from ..errors import UsageError
from . import store
from .app import create_app
from .site import Site

GRACE_SECONDS = 10
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
        "dapat memakainya: tautan unit untuk mengunggah isian unit itu, tautan SEKRETARIAT "
        "untuk melihat semua isian dan membuat laporan. Kirim setiap tautan hanya kepada "
        "unitnya melalui saluran pribadi, jangan bagikan tautan SEKRETARIAT, dan hentikan "
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
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def base_url(host: str, port: int) -> str:
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def links(site: Site, base: str) -> list[tuple[str, str]]:
    out = [(store.SECRETARIAT, f"{base}/s/{site.tokens.secretariat}")]
    out += [(code, f"{base}/u/{token}") for code, token in site.tokens.units.items()]
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


def serve(site: Site, host: str = "127.0.0.1", port: int = 8000,
          echo: Callable[[str], None] = print) -> None:
    import uvicorn

    sock = bind(host, port)
    try:
        _setup_logging(site.folder)
        bound = sock.getsockname()[1]
        if not is_local(host):
            echo(network_warning(host))
        for label, url in links(site, base_url(host, bound)):
            echo(f"{label}: {url}")
        echo(f"Folder data: {site.folder}. Hentikan dengan Ctrl+C.")
        config = uvicorn.Config(create_app(site), log_level="warning", access_log=False,
                                lifespan="off", timeout_graceful_shutdown=GRACE_SECONDS,
                                server_header=False)
        try:
            uvicorn.Server(config).run(sockets=[sock])
        except KeyboardInterrupt:  # uvicorn re-raises the Ctrl+C it handled gracefully
            pass
        echo("Server dihentikan.")
    finally:
        sock.close()
