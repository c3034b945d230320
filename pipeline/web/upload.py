"""Receive one uploaded workbook, streamed, with the size limit enforced while receiving.

``receive_upload(headers, chunks, folder, limit)`` parses a ``multipart/form-data`` body
as it arrives (python-multipart's streaming parser), writes the file part straight into a
private temporary file of ``<data>/masuk/`` and stops as soon as the file passes
``limit`` bytes (or the body passes the limit plus a small allowance for the form's other
fields): the temporary file is deleted and ``UploadRefused`` raised, before anything is
stored. A declared ``Content-Length`` above that is refused before a byte is read. Small
fields (the CSRF token, already checked by ``csrf.CsrfMiddleware``) are kept in memory,
at most ``MAX_FIELD`` bytes each.
Framework-free: ``chunks`` is any async iterator of bytes (Starlette's ``request.stream()``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from . import store
from .store import size_text

FILE_FIELD = "berkas"
MAX_FIELD = 4096  # bytes of one non-file field
MAX_FIELDS = 8
OVERHEAD = 64 * 1024  # body bytes allowed beyond the file: boundaries, headers, fields


class UploadRefused(Exception):
    """The body cannot be taken: ``status`` (400, 413) and an Indonesian ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def too_large(limit: int) -> UploadRefused:
    return UploadRefused(413, (
        f"berkas lebih besar dari batas unggahan {size_text(limit)}, padahal berkas isian IKU "
        "biasanya hanya puluhan KB; pastikan yang diunggah adalah templat isian dari "
        "sekretariat (tanpa gambar atau lampiran besar). Berkas tidak disimpan"))


@dataclass
class Received:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str = ""
    path: Path | None = None  # the temporary file (caller moves or deletes it)
    size: int = 0


class _Parts:
    """The parser's callbacks: headers of each part, then its data."""

    def __init__(self, fd: int, limit: int):
        self.fd = fd
        self.limit = limit
        self.received = Received()
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.name = ""
        self.is_file = False
        self.files = 0
        self.data = bytearray()
        self.ended = False

    def callbacks(self) -> dict:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda d, s, e: self._add_header("header_name", d[s:e]),
            "on_header_value": lambda d, s, e: self._add_header("header_value", d[s:e]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_end": self.end,
        }

    def _add_header(self, attr: str, data: bytes) -> None:
        setattr(self, attr, getattr(self, attr) + data)

    def part_begin(self) -> None:
        self.disposition, self.name, self.is_file = b"", "", False
        self.data = bytearray()

    def header_end(self) -> None:
        if self.header_name.strip().lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = self.header_value = b""

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        self.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options and self.name == FILE_FIELD:
            self.files += 1
            if self.files > 1:
                raise UploadRefused(400, "unggah satu berkas saja")
            self.is_file = True
            self.received.filename = options[b"filename"].decode("utf-8", "replace")
        elif len(self.received.fields) >= MAX_FIELDS:
            raise UploadRefused(400, "formulir unggahan tidak dikenal")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self.is_file:
            self.received.size += len(chunk)
            if self.received.size > self.limit:
                raise too_large(self.limit)
            os.write(self.fd, chunk)
            return
        if len(self.data) + len(chunk) > MAX_FIELD:
            raise UploadRefused(400, "isian formulir terlalu panjang")
        self.data += chunk

    def part_end(self) -> None:
        if not self.is_file and self.name:
            self.received.fields[self.name] = self.data.decode("utf-8", "replace")

    def end(self) -> None:
        self.ended = True


async def receive_upload(headers: Mapping[str, str], chunks: AsyncIterator[bytes],
                         folder: Path, limit: int) -> Received:
    """Receive the body into a temporary file of ``folder/masuk`` (see the module doc)."""
    kind, options = parse_options_header(headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused(400, "unggahan harus dikirim melalui formulir di halaman ini")
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit + OVERHEAD:
        raise too_large(limit)
    fd, path = store.incoming_file(folder)
    parts = _Parts(fd, limit)
    try:
        try:
            parser = MultipartParser(boundary, parts.callbacks())
        except FormParserError:
            raise UploadRefused(400, "formulir unggahan tidak sah") from None
        total = 0
        async for chunk in chunks:
            total += len(chunk)
            if total > limit + OVERHEAD:
                raise too_large(limit)
            try:
                parser.write(chunk)
            except FormParserError:
                raise UploadRefused(400, "formulir unggahan tidak sah") from None
        parser.finalize()
        if not parts.ended:
            raise UploadRefused(400, "unggahan terputus sebelum selesai; unggah ulang")
        if not parts.files or (not parts.received.filename and not parts.received.size):
            raise UploadRefused(400, "pilih berkas isian (.xlsx) lebih dahulu, lalu tekan "
                                     "Unggah")
        os.close(fd)
        fd = -1
        parts.received.path = path
        return parts.received
    except BaseException:
        if fd >= 0:
            os.close(fd)
            fd = -1
        path.unlink(missing_ok=True)
        raise
    finally:
        if fd >= 0:
            os.close(fd)
