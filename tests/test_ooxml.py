"""Every package the pipeline writes is verified before the atomic replace
(pipeline/office/ooxml.py, hooked in pipeline/office/atomic.py)."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from markupsafe import Markup

from dev import word_template
from pipeline.annual import report as annual_report
from pipeline.compute import compute
from pipeline.domain.master import load_master
from pipeline.errors import InternalError
from pipeline.office import ooxml
from pipeline.office.atomic import write_atomically
from pipeline.paths import SAMPLE_MASTER, WORD_TEMPLATE
from pipeline.rekap import agency_rekap, write_rekap
from pipeline.word import render
from pipeline.workbook.sample import write_sample_inputs
from pipeline.workbook.synth import write_city
from pipeline.workbook.templates import write_all_templates, write_template

from conftest import folder_digest, run_cli

PR = "http://schemas.openxmlformats.org/package/2006/relationships"


@pytest.fixture(scope="module")
def sample():
    return load_master(SAMPLE_MASTER)


@pytest.fixture(scope="module")
def results(sample):
    rows = [(u, i.code, 1, 1, "") for i in sample.indicators for u in i.reporting_units]
    return compute(sample, pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"]))


@pytest.fixture(scope="module")
def report(sample, results) -> bytes:
    return annual_report.render_bytes(sample, results)


@pytest.fixture(scope="module")
def workbook(sample) -> bytes:
    buf = io.BytesIO()
    write_template(sample, sample.reporting_units[0].code, buf)
    return buf.getvalue()


def rezip(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The package with its parts changed by ``change`` (a dict name → bytes)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    change(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, blob in parts.items():
            z.writestr(name, blob)
    return out.getvalue()


def rel_id(data: bytes, rels: str, target: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read(rels))
    (rel,) = [r for r in root.iter(f"{{{PR}}}Relationship") if r.get("Target") == target]
    return rel.get("Id")


def _replace(name: str, old: bytes, new: bytes, count: int = 1):
    def change(parts: dict[str, bytes]) -> None:
        assert old in parts[name], old
        parts[name] = parts[name].replace(old, new, count)

    return change


# An injected fragment whose prefix nothing declares: what a LibreOffice-saved template
# did to the Office Math of the Keterangan column before issue 14.
UNBOUND = b"<w:p><mx:oMath><mx:r><mx:t>y</mx:t></mx:r></mx:oMath></w:p></w:body>"


# --- sound packages ----------------------------------------------------------------------


def test_sound_packages_pass(report, workbook, tmp_path):
    assert ooxml.package_problems(report) == []
    assert ooxml.package_problems(workbook) == []
    assert ooxml.package_problems(WORD_TEMPLATE.read_bytes()) == []
    fixture = Path(__file__).parent / "fixtures" / "libreoffice_saved_KETAHANAN.xlsx"
    assert ooxml.package_problems(fixture.read_bytes()) == []


# --- broken packages: each found, with its message ---------------------------------------


def _drop(name: str):
    return lambda parts: parts.pop(name)


def _add(name: str, blob: bytes):
    return lambda parts: parts.__setitem__(name, blob)


def _duplicate_relationship(parts: dict[str, bytes]) -> None:
    rels = parts["word/_rels/document.xml.rels"]
    start = rels.index(b"<Relationship ")
    end = rels.index(b"/>", start) + 2
    parts["word/_rels/document.xml.rels"] = rels[:end] + rels[start:end] + rels[end:]


def _first_rel_id(parts_of: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(parts_of)) as z:
        root = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    return next(root.iter(f"{{{PR}}}Relationship")).get("Id")


BROKEN = [
    ("tanpa content types", "report", _drop("[Content_Types].xml"),
     lambda d: ["[Content_Types].xml tidak ada"]),
    ("bagian tanpa jenis isi", "report", _add("word/media/logo.bmp", b"BM"),
     lambda d: ["bagian word/media/logo.bmp tidak punya jenis isi di [Content_Types].xml"]),
    ("awalan namespace tak terikat", "report", _replace("word/document.xml", b"</w:body>", UNBOUND),
     lambda d: ["bagian word/document.xml bukan XML yang sah: Namespace prefix mx on oMath is "
                "not defined"]),
    ("XML terpotong", "workbook", _replace("xl/worksheets/sheet1.xml", b"</worksheet>", b""),
     lambda d: ["bagian xl/worksheets/sheet1.xml bukan XML yang sah: Premature end of data"]),
    ("target hubungan hilang", "report", _drop("word/footer1.xml"),
     lambda d: [f"hubungan {rel_id(d, 'word/_rels/document.xml.rels', 'footer1.xml')} di "
                "word/_rels/document.xml.rels menunjuk ke 'footer1.xml', yang tidak ada di dalam "
                "berkas"]),
    ("r:id tanpa hubungan", "report",
     lambda parts: _replace("word/document.xml",
                            f'r:id="{rel_id_in(parts, "footer1.xml")}"'.encode(),
                            b'r:id="rId999"')(parts),
     lambda d: ["bagian word/document.xml memakai id hubungan rId999 yang tidak ada"]),
    ("id hubungan ganda", "report", _duplicate_relationship,
     lambda d: [f"id hubungan {_first_rel_id(d)} ganda di word/_rels/document.xml.rels"]),
    ("r:id di bagian tanpa .rels", "workbook", _drop("xl/_rels/workbook.xml.rels"),
     lambda d: ["bagian xl/workbook.xml memakai id hubungan rId1 tetapi tidak punya berkas "
                "hubungan (.rels)"]),
]


def rel_id_in(parts: dict[str, bytes], target: str) -> str:
    root = etree.fromstring(parts["word/_rels/document.xml.rels"])
    (rel,) = [r for r in root.iter(f"{{{PR}}}Relationship") if r.get("Target") == target]
    return rel.get("Id")


@pytest.mark.parametrize(("source", "change", "expected"), [b[1:] for b in BROKEN],
                         ids=[b[0] for b in BROKEN])
def test_broken_package_is_found(source, change, expected, report, workbook):
    original = report if source == "report" else workbook
    problems = ooxml.package_problems(rezip(original, change))
    want = expected(original)
    assert len(problems) == len(want)
    for got, prefix in zip(problems, want, strict=True):
        assert got.startswith(prefix), (got, prefix)


def test_not_a_zip_and_duplicate_entries():
    assert ooxml.package_problems(b"bukan zip") == [
        "bukan arsip zip yang sah: File is not a zip file"
    ]
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as z:
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("a.xml", b"<a/>")
        z.writestr("a.xml", b"<b/>")
    assert ooxml.package_problems(buf.getvalue()) == ["nama bagian ganda di arsip zip: a.xml"]


def test_corrupt_entry_is_found(report):
    data = bytearray(report)
    info = zipfile.ZipFile(io.BytesIO(report)).getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 100] ^= 0xFF
    problems = ooxml.package_problems(bytes(data))
    assert len(problems) == 1
    assert problems[0].startswith("bagian word/document.xml tidak dapat dibaca dari arsip zip")


# --- the hook: nothing written, an existing file untouched -------------------------------


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".xlsm", ".DOCX"])
def test_write_atomically_refuses_a_broken_package(suffix, report, tmp_path):
    broken = rezip(report, _replace("word/document.xml", b"</w:body>", UNBOUND))
    target = tmp_path / f"laporan{suffix}"
    target.write_bytes(b"laporan lama")
    with pytest.raises(InternalError) as err:
        write_atomically(target, broken)
    assert err.value.exit_code == 3
    message = str(err.value)
    assert message.startswith(f"berkas laporan{suffix} TIDAK ditulis: hasilnya tidak akan dapat "
                              "dibuka Word/Excel/LibreOffice (bagian word/document.xml bukan XML "
                              "yang sah: Namespace prefix mx on oMath is not defined")
    assert message.endswith("Berkas lama (bila ada) tidak diubah. Ini kesalahan program, bukan "
                            "kesalahan isian; jalankan ulang dengan IKU_DEBUG=1 dan laporkan ke "
                            "pengembang beserta master, isian dan templat yang dipakai.")
    assert "Laporan ditulis" not in message
    assert target.read_bytes() == b"laporan lama"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", ["laporan.pdf", "catatan.txt"])
def test_other_files_are_not_verified(name, tmp_path):
    assert write_atomically(tmp_path / name, b"bukan zip").read_bytes() == b"bukan zip"


def _fail_every_check(monkeypatch) -> None:
    monkeypatch.setattr(ooxml, "_check_parts", lambda blobs, *rest: ["uji: paket dianggap rusak"])


WRITERS = {
    "templates": lambda m, r, out: write_all_templates(m, out),
    "sample": lambda m, r, out: write_sample_inputs(m, out),
    "report": lambda m, r, out: annual_report.render_report(m, r, out / "laporan.docx"),
    "word_template": lambda m, r, out: word_template.write_template(out / "templat.docx"),
    "rekap": lambda m, r, out: write_rekap([agency_rekap(m, r, "a", "")], out),
    "synth": lambda m, r, out: write_city(out, 1, 1, 2, jobs=1),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_verifies_what_it_writes(writer, sample, results, tmp_path, monkeypatch):
    out = tmp_path / "hasil"
    out.mkdir()
    _fail_every_check(monkeypatch)
    with pytest.raises(InternalError, match="TIDAK ditulis: .*uji: paket dianggap rusak"):
        WRITERS[writer](sample, results, out)
    written = [p for p in out.rglob("*") if p.suffix in (".docx", ".xlsx")]
    assert written == []


def test_cli_reports_a_broken_package_as_a_program_fault(tmp_path, monkeypatch):
    out = tmp_path / "templat"
    _fail_every_check(monkeypatch)
    result = run_cli("templates", "--out", out)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 3
    assert result.stderr.startswith("GALAT: berkas Isian_IKU_2021_")
    assert "TIDAK ditulis" in result.stderr and "Ini kesalahan program" in result.stderr
    assert "Templat:" not in result.stdout
    assert not out.exists() or folder_digest(out) == {}


# --- injected fragments ------------------------------------------------------------------


def test_fragment_namespaces_are_declared_where_the_template_lacks_them():
    body = '<w:body xmlns:w="W"><w:p/></w:body>'
    ns = {"m": "http://schemas.openxmlformats.org/officeDocument/2006/math"}
    assert render.declare_namespaces(body, ns) == (
        '<w:body xmlns:w="W" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/'
        'math"><w:p/></w:body>'
    )
    already = body.replace('xmlns:w="W"', f'xmlns:w="W" xmlns:m="{ns["m"]}"')
    assert render.declare_namespaces(already, ns) == already


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ("<zz:oMath/>", "potongan XML yang disisipkan program tidak sah (Namespace prefix zz "
                        "on oMath is not defined"),
        ("<m:oMath><m:r></m:oMath>", "potongan XML yang disisipkan program tidak sah (Opening "
                                     "and ending tag mismatch: r"),
    ],
)
def test_a_wrong_fragment_is_a_program_fault(fragment, message, sample, results, monkeypatch,
                                             tmp_path):
    from pipeline.annual import context as context_module

    build = context_module.build_context

    def with_fragment(master, res, *rest):
        ctx = build(master, res, *rest)
        ctx["renstra"]["rows"][0]["formula"] = Markup(fragment)
        return ctx

    monkeypatch.setattr(annual_report, "build_context", with_fragment)
    with pytest.raises(InternalError, match=re.escape(message)):
        annual_report.render_report(sample, results, tmp_path / "laporan.docx")
    assert not (tmp_path / "laporan.docx").exists()


def test_the_context_declares_what_its_equations_need(sample, results):
    from pipeline.annual.context import build_context

    assert render.fragment_namespaces(build_context(sample, results)) == {
        "m": "http://schemas.openxmlformats.org/officeDocument/2006/math"
    }


def test_a_template_without_the_math_namespace_gives_a_sound_report(sample, results, tmp_path):
    """As LibreOffice saves it (tests/test_template_clients.py does it with LibreOffice):
    the root declares no xmlns:m, the report's equations still bind their prefix."""
    decl = b' xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
    template = tmp_path / "tanpa_m.docx"
    template.write_bytes(rezip(WORD_TEMPLATE.read_bytes(),
                               _replace("word/document.xml", decl, b"")))
    with zipfile.ZipFile(template) as z:
        assert decl not in z.read("word/document.xml")
    out = annual_report.render_report(sample, results, tmp_path / "laporan.docx", template)
    assert ooxml.package_problems(out.read_bytes()) == []
    with zipfile.ZipFile(out) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    maths = root.findall(".//{http://schemas.openxmlformats.org/officeDocument/2006/math}oMath")
    assert len(maths) == len(sample.indicators)


# --- large parts, verified as a stream ---------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _big_sheet(cells: str = "", rows: int = 60_000) -> bytes:
    """A worksheet part well over ooxml.STREAM_MIN."""
    body = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>baris {r} teks isian '
                   f'yang cukup panjang</t></is></c></row>' for r in range(1, rows))
    xml = (f'<?xml version="1.0"?><worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
           f"<sheetData>{body}</sheetData>{cells}</worksheet>").encode()
    assert len(xml) > ooxml.STREAM_MIN
    return xml


@pytest.mark.parametrize(("cells", "problem"), [
    ("", None),
    ("<x:bad/>", "bagian xl/worksheets/sheet1.xml bukan XML yang sah: unbound prefix"),
    ("<oops>", "bagian xl/worksheets/sheet1.xml bukan XML yang sah: mismatched tag"),
    ('<hyperlinks><hyperlink ref="A1" r:id="rId99"/></hyperlinks>',
     "bagian xl/worksheets/sheet1.xml memakai id hubungan rId99 tetapi tidak punya berkas"),
])
def test_a_large_part_is_verified_as_a_stream(workbook, cells, problem):
    data = rezip(workbook, lambda p: p.__setitem__("xl/worksheets/sheet1.xml",
                                                   _big_sheet(cells)))
    found = ooxml.package_problems(data)
    if problem is None:
        assert found == []
    else:
        assert found and found[0].startswith(problem), found


def test_a_big_city_rekap_is_verified_in_little_memory(tmp_path):
    """A rekap of 400 agencies' rows (a ~40 MB sheet) is written and verified holding
    one agency's rows and a stream of the sheet: the process grows by far less than the
    sheet's size."""
    import resource

    from pipeline.rekap import AgencyRekap, RekapRow, RekapWriter

    rows = tuple(RekapRow(1, "Sasaran strategis yang cukup panjang " * 2, f"S1.{k}",
                          f"Indikator kinerja utama nomor {k}", "%", 100.0, 90.5, 90.5)
                 for k in range(150))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with RekapWriter() as writer:
        for i in range(400):
            writer.add(AgencyRekap(f"Instansi {i}", f"{i:03d}", 2021, rows, 90.5, 150))
        path = writer.write(tmp_path)
    grew_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    with zipfile.ZipFile(path) as z:
        sheet = z.getinfo("xl/worksheets/sheet1.xml").file_size
    assert sheet > 30 * 2**20
    assert grew_mib < 60, f"{grew_mib:.0f} MiB for a {sheet / 2**20:.0f} MiB sheet"


def _stored_with_flipped_byte(data: bytes, name: str, marker: bytes) -> bytes:
    """The package re-zipped with every part stored, and one byte of ``marker`` in part
    ``name`` changed in place (a letter's case): the part still well-formed XML of the
    same size, but its CRC no longer matches."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for part, blob in parts.items():
            z.writestr(part, blob)
    raw = bytearray(out.getvalue())
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    at = raw.index(marker, start)
    assert at < start + info.compress_size
    raw[at] ^= 0x20  # b"b" -> b"B": same size, still XML, wrong CRC
    return bytes(raw)


@pytest.mark.parametrize("verify", ["file", "package"])
def test_a_streamed_xml_part_with_a_wrong_crc_is_refused(workbook, verify, tmp_path):
    """An .xml part verified as a stream is inflated once, as it is parsed (not read
    through first): its CRC is still checked at its end, and a part whose bytes differ
    from its CRC is refused as unreadable, from a file (every part streamed) or from
    bytes (a part over STREAM_MIN)."""
    data = rezip(workbook, lambda p: p.__setitem__("xl/worksheets/sheet1.xml", _big_sheet()))
    broken = _stored_with_flipped_byte(data, "xl/worksheets/sheet1.xml", b"baris 59998")
    with zipfile.ZipFile(io.BytesIO(broken)) as z:  # sound XML, but the CRC differs
        with pytest.raises(zipfile.BadZipFile, match="CRC"):
            z.read("xl/worksheets/sheet1.xml")
    if verify == "file":
        (path := tmp_path / "rusak.xlsx").write_bytes(broken)
        found = ooxml.file_problems(path)
    else:
        found = ooxml.package_problems(broken)
    assert found and found[0].startswith(
        "bagian xl/worksheets/sheet1.xml tidak dapat dibaca dari arsip zip: Bad CRC-32"), found
    (sound := tmp_path / "utuh.xlsx").write_bytes(data)
    assert ooxml.file_problems(sound) == [] and ooxml.package_problems(data) == []


def test_a_small_streamed_part_with_a_wrong_crc_is_refused_from_a_file(workbook, tmp_path):
    """From a file every part but the content types and the relationships is streamed:
    a small .xml part (docProps) whose CRC differs is refused too."""
    broken = _stored_with_flipped_byte(workbook, "docProps/app.xml", b"<Application>")
    (path := tmp_path / "rusak.xlsx").write_bytes(broken)
    found = ooxml.file_problems(path)
    assert found and found[0].startswith(
        "bagian docProps/app.xml tidak dapat dibaca dari arsip zip: Bad CRC-32"), found


def test_a_streamed_part_whose_entry_cannot_be_opened_is_refused(workbook, tmp_path):
    """A streamed .xml part whose local header is damaged is a problem, never an
    exception out of the check."""
    raw = bytearray(workbook)
    info = zipfile.ZipFile(io.BytesIO(workbook)).getinfo("xl/styles.xml")
    raw[info.header_offset] ^= 0xFF  # the local header's signature
    (path := tmp_path / "rusak.xlsx").write_bytes(bytes(raw))
    found = ooxml.file_problems(path)
    assert found and found[0].startswith(
        "bagian xl/styles.xml tidak dapat dibaca dari arsip zip"), found
