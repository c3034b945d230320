"""CSRF for every unsafe request, in one ASGI middleware (issue 17).

The protection is a double submit: a page sets a random ``SameSite=Strict`` cookie
(``iku_csrf``, made by ``new_token``) and every form repeats it in a hidden field
``csrf``. ``CsrfMiddleware`` sits in front of the router and, for every request whose
method is unsafe (POST, PUT, PATCH, DELETE) on any path, whether or not a route takes
it, lets the request through only when

* its ``Origin`` header, if there is one, names this site (``Host``),
* it carries a well-formed cookie, and
* the form's **first field** is ``csrf`` and equals the cookie (constant-time compare).

Anything else is refused by ``refuse(request)`` (the app's Indonesian 403 page and its
log line) before a route runs, so a new route cannot forget the check and a refused
upload never reaches the disk.

Why the first field, read from the body: the pages have no JavaScript, so a plain HTML
form cannot send a custom header, and a token in the URL would end up in the address
bar, the history and any log of URLs. Browsers send a form's fields in document order,
so a form whose hidden ``csrf`` input comes first (a test checks every template) puts
the token at the very start of the body, for ``application/x-www-form-urlencoded`` as
for ``multipart/form-data``. The middleware reads the body only up to the end of that
first field (at most ``PEEK_LIMIT`` bytes are looked at; the parser is python-multipart's
streaming one, as in ``upload``), keeps the messages it read, and hands the route those
same messages followed by the rest of the stream, unchanged and unbuffered. The
streamed upload therefore still arrives chunk by chunk at ``upload.receive_upload``,
whose size limit counts every byte, the re-delivered ones included. A body of any
other type carries no token and is refused.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import unquote_plus, urlsplit

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

COOKIE = "iku_csrf"
FIELD = "csrf"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PEEK_LIMIT = 8 * 1024  # body bytes looked at for the first field (a token part is ~200)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def valid_cookie(value: str) -> bool:
    return 32 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum()


def same_origin(connection: HTTPConnection) -> bool:
    """No ``Origin`` header, or one naming this site (``Origin: null`` is another site)."""
    origin = connection.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == connection.headers.get("host")


class _FirstPair:
    """The first ``name=value`` of a urlencoded body."""

    def __init__(self):
        self.buffer = bytearray()
        self.done = False
        self.value: str | None = None

    def feed(self, chunk: bytes) -> None:
        self.buffer += chunk
        if b"&" in self.buffer:
            self.end()

    def end(self) -> None:
        name, _, value = bytes(self.buffer).split(b"&", 1)[0].partition(b"=")
        if unquote_plus(name.decode("latin-1")) == FIELD:
            self.value = unquote_plus(value.decode("latin-1"), errors="replace")
        self.done = True


class _FirstPart:
    """The first part of a multipart body, when it is a plain (non-file) field."""

    def __init__(self, boundary: bytes):
        self.parser = MultipartParser(boundary, {
            "on_header_field": lambda d, s, e: self._add("header_name", d[s:e]),
            "on_header_value": lambda d, s, e: self._add("header_value", d[s:e]),
            "on_header_end": self._header_end,
            "on_part_data": lambda d, s, e: self._add("data", d[s:e]),
            "on_part_end": self._part_end,
        })
        self.header_name = self.header_value = self.disposition = self.data = b""
        self.done = False
        self.value: str | None = None

    def _add(self, attr: str, data: bytes) -> None:
        if not self.done:
            setattr(self, attr, getattr(self, attr) + data)

    def _header_end(self) -> None:
        if not self.done and self.header_name.strip().lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def _part_end(self) -> None:
        if self.done:
            return
        _, options = parse_options_header(self.disposition)
        if options.get(b"name") == FIELD.encode() and b"filename" not in options:
            self.value = self.data.decode("utf-8", "replace")
        self.done = True

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except FormParserError:
            self.done = True  # not a form the pages send: no token

    def end(self) -> None:
        self.done = True


async def first_field(connection: HTTPConnection, receive) -> tuple[list[dict], str | None]:
    """The messages read from ``receive`` and the value of the body's first field when
    that field is ``csrf`` (else None); reads no further than that field's end."""
    kind, options = parse_options_header(connection.headers.get("content-type", ""))
    if kind == b"application/x-www-form-urlencoded":
        reader = _FirstPair()
    elif kind == b"multipart/form-data" and options.get(b"boundary"):
        try:
            reader = _FirstPart(options[b"boundary"])
        except FormParserError:
            return [], None
    else:
        return [], None
    messages: list[dict] = []
    looked = 0
    while not reader.done:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":  # the client went away
            return messages, None
        chunk = message.get("body", b"")[:PEEK_LIMIT - looked]
        looked += len(chunk)
        reader.feed(chunk)
        if not message.get("more_body", False):
            reader.end()
        elif looked >= PEEK_LIMIT and not reader.done:
            return messages, None
    return messages, reader.value


def _replay(messages: list[dict], receive):
    """``receive`` that first gives back the messages already read."""
    pending = list(messages)

    async def receive_again():
        if pending:
            return pending.pop(0)
        return await receive()

    return receive_again


class CsrfMiddleware:
    """Every unsafe request passes the double-submit check or gets ``refuse(request)``
    (see the module doc)."""

    def __init__(self, app, refuse: Callable[[Request], Awaitable[Response]]):
        self.app = app
        self.refuse = refuse

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in UNSAFE:
            return await self.app(scope, receive, send)
        connection = HTTPConnection(scope)
        cookie = connection.cookies.get(COOKIE, "")
        if same_origin(connection) and valid_cookie(cookie):
            messages, field = await first_field(connection, receive)
            receive = _replay(messages, receive)
            if field is not None and hmac.compare_digest(cookie.encode(),
                                                         field.encode("utf-8", "replace")):
                return await self.app(scope, receive, send)
        response = await self.refuse(Request(scope, receive))
        await response(scope, receive, send)
