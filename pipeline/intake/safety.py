"""Safety gate: inspect an untrusted submission before any xlsx/XML reader opens it.

``inspect_file(path)`` looks at a file a unit sent back and returns ``[]`` when it is safe
to hand to a reader (python-calamine, openpyxl), or exactly one ``Problem`` (severity
GALAT, ``file=path.name``) naming the first reason the file is refused; ``REASON_CODES``
lists the stable codes. It never raises for a bad file, never blocks on one and never
modifies it: the file is opened read-only (``O_NOFOLLOW | O_NONBLOCK``) and only read.
Only the standard library, defusedxml and light helpers of this package are used.

Why a gate at all (measured on this machine with python-calamine 0.9.1, see the tests):

* calamine builds a dense range from the first to the last cell of a sheet. A 1.5 KB file
  holding only ``A1`` and ``XFD1048576`` makes it ask for 512 GiB and *abort the whole
  process* (SIGABRT, no Python exception); 20,000 cells without ``r`` attributes in one
  row plus one cell in row 5,000 take 3.8 GB and 12 s. ``nrows=`` in ``to_python`` does
  not help: the whole sheet is parsed first. calamine ignores ``<dimension>``; openpyxl's
  read-only mode trusts it.
* calamine has no decompressed-size limit (a 250 KB file with 6 M shared strings takes
  2 s and 340 MB before any sheet is read).
* XML readers other than calamine may expand DTD entities (billion laughs, external
  files); openpyxl is protected only because defusedxml is installed.

What is checked, in this order (every step reads a bounded number of bytes; a file of at
most ``MAX_FILE_SIZE`` is read into memory in one go, through its descriptor, and every
later step works on those bytes, which ``Inspected.data`` hands to the reader, so the
file read is the file checked; of a larger one only the first bytes are read):

1. the path itself: a symbolic link, a directory, a pipe/device, a missing file;
2. the first bytes: empty, OLE2 (legacy ``.xls`` or an encrypted/password-protected
   ``.xlsx``), not a zip at all (text/CSV, HTML, PDF ... renamed ``.xlsx``);
3. the zip's end-of-central-directory record, before ``zipfile`` parses the directory
   (entry count and directory size), then the central directory itself (declared sizes
   only, nothing decompressed; a plain archive by ``plain_directory``, which reads what
   ``zipfile.ZipFile.infolist()`` reads, anything else by ``zipfile`` itself): entry
   count, duplicate names, unsupported compression or zip encryption, size limits of the
   parts readers load whole, total uncompressed size, compression ratio; then what the
   archive is (OpenDocument, Word, a macro workbook, ...);
4. ``[Content_Types].xml``, ``xl/workbook.xml`` and ``xl/_rels/workbook.xml.rels``:
   inflated with bounds, scanned for DOCTYPE/ENTITY, then parsed by expat with
   defusedxml's three protections as handlers (a DOCTYPE, an entity declaration or an
   external entity reference is refused): macro content types, the sheet names, the
   styles part;
5. every entry, inflated by our own bounded reader (in one step up to 1 MiB, else in
   chunks), each part once: an entry may never produce more bytes than its declared size
   (a lying directory is a bomb), its CRC must match; every XML part is scanned for
   ``<!DOCTYPE`` / ``<!ENTITY`` (case-insensitive; NUL bytes are dropped first so
   UTF-16/32 text is caught too; the costly lower-casing only when ``<!`` occurs at all)
   and for an unusual declared encoding; every worksheet part is checked for its real
   extent (the last cell's row and column, following calamine's rules for cells without
   an ``r`` attribute; when every cell tag is as Excel writes it, a simpler pattern gives
   the same references), its cell count and its ``<dimension>``; the styles part is read
   for the percent number formats (``cellscan.PercentStyles``) as it passes.

What is the same in many workbooks of a city (the theme, the content types, the
relationships, the workbook part, mostly the styles) is inflated, CRC-checked, scanned,
parsed and read for percent formats once per process: ``_inflated``, ``_whole_part``,
``_parsed`` and ``cellscan.percent_styles`` are pure functions of their arguments,
remembered for small parts (``_KEPT_SIZE``) in bounded caches keyed by every argument,
the bytes compared whole.
The checks themselves run as before on every part; only their repetition on equal bytes
is saved.

``dev/safety_reference.py`` keeps the gate as it was before it was made faster (issue 11
§4: the same file read several times, the main parts inflated twice and parsed into trees,
every part scanned in 64 KiB chunks); ``tests/test_safety_fuzz.py`` holds this one to
refuse exactly what that one refuses, with the same message.

An OpenDocument spreadsheet (``.ods``, recognised by its ``mimetype`` entry, whatever its
name) goes through steps 1-3 and 5 alike, then ``_inspect_ods``: no Basic/scripts parts
and no ``vnd.sun.star.script:`` calls (macros), no ``encryption-data`` in the manifest,
not also an .xlsx (a hybrid would leave the reader's choice open), ``content.xml`` (every
sheet) at most ``MAX_SHEETS_SIZE`` and measured by ``odf.check_content`` the way
python-calamine would build it (``MAX_ROWS``, ``MAX_COLS``, ``MAX_CELLS``,
``MAX_SHEET_TAGS``; 105,000 cells are refused in ~0.7 s here). A real .ods submission is
~40 KB with a 36 KB content.xml; at 5 MiB an .ods holds ~5,000 rows of ten values.

Symbolic links are refused (the inputs folder must hold the submissions themselves, not
pointers to files elsewhere that may change or point at anything on the machine);
directories named ``*.xlsx`` and other non-regular files (a FIFO would block a reader
forever) are refused with a message. The gate checks the file as it is when inspected;
``inspect_workbook`` returns the bytes it checked, for the caller to read.

Worst cases measured here (2 busy cores, fresh process): a file at the limits - 45 MiB of
XML to inflate and scan plus a 5 MiB worksheet of 100,000 cells - takes 0.3-0.4 s; the
hostile files of the tests are refused in 1-100 ms. Memory is bounded by the worksheet
parts (``MAX_SHEETS_SIZE``) and a few copies of one while it is measured: ~60 MB peak
RSS for the process at the limits.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO
from xml.parsers import expat

from ..domain import spec
from ..domain.numfmt import fmt_count as _n
from ..errors import Problem, Severity
from ..reasons import Reason
from . import odf
from .cellscan import PercentStyles

KiB = 1024
MiB = 1024 * KiB

# --- Limits -------------------------------------------------------------------------------
# A real template (pipeline.workbook.templates) is ~10 KB on disk and ~30 KB unzipped, with 12 zip
# entries, two sheets of a few dozen rows and 11 columns. Every limit leaves a margin of
# two to three orders of magnitude over that, and keeps what a reader may be made to do
# small: calamine reads a sheet at the limits (10,000 rows x 10 columns) in 0.1 s and
# ~8 MB above its baseline.

#: Largest file accepted on disk. ~2,000x a real template; leaves room for pictures.
MAX_FILE_SIZE = 20 * MiB
#: Most entries (parts) in the zip. A real template has ~11-15; Excel adds a few per
#: picture, comment or chart.
MAX_ENTRIES = 1_000
#: Largest zip central directory (bytes), checked from the end record before ``zipfile``
#: parses it: 1,000 entries with ~1 KB of name and extra fields each.
MAX_CENTRAL_DIRECTORY = 1 * MiB
#: Largest total uncompressed size of all entries, from the directory (never inflated for
#: this check). ~1,500x a real template unzipped and room for pasted pictures; every
#: entry is later inflated and scanned, which at this size takes ~0.15 s.
MAX_UNCOMPRESSED = 50 * MiB
#: Highest compression ratio (uncompressed / compressed) of one entry ...
MAX_RATIO = 200
#: ... counted only for entries larger than this: small XML compresses 10-50x, and a
#: small part cannot hurt whatever its ratio.
RATIO_MIN_SIZE = 1 * MiB
#: Largest ``[Content_Types].xml``, ``xl/workbook.xml`` and ``xl/_rels/workbook.xml.rels``
#: (parsed whole in memory here; a few KB in practice).
MAX_MAIN_PART_SIZE = 5 * MiB
#: Largest uncompressed size of all worksheet parts together (each is held in memory
#: while its extent is measured). A real Isian sheet is 5-10 KB; ``MAX_CELLS`` cells as
#: Excel writes them (~40 bytes each) are ~4 MB.
MAX_SHEETS_SIZE = 5 * MiB
#: Largest uncompressed shared-strings part: calamine loads it whole (10 MiB of tiny
#: strings = 600,000 strings = 45 MB and 0.2 s in calamine).
MAX_SHARED_STRINGS_SIZE = 10 * MiB
#: Furthest row a cell (or the recorded ``<dimension>``) of any sheet may reach.
MAX_ROWS = 10_000
#: Furthest column (200 = GR) a cell or the recorded ``<dimension>`` may reach.
MAX_COLS = 200
#: Most ``<c>`` elements in one worksheet part (a template has a few hundred).
MAX_CELLS = 100_000
#: Most "<" (tags) in all worksheet parts together: 4 per cell as Excel writes them
#: (c, v, /v, /c) and 2 per row, for ``MAX_CELLS`` cells in ``MAX_ROWS`` rows, and a
#: little room. Bounds the time of the regex passes, which stop at every "<".
MAX_SHEET_TAGS = 450_000
#: Most cells plus rows of a sheet whose cells do not all carry one plain ``r``
#: reference (Excel, LibreOffice and the usual libraries always write it): such a sheet
#: is walked cell by cell in Python (~2 us each).
MAX_WALK = 20_000

_READ_CHUNK = 64 * KiB  # compressed bytes read at a time
_ONE_STEP_SIZE = 1 * MiB  # entries up to this size are inflated in one step
_INFLATE_CHUNK = 64 * KiB  # most bytes one inflate step may produce
_HEAD_SIZE = 4 * KiB  # bytes read to recognise a file that is not a zip

# --- Reason codes ---------------------------------------------------------------------------
#: Every ``Problem.code`` this module produces (their meanings: ``pipeline/reasons.py``).
REASON_CODES: frozenset[Reason] = frozenset(r for r in Reason if r.stage == "gate")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTION_MARKERS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
)
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CONTENT_TYPES = "[content_types].xml"
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_STYLES = "xl/styles.xml"  # where Excel puts it; the workbook's relationship says
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD_MARKERS = (b"<!doctype", b"<!entity")
# Encodings in which "<!DOCTYPE" is plain ASCII once NUL bytes are dropped. Anything else
# (EBCDIC code pages, UTF-7 ...) could hide a declaration from the byte scan.
_SAFE_ENCODING = re.compile(
    rb"(utf-?8|utf-?16(le|be)?|utf-?32(le|be)?|(us-)?ascii|latin-?1|iso-?8859-\d+"
    rb"|(windows|cp)-?125\d)",
    re.IGNORECASE,
)
_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([^"'<>]*)["']""")

# Worksheet scanning (on the part's bytes with NUL bytes dropped). A start tag is matched
# with its attribute list parsed as name="value" tokens, so an "r=" inside another
# attribute's value cannot be mistaken for the cell reference; any element prefix counts,
# as calamine matches local names; only an attribute named exactly "r" is the reference.
# Quantifiers over attributes are possessive: every pattern is linear in the input.
# Possessive quantifiers wherever what follows cannot be matched by giving characters back
# (a name class excludes the ":" or "=" after it, a value class the closing quote): the
# same matches, without the regex engine trying shorter ones first.
_P = rb"(?:[^\s<>/:!?=\"']++:)?"  # optional namespace prefix
_VALUE = rb"""(?:"([^"<]*+)"|'([^'<]*+)')"""
_ATTR = rb"""\s++[^\s=<>/"']++\s*+=\s*+(?:"[^"<]*+"|'[^'<]*+')"""
# A cell start tag with exactly one, well-formed reference (groups: letters, digits for
# each quote style); a second ``r`` makes it fail, which sends the sheet to the walk.
_REF = rb"""(?:"([A-Za-z]{0,7}+)(\d{0,15}+)"|'([A-Za-z]{0,7}+)(\d{0,15}+)')"""
_MAX_ATTRS = rb"32"  # a cell has at most ~6 attributes, a row ~13: more is refused
_NOT_R_ATTR = rb"(?:(?!\s+r\s*=)" + _ATTR + rb"){0," + _MAX_ATTRS + rb"}+"
_END = rb"\s*+/?>"
_CELL_REF = _NOT_R_ATTR + rb"\s++r\s*+=\s*+" + _REF + _NOT_R_ATTR + _END
# Every cell start tag in one pass: a well-formed one with its reference (groups 1-4),
# any other by the character after its name (group 5). A well-formed tag holds no "<", so
# neither branch hides a cell start from the other.
_CELLS = re.compile(rb"<" + _P + rb"c(?:" + _CELL_REF + rb"|([\s/>]))")
_ROW_START = re.compile(rb"<" + _P + rb"row[\s/>]")
_TOKEN = re.compile(
    rb"<"
    + _P
    + rb"(row|c)(?=[\s/>])((?:"
    + _ATTR
    + rb"){0,"
    + _MAX_ATTRS
    + rb"}+)("
    + _END
    + rb")?"
)
_R_ATTR = re.compile(rb"\sr\s*=\s*" + _VALUE)
_DIMENSION = re.compile(
    rb"<" + _P + rb"dimension(?:(?!\s+ref\s*=)" + _ATTR + rb")*+\s+ref\s*=\s*" + _VALUE
)
_DIMENSION_WINDOW = 64 * KiB  # <dimension> comes second in a worksheet, after sheetPr
_A1 = re.compile(rb"([A-Za-z]*)(\d*)")
_HUGE = 10**9  # stands for any row or column number too long to be real


class _Refused(Exception):
    def __init__(self, code: Reason, message: str, sheet: str = ""):
        super().__init__(code)
        self.code = code
        self.message = message
        self.sheet = sheet


def inspect_file(path: Path) -> list[Problem]:
    """Check an untrusted submission before any reader opens it.

    Returns ``[]`` when the file may be read, else one ``Problem`` (GALAT) whose ``code``
    is one of ``REASON_CODES`` and whose message, in Indonesian, says what is wrong and
    how to fix it. ``file`` is ``path.name``. Never raises for a bad file, never blocks on
    one, never writes to it.
    """
    return inspect_workbook(path)[0]


class Inspected(dict):
    """What the gate inflated and checked, for the reader: {sheet name: XML bytes} of an
    .xlsx (``ODS_CONTENT``: the whole content.xml of an .ods), ``percent_styles``: the
    cell styles of an .xlsx whose number format shows a percentage (from ``xl/styles.xml``,
    read as the gate checked it; ``cellscan.PercentStyles``), and ``data``: the file's
    bytes as the gate read and checked them, so the reader reads exactly those (the file
    may change after the check)."""

    percent_styles: frozenset[int] = frozenset()
    data: bytes = b""  # the file's bytes as checked: what the reader should read


def size_limit(problem: Problem) -> str | None:
    """What a refusal for size measured, with the limit it passed (``lembar 'Data' (bagian
    xl/worksheets/sheet1.xml) berisi 150.000 sel (batas 100.000)``), for a caller that
    gives its own advice (the history import says how to split the file); None for any
    other refusal, a hostile file's included. The measure is each message's first clause,
    written by this module."""
    text = problem.message
    if problem.code == Reason.SHEET_TOO_BIG and "(batas" in text.split("; ", 1)[0]:
        return text.split("; ", 1)[0]
    if problem.code == Reason.SHARED_STRINGS_TOO_LARGE:
        return text.split("; ", 1)[0]
    if problem.code == Reason.FILE_TOO_LARGE or (
            problem.code == Reason.ZIP_BOMB and "setelah diekstrak" in text):
        return text.split(", padahal", 1)[0]
    return None


def inspect_workbook(path: Path) -> tuple[list[Problem], Inspected]:
    """``inspect_file``, also returning what it inflated and checked (``Inspected``), so
    a caller can scan the sheets without unzipping again."""
    path = path if isinstance(path, Path) else Path(path)
    try:
        sheets = _inspect(path)
    except _Refused as r:
        return [Problem(Severity.ERROR, r.code, r.message, file=path.name,
                        sheet=r.sheet)], Inspected()
    except Exception as exc:  # a bug or an input nobody foresaw: refuse, never a traceback
        return [
            Problem(
                Severity.ERROR,
                Reason.INSPECT_FAILED,
                "berkas tidak dapat diperiksa keamanannya "
                f"({type(exc).__name__}), sehingga tidak dibaca; buka berkas di Excel, "
                "simpan ulang sebagai Excel Workbook (*.xlsx), lalu kirim ulang",
                file=path.name,
            )
        ], Inspected()
    return [], sheets


# --- The path and the first bytes ---------------------------------------------------------


def _inspect(path: Path) -> Inspected:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        raise _not_found() from None
    except OSError as exc:
        raise _unreadable(exc) from None
    if stat.S_ISLNK(st.st_mode):
        raise _symlink()
    if stat.S_ISDIR(st.st_mode):
        raise _Refused(
            Reason.DIRECTORY,
            f"'{path.name}' adalah sebuah folder, bukan berkas Excel; pindahkan atau ganti "
            "nama folder ini, lalu taruh berkas isian .xlsx langsung di folder isian",
        )
    if not stat.S_ISREG(st.st_mode):
        raise _special()
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)  # a link swapped in after lstat fails to open
        | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in does not block
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_CLOEXEC", 0)
    )
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise _not_found() from None
    except OSError as exc:
        if os.path.islink(path):
            raise _symlink() from None
        raise _unreadable(exc) from None
    try:  # read through the descriptor itself: no file object is built around it
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _special()
        try:
            return _inspect_open_file(fd, st.st_size)
        except OSError as exc:
            raise _unreadable(exc) from None
    finally:
        os.close(fd)


def _read(fd: int, size: int) -> bytes:
    """``size`` bytes from the descriptor's position, fewer only at the file's end."""
    parts = []
    while size > 0 and (chunk := os.read(fd, size)):
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)  # one read (the usual case): its bytes, not a copy


def _inspect_open_file(fd: int, size: int) -> Inspected:
    if size == 0:
        raise _Refused(
            Reason.EMPTY,
            "berkas kosong (0 byte), kemungkinan gagal tersimpan atau terunduh; buka "
            "berkas isian aslinya di Excel, simpan ulang sebagai .xlsx, lalu kirim ulang",
        )
    # a file that may be read is read whole at once (every later read is from memory),
    # else only its first bytes, which say why it is refused
    if size <= MAX_FILE_SIZE:
        data = _read(fd, size)
        head = data[:_HEAD_SIZE]
    else:
        head = _read(fd, _HEAD_SIZE)
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(fd)
    if size > MAX_FILE_SIZE:
        raise _Refused(
            Reason.FILE_TOO_LARGE,
            f"ukuran berkas {_over(size, MAX_FILE_SIZE)} melebihi batas "
            f"{_mb(MAX_FILE_SIZE)}, padahal "
            "berkas isian IKU biasanya hanya puluhan KB; pastikan yang dikirim adalah "
            "templat isian dari sekretariat (tanpa gambar atau lampiran besar), lalu "
            "kirim ulang",
        )
    if not head.startswith(_ZIP_MAGICS):
        raise _Refused(
            Reason.NOT_ZIP,
            f"berkas ini bukan buku kerja Excel (.xlsx), melainkan {_describe(head)}; "
            "buka datanya di Excel lalu simpan sebagai Excel Workbook (*.xlsx) melalui "
            "File › Save As, lalu kirim ulang",
        )
    checked = _inspect_zip(_Zip(data), len(data))
    checked.data = data
    return checked


def _refuse_ole(fd: int) -> None:
    """An OLE2 compound file: legacy .xls, or OOXML encrypted with a password."""
    os.lseek(fd, 0, os.SEEK_SET)
    keep = max(len(m) for m in _ENCRYPTION_MARKERS) - 1
    tail = b""
    read = 0
    while read < MAX_FILE_SIZE:
        chunk = os.read(fd, min(1 * MiB, MAX_FILE_SIZE - read))
        if not chunk:
            break
        read += len(chunk)
        buf = tail + chunk
        if any(m in buf for m in _ENCRYPTION_MARKERS):
            raise _Refused(
                Reason.ENCRYPTED,
                "berkas dilindungi kata sandi sehingga isinya tidak dapat dibaca; buka di "
                "Excel, hapus kata sandi (File › Info › Protect Workbook › Encrypt with "
                "Password, kosongkan kata sandinya), simpan, lalu kirim ulang",
            )
        tail = buf[-keep:]
    raise _Refused(
        Reason.XLS_LEGACY,
        "berkas memakai format Excel lama (.xls, Excel 97-2003) atau format Office lama "
        "lainnya; buka di Excel lalu simpan ulang sebagai .xlsx "
        "(File › Save As › Excel Workbook (*.xlsx)), lalu kirim ulang",
    )


def _describe(head: bytes) -> str:
    """What a file that is not a zip looks like, in words a user knows."""
    if head.startswith(b"%PDF"):
        return "dokumen PDF yang diberi nama .xlsx"
    if head.startswith(b"{\\rtf"):
        return "dokumen RTF yang diberi nama .xlsx"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "berkas gambar yang diberi nama .xlsx"
    if head.startswith((b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b")):
        return "arsip terkompresi (RAR/7-Zip/gzip) yang diberi nama .xlsx"
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    text = head.replace(b"\x00", b"") if utf16 else head
    lowered = text.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if lowered.startswith(b"<"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return "Lembar Kerja XML 2003 (XML Spreadsheet) yang diberi nama .xlsx"
        if any(t in lowered for t in (b"<html", b"<!doctype html", b"<table")):
            return "halaman web (HTML) yang diberi nama .xlsx"
        return "berkas XML yang diberi nama .xlsx"
    controls = sum(1 for b in text if b < 32 and b not in (9, 10, 12, 13))
    if utf16 or (b"\x00" not in text and controls == 0):
        return "berkas teks/CSV yang diberi nama .xlsx"
    return "berkas dengan jenis yang tidak dikenali"


# --- The zip directory (declared sizes only) ----------------------------------------------


class _Zip(io.BytesIO):
    """The whole file in memory (at most ``MAX_FILE_SIZE``), read as a file by ``zipfile``
    and ``_inflate``; ``data`` for slicing small entries out directly."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.data = data


def _inspect_zip(f: _Zip, size: int) -> Inspected:
    extent = _central_directory_extent(f, size)
    if extent is None:
        raise _corrupt()
    entries, cd_size = extent
    if entries > MAX_ENTRIES or cd_size > MAX_CENTRAL_DIRECTORY:
        raise _too_many(entries if entries > MAX_ENTRIES else None)
    infos = plain_directory(f.data)
    if infos is None:  # not the plain case: zipfile decides
        try:
            infos = zipfile.ZipFile(f).infolist()  # parses the central directory only
        except Exception:  # BadZipFile, NotImplementedError, UnicodeDecodeError, struct.error
            raise _corrupt() from None
    if any(not i.filename or i.header_offset < 0 or i.header_offset >= size for i in infos):
        raise _corrupt()
    files = [i for i in infos if not i.filename.endswith("/")]
    by_name = _check_directory(infos, files)
    if _check_kind(f, by_name) == "ods":
        return _inspect_ods(f, files, by_name)
    inflated: dict[str, bytes] = {}  # the main parts, inflated and scanned once
    sheets, styles = _check_main_parts(f, by_name, inflated)
    # "<" (tags) of the sheets measured so far, counted only once their bytes pass
    # MAX_SHEET_TAGS: below it (a byte at least per tag) no count can pass the limit
    tags = size = 0
    uncounted: list[bytes] = []
    checked = Inspected()
    percent = PercentStyles()
    for info in files:
        key = info.filename.lower()
        if key in inflated:  # scanned when parsed; a sheet only in a hostile file
            data = _drop_nul(inflated[key]) if key in sheets else None
        else:
            data = _scan_entry(f, info, key in sheets, percent if key == styles else None)
        if data is not None:
            size += len(data)
            uncounted.append(data)
            if size > MAX_SHEET_TAGS:
                tags += sum(part.count(b"<") for part in uncounted)
                uncounted.clear()
            _check_sheet(data, info.filename, sheets[key], tags)
            if sheets[key]:
                checked[sheets[key]] = data
    if styles in by_name:
        checked.percent_styles = percent.result()
    return checked


class DirectoryEntry:
    """What the gate reads of one central directory entry, as ``zipfile.ZipInfo`` has it."""

    __slots__ = ("filename", "header_offset", "file_size", "compress_size", "CRC",
                 "flag_bits", "compress_type")

    def __init__(self, filename: str, header_offset: int, file_size: int,
                 compress_size: int, crc: int, flag_bits: int, compress_type: int):
        self.filename = filename
        self.header_offset = header_offset
        self.file_size = file_size
        self.compress_size = compress_size
        self.CRC = crc
        self.flag_bits = flag_bits
        self.compress_type = compress_type


_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # zipfile's structCentralDir
_END = struct.Struct("<4s4H2LH")  # zipfile's structEndArchive
_MAX_EXTRACT_VERSION = 63  # zipfile.MAX_EXTRACT_VERSION: a higher one it refuses


def plain_directory(data: bytes) -> list[DirectoryEntry] | None:
    """The central directory of a plain archive, read as ``zipfile.ZipFile(...).infolist()``
    reads it (the same entries, names and fields), at a third of its cost; None for any
    archive that is not plain, which ``zipfile`` then reads (or refuses). Plain, as Excel,
    LibreOffice and the usual libraries write it: the end record last (no archive
    comment), no zip64 end records, nothing before the first entry (the directory where
    the end record says), no extra fields, every entry header whole within the directory,
    names without NUL bytes and valid UTF-8 where flagged so. ``tests/test_safety_fuzz.py``
    holds it to ``zipfile`` on damaged and hostile archives."""
    size = len(data)
    if size < 64 or data[-22:-18] != b"PK\x05\x06" or data[-2:] != b"\x00\x00" \
            or data[-42:-38] == b"PK\x06\x07":
        return None
    cd_size, cd_offset = _END.unpack_from(data, size - 22)[5:7]
    if cd_offset + cd_size != size - 22:  # zipfile would shift every offset ("concat")
        return None
    entries = []
    pos, end = cd_offset, size - 22
    unpack = _CENTRAL.unpack_from
    while pos < end:
        if pos + 46 > end:
            return None
        (sig, _, _, version, _, flags, method, _, _, crc, compressed, file_size, name_len,
         extra_len, comment_len, _, _, _, offset) = unpack(data, pos)
        start = pos + 46
        pos = start + name_len + comment_len
        if sig != b"PK\x01\x02" or extra_len or pos > end or version > _MAX_EXTRACT_VERSION:
            return None
        raw = data[start:start + name_len]
        if flags & 0x800:
            try:
                name = raw.decode("utf-8")
            except UnicodeDecodeError:
                return None
        else:  # cp437 is ASCII below 128, and its codec is ten times slower
            name = raw.decode("ascii") if raw.isascii() else raw.decode("cp437")
        if "\x00" in name:
            return None
        entries.append(DirectoryEntry(name, offset, file_size, compressed, crc, flags, method))
    return entries


def _central_directory_extent(f: BinaryIO, size: int) -> tuple[int, int] | None:
    """(entry count, directory size) from the end records, found where zipfile looks."""
    eocd_len = 22
    if size < eocd_len:
        return None
    start = max(0, size - eocd_len - (1 << 16))
    f.seek(start)
    tail = f.read(size - start)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + eocd_len > len(tail):
        return None
    entries, cd_size = struct.unpack("<10xHI6x", tail[pos : pos + eocd_len])
    # zipfile then uses a zip64 end record (locator right before, record before that)
    # whatever the 32-bit fields say, so the same is read here.
    record_at = start + pos - 20 - 56
    if record_at >= 0:
        f.seek(record_at)
        records = f.read(56 + 20)
        if records[56:60] == b"PK\x06\x07" and records[:4] == b"PK\x06\x06":
            entries, cd_size = struct.unpack("<32xQQ8x", records[:56])
    return entries, cd_size


def _check_directory(infos: list, files: list) -> dict:
    if len(infos) > MAX_ENTRIES:
        raise _too_many(len(infos))
    by_name: dict = {}
    for info in infos:
        key = info.filename.lower()
        if key in by_name:
            raise _Refused(
                Reason.ZIP_DUPLICATE,
                f"berkas berisi bagian bernama sama dua kali ('{info.filename}'), hal yang "
                "tidak pernah dibuat Excel dan bisa dipakai untuk mengelabui pemeriksaan; "
                "buka berkas di Excel, simpan ulang sebagai .xlsx, lalu kirim ulang",
            )
        by_name[key] = info
        if info.flag_bits & 0x1 or info.compress_type not in (0, 8):
            raise _Refused(
                Reason.ZIP_UNSUPPORTED,
                f"bagian '{info.filename}' dikemas dengan cara yang tidak dipakai Excel "
                "(enkripsi zip atau metode kompresi lain); buka berkas di Excel, simpan "
                "ulang sebagai .xlsx, lalu kirim ulang",
            )
        if info.compress_type == 0 and info.compress_size != info.file_size:
            raise _corrupt()
    for info in files:
        key = info.filename.lower()
        if key in (_CONTENT_TYPES, _WORKBOOK, _WORKBOOK_RELS):
            if info.file_size > MAX_MAIN_PART_SIZE:
                raise _Refused(
                    Reason.PART_TOO_LARGE,
                    f"bagian '{info.filename}' berukuran "
                    f"{_over(info.file_size, MAX_MAIN_PART_SIZE)} (batas "
                    f"{_mb(MAX_MAIN_PART_SIZE)}; biasanya hanya beberapa KB); berkas ini "
                    f"tidak wajar dan mungkin berbahaya; {_USE_ORIGINAL}",
                )
        if key.endswith("sharedstrings.xml") and posixpath.basename(key) == "sharedstrings.xml":
            _check_shared_strings_size(info)
    total = sum(i.file_size for i in files)
    if total > MAX_UNCOMPRESSED:
        raise _Refused(
            Reason.ZIP_BOMB,
            f"isi berkas setelah diekstrak berukuran {_over(total, MAX_UNCOMPRESSED)} (batas "
            f"{_mb(MAX_UNCOMPRESSED)}), padahal berkas isian biasanya di bawah 1 MB; berkas "
            f"ini tidak wajar dan mungkin berbahaya (zip bomb); {_USE_ORIGINAL}",
        )
    for info in files:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_MIN_SIZE and ratio > MAX_RATIO:
            raise _Refused(
                Reason.ZIP_BOMB,
                f"bagian '{info.filename}' memampat {_n(round(ratio))} kali (batas {MAX_RATIO} "
                f"kali untuk bagian di atas {_mb(RATIO_MIN_SIZE)}); berkas ini tidak wajar "
                f"dan mungkin berbahaya (zip bomb); {_USE_ORIGINAL}",
            )
    return by_name


def _check_kind(f: BinaryIO, by_name: dict) -> str:
    """"xlsx" or "ods"; other Office files, hybrids and macro workbooks are refused: all
    from names and tiny reads."""
    mimetype = by_name.get("mimetype")
    if mimetype is not None:
        declared = b"".join(_inflate(f, mimetype, limit=256)).strip()
        if declared == _ODS_MIMETYPE:
            if _CONTENT_TYPES in by_name or _WORKBOOK in by_name:  # which reader would win?
                raise _Refused(
                    Reason.ZIP_NOT_WORKBOOK,
                    "berkas ini sekaligus mengaku sebagai OpenDocument (.ods) dan Excel "
                    "(.xlsx), hal yang tidak pernah dibuat Excel maupun LibreOffice; buka "
                    f"berkas di LibreOffice, simpan ulang sebagai .ods atau .xlsx; {_USE_ORIGINAL}",
                )
            return "ods"
    if _CONTENT_TYPES not in by_name or _WORKBOOK not in by_name:
        if "word/document.xml" in by_name:
            what = "dokumen Word (.docx)"
        elif "ppt/presentation.xml" in by_name:
            what = "presentasi PowerPoint (.pptx)"
        elif "xl/workbook.bin" in by_name:
            what = "buku kerja biner Excel (.xlsb)"
        elif mimetype is not None:
            what = "dokumen OpenDocument yang bukan lembar kerja"
        else:
            what = "arsip zip biasa"
        raise _Refused(
            Reason.ZIP_NOT_WORKBOOK,
            f"berkas ini adalah {what} yang diberi nama .xlsx, bukan buku kerja Excel "
            "(bagian xl/workbook.xml tidak ada); kirim berkas isian dalam format Excel "
            "Workbook (*.xlsx) dari templat sekretariat",
        )
    for key in by_name:
        if (key.endswith("vbaproject.bin") and posixpath.basename(key) == "vbaproject.bin") \
                or key.startswith("xl/macrosheets/"):
            raise _macro()
    return "xlsx"


# --- OpenDocument spreadsheets ------------------------------------------------------------

ODS_CONTENT = ":ods:content.xml"  # key of inspect_workbook's result for an .ods (no sheet
# name can hold ":"): the whole content.xml, every sheet of the workbook
_ODS_MACRO_PARTS = ("basic/", "scripts/", "dialogs/")


def _inspect_ods(f: BinaryIO, files: list, by_name: dict) -> Inspected:
    """An OpenDocument spreadsheet: the same bounded inflate and DOCTYPE scan of every
    part, no macros, no encryption, and content.xml (every sheet) measured as calamine
    would build it (``odf.check_content``)."""

    for key in by_name:
        if key.startswith(_ODS_MACRO_PARTS) or key in ("script-lc.xml", "dialog-lc.xml"):
            raise _macro()
    content_info = by_name.get("content.xml")
    if content_info is None:
        raise _corrupt()
    if content_info.file_size > MAX_SHEETS_SIZE:
        raise _sheet_problem(
            "", f"isi lembar kerja (content.xml) berukuran "
            f"{_over(content_info.file_size, MAX_SHEETS_SIZE)} setelah diekstrak (batas "
            f"{_mb(MAX_SHEETS_SIZE)})")
    content = b""
    for info in files:
        key = info.filename.lower()
        data = _scan_entry(f, info, key == "content.xml" or key == "meta-inf/manifest.xml")
        if key == "meta-inf/manifest.xml" and data is not None and b"encryption-data" in data:
            raise _Refused(
                Reason.ENCRYPTED,
                "berkas .ods dilindungi kata sandi sehingga isinya tidak dapat dibaca; buka di "
                "LibreOffice, simpan tanpa kata sandi (File › Save As, hapus centang 'Save "
                "with password'), lalu kirim ulang",
            )
        if key == "content.xml":
            content = data or b""
    if b"vnd.sun.star.script:" in content:  # a cell or event calling a macro
        raise _macro()
    try:
        odf.check_content(content, MAX_ROWS, MAX_COLS, MAX_CELLS, MAX_SHEET_TAGS)
    except odf.OdsProblem as exc:
        raise _ods_refusal(exc) from None
    return Inspected({ODS_CONTENT: content})


def _ods_refusal(exc) -> _Refused:
    if exc.kind == "invalid":
        return _Refused(
            Reason.XML_INVALID,
            f"isi lembar kerja (content.xml) di dalam berkas .ods rusak ({exc.detail}); buka "
            "berkas di LibreOffice, simpan ulang, lalu kirim ulang",
        )
    where = f"lembar '{exc.sheet}'" if exc.sheet else "berkas"
    if exc.kind == "tags":
        what = f"{where} berisi terlalu banyak elemen XML (batas {_n(MAX_SHEET_TAGS)})"
    elif exc.detail.startswith("rows:"):
        what = (f"{where} memakai sel sampai baris {_n(int(exc.detail[5:]))} (batas "
                f"{_n(MAX_ROWS)} baris)")
    elif exc.detail.startswith("cols:"):
        col = int(exc.detail[5:])
        letters = spec.col_letter(col - 1) if col < 10**6 else "?"
        what = (f"{where} memakai sel sampai kolom {letters} (kolom ke-{_n(col)}, batas "
                f"{MAX_COLS} kolom)")
    else:
        what = f"{where} berisi {_n(int(exc.detail[6:]))} sel (batas {_n(MAX_CELLS)})"
    return _sheet_problem(exc.sheet, what)


def _check_main_parts(f: _Zip, by_name: dict,
                      inflated: dict[str, bytes]) -> tuple[dict[str, str], str]:
    """Parse the three main parts (``_parse_part``); return {sheet part: sheet name} and
    the styles part's name. ``inflated`` receives each main part's bytes.

    Sheet parts are the targets of the workbook's worksheet relationships (what calamine
    follows) and every ``xl/worksheets/*.xml`` (what other readers might open).
    """
    types = by_name[_CONTENT_TYPES]
    for _, attrs in _parse_part(f, types, inflated, wanted=_macro_content_types):
        content_type = (attrs.get("ContentType") or "").lower()
        if any(m in content_type for m in _MACRO_CONTENT_TYPES):
            raise _macro()
    rid_to_name = {}
    for name, attrs in _parse_part(f, by_name[_WORKBOOK], inflated):
        if name == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid is not None:
                rid_to_name[rid] = attrs.get("name") or ""
    sheets: dict[str, str] = {}
    styles = _STYLES
    rels = by_name.get(_WORKBOOK_RELS)
    if rels is not None:
        for name, attrs in _parse_part(f, rels, inflated):
            if name != "Relationship" or attrs.get("TargetMode") == "External":
                continue
            rel_type = attrs.get("Type") or ""
            if rel_type.lower().endswith(("/vbaproject", "/xlmacrosheet", "/macrosheet")):
                raise _macro()
            target = _resolve(attrs.get("Target") or "")
            info = by_name.get(target)
            if info is None:
                continue
            if rel_type.endswith("/worksheet"):
                sheets[target] = rid_to_name.get(attrs.get("Id") or "", "")
            elif rel_type.endswith("/sharedStrings"):
                _check_shared_strings_size(info)
            elif rel_type.endswith("/styles"):
                styles = target
    for key in by_name:
        if key.startswith("xl/worksheets/") and key.count("/") == 2 and key.endswith(".xml"):
            sheets.setdefault(key, "")
    _check_sheet_sizes(by_name, sheets)
    return sheets, styles


class _Dtd(Exception):
    pass


def _refuse_dtd(*args) -> None:
    raise _Dtd


_MACRO_CONTENT_TYPES = ("macroenabled", "vbaproject", "macrosheet")


@lru_cache(maxsize=16)  # the same part in most workbooks of a city; keyed by its bytes
def _macro_content_types(data: bytes) -> bool:
    """Whether a [Content_Types].xml can name a macro content type: one of the words, or
    a character reference that could spell one. A pure function of the bytes."""
    lowered = data.replace(b"\x00", b"").lower()
    return b"&" in lowered or any(m.encode() in lowered for m in _MACRO_CONTENT_TYPES)


def _parse_part(f: _Zip, info, inflated: dict[str, bytes],
                wanted=None) -> tuple[tuple[str, dict], ...]:
    """Every element of a main part in document order as (local name, attributes).

    Inflated once (at most MAX_MAIN_PART_SIZE, checked before) and scanned for DTDs like
    every part, then parsed by expat with what defusedxml's ``forbid_dtd``,
    ``forbid_entities`` and ``forbid_external`` set: a DOCTYPE, an entity declaration or
    an external entity reference raise (a second lock behind the byte scan). Nothing else
    is built: these parts are only looked through once. ``wanted(data)`` False: only
    parsed (the part must be well-formed), no element is needed. The elements are shared
    with other callers (``_parsed_kept``): read them, never change them.
    """
    data = _entry(f, info)
    _XmlScan(info.filename).scan(data)
    inflated[info.filename.lower()] = data
    collect = wanted is None or wanted(data)
    parsed = _parsed_kept(data, collect) if len(data) <= _KEPT_SIZE else _parsed(data, collect)
    if parsed is _DTD_FOUND:
        raise _doctype(info.filename)
    if parsed is _INVALID:
        raise _Refused(
            Reason.XML_INVALID,
            f"bagian '{info.filename}' di dalam berkas rusak (bukan XML yang sah); buka "
            "berkas di Excel, simpan ulang sebagai .xlsx, lalu kirim ulang",
        )
    return parsed


_DTD_FOUND, _INVALID = object(), object()  # what _parsed found wrong with a part


def _parsed(data: bytes, collect: bool):
    """A main part's elements (``_parse_part``; none when not ``collect``), or
    ``_DTD_FOUND`` / ``_INVALID``. A pure function of its arguments."""
    elements: list[tuple[str, dict]] = []
    parser = expat.ParserCreate(namespace_separator="}")
    if collect:
        add = elements.append
        parser.StartElementHandler = lambda name, attrs: add(
            (name[name.rfind("}") + 1:], attrs))
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    try:
        parser.Parse(data, True)
    except _Dtd:
        return _DTD_FOUND
    except (expat.ExpatError, ValueError):
        return _INVALID
    return tuple(elements)


# ``_parsed`` remembered for small parts: the three main parts are the same in most
# workbooks of a city (the same template, the same Excel). Keyed by the whole bytes.
_parsed_kept = lru_cache(maxsize=32)(_parsed)


# --- Every entry, inflated with bounds ----------------------------------------------------


def _inflate(f: BinaryIO, info, limit: int | None = None) -> Iterator[bytes]:
    """Yield an entry's bytes, never more than its declared size, verifying the CRC.

    Reads the raw data through the local header itself (zipfile's reader trusts and
    silently truncates at the declared size, which hides a lying directory). With
    ``limit`` only the first ``limit`` bytes are produced, without checks past them.
    """
    f.seek(info.header_offset)
    local = f.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt()
    name_len, extra_len = struct.unpack("<26xHH", local)
    f.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    produced = 0
    crc = 0
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if info.compress_type == 8 else None
    pending = b""
    while True:
        if pending:
            data, pending = pending, b""
        elif left > 0:
            data = f.read(min(_READ_CHUNK, left))
            if not data:
                raise _corrupt()  # the file ends inside the entry: truncated
            left -= len(data)
        elif inflater is not None and not inflater.eof:
            data = b""  # all input given: let zlib finish what it still holds
        else:
            break
        if inflater is None:
            out = data
        else:
            try:
                out = inflater.decompress(data, _INFLATE_CHUNK)
            except zlib.error:
                raise _corrupt() from None
            pending = inflater.unconsumed_tail
            if not data and not out:
                break  # nothing left: the stream ended early (checked below)
        produced += len(out)
        if produced > info.file_size:
            raise _bomb(info)
        crc = zlib.crc32(out, crc)
        if limit is not None and produced >= limit:
            yield out[: len(out) - (produced - limit)]
            return
        if out:
            yield out
        if inflater is not None and inflater.eof:
            break
    if (inflater is not None and not inflater.eof) or produced != info.file_size:
        raise _corrupt()
    if crc != info.CRC:
        raise _corrupt()


class _XmlScan:
    """Streaming search for DTD declarations and unusual encodings in one XML part."""

    def __init__(self, name: str):
        self.name = name
        self.tail = b""
        self.started = False

    def feed(self, chunk: bytes) -> bytes:
        """Scan the next chunk; return it with NUL bytes dropped."""
        norm = chunk.replace(b"\x00", b"") if b"\x00" in chunk else chunk
        if not self.started and norm:
            self.started = True
            self._check_encoding(norm)
        # "<!" starts only comments, CDATA and DTDs: usually absent, so the lowering copy
        # is rarely made. The tail carries a declaration split between two chunks.
        if b"<!" in norm or b"<!" in self.tail + norm[:16]:
            lowered = (self.tail + norm).lower()
            if any(m in lowered for m in _DTD_MARKERS):
                raise _doctype(self.name)
        self.tail = (self.tail + norm[-16:])[-16:]
        return norm

    def scan(self, data: bytes) -> bytes:
        """``feed`` of a whole part at once: the same checks (``_whole_part``), the part
        remembered by its bytes when small (the parts every workbook of a city shares).
        Returns the part with NUL bytes dropped."""
        whole = _whole_part_kept if len(data) <= _KEPT_SIZE else _whole_part
        norm, encoding, dtd = whole(data)
        self.started = bool(norm)
        if encoding is not None:
            raise _odd_encoding(self.name, encoding)
        if dtd:
            raise _doctype(self.name)
        return norm

    def _check_encoding(self, first: bytes) -> None:
        encoding = _odd_encoding_of(first)
        if encoding is not None:
            raise _odd_encoding(self.name, encoding)


def _whole_part(data: bytes) -> tuple[bytes, bytes | None, bool]:
    """What ``_XmlScan.feed`` would find in a whole part given chunk by chunk: the part
    with NUL bytes dropped, the unusual encoding its first chunk holding more than NUL
    bytes declares (None when usual; only up to that chunk's first ">": the declaration
    cannot go further), and whether a DTD declaration occurs. A pure function of the
    bytes."""
    norm = _drop_nul(data)
    encoding = None
    if norm is data and data:  # no NUL byte: the first chunk up to its first ">"
        end = data.find(b">", 0, _INFLATE_CHUNK)
        encoding = _odd_encoding_of(data[:end + 1 if end >= 0 else _INFLATE_CHUNK])
    elif norm:
        for at in range(0, len(data), _INFLATE_CHUNK):
            end = data.find(b">", at, at + _INFLATE_CHUNK)
            first = _drop_nul(data[at:end + 1 if end >= 0 else at + _INFLATE_CHUNK])
            if first or end >= 0:
                break
        encoding = _odd_encoding_of(first)
    # the cheap tests first: a declaration starts with "<!", rarely found at all, and
    # a one-byte search for "!" (memchr) costs a thirtieth of the two-byte one
    dtd = b"!" in norm and b"<!" in norm and any(m in norm.lower() for m in _DTD_MARKERS)
    return norm, encoding, dtd


# ``_whole_part`` remembered for small parts, keyed by their whole bytes (as
# ``_inflated_kept``): the content types, relationships, workbook, styles and theme of
# most workbooks of a city are the same bytes, scanned once per process.
_whole_part_kept = lru_cache(maxsize=64)(_whole_part)


def _odd_encoding_of(first: bytes) -> bytes | None:
    """The encoding a part's first bytes declare when it is not one in which a DTD
    declaration is plain ASCII once NUL bytes are dropped; None when usual or absent."""
    if first in _PASSED_DECLARATIONS:  # the same declaration as a part before it
        return None
    m = _XML_DECL_ENCODING.match(first.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n"))
    if m and not _SAFE_ENCODING.fullmatch(m.group(1).strip()):
        return m.group(1)
    if len(first) <= _DECLARATION_KEPT and len(_PASSED_DECLARATIONS) < 64:
        _PASSED_DECLARATIONS.add(first)
    return None


def _odd_encoding(part: str, encoding: bytes) -> _Refused:
    return _Refused(
        Reason.XML_ENCODING,
        f"bagian '{part}' memakai pengodean karakter yang tidak lazim "
        f"('{encoding.decode('ascii', 'replace')}'), yang tidak pernah dipakai "
        "Excel dan bisa menyembunyikan isi berbahaya; buka berkas di Excel, "
        "simpan ulang sebagai .xlsx, lalu kirim ulang",
    )


# The first bytes (up to the first ">") of parts whose encoding passed: nearly every part
# of a workbook starts with the same XML declaration, checked once (a pure function of
# those bytes, so a hit says what the check would say).
_PASSED_DECLARATIONS: set[bytes] = set()
_DECLARATION_KEPT = 256


def _looks_like_xml(first: bytes) -> bool:
    return first.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith(b"<")


def _entry(f: _Zip, info) -> bytes:
    """All of an entry's bytes with ``_inflate``'s checks (never more than the declared
    size, the stream complete, the CRC): in one step for an entry up to
    ``_ONE_STEP_SIZE``, else through ``_inflate``'s chunks."""
    if info.file_size > _ONE_STEP_SIZE:
        return b"".join(_inflate(f, info))
    data, at = f.data, info.header_offset
    local = data[at:at + 30]
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise _corrupt()
    name_len, extra_len = struct.unpack("<26xHH", local)
    start = at + 30 + name_len + extra_len
    raw = data[start:start + info.compress_size]
    whole = (_inflated_kept if info.file_size <= _KEPT_SIZE and len(raw) <= _KEPT_SIZE
             else _inflated)
    out = whole(raw, info.compress_type, info.compress_size, info.file_size, info.CRC)
    if out is _BOMB:
        raise _bomb(info)
    if out is _CORRUPT:
        raise _corrupt()
    return out


_BOMB, _CORRUPT = object(), object()  # what _inflated found wrong with an entry


def _inflated(raw: bytes, method: int, compressed: int, size: int, crc: int):
    """An entry's bytes from its raw data (``raw``: the ``compressed`` bytes after its
    local header, fewer when the file ends early) and its directory's method, sizes and
    CRC; ``_BOMB`` when it inflates past ``size``, ``_CORRUPT`` when the stream is
    unfinished or damaged, the file truncated, the size or CRC different. A pure function
    of its arguments."""
    if method == 8:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        try:
            out = inflater.decompress(raw, size + 1)  # one byte more: a bomb
        except zlib.error:
            return _CORRUPT
        if len(out) > size:
            return _BOMB
        if not inflater.eof:  # all of the entry's data given, and the stream unfinished
            return _CORRUPT
    else:
        out = raw
        if len(raw) < compressed:
            return _CORRUPT  # the file ends inside the entry: truncated
    if len(out) != size or zlib.crc32(out) != crc:
        return _CORRUPT
    return out


# ``_inflated`` remembered for small entries: the parts every workbook of a city shares
# (the theme, the content types, the relationships, mostly the styles and the workbook
# part) are inflated and CRC-checked once per process. Keyed by every argument, the raw
# bytes compared whole (not by a digest), so a hit is the same computation's result.
# Bounded: at most 64 entries of at most _KEPT_SIZE raw and inflated bytes (~8 MiB).
_KEPT_SIZE = 64 * KiB
_inflated_kept = lru_cache(maxsize=64)(_inflated)


def _drop_nul(data: bytes) -> bytes:
    return data.replace(b"\x00", b"") if b"\x00" in data else data


def _looks_like_xml(first: bytes) -> bool:
    return first.replace(b"\x00", b"").lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith(b"<")


def _scan_entry(f: _Zip, info, is_sheet: bool,
                styles: PercentStyles | None = None) -> bytes | None:
    """Inflate one entry with bounds and scan it when it is XML (by name or content);
    ``styles`` reads it as it goes (the styles part).

    Returns a worksheet's bytes (NUL bytes dropped) for measuring, else None.
    """
    named_xml = is_sheet or info.filename.lower().endswith(_XML_SUFFIXES)
    if info.file_size <= _ONE_STEP_SIZE:
        data = _entry(f, info)
        if named_xml or _looks_like_xml(data[:64]):
            norm = _XmlScan(info.filename).scan(data)
            if styles is not None:
                styles.feed(data)
            return norm if is_sheet else None
        return None
    scan = _XmlScan(info.filename) if named_xml else None
    held: list[bytes] = []
    first = True
    for chunk in _inflate(f, info):
        if first:
            first = False
            if scan is None and _looks_like_xml(chunk[:64]):
                scan = _XmlScan(info.filename)
        if scan is not None:
            norm = scan.feed(chunk)
            if styles is not None:
                styles.feed(chunk)
            if is_sheet:
                held.append(norm)
    return b"".join(held) if is_sheet else None


# --- Worksheets ---------------------------------------------------------------------------


def _check_sheet(data: bytes, part: str, sheet: str, tags: int) -> None:
    """Refuse a sheet whose cells would make a reader build a huge grid.

    calamine places a cell at its ``r`` reference (the last one if repeated), else right
    after the previous cell; a row without ``r`` follows the previous row. When every
    cell carries exactly one plain reference the extent comes from the references alone
    (no Python loop per cell; a sheet whose tags are all as Excel writes them is counted
    and known to lie within the limits in one pass, ``_plain_cells``, its references
    measured only when one could pass a limit); otherwise rows and cells are walked in
    order, at most ``MAX_WALK`` of them. ``tags``: the "<" of the sheets measured so far,
    or 0 while their bytes are too few to hold more than ``MAX_SHEET_TAGS``.
    """
    where = _where(sheet, part)
    if tags > MAX_SHEET_TAGS:  # bounds the regex passes below: they stop at every "<"
        raise _sheet_problem(
            sheet, f"{where} berisi terlalu banyak elemen XML (batas {_n(MAX_SHEET_TAGS)})"
        )
    plain = _plain_cells(data)
    if plain is not None:  # every cell as Excel writes it: the references alone
        cells = len(plain)
        found = None
    else:
        found = _CELLS.findall(data)
        cells = len(found)
    if cells > MAX_CELLS:
        raise _sheet_problem(sheet, f"{where} berisi {_n(cells)} sel (batas {_n(MAX_CELLS)})")
    if plain is not None:  # within the limits unless a reference was captured
        max_row, max_col = _plain_extent(data) if any(plain) else (0, 0)
    elif not any(other for *_, other in found):  # every cell with one plain reference
        letters = {a or c for a, _, c, _, _ in found}
        digits = {b or d for _, b, _, d, _ in found}
        max_row = max(map(int, digits - {b""}), default=0)
        max_col = max((_parse_ref(x)[1] for x in letters), default=0)
    else:
        rows = _ROW_START.subn(b"", data)[1]
        if cells + rows > MAX_WALK:
            raise _sheet_problem(
                sheet,
                f"{where} berisi {_n(cells)} sel yang tidak semuanya mencantumkan alamat "
                f"sel (atribut r) sebagaimana ditulis Excel, sehingga luasnya tidak dapat "
                f"diperiksa (batas {_n(MAX_WALK)} sel dan baris untuk lembar seperti ini); "
                "buka berkas di Excel atau LibreOffice, simpan ulang sebagai .xlsx, lalu "
                "kirim ulang",
                fix=False,
            )
        max_row, max_col = _walk_extent(data, part, sheet)
    if max_row > MAX_ROWS:
        raise _sheet_problem(
            sheet, f"{where} memakai sel sampai baris {_n(max_row)} (batas {_n(MAX_ROWS)} baris)"
        )
    if max_col > MAX_COLS:
        raise _sheet_problem(
            sheet,
            f"{where} memakai sel sampai kolom {spec.col_letter(max_col - 1)} (kolom ke-"
            f"{_n(max_col)}, batas {MAX_COLS} kolom)",
        )
    m = _DIMENSION.search(data, 0, _DIMENSION_WINDOW)
    if m:
        ref = m.group(1) or m.group(2)
        r1, c1, r2, c2 = _parse_range(ref)
        if max(r1, r2) > MAX_ROWS or max(c1, c2) > MAX_COLS:
            raise _sheet_problem(
                sheet,
                f"{where} mencatat area terpakai {ref.decode('ascii', 'replace')[:40]} "
                f"(batas {_n(MAX_ROWS)} baris dan {MAX_COLS} kolom)",
            )


# The cell start tags Excel, LibreOffice and the usual libraries write: no prefix, the
# reference first and double-quoted, at most eight more attributes none of them named r.
# Each is also a match of _CELLS' first branch with the same reference, so when they are
# all the cell starts there are (having checked that no cell tag carries a prefix), the
# extent comes from them alone; otherwise _CELLS decides.
_PLAIN_ATTRS = rb'(?: (?!r=)[A-Za-z][A-Za-z0-9:]{0,30}+="[^"<]*+"){0,8}+ ?/?>'
_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3}+)([0-9]{1,7}+)"' + _PLAIN_ATTRS)
# Every cell start tag without a prefix ("<c" and a space, "/" or ">") in one pass, as
# one of three branches tried in order: a plain tag (_PLAIN_CELL) whose reference no
# limit can refuse (one letter, or two up to GR = MAX_COLS, then at most four digits: a
# row below MAX_ROWS), not captured; any other plain tag, captured whole from its space
# on (at least 8 bytes); any other start, captured as its one byte after "<c". A plain
# tag holds no "<" but its first, so no match hides a start from the next. ``findall``
# thus gives one item per cell start, b"" for each ordinary plain cell: the cells are
# counted and known to be plain and within the limits without a Python step or a new
# object per cell. An ordinary reference is also ``[A-Z]{1,3}+[0-9]{1,7}+`` up to the
# same quote (the letters end at a digit, the digits at the quote), so the first two
# branches together match what _PLAIN_CELL matches, with the same ends.
_CELL_STARTS_PLAIN = re.compile(
    rb'<c(?: r="(?:[A-Z]|[A-F][A-Z]|G[A-R])[0-9]{1,4}+"' + _PLAIN_ATTRS
    + rb'|( r="[A-Z]{1,3}+[0-9]{1,7}+"' + _PLAIN_ATTRS + rb"|[\s/>]))"
)
_PREFIXED_CELL = re.compile(rb":c[\s/>]")


def _plain_extent(data: bytes) -> tuple[int, int]:
    """The last row and column of a sheet whose cells are all plain: the largest row
    number, and the column of the longest, then alphabetically last, letters
    (``[A-Z]{1,3}``: in that order the column numbers grow), parsed once rather than once
    per distinct column."""
    plain = _PLAIN_CELL.findall(data)
    if not plain:
        return 0, 0
    letters = {a for a, _ in plain}
    digits = {b for _, b in plain}
    longest = max(map(len, letters))
    last = max(x for x in letters if len(x) == longest)
    return max(map(int, digits)), _parse_ref(last)[1]


def _plain_cells(data: bytes) -> list[bytes] | None:
    """One item per cell when every cell start tag is plain, else None: b"" for a
    reference within every limit, the tag from its reference on for any other
    (``_CELL_STARTS_PLAIN``)."""
    if _PREFIXED_CELL.search(data):
        return None
    found = _CELL_STARTS_PLAIN.findall(data)
    if any(found) and any(len(item) == 1 for item in found):
        return None  # a start that is not a plain tag
    return found


def _walk_extent(data: bytes, part: str, sheet: str) -> tuple[int, int]:
    """Rows and cells in document order; a missing ``r`` means "the next one"."""
    row = col = max_row = max_col = 0
    for m in _TOKEN.finditer(data):
        if m.group(3) is None:  # too many attributes, or not name="value": not Excel's
            raise _Refused(
                Reason.XML_INVALID,
                f"bagian '{part}' berisi tag baris atau sel yang tidak wajar (atributnya "
                'terlalu banyak atau tidak tertulis sebagai nama="nilai"); buka berkas '
                "di Excel, simpan ulang sebagai .xlsx, lalu kirim ulang",
                sheet=sheet,
            )
        attrs = m.group(2)
        refs = [_parse_ref(a or b) for a, b in _R_ATTR.findall(attrs)] if attrs else []
        if m.group(1) == b"row":
            given = [r for r, c in refs if r and not c]
            row = max(given) if given else row + 1
            col = 0
            continue
        given_rows = [r for r, c in refs if r and c]
        given_cols = [c for r, c in refs if r and c]
        row = max(given_rows) if given_rows else row
        col = max(given_cols) if given_cols else col + 1
        max_row = max(max_row, row)
        max_col = max(max_col, col)
    return max_row, max_col


def _parse_ref(ref: bytes) -> tuple[int, int]:
    """An A1 reference (or a bare row number) to 1-based (row, column); 0 = absent."""
    m = _A1.fullmatch(ref)
    if not m:
        return 0, 0
    letters, digits = m.groups()
    row = (int(digits) if len(digits) <= 15 else _HUGE) if digits else 0
    if len(letters) > 6:
        return row, _HUGE
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return row, col


def _parse_range(ref: bytes) -> tuple[int, int, int, int]:
    first, _, last = ref.partition(b":")
    r1, c1 = _parse_ref(first)
    r2, c2 = _parse_ref(last) if last else (r1, c1)
    return r1, c1, r2, c2


def _check_sheet_sizes(by_name: dict, sheets: dict[str, str]) -> None:
    total = 0
    for key, name in sheets.items():
        info = by_name[key]
        total += info.file_size
        if info.file_size > MAX_SHEETS_SIZE:
            raise _sheet_problem(
                name,
                f"{_where(name, info.filename)} berukuran "
                f"{_over(info.file_size, MAX_SHEETS_SIZE)} setelah diekstrak (batas "
                f"{_mb(MAX_SHEETS_SIZE)})",
            )
    if total > MAX_SHEETS_SIZE:
        raise _sheet_problem(
            "",
            "lembar-lembar kerja bersama-sama berukuran "
            f"{_over(total, MAX_SHEETS_SIZE)} setelah diekstrak (batas {_mb(MAX_SHEETS_SIZE)})",
        )


def _where(sheet: str, part: str) -> str:
    return f"lembar '{sheet}' (bagian {part})" if sheet else f"lembar pada bagian {part}"


def _check_shared_strings_size(info) -> None:
    if info.file_size > MAX_SHARED_STRINGS_SIZE:
        raise _Refused(
            Reason.SHARED_STRINGS_TOO_LARGE,
            f"daftar teks bersama ({info.filename}) berukuran "
            f"{_over(info.file_size, MAX_SHARED_STRINGS_SIZE)} (batas "
            f"{_mb(MAX_SHARED_STRINGS_SIZE)}); berkas berisi teks dalam jumlah yang "
            "tidak wajar untuk berkas isian; hapus isi yang tidak perlu atau gunakan "
            "templat asli dari sekretariat, lalu kirim ulang",
        )


@lru_cache(maxsize=256)  # the same few targets in every workbook
def _resolve(target: str) -> str:
    """A relationship target of xl/workbook.xml as a lower-case part name."""
    target = target.replace("\\", "/")
    if target.startswith("/"):
        path = target.lstrip("/")
    else:
        path = posixpath.normpath(posixpath.join("xl", target))
    return path.lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# --- Messages -----------------------------------------------------------------------------

_USE_ORIGINAL = (
    "jangan buka berkas ini; minta bidang pengirim mengisi ulang templat asli dari "
    "sekretariat lalu mengirimkannya kembali"
)


def _mb(n: int) -> str:
    """A size for people: 1536 -> "2 KB", 20 MiB -> "20 MB", 51.2 MiB -> "51,2 MB"."""
    if n < MiB:
        return f"{max(1, round(n / KiB))} KB"
    text = f"{n / MiB:.1f}".removesuffix(".0").replace(".", ",")
    return f"{text} MB"


def _over(size: int, limit: int) -> str:
    """A size above ``limit`` that does not read as equal to it once rounded."""
    text = _mb(size)
    return f"lebih dari {text}" if text == _mb(limit) else text


def _not_found() -> _Refused:
    return _Refused(
        Reason.NOT_FOUND,
        "berkas tidak ditemukan (mungkin dipindahkan atau dihapus saat diperiksa); "
        "pastikan berkas ada di folder isian, lalu jalankan ulang",
    )


def _unreadable(exc: OSError) -> _Refused:
    return _Refused(
        Reason.UNREADABLE_FILE,
        f"berkas tidak dapat dibaca ({exc.strerror or type(exc).__name__}); tutup berkas "
        "bila sedang dibuka di program lain dan periksa izin aksesnya, lalu jalankan ulang",
    )


def _symlink() -> _Refused:
    return _Refused(
        Reason.SYMLINK,
        "berkas berupa tautan simbolik (symbolic link), bukan berkas isian itu sendiri; "
        "salin berkas aslinya ke folder isian, lalu jalankan ulang",
    )


def _special() -> _Refused:
    return _Refused(
        Reason.SPECIAL_FILE,
        "ini bukan berkas biasa (misalnya pipe atau perangkat), sehingga tidak dibaca; "
        "taruh hanya berkas isian .xlsx di folder isian",
    )


def _corrupt() -> _Refused:
    return _Refused(
        Reason.CORRUPT_ZIP,
        "berkas .xlsx rusak atau tidak lengkap (kemungkinan terpotong saat diunduh atau "
        "disalin); buka berkas aslinya di Excel, simpan ulang sebagai .xlsx, lalu kirim "
        "ulang",
    )


def _too_many(entries: int | None) -> _Refused:
    count = _n(entries) if entries is not None else f"lebih dari {_n(MAX_ENTRIES)}"
    return _Refused(
        Reason.TOO_MANY_ENTRIES,
        f"berkas tersusun atas terlalu banyak bagian internal ({count}; batas "
        f"{_n(MAX_ENTRIES)}); ini tidak wajar untuk berkas isian dan mungkin berbahaya; "
        f"{_USE_ORIGINAL}",
    )


def _macro() -> _Refused:
    return _Refused(
        Reason.MACRO,
        "berkas berisi makro (VBA), yang tidak diizinkan demi keamanan; buka di Excel, "
        "simpan sebagai Excel Workbook (*.xlsx) tanpa makro melalui File › Save As, lalu "
        "kirim ulang",
    )


def _bomb(info) -> _Refused:
    return _Refused(
        Reason.ZIP_BOMB,
        f"bagian '{info.filename}' ternyata jauh lebih besar daripada ukuran yang "
        "tercatat di dalam berkas; berkas ini tidak wajar dan mungkin berbahaya "
        f"(zip bomb); {_USE_ORIGINAL}",
    )


def _doctype(part: str) -> _Refused:
    return _Refused(
        Reason.XML_DOCTYPE,
        "berkas berisi deklarasi DOCTYPE/ENTITY yang tidak diizinkan (kemungkinan berkas "
        f"berbahaya) pada bagian '{part}'; {_USE_ORIGINAL}",
    )


def _sheet_problem(sheet: str, what: str, fix: bool = True) -> _Refused:
    if fix:
        what += (
            "; hapus baris dan kolom di luar tabel isian (termasuk yang hanya berisi format "
            "atau spasi), simpan, lalu kirim ulang"
        )
    return _Refused(Reason.SHEET_TOO_BIG, what, sheet=sheet)
