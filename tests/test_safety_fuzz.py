"""The faster safety gate refuses exactly what the gate before it refused (issue 11 §4).

``dev/safety_reference.py`` is the gate as it was before it was made faster (whole file in
memory, one inflation per part, expat instead of defusedxml's tree for the three main
parts, a whole-part DOCTYPE scan). Both are run on the same generated corpus: every
hostile file of tests/test_safety.py and tests/test_ods.py, and several hundred mutations
of real workbooks (Excel-like, LibreOffice-saved, the pipeline's own template, an .ods):
random byte damage, truncation, damaged zip headers, parts replaced by hostile XML (DTDs
in every spelling and encoding, far cells, odd encodings, garbage), parts added, removed
or duplicated. For every file the problems (code, message, sheet) and the sheets handed
to the reader must be the same.
"""

from __future__ import annotations

import random
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from dev import safety_reference as reference
from pipeline.intake import safety

import test_ods
import test_safety as hostile

SEED = 20261128
FIXTURES = Path(__file__).parent / "fixtures"


def outcome(module, path: Path):
    problems, sheets = module.inspect_workbook(path)
    return [(p.code, p.message, p.sheet, p.file) for p in problems], dict(sheets)


def same(path: Path) -> None:
    new, old = outcome(safety, path), outcome(reference, path)
    assert new == old, path.name


# --- the hostile files of the other tests --------------------------------------------------


def _builders():
    for case in hostile.CASES:
        values = case.values if hasattr(case, "values") else case
        yield pytest.param(values[0], id=values[0].__name__, marks=getattr(case, "marks", ()))


@pytest.mark.parametrize("build", list(_builders()))
def test_hostile_xlsx_refused_alike(build, tmp_path):
    same(build(tmp_path))


@pytest.mark.parametrize("case", sorted(test_ods.HOSTILE))
def test_hostile_ods_refused_alike(case, tmp_path):
    same(test_ods.ods_with(tmp_path, replace=test_ods.HOSTILE[case][0]))


@pytest.mark.parametrize("build", [hostile.valid_xlsx, *(b.values[0] for b in _builders())])
def test_files_read_in_short_pieces_refused_alike(build, tmp_path, monkeypatch):
    """The gate reads the file through its descriptor (``os.read``), which may give fewer
    bytes than asked: read five bytes at a time, every file is judged as the reference
    judges it whole, and the bytes handed to the reader are the whole file."""
    path = build(tmp_path / "f.xlsx") if build is hostile.valid_xlsx else build(tmp_path)
    real_read = safety.os.read
    monkeypatch.setattr(safety.os, "read", lambda fd, n: real_read(fd, min(n, 5)))
    problems, checked = safety.inspect_workbook(path)
    monkeypatch.undo()
    old_problems, old_checked = reference.inspect_workbook(path)
    assert [(p.code, p.message) for p in problems] == [(p.code, p.message)
                                                       for p in old_problems]
    assert dict(checked) == dict(old_checked)
    if not problems and path.is_file():
        assert checked.data == path.read_bytes()


# --- mutations -----------------------------------------------------------------------------

DOCTYPES = [
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>',
    b'<?xml version="1.0"?><!doctype r><r/>',
    b"<r><!ENTITY x 'y'></r>",
    b'<?xml version="1.0"?>\n<!DocType worksheet SYSTEM "file:///etc/passwd"><worksheet/>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r><r/>'.encode("utf-16"),
    b"<r>" + b" " * 70_000 + b"<!DOCTYPE r></r>",
]
ODD = [
    b"",
    b"\x00\x01\x02 not xml",
    b'<?xml version="1.0" encoding="cp037"?><r/>',
    b'<?xml version="1.0" encoding="utf-7"?><r/>',
    b'<?xml version="1.0" encoding="iso-8859-5"?><r a="\xe0"/>',
    b"<r><unclosed></r>",
    b"<r>&undefined;</r>",
    b"<a:r xmlns:b='x'><c:d/></a:r>",
    b"\xef\xbb\xbf<?xml version='1.0'?><r/>",
    b"<" * 5_000,
    b"<r>" + b"<x/>" * 20_000 + b"</r>",
]
SHEETS = [
    hostile.sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="GS1"><v>2</v></c></row>'),
    hostile.sheet_xml('<row r="10001"><c r="A10001"><v>1</v></c></row>'),
    hostile.sheet_xml("<row>" + "<c><v>1</v></c>" * 250 + "</row>"),
    hostile.sheet_xml('<row r="1"><c r="A1" r="B1"><v>1</v></c></row>'),
    hostile.sheet_xml('<row r="1"><c r="A1"/></row>', dimension="A1:ZZ99999"),
    hostile.sheet_xml('<row r="1"><c r="A1" s="1" t="s"><v>0</v></c></row>'),
    hostile.sheet_xml("".join(f'<row r="{r}"><c r="B{r}"><f>1+1</f><v>2</v></c></row>'
                              for r in range(1, 200))),
]


def _bases(tmp: Path) -> dict[str, bytes]:
    from pipeline.domain.master import load_master
    from pipeline.paths import SAMPLE_MASTER
    from pipeline.workbook.templates import write_template

    write_template(load_master(SAMPLE_MASTER), "KETAHANAN", tmp / "templat.xlsx")
    return {
        "xlsxwriter": hostile.valid_xlsx(tmp / "valid.xlsx").read_bytes(),
        "templat": (tmp / "templat.xlsx").read_bytes(),
        "libreoffice": (FIXTURES / "libreoffice_saved_KETAHANAN.xlsx").read_bytes(),
        "ods": (FIXTURES / "libreoffice_saved_POLITIK.ods").read_bytes(),
        "zip64": hostile.zip64_xlsx(tmp).read_bytes(),
    }


def _rezip(data: bytes, rng: random.Random, edit) -> bytes:
    """The archive with its entries passed through ``edit(name, bytes) -> [(name,
    bytes)]``, each stored or deflated at random."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            for name, body in edit(info.filename, zin.read(info.filename)):
                method = zipfile.ZIP_STORED if rng.random() < 0.3 else zipfile.ZIP_DEFLATED
                zout.writestr(name, body, compress_type=method)
    return out.getvalue()


def _patch_header(data: bytes, rng: random.Random) -> bytes:
    """Change one field of one entry in its local header, its central header or both."""
    data = bytearray(data)
    central = [i for i in range(len(data) - 4) if data[i:i + 4] == b"PK\x01\x02"]
    local = [i for i in range(len(data) - 4) if data[i:i + 4] == b"PK\x03\x04"]
    field = rng.choice([(6, 8, "<H"), (8, 10, "<H"), (14, 16, "<I"), (18, 20, "<I"),
                        (22, 24, "<I")])  # flags, method, crc, compressed, size
    value = rng.choice([0, 1, 8, 12, 14, 99, 2 ** 16 - 1, rng.randrange(2 ** 16),
                        rng.randrange(2 ** 31)])
    if field[2] == "<H":
        value &= 0xFFFF
    targets = []
    if local and rng.random() < 0.7:
        targets.append(rng.choice(local) + field[0])
    if central and rng.random() < 0.7:
        targets.append(rng.choice(central) + field[1])
    for at in targets:
        struct.pack_into(field[2], data, at, value)
    return bytes(data)


def _mutants(bases: dict[str, bytes], count: int):
    rng = random.Random(SEED)
    kinds = ["flip", "truncate", "header", "replace", "sheet", "add", "drop", "duplicate",
             "bomb"]
    for i in range(count):
        base_name = rng.choice(sorted(bases))
        base = bases[base_name]
        kind = kinds[i % len(kinds)]
        suffix = ".ods" if base_name == "ods" and rng.random() < 0.5 else ".xlsx"
        if kind == "flip":
            data = bytearray(base)
            for _ in range(rng.choice((1, 2, 5, 30))):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        elif kind == "truncate":
            data = base[:rng.randrange(len(base))]
        elif kind == "header":
            data = _patch_header(base, rng)
        elif kind in ("replace", "sheet"):
            names = zipfile.ZipFile(__import__("io").BytesIO(base)).namelist()
            sheets = [n for n in names if n.startswith("xl/worksheets/") or n == "content.xml"]
            victim = rng.choice(sheets if kind == "sheet" and sheets else names)
            body = rng.choice(SHEETS).encode() if kind == "sheet" else \
                rng.choice(DOCTYPES + ODD)
            data = _rezip(base, rng, lambda n, b, v=victim, body=body:
                          [(n, body if n == v else b)])
        elif kind == "add":
            name = rng.choice(["xl/vbaProject.bin", "XL/Workbook.xml", "xl/macrosheets/s.xml",
                               "docProps/extra.xml", "xl/worksheets/sheet9.xml",
                               "Basic/Standard/Module1.xml", "mimetype", "[content_types].xml",
                               "word/document.xml", "xl/styles.xml"])
            body = rng.choice(DOCTYPES + ODD + [s.encode() for s in SHEETS])

            done: list[int] = []

            def add(n, b, name=name, body=body, done=done):
                if done:
                    return [(n, b)]
                done.append(1)
                return [(n, b), (name, body)]
            data = _rezip(base, rng, add)
        elif kind == "drop":
            names = zipfile.ZipFile(__import__("io").BytesIO(base)).namelist()
            victim = rng.choice(names)
            data = _rezip(base, rng, lambda n, b, v=victim: [] if n == v else [(n, b)])
        elif kind == "duplicate":
            names = zipfile.ZipFile(__import__("io").BytesIO(base)).namelist()
            victim = rng.choice(names)
            data = _rezip(base, rng, lambda n, b, v=victim:
                          [(n, b), (n.upper() if rng.random() < 0.5 else n, b)]
                          if n == v else [(n, b)])
        else:  # a part whose directory understates its size
            import io

            names = zipfile.ZipFile(io.BytesIO(base)).namelist()
            victim = rng.choice(names)
            data = _rezip(base, rng, lambda n, b, v=victim:
                          [(n, b + b" " * rng.choice((10, 70_000, 2_000_000)) if n == v else b)])
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                info = z.getinfo(victim)
            if info.file_size > 5:
                data = bytearray(data)
                struct.pack_into("<I", data, info.header_offset + 22, info.file_size // 2)
                pos = data.rfind(b"PK\x01\x02", 0, len(data))
                while pos >= 0:
                    (n,) = struct.unpack_from("<H", data, pos + 28)
                    if bytes(data[pos + 46:pos + 46 + n]) == victim.encode():
                        struct.pack_into("<I", data, pos + 24, info.file_size // 2)
                        break
                    pos = data.rfind(b"PK\x01\x02", 0, pos)
                data = bytes(data)
        yield f"{i:03d}_{base_name}_{kind}{suffix}", data


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_mutated_workbooks_refused_alike(tmp_path):
    bases = _bases(tmp_path)
    codes: dict[str, int] = {}
    for name, data in _mutants(bases, 450):
        path = tmp_path / name
        path.write_bytes(data)
        new, old = outcome(safety, path), outcome(reference, path)
        assert new == old, name
        code = new[0][0][0] if new[0] else "ok"
        codes[code] = codes.get(code, 0) + 1
        path.unlink()
    # the corpus reaches far: accepted files and many different refusals
    assert codes.get("ok", 0) >= 20, codes
    assert len(codes) >= 11, codes
    assert codes.get("sheet_too_big", 0) >= 5, codes
    assert "inspect_failed" not in codes, codes


def test_deflate_streams_ending_early_or_late(tmp_path):
    """An entry whose deflate stream ends before its declared size, goes on past it,
    or is cut in the middle: refused alike."""
    base = hostile.valid_xlsx(tmp_path / "b.xlsx")
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    text = b"<a>" + b"isi " * 5000 + b"</a>"
    stream = raw.compress(text) + raw.flush()
    for i, (body, size) in enumerate([(stream, len(text) + 7), (stream, len(text) - 7),
                                      (stream[:len(stream) // 2], len(text)),
                                      (stream + b"sisa", len(text))]):
        path = tmp_path / f"aliran{i}.xlsx"
        path.write_bytes(base.read_bytes())
        hostile.add_raw_deflated(path, "docProps/x.xml", body, zlib.crc32(text), size)
        same(path)


# --- the cell scan, against the one it replaces ---------------------------------------------

_REF_ATTR = re.compile(rb'\b(r|t)="([^"]*)"')
_REF_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_REF_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")


def reference_scan_cells(data: bytes, columns: set[str]) -> dict:
    """pipeline/intake/cellscan.py's scan_cells before issue 11 §4 (formulas and errors), which
    walked every cell of the wanted columns with one regular expression."""
    letters = b"|".join(sorted(c.encode("ascii") for c in columns))
    cells = re.compile(rb'<(?:\w+:)?c\b(?=[^>]*?\br="(?:' + letters + rb')[0-9]+")([^>]*?)'
                       rb"(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
    facts = {}
    for match in cells.finditer(data):
        attrs = dict(_REF_ATTR.findall(match.group(1)))
        ref = attrs.get(b"r", b"").decode("ascii", "replace")
        body = match.group(2) or b""
        formula = bool(_REF_FORMULA.search(body))
        error = None
        if attrs.get(b"t") == b"e":
            value = _REF_VALUE.search(body)
            error = value.group(1).decode("utf-8", "replace") if value else "#N/A"
        if formula or error:
            facts[ref] = (formula, error)
    return facts


def _random_sheet(rng: random.Random) -> bytes:
    prefix = rng.choice(["", "", "", "x:"])
    rows = []
    for r in range(1, rng.randrange(2, 30)):
        cells = []
        for col in "ABCDEFGH":
            attrs = [f'r="{col}{r}"']
            if rng.random() < 0.5:
                attrs.append(f's="{rng.randrange(20)}"')
            kind = rng.choice(["", "", 't="s"', 't="e"', 't="n"', 't="str"', 't="inlineStr"'])
            if kind:
                attrs.append(kind)
            rng.shuffle(attrs)
            body = rng.choice([
                "", f"<{prefix}v>{rng.randrange(100)}</{prefix}v>",
                f"<{prefix}f>A1+1</{prefix}f><{prefix}v>2</{prefix}v>",
                f"<{prefix}f/><{prefix}v>#DIV/0!</{prefix}v>", f"<{prefix}v>#REF!</{prefix}v>",
                f"<{prefix}is><{prefix}t>teks</{prefix}t></{prefix}is>",
                f'<{prefix}f t="shared" si="0"/><{prefix}v>1</{prefix}v>',
            ])
            tag = f"<{prefix}c {' '.join(attrs)}"
            cells.append(f"{tag}/>" if not body and rng.random() < 0.5
                         else f"{tag}>{body}</{prefix}c>")
        rows.append(f'<{prefix}row r="{r}">{"".join(cells)}</{prefix}row>')
    return (f'<{prefix}worksheet xmlns{":x" if prefix else ""}="{hostile.MAIN_NS}">'
            f'<{prefix}sheetData>{"".join(rows)}</{prefix}sheetData></{prefix}worksheet>'
            ).encode()


def test_cell_scan_finds_what_the_old_one_found(tmp_path):
    from pipeline.intake.cellscan import scan_cells

    rng = random.Random(SEED)
    sheets = [_random_sheet(rng) for _ in range(300)]
    with zipfile.ZipFile(FIXTURES / "libreoffice_saved_KETAHANAN.xlsx") as z:
        sheets.append(z.read("xl/worksheets/sheet1.xml"))
    found = 0
    for data in sheets:
        for columns in ({"E", "G"}, {"A"}, {"B", "C", "D", "H"}):
            new = {ref: (f.formula, f.error) for ref, f in scan_cells(data, columns).items()}
            assert new == reference_scan_cells(data, columns)
            found += len(new)
    assert found > 1000


# --- the parts remembered across workbooks (issue 25) -------------------------------------
# The gate keeps what it found for small parts (safety._inflated_kept: an entry inflated
# and CRC-checked; safety._parsed_kept: a main part's elements; cellscan's
# percent_styles_kept: the styles part's percent styles), keyed by everything each depends
# on. A workbook whose parts equal a checked workbook's but for one directory field, or
# whose part differs from a remembered one only after its first bytes, must be judged as
# the reference judges it, never by what was remembered.


def _entries(data: bytes) -> list[zipfile.ZipInfo]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.infolist()


@pytest.mark.parametrize("field", ["crc", "file_size", "compress_size", "method"])
def test_remembered_entries_judged_by_every_directory_field(tmp_path, field):
    base = hostile.valid_xlsx(tmp_path / "b.xlsx")
    same(base)  # remembers every small part
    hits = safety._inflated_kept.cache_info().hits
    same(base)
    assert safety._inflated_kept.cache_info().hits > hits  # the parts come from the memo
    for info in _entries(base.read_bytes()):
        path = tmp_path / f"{field}_{info.filename.replace('/', '_')}.xlsx"
        path.write_bytes(base.read_bytes())
        value = {"crc": info.CRC ^ 1, "file_size": info.file_size + 1,
                 "compress_size": max(0, info.compress_size - 1),
                 "method": 0 if info.compress_type == 8 else 8}[field]
        hostile.patch_entry(path, info.filename, **{field: value})
        same(path)
        assert outcome(safety, path)[0], (field, info.filename)  # refused, every one


def _with_part(tmp: Path, base: Path, name: str, part: bytes, out: str) -> Path:
    path = tmp / out
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info.filename, part if info.filename == name else zin.read(info))
    return path


def _judged_twice_from_memory(base: Path, memo) -> None:
    """``base`` judged alike twice, the second time with hits of the ``lru_cache`` memo."""
    same(base)
    hits = memo.cache_info().hits
    same(base)
    assert memo.cache_info().hits > hits


def test_remembered_main_parts_judged_by_their_whole_bytes(tmp_path):
    base = hostile.valid_xlsx(tmp_path / "b.xlsx")
    workbook = zipfile.ZipFile(base).read("xl/workbook.xml")
    _judged_twice_from_memory(base, safety._parsed_kept)
    cut = workbook.rindex(b"</workbook>")
    variants = {
        "renamed": workbook.replace(b'name="Isian"', b'name="Isiax"'),
        "unclosed": workbook[:cut] + b"<x>" + workbook[cut:],
        "trailing": workbook + b"<extra/>",
        "entity": workbook[:cut] + b"&bogus;" + workbook[cut:],
    }
    for i, (what, part) in enumerate(variants.items()):
        assert part[:len(workbook) - 40] == workbook[:len(workbook) - 40] or what == "renamed"
        for _ in range(2):  # the second time from the memo
            same(_with_part(tmp_path, base, "xl/workbook.xml", part, f"{i}_{what}.xlsx"))
        same(base)


def test_remembered_part_scans_judged_by_their_whole_bytes(tmp_path):
    """A small part's DTD and encoding scan is remembered by its bytes (the parts every
    workbook of a city shares): a part of the same size and beginning that differs
    further on is scanned anew, and a refusal names the part it was found in, whatever
    part held the same bytes before."""
    base = hostile.valid_xlsx(tmp_path / "b.xlsx")
    app = zipfile.ZipFile(base).read("docProps/app.xml")
    _judged_twice_from_memory(base, safety._whole_part_kept)
    cut = app.rindex(b"</")
    variants = {  # each as long as the part, its first bytes unchanged
        "doctype": app[:cut - 12] + b"<!DOCTYPE r>" + app[cut:],
        "entity": app[:cut - 13] + b"<!eNtItY x y>" + app[cut:],
        "encoding": app.replace(b'encoding="UTF-8"', b'encoding="CP037"', 1),
    }
    for i, (what, part) in enumerate(variants.items()):
        assert len(part) == len(app) and part[:30] == app[:30] or what == "encoding"
        for name in ("docProps/app.xml", "xl/theme/theme1.xml", "docProps/app.xml"):
            path = _with_part(tmp_path, base, name, part, f"{i}_{what}.xlsx")
            same(path)
            problems = safety.inspect_file(path)
            assert problems and f"'{name}'" in problems[0].message, (what, name)
        same(base)
    assert not safety.inspect_file(base)


def test_remembered_percent_styles_judged_by_their_whole_bytes():
    from pipeline.intake import cellscan

    head = (b'<styleSheet><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/>'
            b'</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="')
    parts = [head + n + b'"/></cellXfs></styleSheet>' for n in (b"164", b"9", b"10", b"1")]
    for _ in range(2):
        for part in parts:
            styles = cellscan.PercentStyles()
            for at in range(0, len(part), 7):
                styles.feed(part[at:at + 7])
            assert styles.result() == cellscan.percent_styles(part)
    assert [cellscan.percent_styles(p) for p in parts] == [frozenset(), {1}, {1}, frozenset()]


# --- the central directory read without zipfile (issue 25) ----------------------------------


def _zipfile_view(data: bytes):
    """What zipfile reads of an archive's directory (the fields the gate uses), or the
    type of what it raises."""
    import io

    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception as exc:  # noqa: BLE001 - any refusal, by its type
        return type(exc)
    return [(i.filename, i.header_offset, i.file_size, i.compress_size, i.CRC, i.flag_bits,
             i.compress_type) for i in infos]


def _central_fields(data: bytes, at: int, **fields: int) -> bytes:
    """``data`` with fields of the central header at ``at`` changed."""
    offsets = {"version": (6, "<B"), "flags": (8, "<H"), "name_len": (28, "<H"),
               "extra_len": (30, "<H"), "comment_len": (32, "<H"), "offset": (42, "<I")}
    out = bytearray(data)
    for name, value in fields.items():
        where, fmt = offsets[name]
        struct.pack_into(fmt, out, at + where, value)
    return bytes(out)


def _zip64_in_comment(base: bytes) -> bytes:
    """``base`` whose last central entry's comment ends in a zip64 end record and its
    locator, right before the end record: zipfile reads the directory the zip64 record
    names, which leaves out the first entry."""
    end = len(base) - 22
    count, cd_size, cd_offset = struct.unpack_from("<10xHLL", base, end)
    last = base.rindex(b"PK\x01\x02", 0, end)
    assert struct.unpack_from("<H", base, last + 32) == (0,)
    name_len, extra_len = struct.unpack_from("<HH", base, cd_offset + 28)
    first = 46 + name_len + extra_len
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, count - 1,
                         count - 1, cd_size - first, cd_offset + first)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    out = bytearray(base[:end] + record + locator + base[end:])
    struct.pack_into("<H", out, last + 32, 76)  # the comment: the record and the locator
    struct.pack_into("<L", out, len(out) - 22 + 12, cd_size + 76)
    return bytes(out)


def _directory_cases(bases: dict[str, bytes]):
    """Archives whose directory or end record is what a careless reader would misread."""
    import io

    base = bases["xlsxwriter"]
    first = base.index(b"PK\x01\x02")
    last = base.rindex(b"PK\x01\x02")
    yield b"prefix" + base  # zipfile shifts every offset
    yield base + b"tail"  # the end record not last
    yield base[:-2] + b"\x03\x00abc"  # an archive comment
    yield _central_fields(base, first, version=64)  # a version zipfile refuses
    yield _central_fields(base, last, version=63)
    yield _central_fields(base, first, flags=0x800)  # UTF-8 names, valid

    def archive(*entries) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for entry in entries:
                z.writestr(entry, b"<a/>")
        return out.getvalue()

    named = archive("xl/\u00e9t\u00e9.xml", "b.xml")  # flagged UTF-8 by zipfile
    yield named
    yield archive("aQb.xml").replace(b"aQb", b"a\x00b")  # a NUL in the name
    extra = zipfile.ZipInfo("x.xml")
    extra.extra = struct.pack("<HH", 0x5455, 5) + b"\x01abcd"  # a valid extra field
    yield archive(extra)
    at = named.index(b"PK\x01\x02")
    yield _central_fields(named, at, flags=0)  # the UTF-8 bytes of a name read as cp437
    yield _central_fields(named, named.index(b"PK\x01\x02", at + 4), flags=0x800)
    yield named.replace("\u00e9".encode(), b"\xff\xfe")  # flagged UTF-8, invalid
    yield _zip64_in_comment(base)
    yield _central_fields(base, first, extra_len=4)  # an extra field eating the next entry
    yield _central_fields(base, last, name_len=2000)  # a name past the directory
    yield _central_fields(base, last, comment_len=3)
    yield _central_fields(base, first, offset=0xFFFFFFFF)
    end = len(base) - 22
    for delta in (-1, 1, -46):  # the directory's size or offset in the end record off
        out = bytearray(base)
        struct.pack_into("<I", out, end + 12, struct.unpack_from("<I", base, end + 12)[0]
                         + delta)
        yield bytes(out)
    yield base[:end] + b"PK\x05\x06" + bytes(18)  # an empty directory
    yield base[first:]  # nothing before the directory
    yield base[:first] + base[last:]  # entries cut from the directory


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_plain_directory_reads_what_zipfile_reads(tmp_path):
    bases = _bases(tmp_path)
    rng = random.Random(SEED + 25)
    datas = [*bases.values(), *_directory_cases(bases), *(d for _, d in _mutants(bases, 450))]
    for _ in range(3000):  # damage aimed at the directory and the end record
        data = bytearray(rng.choice(list(bases.values())))
        start = data.index(b"PK\x01\x02")
        for _ in range(rng.choice((1, 1, 2, 4))):
            at = rng.randrange(start, len(data))
            data[at] = rng.choice((0, 0xFF, 0x80, 1, 8, 46, rng.randrange(256)))
        datas.append(bytes(data))
    plain = refused = 0
    for data in datas:
        fast = safety.plain_directory(data)
        view = _zipfile_view(data)
        if fast is None:
            refused += isinstance(view, type)
            continue
        plain += 1
        assert [(i.filename, i.header_offset, i.file_size, i.compress_size, i.CRC,
                 i.flag_bits, i.compress_type) for i in fast] == view
    assert plain >= 1500 and refused >= 100, (plain, refused)


# --- a sheet's extent, measured as the reference measures it (issue 25) ---------------------
# safety._check_sheet counts plain cells and learns that every reference lies within the
# limits from one findall that captures only references outside an "ordinary" branch
# (safety._CELL_STARTS_PLAIN); only then are the references measured. Held to the
# reference's _check_sheet on generated sheets: references at and past every limit, leading
# zeros, lower case, huge numbers, cells in any order, missing or repeated r, prefixes,
# single quotes, odd whitespace, more attributes, and through the whole gate NUL bytes.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_EDGE_LETTERS = ["A", "Z", "AA", "FZ", "GA", "GQ", "GR", "GS", "GZ", "HA", "ZZ", "AAA",
                 "XFD", "ZZZ", "AAAA", "gr", "gs", "a", ""]
_EDGE_DIGITS = ["1", "9", "9999", "09999", "10000", "010000", "10001", "0010001", "99999",
                "1048576", "12345678", "0", "", "1" * 16]


def _letters():
    return st.one_of(st.sampled_from(_EDGE_LETTERS),
                     st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3))


def _digits():
    return st.one_of(st.sampled_from(_EDGE_DIGITS),
                     st.integers(1, 12000).map(str),
                     st.integers(0, 10 ** 8).map(lambda n: f"{n:07d}"))


@st.composite
def _cell_tag(draw) -> str:
    ref = draw(_letters()) + draw(_digits())
    quote = draw(st.sampled_from(['"'] * 8 + ["'"]))
    attrs = [f"r={quote}{ref}{quote}"] if draw(st.integers(0, 9)) else []
    for _ in range(draw(st.integers(0, 3))):
        attrs.append(draw(st.sampled_from(['s="3"', 't="s"', 't="e"', 'cm="1"', 'x:r="B2"',
                                           'r="C3"', 'ra="1"', 'vm="A1"', 's="1<"'])))
    if draw(st.booleans()):
        attrs = draw(st.permutations(attrs))
    space = draw(st.sampled_from([" "] * 12 + ["  ", "\t", "\n", "\r\n"]))
    name = draw(st.sampled_from(["c"] * 12 + ["x:c", "C"]))
    tail = draw(st.sampled_from(["/>", "><v>1</v></c>", " />", "\t/>", "><f>A1</f></c>"]))
    if not attrs:
        return f"<{name}{tail}"
    return f"<{name}{space}{space.join(attrs)}{tail}"


@st.composite
def _sheet(draw) -> bytes:
    cells = draw(st.lists(_cell_tag(), min_size=0, max_size=40))
    rows, at = [], 0
    while at < len(cells) or not rows:
        take = draw(st.integers(1, 6))
        row_ref = draw(st.sampled_from(["", ' r="1"', ' r="10001"', ' r="5"']))
        rows.append(f"<row{row_ref}>{''.join(cells[at:at + take])}</row>")
        at += take
    dimension = draw(st.sampled_from(["", "A1:L27", "A1:GS1", "A1:A10001"]))
    return hostile.sheet_xml("".join(rows), dimension=dimension).encode()


def _sheet_outcome(module, data: bytes):
    try:
        module._check_sheet(data, "xl/worksheets/sheet1.xml", "Isian", data.count(b"<"))
    except module._Refused as r:
        return r.code, r.message, r.sheet
    return None


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sheet())
def test_sheet_extent_measured_as_the_reference_measures_it(data):
    assert _sheet_outcome(safety, data) == _sheet_outcome(reference, data)


def test_sheet_extent_at_every_column_and_row_limit():
    """Every column up to past MAX_COLS and rows around MAX_ROWS, each alone, among
    ordinary cells and with the ordinary cell last: judged as the reference judges them."""
    from pipeline.domain.spec import col_letter

    refused = 0
    for col in range(safety.MAX_COLS + 30):
        for digits in ("1", "9999", "09999", "10000", "10001", "0010001"):
            ref = col_letter(col) + digits
            for cells in ([ref], ["A1", ref, "B2"], [ref, "GR9999"]):
                data = hostile.sheet_xml('<row r="1">' + "".join(
                    f'<c r="{r}" s="1"><v>1</v></c>' for r in cells) + "</row>").encode()
                outcome = _sheet_outcome(safety, data)
                assert outcome == _sheet_outcome(reference, data), ref
                refused += outcome is not None
    assert refused > 200


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(sheet=_sheet(), nul=st.lists(st.integers(0, 10 ** 6), max_size=4))
def test_generated_sheets_refused_alike_by_the_whole_gate(tmp_path, sheet, nul):
    for at in nul:  # NUL bytes anywhere: the gate drops them before measuring
        at %= len(sheet) + 1
        sheet = sheet[:at] + b"\x00" + sheet[at:]
    base = tmp_path / "dasar.xlsx"
    if not base.exists():
        hostile.valid_xlsx(base)
    path = tmp_path / "isian.xlsx"
    path.write_bytes(_rezip(base.read_bytes(), random.Random(len(sheet)), lambda n, b:
                            [(n, sheet if n == "xl/worksheets/sheet1.xml" else b)]))
    same(path)


# --- formula cells: the shortcut against the walk (issue 25) -------------------------------
# cellscan._formula_cells answers the usual sheet (every plain formula right after a plain
# cell tag, none of those tags in a wanted column) from one findall, without a Python step
# per formula; any other sheet takes the loop. Held to the long way (shortcut=False) on
# generated sheets with formulas after a value, after a self-closing cell, in cells without
# attributes or references, in prefixed cells, in wanted columns and not.


@st.composite
def _formula_sheet(draw) -> bytes:
    cells = []
    for r in range(1, draw(st.integers(1, 6)) + 1):
        for col in draw(st.lists(st.sampled_from("ABEGHJ"), max_size=6)):
            tag = draw(st.sampled_from([f'<c r="{col}{r}"', f'<c r="{col}{r}" s="3"',
                                        f'<c s="3" r="{col}{r}"', "<c", f'<x:c r="{col}{r}"',
                                        f'<c\tr="{col}{r}"', f'<c r="{col}{r}" t="e"']))
            end = "</x:c>" if tag.startswith("<x:") else "</c>"
            body = draw(st.sampled_from([
                "", "<v>1</v>", "<f>A1</f><v>2</v>", "<v>2</v><f>A1</f>", "<f/>",
                "<x:f>A1</x:f>", '<f t="shared" si="0"/><v>#DIV/0!</v>', "<fx>1</fx>",
                "<is><t>a</t></is><f>B1</f>"]))
            if not body and draw(st.booleans()):
                cells.append(tag + "/>" + draw(st.sampled_from(["", "<f>C1</f>"])))
            else:
                cells.append(f"{tag}>{body}{end}")
        cells.append(draw(st.sampled_from(["", "<f>lepas</f>", "<row/>"])))
    return hostile.sheet_xml("".join(cells)).encode()


@settings(max_examples=400, deadline=None)
@given(_formula_sheet(), st.sampled_from([{"E", "G"}, {"A"}, {"H", "J"}, {"B", "E"}]))
def test_formula_cells_shortcut_finds_what_the_walk_finds(data, columns):
    from pipeline.intake.cellscan import scan_cells

    assert scan_cells(data, columns) == scan_cells(data, columns, shortcut=False)


# The same question answered backwards (``_plain_formula_tags``: the reversed pattern from
# the literal "f<", 20 against 32-38 us on an Isian sheet): the answer of the forward findall
# on soups of the bytes both patterns turn on (tag starts and ends, word bytes right after
# "c" and "f", self-closing and attribute-less tags, the ends of the text).
_FORMULA_SOUP = ["<", ">", "c", "f", "<c", "<f", "<c>", "<c/>", "<f>", "<f/>", "><f", "<c ",
                 ' r="E9"', ' r="G9" s="3"', "/", "_", "x", "1", "\t", " ", "<cf", "<fc",
                 "f<", "c<", "<x:f>", ":", '"', "\n", "é"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_FORMULA_SOUP), max_size=24))
def test_formula_tags_found_backwards_are_the_forward_findall(pieces):
    from pipeline.intake.cellscan import _PLAIN_FORMULA_OR_CELL, _plain_formula_tags

    data = "".join(pieces).encode()
    forward = _PLAIN_FORMULA_OR_CELL.findall(data)
    assert _plain_formula_tags(data) == (b"" in forward, b"<".join(forward)), data


# --- tags counted only once the sheets' bytes could hold too many (issue 25) ---------------


@pytest.mark.parametrize("tag, first, over, pad", [
    ("<x/>", 110_000, 1, 0),  # the first sheet alone is under the bound: counted later
    ("<x/>", 110_000, 0, 0),
    ("<x/>", 440_000, 0, 0),
    ("<x/>", 10, -449_000, 440_000),  # many bytes, few tags
    ("<x/>", 450_001, 1, 0),
    ("<", 200_000, 1, 0),  # a byte a tag: just past the bound
    ("<", 200_000, 0, 0),
])
def test_tags_of_several_sheets_counted_as_the_reference_counts_them(
        tmp_path, tag, first, over, pad):
    """Two sheets holding MAX_SHEET_TAGS + ``over`` tags together, the first ``first``
    of them (and ``pad`` spaces): refused alike, and refused exactly when over."""
    base = hostile.valid_xlsx(tmp_path / "dasar.xlsx")
    cell = '<row r="1"><c r="A1"><v>1</v></c></row>'
    one = hostile.sheet_xml(cell + tag * first) + " " * pad
    rest = safety.MAX_SHEET_TAGS + over - one.count("<") - hostile.sheet_xml(cell).count("<")
    parts = {"xl/worksheets/sheet1.xml": one,
             "xl/worksheets/sheet2.xml": hostile.sheet_xml(cell + tag * max(rest, 0))}
    path = tmp_path / "tag.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():  # stored: no compression ratio to refuse
            zout.writestr(info.filename, parts[info.filename].encode()
                          if info.filename in parts else zin.read(info.filename))
    same(path)
    problems = safety.inspect_file(path)
    assert bool(problems) == (over > 0)
    assert not problems or "terlalu banyak elemen XML" in problems[0].message
