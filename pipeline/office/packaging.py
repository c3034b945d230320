"""Office Open XML packages (.docx, .xlsx) as zip bytes: normalised, and stamped
(``ooxml`` verifies them before they are written).

* ``deterministic_zip``: rewrite a package with fixed entry times, order and attributes,
  so the same content gives the same bytes (reports, the Word template, the highlighted
  copies of ``iku validate --report``).
* ``stamp`` / ``stamp_matches``: a report records what the pipeline wrote, so a later run
  can tell whether someone changed it (edited it in Word, say) before replacing it. The
  stamp is the custom document property ``iku_sidik`` = sha256 of every other part of
  the package. It travels with the file (copying, e-mailing, renaming keep it), Word and
  LibreOffice keep custom properties when they save, and any save by them rewrites the
  other parts, so the recomputed hash no longer matches: "changed since iku wrote it".
  It is computed from the content only, so stamped reports stay byte-identical.
  ``stamp_value`` / ``stamp_in`` read the stamp a report carries (matching or not): the
  history records it with each version, to find a report that is not its record.

Packages read here are our own outputs (the report at the output path), possibly edited
by a person; they are read with size limits and defusedxml, and anything unexpected is
simply "not verifiably ours".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path

from .ooxml import Verified, parts_problems

CUSTOM_PART = "docProps/custom.xml"
STAMP_NAME = "iku_sidik"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the id Word gives user properties
_MAX_READ = 200 * 1024 * 1024  # a report is ~100 KB; anything near this is not ours
_MAX_ENTRIES = 5_000
_MAX_CUSTOM = 1024 * 1024  # docProps/custom.xml: a few hundred bytes


def package_time(day: dt.date | dt.datetime) -> dt.datetime:
    """A date as a naive datetime a zip can hold (zip times start in 1980)."""
    if not isinstance(day, dt.datetime):
        day = dt.datetime(day.year, day.month, day.day)
    return max(day.replace(tzinfo=None), dt.datetime(1980, 1, 1))


def deterministic_zip(
    data: bytes, when: dt.date | dt.datetime, parts: dict[str, bytes] | None = None
) -> bytes:
    """Rewrite an OOXML package with fixed entry times, order and attributes; ``parts``
    replace (or add) entries by name."""
    src = zipfile.ZipFile(io.BytesIO(data))
    contents = {name: src.read(name) for name in src.namelist()}
    contents.update(parts or {})
    return zip_parts(contents, when)


def zip_parts(contents: dict[str, bytes], when: dt.date | dt.datetime,
              kept: Collection[str] = (), built: Collection[str] = ()) -> bytes:
    """A package of these parts (name → bytes) with fixed entry times, order and
    attributes: ``[Content_Types].xml`` and ``_rels/.rels`` first, then by name.

    The parts are verified as they are zipped (``ooxml.parts_problems``; ``kept``: parts
    whose bytes objects the caller keeps and passes again, parsed once per process;
    ``built``: parts serialised by lxml from a tree, well-formed by construction): a sound
    package is returned as ``ooxml.Verified``, which nothing checks again; one with a
    problem as plain bytes, which the writer refuses with the problem named."""
    sound = not parts_problems(contents, kept, built)
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    names = sorted(contents, key=lambda n: (first.get(n, 2), n))
    data = _zip(names, contents, package_time(when).timetuple()[:6], frozenset(kept))
    return Verified(data) if sound else data


# Entries as zipfile writes them with our settings (ZipInfo with a fixed time, deflated at
# level 6, create_system 0, mode 0644, no data descriptor, no zip64): written here so that
# a part kept by its maker (``kept``: the template's parts a renderer passes unchanged)
# is deflated once per process, not once per report. tests/test_packaging.py holds the
# bytes to zipfile's own.
_LEVEL = 6
_VERSION = 20  # zipfile.DEFAULT_VERSION: made by / needed to extract
_MODE = 0o644 << 16
_ZIP64_AT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT: larger entries are left to zipfile
_DEFLATED: dict[int, tuple[bytes, int, bytes]] = {}  # id → (part, crc32, deflated): held
_DEFLATED_SIZE = 64


def _deflated(data: bytes, keep: bool) -> tuple[int, bytes]:
    if keep:
        found = _DEFLATED.get(id(data))
        if found is not None and found[0] is data:
            return found[1], found[2]
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    out = (zlib.crc32(data), packer.compress(data) + packer.flush())
    if keep and type(data) is bytes:
        if len(_DEFLATED) >= _DEFLATED_SIZE:
            _DEFLATED.pop(next(iter(_DEFLATED)))
        _DEFLATED[id(data)] = (data, *out)
    return out


def _zip(names: list[str], contents: dict[str, bytes], stamp: tuple[int, ...],
         kept: frozenset[str]) -> bytes:
    """The zip of ``contents`` in the order of ``names``, byte for byte what ``zipfile``
    writes for them (``_zipfile_zip``, which also takes what this does not: names that
    are not ASCII, parts near zip64's sizes)."""
    if any(not n.isascii() or len(contents[n]) * 1.05 > _ZIP64_AT for n in names) \
            or len(names) >= 0xFFFF:
        return _zipfile_zip(names, contents, stamp)
    dosdate = (stamp[0] - 1980) << 9 | stamp[1] << 5 | stamp[2]
    dostime = stamp[3] << 11 | stamp[4] << 5 | (stamp[5] // 2)
    out, central = [], []
    at = 0
    for name in names:
        data = contents[name]
        crc, packed = _deflated(data, name in kept)
        raw = name.encode("ascii")
        header = struct.pack(zipfile.structFileHeader, zipfile.stringFileHeader, _VERSION, 0,
                             0, zipfile.ZIP_DEFLATED, dostime, dosdate, crc, len(packed),
                             len(data), len(raw), 0)
        central.append(struct.pack(
            zipfile.structCentralDir, zipfile.stringCentralDir, _VERSION, 0, _VERSION, 0, 0,
            zipfile.ZIP_DEFLATED, dostime, dosdate, crc, len(packed), len(data), len(raw), 0,
            0, 0, 0, _MODE, at) + raw)
        out += [header, raw, packed]
        at += len(header) + len(raw) + len(packed)
    directory = b"".join(central)
    if at > _ZIP64_AT:
        return _zipfile_zip(names, contents, stamp)
    end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(names),
                      len(names), len(directory), at, 0)
    return b"".join(out) + directory + end


def _zipfile_zip(names: list[str], contents: dict[str, bytes],
                 stamp: tuple[int, ...]) -> bytes:
    """The same package through ``zipfile`` (the reference ``_zip`` is held to)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = _MODE
            dst.writestr(info, contents[name], compresslevel=_LEVEL)
    return out.getvalue()


def fixed_core_times(core_xml: bytes, when: dt.date | dt.datetime) -> bytes:
    """docProps/core.xml with its created/modified times set to ``when`` (openpyxl writes
    the current time on every save)."""
    text = package_time(when).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(
        rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(</dcterms:(?:created|modified)>)",
        rb"\g<1>" + text + rb"\g<2>",
        core_xml,
    )


# --- the stamp -------------------------------------------------------------------------------


def content_hash(contents: dict[str, bytes]) -> str:
    """sha256 of every part but the custom properties, names and bytes, in name order."""
    digest = hashlib.sha256()
    for name in sorted(contents):
        if name == CUSTOM_PART:
            continue
        data = contents[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def stamp(data: bytes, when: dt.date | dt.datetime) -> bytes:
    """The package with ``iku_sidik`` in its custom properties (others kept), normalised."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return stamp_parts({name: src.read(name) for name in src.namelist()}, when)


def stamp_parts(parts: dict[str, bytes], when: dt.date | dt.datetime,
                kept: Collection[str] = (), built: Collection[str] = ()) -> bytes:
    """``stamp`` of the package made of ``parts`` (name → bytes), without zipping them
    first: the same bytes as ``stamp`` of their zip (verified: ``zip_parts``, ``kept``,
    ``built``; the custom properties part the stamp writes is built with lxml)."""
    contents = dict(parts)
    contents["[Content_Types].xml"] = _with_custom_type(contents["[Content_Types].xml"])
    contents["_rels/.rels"] = _with_custom_rel(contents["_rels/.rels"])
    value = content_hash(contents)
    existing = contents.get(CUSTOM_PART)
    contents[CUSTOM_PART] = custom = _custom_xml(existing, value)
    data = zip_parts(contents, when, kept, {*built, CUSTOM_PART})
    global _last_stamped
    # the stamp the package carries, as stamp_value reads it: the value itself when the
    # part was built from nothing (its one property), else read from the part written
    _last_stamped = (data, _custom_value(custom) if existing else value)
    return data


# The last package ``stamp_parts`` returned and the stamp it carries, so that
# ``stamp_value`` of those very bytes (the run recording the report it rendered) needs
# not open the zip again: bytes are immutable, so the same object holds the same stamp.
# Held to the reading by tests/test_history_fast.py.
_last_stamped: tuple[bytes, str | None] | None = None


def _custom_value(custom_xml: bytes) -> str | None:
    """``stamp_value`` of a package whose custom properties part is ``custom_xml``."""
    if len(custom_xml) > _MAX_CUSTOM:
        return None
    return read_custom_property(custom_xml, STAMP_NAME)


def stamp_matches(path: Path) -> bool:
    """True when the file at ``path`` is a package whose ``iku_sidik`` equals the hash of
    its content: it is exactly as the pipeline wrote it. False for anything else (edited,
    not stamped, not a package, unreadable)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            if len(infos) > _MAX_ENTRIES or sum(i.file_size for i in infos) > _MAX_READ:
                return False
            contents = {i.filename: z.read(i) for i in infos}
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError):
        return False
    recorded = read_custom_property(contents.get(CUSTOM_PART), STAMP_NAME)
    return recorded is not None and recorded == content_hash(contents)


def stamp_value(data: bytes) -> str | None:
    """The ``iku_sidik`` a package carries (bytes), whether or not it still matches its
    content: an edited report keeps the stamp it was written with. None when the bytes
    are not a package or carry none."""
    last = _last_stamped
    if last is not None and last[0] is data:  # just stamped (``stamp_parts``)
        return last[1]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if CUSTOM_PART not in names:
                return None
            info = z.getinfo(CUSTOM_PART)
            if info.file_size > _MAX_CUSTOM:
                return None
            return read_custom_property(z.read(CUSTOM_PART), STAMP_NAME)
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, KeyError):
        return None


def stamp_in(path: Path) -> str | None:
    """``stamp_value`` of the file at ``path`` (None: missing, unreadable, not ours)."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo(CUSTOM_PART)
            if info.file_size > _MAX_CUSTOM:
                return None
            return read_custom_property(z.read(info), STAMP_NAME)
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, KeyError):
        return None


def read_custom_property(custom_xml: bytes | None, name: str) -> str | None:
    if not custom_xml:
        return None
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        root = SafeET.fromstring(custom_xml, forbid_dtd=True)
    except (DefusedXmlException, SafeET.ParseError, ValueError):
        return None
    for prop in root:
        if prop.get("name") == name:
            return "".join(prop.itertext()).strip()
    return None


def _custom_xml(existing: bytes | None, value: str) -> bytes:
    from lxml import etree

    if existing:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        root = etree.fromstring(existing, parser)
    else:
        root = etree.Element(f"{{{_CUSTOM_NS}}}Properties", nsmap={None: _CUSTOM_NS,
                                                                    "vt": _VT_NS})
    for prop in root.findall(f"{{{_CUSTOM_NS}}}property"):
        if prop.get("name") == STAMP_NAME:
            root.remove(prop)
    pids = [int(p.get("pid")) for p in root if (p.get("pid") or "").isdigit()]
    prop = etree.SubElement(root, f"{{{_CUSTOM_NS}}}property", fmtid=_FMTID,
                            pid=str(max(pids, default=1) + 1), name=STAMP_NAME)
    etree.SubElement(prop, f"{{{_VT_NS}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _with_custom_type(types: bytes) -> bytes:
    if b'PartName="/docProps/custom.xml"' in types:
        return types
    override = (f'<Override PartName="/{CUSTOM_PART}" ContentType="{_CUSTOM_TYPE}"/>').encode()
    return types.replace(b"</Types>", override + b"</Types>", 1)


def _with_custom_rel(rels: bytes) -> bytes:
    if _CUSTOM_REL.encode() in rels:
        return rels
    ids = {int(m) for m in re.findall(rb'Id="rId(\d+)"', rels)}
    rel = (f'<Relationship Id="rId{max(ids, default=0) + 1}" Type="{_CUSTOM_REL}" '
           f'Target="{CUSTOM_PART}"/>').encode()
    return rels.replace(b"</Relationships>", rel + b"</Relationships>", 1)
