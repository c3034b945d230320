"""Check that an Office Open XML package (.docx, .xlsx) will open, before it is written.

``verify_package(data, name)`` is called by ``atomic.write_atomically`` for every .docx,
.xlsx and .xlsm the pipeline writes (reports, the Word template, blank and returned
workbooks, the validation list, the city rekap), so a package a client cannot open is
never put on disk. It checks, and raises ``InternalError`` (exit 3, "the file was NOT
written; this is a program fault") at the first failure:

1. the bytes are a zip archive with unique entry names whose entries all decompress
   (their CRCs match);
2. ``[Content_Types].xml`` exists and gives every part a content type (a ``Default`` for
   its extension or an ``Override`` for its name, compared case-insensitively as OPC says);
3. every XML part (``.xml``, ``.rels``, and any part whose content type is XML) parses with
   lxml *without* recovery: well-formed, every namespace prefix bound, no entity expansion;
4. every internal relationship (``TargetMode`` not ``External``) points at a part that
   exists, relationship ids are unique per ``.rels`` part, and every ``r:id``-style
   attribute (any attribute in the relationships namespace, e.g. ``r:id``, ``r:embed``)
   of a part names a relationship of that part.

A part over ``STREAM_MIN`` (the sheet of a big city's rekap: tens of MB of XML) is
inflated and parsed in chunks by expat (namespaces on, so an unbound prefix is an error;
DTDs refused) instead of into a tree, so the check costs the same memory whatever the
package's size.

``package_problems(data)`` returns the findings as a list (empty when the package is
sound) without raising; the template check uses it to refuse a damaged template as the
user's input (exit 1) rather than as a program fault.

Cost, measured on this machine (2 cores shared with other jobs, so the figures vary;
``python -m pipeline.office.ooxml FILE…`` prints the time per file): the sample report
(``output/Laporan_IKU_2021.docx``: 45 kB zipped, 0.9 MB of XML, most of it the two styles
parts) 30-40 ms; a report of a synthetic city (``iku synth -n 20 -u 7 -k 20``, then
``iku report --all``: 570 kB ``document.xml``) 40-55 ms alone and 17-25 ms in a batch,
where the large parts identical in every report (styles) are recognised by digest and not
parsed again; that city's rekap (1.2 MB sheet) about 66 ms; a workbook about 1 ms.
Rendering one such report takes 400-550 ms and an agency about 1 s in all, so verifying
adds 2-5% to a batch; ``iku report --all`` on that city showed no difference beyond the
machine's noise.
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import sys
import time
import zipfile
import zlib
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

from ..errors import InternalError

CONTENT_TYPES = "[Content_Types].xml"
PACKAGE_SUFFIXES = (".docx", ".docm", ".dotx", ".xlsx", ".xlsm", ".xltx")
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
PR_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# Attributes in these namespaces hold relationship ids (transitional and strict OOXML).
REL_ID_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_REL_ID_ATTRS = etree.XPath("//@*[namespace-uri()=$a or namespace-uri()=$b]")


def _parser() -> etree.XMLParser:
    # no recovery: an unbound prefix or a stray '<' is an error, as in Word and LibreOffice
    return etree.XMLParser(
        recover=False, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )


def is_package(path: Path | str) -> bool:
    return Path(path).suffix.lower() in PACKAGE_SUFFIXES


class Verified(bytes):
    """A package's bytes whose parts this process verified as it zipped them
    (``packaging.zip_parts``): ``verify_package`` and ``atomic.write_atomically`` take it
    as sound without unzipping and parsing it again. Any change to the bytes (slicing,
    joining) gives plain bytes, which are checked again."""


def verify_package(data: bytes, name: str) -> None:
    """Raise InternalError (nothing is written) when ``data`` is not a sound package."""
    if isinstance(data, Verified):
        return
    _raise_for(package_problems(data), name)


def verify_file(path: Path, name: str) -> None:
    """``verify_package`` for a package written to a file (``atomic.atomic_file``): read
    from the file and every part parsed as a stream, so the check needs the same memory
    whatever the file's size (a city's rekap: tens of MB)."""
    _raise_for(file_problems(path), name)


def _raise_for(problems: list[str], name: str) -> None:
    if problems:
        raise InternalError(
            f"berkas {name} TIDAK ditulis: hasilnya tidak akan dapat dibuka Word/Excel/"
            f"LibreOffice ({problems[0]}"
            + (f"; dan {len(problems) - 1} masalah lain" if len(problems) > 1 else "")
            + "). Berkas lama (bila ada) tidak diubah. Ini kesalahan program, bukan kesalahan "
            "isian; jalankan ulang dengan IKU_DEBUG=1 dan laporkan ke pengembang beserta "
            "master, isian dan templat yang dipakai."
        )


def package_problems(data: bytes) -> list[str]:
    """Every reason the package would not open, in Indonesian; [] when it is sound.

    Parts over ``STREAM_MIN`` (a big city's rekap sheet: tens of MB of XML) are not read
    whole nor built into a tree: they are parsed as a stream (``_stream_problem``)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        return [f"bukan arsip zip yang sah: {exc}"]
    with archive:
        return _archive_problems(archive, STREAM_MIN)


def file_problems(path: Path) -> list[str]:
    """``package_problems`` of the package in the file at ``path``, every part but the
    content types and the relationships parsed as a stream, whatever its size."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return [f"bukan arsip zip yang sah: {exc}"]
    with archive:
        return _archive_problems(archive, -1)


def parts_problems(parts: dict[str, bytes], kept: Collection[str] = (),
                   built: Collection[str] = ()) -> list[str]:
    """``package_problems`` of the package these parts (name → bytes) would make, before
    they are zipped: what ``packaging.zip_parts`` checks.

    ``kept``: parts whose bytes objects the caller keeps and passes again unchanged (a
    template's parts the renderer does not touch); each is parsed the first time and then
    known by the object itself. ``built``: parts the caller serialised with lxml from a
    tree (``etree.tostring``) that it parsed strictly or made with lxml's API: well-formed
    by construction (lxml declares every namespace it writes and escapes every text), so
    not parsed again; their relationship ids and content types are checked like any
    part's."""
    return _check_parts(dict(parts), frozenset(kept), frozenset(built))


def _archive_problems(archive: zipfile.ZipFile, stream_above: int) -> list[str]:
    infos = [i for i in archive.infolist() if not i.is_dir()]
    names = [i.filename for i in infos]
    duplicates = sorted({n for n in names if names.count(n) > 1}) \
        if len(set(names)) != len(names) else []
    if duplicates:
        return [f"nama bagian ganda di arsip zip: {', '.join(duplicates)}"]
    blobs: dict[str, bytes] = {}
    for info in infos:
        name = info.filename
        try:
            if info.file_size > stream_above and not name.endswith(".rels") \
                    and name != CONTENT_TYPES:
                if not _xml_name(name):  # an .xml part is inflated once, as it is parsed
                    _read_through(archive, name)  # all of it inflates, the CRC matches
                blobs[name] = _Streamed(archive, name)
            else:
                blobs[name] = archive.read(name)
        except _READ_ERRORS as exc:
            return [f"bagian {name} tidak dapat dibaca dari arsip zip: {exc}"]
    return _check_parts(blobs)


#: XML parts larger than this are verified as a stream, never held whole or as a tree.
STREAM_MIN = 4 * 1024 * 1024
_STREAM_CHUNK = 1024 * 1024


class _Streamed(bytes):
    """Stands in ``blobs`` for a part verified as a stream: empty, but ``read()`` gives
    the part's bytes when a problem must be looked at closely."""

    def __new__(cls, archive: zipfile.ZipFile, name: str):
        part = super().__new__(cls, b"")
        part.archive, part.name = archive, name
        return part

    def read(self) -> bytes:
        return self.archive.read(self.name)


def _xml_name(name: str) -> bool:
    """Whether ``_check_parts`` parses the part ``name`` whatever its content type (its
    extension is .xml): a streamed one is then inflated to its end there, CRC checked,
    and not read through before."""
    base = posixpath.basename(name)
    return "." in base and base.rpartition(".")[2].lower() == "xml"


def _read_through(archive: zipfile.ZipFile, name: str) -> None:
    """Inflate a part to its end without keeping it (zipfile checks the CRC at the end)."""
    with archive.open(name) as part:
        while part.read(_STREAM_CHUNK):
            pass


def _stream_problem(archive: zipfile.ZipFile, name: str) -> tuple[str | None, frozenset[str]]:
    """(problem or None, relationship ids its attributes may name) of a large part,
    parsed in chunks by expat with namespaces (an unbound prefix is an error), DTDs and
    entity declarations refused, nothing kept; the ids as ``_rel_ids_used`` finds them,
    on overlapping chunks. The part is inflated here to its end, where zipfile checks its
    CRC: one that does not inflate or whose CRC differs is a problem as in
    ``_archive_problems``, which leaves an .xml part to this read (``_xml_name``)."""
    from xml.parsers import expat

    def refuse(*args) -> None:
        raise ValueError("DOCTYPE/ENTITY")

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    ids: set[str] = set()
    prefixes: set[bytes] = set()  # declared before they are used: found in earlier chunks
    tail = b""
    try:
        with _open_part(archive, name) as part:
            while chunk := _read_chunk(part):
                parser.Parse(chunk, False)
                window = tail + chunk
                prefixes |= _rel_prefixes(window)
                ids |= _rel_attribute_values(window, prefixes)
                tail = chunk[-4096:]
            parser.Parse(b"", True)
    except _Unreadable as exc:
        return f"bagian {name} tidak dapat dibaca dari arsip zip: {exc.__cause__}", frozenset()
    except expat.ExpatError as exc:
        return f"bagian {name} bukan XML yang sah: {expat.ErrorString(exc.code)}, baris " \
               f"{exc.lineno}, kolom {exc.offset}", frozenset()
    except ValueError as exc:
        return f"bagian {name} bukan XML yang sah: {exc}", frozenset()
    return None, frozenset(ids)


class _Unreadable(Exception):
    """A streamed part's bytes could not be read from the archive (the cause says why)."""


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, ValueError, EOFError)


def _open_part(archive: zipfile.ZipFile, name: str):
    """``archive.open(name)``; ``_Unreadable`` when its entry cannot be opened."""
    try:
        return archive.open(name)
    except _READ_ERRORS as exc:
        raise _Unreadable from exc


def _read_chunk(part) -> bytes:
    """The next chunk of a part being inflated; ``_Unreadable`` when the archive fails."""
    try:
        return part.read(_STREAM_CHUNK)
    except _READ_ERRORS as exc:
        raise _Unreadable from exc


def _check_parts(blobs: dict[str, bytes], kept: frozenset[str] = frozenset(),
                 built: frozenset[str] = frozenset()) -> list[str]:
    if CONTENT_TYPES not in blobs:
        return [f"{CONTENT_TYPES} tidak ada"]
    problems: list[str] = []
    parser = _parser()
    trees: dict[str, etree._Element] = {}  # [Content_Types].xml and the .rels parts
    rel_ids: dict[str, frozenset[str]] = {}  # part → relationship ids its attributes name

    def parse(name: str) -> etree._Element | None:
        try:
            return etree.fromstring(blobs[name], parser)
        except etree.XMLSyntaxError as exc:
            problems.append(f"bagian {name} bukan XML yang sah: {exc}")
            return None

    types = parse(CONTENT_TYPES)
    if types is None:
        return problems
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType", "")
        for d in types.iter(f"{{{CT_NS}}}Default")
    }
    overrides = {
        o.get("PartName", "").lower(): o.get("ContentType", "")
        for o in types.iter(f"{{{CT_NS}}}Override")
    }
    for name, blob in blobs.items():
        if name == CONTENT_TYPES:
            continue
        base = posixpath.basename(name)
        ext = base.rpartition(".")[2].lower() if "." in base else ""
        ctype = overrides.get("/" + name.lower()) or defaults.get(ext) or ""
        if not ctype:
            problems.append(f"bagian {name} tidak punya jenis isi di {CONTENT_TYPES}")
        if not (ext in ("xml", "rels") or ctype.endswith("+xml")
                or ctype in ("application/xml", "text/xml")):
            continue
        if ext == "rels":
            tree = parse(name)
            if tree is not None:
                trees[name] = tree
            continue
        if isinstance(blob, _Streamed):
            problem, rel_ids[name] = _stream_problem(blob.archive, name)
            if problem:
                problems.append(problem)
            continue
        if name in built:
            rel_ids[name] = _rel_ids_used(blob)
            continue
        known = _SOUND_OBJECTS.get(id(blob)) if name in kept else None
        if known is not None and known[0] is blob:
            rel_ids[name] = known[1]
            continue
        key = hashlib.blake2b(blob, digest_size=16).digest() if len(blob) > _CACHE_MIN else None
        if key is not None and key in _SOUND_PARTS:
            rel_ids[name] = _SOUND_PARTS[key]
            continue
        tree = parse(name)
        if tree is None:
            continue
        rel_ids[name] = _rel_ids_used(blob)
        if key is not None:
            if len(_SOUND_PARTS) >= _CACHE_SIZE:
                _SOUND_PARTS.pop(next(iter(_SOUND_PARTS)))
            _SOUND_PARTS[key] = rel_ids[name]
        if name in kept and type(blob) is bytes:
            if len(_SOUND_OBJECTS) >= _CACHE_SIZE:
                _SOUND_OBJECTS.pop(next(iter(_SOUND_OBJECTS)))
            _SOUND_OBJECTS[id(blob)] = (blob, rel_ids[name])
    lowered = {n.lower() for n in blobs}
    with_rels = set()
    for name in trees:
        source = _rels_source(name)
        with_rels.add(source)
        problems += _check_relationships(name, trees[name], rel_ids.get(source, frozenset()),
                                         lowered, blobs)
    for name, used in rel_ids.items():
        if used and name not in with_rels and (used := _exact_rel_ids(_whole(blobs[name]))):
            problems.append(f"bagian {name} memakai id hubungan {min(used)} tetapi tidak punya "
                            "berkas hubungan (.rels)")
    return problems


# Large XML parts already found sound in this process (styles, themes: the same bytes in
# every report of a batch), by digest → the relationship ids they may name. Bounded.
_SOUND_PARTS: dict[bytes, frozenset[str]] = {}
# The ``kept`` parts found sound in this process, by the bytes object their maker keeps
# (the renderer's template parts): id → (the object, its relationship ids). The object is
# held, so its id cannot be reused while the entry lives. Bounded.
_SOUND_OBJECTS: dict[int, tuple[bytes, frozenset[str]]] = {}
_CACHE_MIN = 16_384
_CACHE_SIZE = 64
_REL_ID_NS_BYTES = tuple(ns.encode() for ns in REL_ID_NS)


def _rel_ids_used(blob: bytes, tree: etree._Element | None = None) -> frozenset[str]:
    """Values of the attributes in the relationships namespace (r:id, r:embed, …).

    A fast over-approximation: a regular expression over the bytes for attributes whose
    prefix is bound to that namespace (it could also match such text inside an element).
    ``_exact_rel_ids`` settles any id it finds missing before a problem is reported."""
    return _rel_attribute_values(blob, _rel_prefixes(blob))


def _rel_prefixes(blob: bytes) -> set[bytes]:
    """The prefixes ``blob`` binds to the relationships namespace."""
    prefixes = set()
    for uri in _REL_ID_NS_BYTES:
        at = blob.find(uri)
        while at != -1:
            decl = re.search(rb"xmlns:([A-Za-z_][\w.-]*)\s*=\s*[\"']$", blob[max(0, at - 80):at])
            if decl:
                prefixes.add(decl.group(1))
            at = blob.find(uri, at + len(uri))
    return prefixes


def _rel_attribute_values(blob: bytes, prefixes: set[bytes]) -> frozenset[str]:
    """The values ``rel_attribute_pattern(prefixes)`` finds in ``blob`` (its matches
    taken left to right, without overlapping, as ``re.findall``), found from each
    ``prefix:`` instead of trying the expression at every whitespace of a large part:
    the same values, about five times faster on a report's body."""
    if not prefixes:  # the namespace is not declared: no such attribute
        return frozenset()
    starts = []
    for prefix in prefixes:
        needle = prefix + b":"
        at = blob.find(needle)
        while at != -1:
            starts.append((at, len(needle)))
            at = blob.find(needle, at + 1)
    starts.sort()
    found: set[str] = set()
    end = 0  # where the last match ended: the next one starts after it
    for at, length in starts:
        if at < end or at == 0 or blob[at - 1] not in _SPACE:
            continue
        m = _REL_VALUE.match(blob, at + length)
        if m is None:
            continue
        value = m.group(1) or m.group(2)
        if value:
            found.add(value.decode("utf-8", "replace"))
        end = m.end()
    return frozenset(found)


def rel_attribute_pattern(prefixes: set[bytes]) -> bytes:
    """The regular expression ``_rel_attribute_values`` follows: an attribute whose prefix
    is one of ``prefixes``, after whitespace, and its quoted value."""
    alternatives = b"|".join(re.escape(p) for p in sorted(prefixes))
    return rb"\s(?:" + alternatives + rb"):" + _REL_VALUE.pattern


_REL_VALUE = re.compile(rb"[\w.-]+\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_SPACE = frozenset(b" \t\n\r\x0b\x0c")  # what \s matches in a bytes pattern


def _whole(blob: bytes) -> bytes:
    """A part's bytes, read again when it was verified as a stream."""
    return blob.read() if isinstance(blob, _Streamed) else blob


def _exact_rel_ids(blob: bytes) -> frozenset[str]:
    tree = etree.fromstring(blob, _parser())
    return frozenset(str(v) for v in _REL_ID_ATTRS(tree, a=REL_ID_NS[0], b=REL_ID_NS[1]) if v)


def _rels_source(rels_name: str) -> str:
    """``word/_rels/document.xml.rels`` → ``word/document.xml``; ``_rels/.rels`` → ``""``."""
    folder, base = posixpath.split(rels_name)
    parent = posixpath.dirname(folder)
    return posixpath.join(parent, base[: -len(".rels")]) if base != ".rels" else parent


def _check_relationships(
    rels_name: str,
    rels: etree._Element,
    used: frozenset[str],
    lowered: set[str],
    blobs: dict[str, bytes],
) -> list[str]:
    problems = []
    source = _rels_source(rels_name)
    base = posixpath.dirname(source) if source else ""
    seen: set[str] = set()
    for rel in rels.iter(f"{{{PR_NS}}}Relationship"):
        rid = rel.get("Id", "")
        if rid in seen:
            problems.append(f"id hubungan {rid} ganda di {rels_name}")
        seen.add(rid)
        if rel.get("TargetMode") == "External":
            continue
        target = unquote(rel.get("Target", "")).split("#", 1)[0]
        if target.startswith("/"):
            resolved = posixpath.normpath(target.lstrip("/"))
        else:
            resolved = posixpath.normpath(posixpath.join(base, target))
        if not target or resolved.lower() not in lowered:
            problems.append(
                f"hubungan {rid} di {rels_name} menunjuk ke {rel.get('Target')!r}, "
                "yang tidak ada di dalam berkas"
            )
    missing = used - seen
    if missing and source in blobs:
        missing = _exact_rel_ids(_whole(blobs[source])) - seen
    for rid in sorted(missing):
        problems.append(f"bagian {source} memakai id hubungan {rid} yang tidak ada")
    return problems


def main(argv: list[str]) -> int:
    """``python -m pipeline.office.ooxml FILE…``: verify packages and print the time each took."""
    status = 0
    for arg in argv:
        data = Path(arg).read_bytes()
        start = time.perf_counter()
        problems = package_problems(data)
        ms = (time.perf_counter() - start) * 1000
        print(f"{arg}: {len(data) / 1000:.0f} kB, {ms:.1f} ms, "
              + ("sah" if not problems else "; ".join(problems)))
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
