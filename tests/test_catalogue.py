"""The catalogue of bad input (docs/KATALOG.md is generated from CATALOGUE below).

Every entry builds its input in a fresh folder, runs `iku report` through the CLI over a
previous report, and checks what every entry must satisfy: the expected exit code and
message, no traceback, an answer in under 10 s, the inputs folder unchanged (hashes), and
the previous report never lost: byte-for-byte untouched on failure, kept as a dated
backup when a new report replaces it.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from pipeline.workbook.sample import fill_workbook, seed_values
from pipeline.workbook.templates import write_all_templates

from conftest import folder_digest, master_variant, run_cli

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DOC = ROOT / "docs" / "KATALOG.md"
P = "Isian_POLITIK.xlsx"  # rows: S2.1 9, S4.1 10 (x1 in E, x2 in G)
K = "Isian_KETAHANAN.xlsx"  # rows: S1.1 9, S2.1 10, S3.1 11


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    input: str  # what the input is (English, for developers)
    build: Callable[[Path, Callable], None]  # (inputs folder, fill) -> None
    exit: int
    says: str  # a fragment of what the user sees (Indonesian)
    extra: tuple[str, ...] = ()  # more fragments that must appear
    check: Callable[[Path], None] | None = None  # more checks on the written report
    args: tuple[str, ...] = field(default=())


# --- builders -------------------------------------------------------------------------------


def _sample(folder: Path, fill, **kw) -> None:
    fill(folder=folder.name, **kw)


def _edit(name: str, edits: dict[str, object], sheet: str = "Isian"):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        book = openpyxl.load_workbook(folder / name)
        for ref, value in edits.items():
            book[sheet][ref] = value
        book.save(folder / name)

    return build


def _formatted(name: str, edits: dict[str, tuple[object, str]]):
    """Type values with a number format, as Excel stores "75%" (0.75, format 0%)."""
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        book = openpyxl.load_workbook(folder / name)
        for ref, (value, number_format) in edits.items():
            book["Isian"][ref] = value
            book["Isian"][ref].number_format = number_format
        book.save(folder / name)

    return build


def _values(unit: str, values: dict, notes: dict | None = None):
    def build(folder: Path, fill) -> None:
        fill({unit: values}, folder=folder.name, notes={unit: notes} if notes else None)

    return build


def _replace_file(name: str, data: bytes):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        (folder / name).write_bytes(data)

    return build


def _rezip(name: str, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
           drop: tuple[str, ...] = ()):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        path = folder / name
        with zipfile.ZipFile(path) as zin:
            items = [(i, zin.read(i.filename)) for i in zin.infolist()]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
            for info, data in items:
                if info.filename in drop:
                    continue
                zout.writestr(info.filename, (replace or {}).get(info.filename, data))
            for fname, data in (add or {}).items():
                zout.writestr(fname, data)
        path.write_bytes(buffer.getvalue())

    return build


def _sheet_sub(name: str, pattern: bytes, repl: bytes, part: str = "xl/worksheets/sheet1.xml"):
    """Edit a worksheet part's XML with a regular expression (what no spreadsheet app does,
    but a damaged or hand-made file may hold)."""
    import re

    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        with zipfile.ZipFile(folder / name) as z:
            xml = z.read(part)
        edited, n = re.subn(pattern, repl, xml)
        assert n, pattern
        _rezip(name, replace={part: edited})(folder, lambda **kw: None)

    return build


def _sheet_xml(folder: Path, name: str) -> bytes:
    with zipfile.ZipFile(folder / name) as z:
        return z.read("xl/workbook.xml")


def _entity_workbook(entity: bytes):
    """Put a DOCTYPE with an entity into xl/workbook.xml of a valid submission."""

    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        xml = _sheet_xml(folder, P)
        head, _, rest = xml.partition(b"?>")
        hostile = head + b"?>" + entity + rest
        _rezip(P, replace={"xl/workbook.xml": hostile})(folder, lambda **kw: None)

    return build


def _zip_bomb(folder: Path, fill) -> None:
    _sample(folder, fill)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    (folder / "bom.xlsx").write_bytes(buffer.getvalue())


def _huge_dimension(ref: str):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        with zipfile.ZipFile(folder / P) as z:
            sheet = z.read("xl/worksheets/sheet1.xml")
        start = sheet.index(b"<dimension")
        end = sheet.index(b"/>", start) + 2
        sheet = sheet[:start] + f'<dimension ref="{ref}"/>'.encode() + sheet[end:]
        _rezip(P, replace={"xl/worksheets/sheet1.xml": sheet})(folder, lambda **kw: None)

    return build


def _other_template(changes: dict[str, str], unit: str = "POLITIK"):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        other = master_variant(changes)
        out = folder.parent / "other_templates"
        write_all_templates(other, out)
        (src,) = out.glob(f"*_{unit}.xlsx")
        fill_workbook(src, seed_values(other, unit), folder / f"Isian_{unit}.xlsx")

    return build


def _meta_edit(key: str, value: str, unhide: bool = False):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        book = openpyxl.load_workbook(folder / P)
        ws = book["Metadata"]
        if unhide:
            ws.sheet_state = "visible"
        for row in ws.iter_rows():
            if row[0].value == key:
                row[1].value = value
        book.save(folder / P)

    return build


def _workbook_call(action: Callable[[openpyxl.Workbook], None], name: str = P):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        book = openpyxl.load_workbook(folder / name)
        action(book)
        book.save(folder / name)

    return build


def _add(build_extra: Callable[[Path], None]):
    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        build_extra(folder)

    return build


def _symlink(folder: Path) -> None:
    target = folder.parent / "elsewhere.xlsx"
    shutil.move(folder / P, target)
    os.symlink(target, folder / P)


def _swap_rows(book) -> None:
    ws = book["Isian"]
    for col in "ABCDEFGHIJK":
        ws[f"{col}9"].value, ws[f"{col}11"].value = ws[f"{col}11"].value, ws[f"{col}9"].value


def _ods(edit: Callable[[bytes], bytes] | None = None):
    """POLITIK's submission replaced by the .ods LibreOffice saved (tests/fixtures), its
    content.xml edited by ``edit``."""

    def build(folder: Path, fill) -> None:
        _sample(folder, fill)
        (folder / P).unlink()
        fixture = Path(__file__).parent / "fixtures" / "libreoffice_saved_POLITIK.ods"
        target = folder / "Isian_POLITIK.ods"
        if edit is None:
            shutil.copy(fixture, target)
            return
        buffer = io.BytesIO()
        with zipfile.ZipFile(fixture) as zin, zipfile.ZipFile(buffer, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "content.xml":
                    data = edit(data)
                zout.writestr(info.filename, data, zipfile.ZIP_STORED
                              if info.filename == "mimetype" else zipfile.ZIP_DEFLATED)
        target.write_bytes(buffer.getvalue())

    return build


def _copy_sheet(book) -> None:
    copy = book.copy_worksheet(book["Isian"])
    copy.title = "Isian (2)"
    copy["E10"] = 7  # typed into the copy; the Isian sheet keeps 1


def _own_feedback(which: str, values: dict):
    """Run `iku validate --report` on a sample folder, then drop the problem list or a
    highlighted copy into the inputs folder (under another name)."""

    def build(folder: Path, fill) -> None:
        from pipeline import paths
        from pipeline.domain.master import load_master
        from pipeline.intake.feedback import write_feedback
        from pipeline.intake.validate import check_inputs

        fill(values, folder=folder.name)
        master = load_master(paths.SAMPLE_MASTER)
        written = write_feedback(master, check_inputs(master, folder),
                                 folder.parent / "cek.xlsx")
        source = written[0] if which == "list" else written[1]
        shutil.copy(source, folder / ("daftar.xlsx" if which == "list" else "revisi.xlsx"))

    return build


def _draft_says_refused(report: Path) -> None:
    """The indicators of the refused unit (S2.1 and S4.1) show "(tidak sah)", none
    "(belum diisi)"."""
    doc = Document(report)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "(tidak sah)" in cells and "(belum diisi)" not in cells


def _docx_text(path: Path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


NASTY = "R&D <b>tebal</b> \"kutip\" 'x' {{ nama }} {% if x %} baris\nbaru\ttab 🎉 مرحبا"


def _nasty_note_in_report(report: Path) -> None:
    text = _docx_text(report)
    for piece in ("R&D <b>tebal</b>", '"kutip"', "{{ nama }}", "{% if x %}", "🎉", "مرحبا"):
        assert piece in text, piece


def _warn_ok(report: Path) -> None:
    assert report.read_bytes()[:2] == b"PK"  # a new report was written


# --- the catalogue ----------------------------------------------------------------------------

CSV = b"Kode;x1;x2\nS2.1;1;1\n"
OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024
ENCRYPTED = OLE + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
BILLION_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;'
                  b'&lol;&lol;&lol;&lol;&lol;&lol;">]>')
XXE = b'<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'

CATALOGUE: list[Case] = [
    # Files
    Case("csv_renamed", "file", "a CSV text file renamed .xlsx", _replace_file(P, CSV), 1,
         f"{P}: berkas ini bukan buku kerja Excel (.xlsx), melainkan berkas teks/CSV"),
    Case("truncated_zip", "file", "a workbook cut in half (truncated download)",
         lambda f, fill: (_sample(f, fill), (f / P).write_bytes((f / P).read_bytes()[:3000])),
         1, f"{P}: berkas .xlsx rusak atau tidak lengkap"),
    Case("empty_file", "file", "a 0-byte file named .xlsx", _replace_file(P, b""), 1,
         f"{P}: berkas kosong (0 byte)"),
    Case("legacy_xls", "file", "a legacy .xls (OLE2) file",
         _add(lambda f: (f / "lama.xls").write_bytes(OLE)), 1, "lama.xls: berkas memakai format Excel lama (.xls"),
    Case("xls_named_xlsx", "file", "an OLE2 .xls file renamed .xlsx", _replace_file(P, OLE), 1,
         f"{P}: berkas memakai format Excel lama (.xls"),
    Case("ods", "file", "a submission saved by LibreOffice as OpenDocument (.ods) instead of .xlsx "
         "(accepted)", _ods(), 0, "Laporan ditulis"),
    Case("ods_formula", "file", "an .ods submission with a formula in x1",
         _ods(lambda c: c.replace(b'office:value-type="float" office:value="5"',
                                  b'table:formula="of:=2+3" office:value-type="float" '
                                  b'office:value="5"', 1)), 1,
         "Isian_POLITIK.ods › Isian!E10: x1 berisi rumus, bukan angka"),
    Case("ods_rows_bomb", "hostile", "an .ods whose row with a value repeats a million times",
         _ods(lambda c: c.replace(b"<table:table-row ", b'<table:table-row '
                                  b'table:number-rows-repeated="1000000" ', 1)), 1,
         "Isian_POLITIK.ods › Isian: lembar 'Isian' memakai sel sampai baris 1.000.009 (batas 10.000 baris)"),
    Case("ods_doctype", "hostile", "an .ods whose content.xml declares an entity",
         _ods(lambda c: c.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "a">]>', 1)), 1,
         "Isian_POLITIK.ods: berkas berisi deklarasi DOCTYPE/ENTITY"),
    Case("macro_by_content", "file", "a workbook holding xl/vbaProject.bin, named .xlsx",
         _rezip(P, add={"xl/vbaProject.bin": b"\0" * 64}), 1, f"{P}: berkas berisi makro (VBA)"),
    Case("xlsm_extension", "file", "a macro workbook with the .xlsm extension",
         _add(lambda f: shutil.copy(f / P, f / "makro.xlsm")), 1, "makro.xlsm: format .xlsm (buku kerja bermakro/biner) tidak diterima"),
    Case("encrypted", "file", "a password-protected (encrypted) workbook",
         _replace_file(P, ENCRYPTED), 1, f"{P}: berkas dilindungi kata sandi"),
    Case("lock_file", "file", "Excel's lock file ~$Isian_POLITIK.xlsx beside the workbook",
         _add(lambda f: (f / f"~${P}").write_bytes(b"\0" * 165)), 0, "Laporan ditulis"),
    Case("hidden_file", "file", "a hidden file .Isian_POLITIK.xlsx (e.g. from macOS)",
         _add(lambda f: (f / f"._{P}").write_bytes(b"\0" * 4096)), 0, "Laporan ditulis"),
    Case("directory_xlsx", "file", "a folder named data.xlsx",
         _add(lambda f: (f / "data.xlsx").mkdir()), 1, "data.xlsx: 'data.xlsx' adalah sebuah folder"),
    Case("symlink", "file", "a symbolic link to a workbook elsewhere (refused)",
         _add(_symlink), 1, f"{P}: berkas berupa tautan simbolik"),
    Case("folder_missing", "file", "an inputs folder that does not exist",
         lambda f, fill: shutil.rmtree(f), 2, "tidak ada"),
    Case("folder_empty", "file", "an inputs folder with no workbook", lambda f, fill: None, 1,
         "tidak berisi berkas .xlsx"),
    Case("other_file_types", "file", "a PDF and a Word file beside the workbooks",
         _add(lambda f: ((f / "surat.pdf").write_bytes(b"%PDF-1.4"),
                         (f / "catatan.docx").write_bytes(b"PK"))),
         0, "PERINGATAN: surat.pdf: berkas ini bukan buku kerja (.xlsx atau .ods) dan diabaikan"),
    # Workbooks
    Case("sheet_renamed", "workbook", "the Isian sheet renamed",
         _workbook_call(lambda b: setattr(b["Isian"], "title", "Data")), 1,
         f"{P}: lembar 'Isian' tidak ditemukan"),
    Case("sheet_deleted", "workbook", "the Isian sheet deleted (another sheet left)",
         _workbook_call(lambda b: (b.create_sheet("Lain"), b.remove(b["Isian"]))), 1,
         f"{P}: lembar 'Isian' tidak ditemukan"),
    Case("metadata_removed", "workbook", "the hidden Metadata sheet deleted",
         _workbook_call(lambda b: b.remove(b["Metadata"])), 1,
         f"{P}: lembar tersembunyi 'Metadata' tidak ada"),
    Case("metadata_edited", "workbook", "kode_unit in the metadata changed to an unknown unit",
         _meta_edit("kode_unit", "KEUANGAN"), 1, "kode unit 'KEUANGAN' di metadata tidak dikenal"),
    Case("metadata_kind_changed", "workbook", "jenis_dokumen in the metadata changed",
         _meta_edit("jenis_dokumen", "lain"), 1, f"{P} › Metadata: berkas ini bukan templat isian IKU"),
    Case("sheet_part_missing", "workbook", "a sheet listed in the workbook whose part is missing",
         _rezip(P, drop=("xl/worksheets/sheet2.xml",)), 1,
         f"{P}: berkas tidak dapat dibuka sebagai buku kerja Excel (.xlsx) (WorksheetNotFound)"),
    Case("header_renamed", "workbook", "the Kode column header retyped",
         _edit(P, {"B8": "Kode Indikator"}), 1,
         f"{P} › Isian: baris judul tabel dengan label Kode, x1 dan x2 tidak ditemukan"),
    Case("metadata_unhidden_changed", "workbook",
         "the Metadata sheet unhidden and its year changed", _meta_edit("tahun", "2019", True),
         1, "templat ini untuk tahun 2019"),
    Case("metadata_swapped_unit", "workbook",
         "the metadata changed to another existing unit (two files claim IDEOLOGI)",
         _meta_edit("kode_unit", "IDEOLOGI"), 1, "ada 2 berkas untuk unit IDEOLOGI"),
    Case("other_year", "workbook", "last year's template", _other_template(
        {"tahun: 2021": "tahun: 2020"}), 1, "templat ini untuk tahun 2020"),
    Case("other_agency", "workbook", "another agency's template", _other_template(
        {'nama: "Badan Kesatuan Bangsa dan Politik Kota Jambi"': 'nama: "Badan Lain"'}), 1,
         "templat ini milik instansi lain ('Badan Lain')"),
    Case("two_files_one_unit", "workbook", "two files for the same unit (both named)",
         _add(lambda f: shutil.copy(f / P, f / "Politik revisi.xlsx")), 1,
         f"ada 2 berkas untuk unit POLITIK: {P}, Politik revisi.xlsx"),
    Case("unit_refused", "workbook", "a unit whose only file was refused (named after the unit)",
         lambda f, fill: (_sample(f, fill), (f / P).write_bytes((f / P).read_bytes()[:3000])), 1,
         "GALAT: isian unit POLITIK (Bidang Politik dan Kewaspadaan Daerah) sudah dikirim tetapi "
         f"ditolak ('{P}' ditolak: berkas .xlsx rusak atau tidak lengkap",
         ("indikator S2.1, S4.1 tidak dapat dihitung",)),
    Case("unit_refused_draft", "workbook", "the same with --draft: its indicators are 'tidak sah', "
         "not 'belum diisi'",
         lambda f, fill: (_sample(f, fill), (f / P).write_bytes((f / P).read_bytes()[:3000])), 0,
         "PERHATIAN: laporan DRAFT dibuat walau ada galat", check=_draft_says_refused,
         args=("--draft",)),
    Case("refused_file_of_unknown_unit", "workbook",
         "a unit missing while a file named otherwise was refused",
         lambda f, fill: (_sample(f, fill, skip=("IDEOLOGI",)),
                          (f / "kiriman.xlsx").write_bytes(b"")), 1,
         "unit IDEOLOGI (Bidang Bina Ideologi dan Wawasan Kebangsaan) belum mengirim isian "
         "(berkas yang ditolak dan belum diketahui unitnya: 'kiriman.xlsx'"),
    Case("unit_missing", "workbook", "a unit that sent nothing",
         lambda f, fill: _sample(f, fill, skip=("IDEOLOGI",)), 1,
         "unit IDEOLOGI (Bidang Bina Ideologi dan Wawasan Kebangsaan) belum mengirim isian"),
    Case("renamed_file", "workbook", "a submission renamed by the user (accepted)",
         _add(lambda f: (f / P).rename(f / "kiriman bidang politik (final).xlsx")), 0,
         "Laporan ditulis"),
    Case("rows_reordered", "workbook", "rows reordered by the user (matched by Kode)",
         _workbook_call(_swap_rows, K), 0, "Laporan ditulis"),
    Case("row_inserted", "workbook", "a row inserted with values but no Kode",
         _edit(P, {"B12": None, "E12": 5, "G12": 6}), 1, f"{P} › Isian!B12: baris berisi nilai "
         "tetapi kolom Kode kosong"),
    Case("row_deleted", "workbook", "an indicator row deleted by the user",
         _workbook_call(lambda b: b["Isian"].delete_rows(10)), 1,
         f"{P} › Isian: baris indikator S4.1"),
    Case("unknown_code", "workbook", "an unknown Kode", _edit(P, {"B10": "S9.9"}), 1,
         f"{P} › Isian!B10: Kode 'S9.9' tidak dikenal"),
    Case("duplicate_code", "workbook", "a duplicated Kode", _edit(P, {"B10": "S2.1"}), 1,
         f"{P} › Isian!B10: Kode S2.1 muncul dua kali"),
    Case("definition_edited", "workbook", "an indicator's definition text edited (warning)",
         _edit(P, {"D10": "Jumlah apa saja"}), 0,
         f"PERINGATAN: {P} › Isian!D10: teks 'Arti x1' indikator S4.1 berbeda dari master"),
    Case("template_outdated_text", "workbook",
         "a workbook from an older master whose x1 meaning was reworded since (warning)",
         _other_template({'x1: "Jumlah Pembinaan"': 'x1: "Jumlah Pembinaan politik"'}), 0,
         f"PERINGATAN: {P} › Metadata: templat versi lama: berkas ini dibuat dari master "
         "sebelum definisi indikator unit POLITIK diubah (teks berubah: S4.1 (Arti x1)); "
         "angka tetap dibaca"),
    Case("template_outdated_indicator", "workbook",
         "a workbook from an older master in which the unit did not report S4.1 yet",
         _other_template({"unit_pelapor: [POLITIK]": "unit_pelapor: [KETAHANAN]"}), 1,
         f"GALAT: {P} › Metadata: templat versi lama: berkas ini dibuat dari master sebelum "
         "definisi indikator unit POLITIK diubah (indikator baru: S4.1); angka unit belum "
         "lengkap: minta unit mengisi templat terbaru"),
    Case("sheet_copy", "workbook", "figures typed into a copy of the sheet, 'Isian (2)'",
         _workbook_call(_copy_sheet), 1,
         f"GALAT: {P} › 'Isian (2)'!E10: lembar 'Isian (2)' adalah salinan tabel isian dengan "
         "angka yang berbeda dari lembar 'Isian': S4.1 x1: 'Isian (2)'!E10 = '7', 'Isian'!E10 = "
         "'1'"),
    Case("sheet_copy_same", "workbook", "an unchanged copy of the filled sheet (warning)",
         _workbook_call(lambda b: setattr(b.copy_worksheet(b["Isian"]), "title", "Salinan")), 0,
         f"PERINGATAN: {P} › Salinan: lembar 'Salinan' adalah salinan tabel isian dengan angka "
         "yang sama"),
    Case("hidden_under_merge", "workbook", "x2 hidden under a merged cell (Arti x2 merged over x2)",
         _sheet_sub(P, rb'<mergeCells count="2">',
                    rb'<mergeCells count="3"><mergeCell ref="F10:G10"/>'), 1,
         f"GALAT: {P} › Isian!G10: x2 di G10 tertutup sel gabungan F10:G10: yang terlihat hanya "
         "isi F10 ('Target pembinaan politik'), sedangkan nilai x2 '1' tersembunyi di G10"),
    Case("subfolder", "file", "a sub-folder inside the inputs folder (warning)",
         _add(lambda f: (f / "arsip").mkdir()), 0,
         "PERINGATAN: arsip: ini sebuah folder; isi folder di dalam folder isian tidak dibaca"),
    Case("own_problem_list", "file", "the problem list of `iku validate --report` dropped into "
         "the inputs folder (warning)", _own_feedback("list", {"POLITIK": {"S2.1": (1, 1),
                                                                         "S4.1": (6, 5)}}), 0,
         "PERINGATAN: daftar.xlsx: ini daftar masalah buatan `iku validate --report`"),
    Case("own_marked_copy", "file", "an uncorrected highlighted copy dropped into the inputs "
         "folder (warning, not a second file for the unit)",
         _own_feedback("copy", {"POLITIK": {"S2.1": (1, 1), "S4.1": (6, 5)}}), 0,
         "PERINGATAN: revisi.xlsx: ini salinan bertanda buatan `iku validate --report` (dari "
         f"'{P}')"),
    # Cells
    Case("blank", "cell", "x1 left blank", _edit(P, {"E10": None}), 1,
         f"{P} › Isian!E10: x1 belum diisi"),
    Case("text", "cell", "text in x2", _edit(P, {"G10": "banyak"}), 1,
         f"{P} › Isian!G10: x2 berisi teks 'banyak'"),
    Case("text_decimal_comma", "cell",
         "'12,5' typed as text where a count is expected (refused: not a whole number)",
         _edit(P, {"E10": "12,5", "G10": 20}), 1,
         f"GALAT: {P} › Isian!E10: x1 berisi 12,5, bukan bilangan bulat"),
    Case("text_thousands", "cell", "'1.234' typed as text (accepted, warning)",
         _edit(P, {"E10": "1.234", "G10": 2000}), 0,
         f"PERINGATAN: {P} › Isian!E10: x1 diketik sebagai teks '1.234', dibaca sebagai 1234"),
    Case("percent_text", "cell", "'75%' typed in a count cell (refused: counts, not percent)",
         _edit(P, {"E10": "75%"}), 1, f"{P} › Isian!E10: x1 berisi persen '75%'"),
    Case("percent_format", "cell", "75% typed as a number in Excel or Calc (0.75 with a "
         "percent format; refused like the text '75%')",
         _formatted(P, {"E10": (0.75, "0%")}), 1,
         f"{P} › Isian!E10: x1 berisi persen '75%' (sel berformat Persen, tersimpan sebagai "
         "0,75); x1 dan x2 adalah jumlah (cacah), bukan persen"),
    Case("negative", "cell", "a negative count", _edit(P, {"G10": -4}), 1,
         f"{P} › Isian!G10: x2 tidak boleh negatif"),
    Case("x2_zero", "cell", "x2 = 0 on a single-unit indicator", _edit(P, {"G10": 0}), 1,
         f"{P} › Isian!G10: x2 tidak boleh 0"),
    Case("x1_gt_x2", "cell", "x1 > x2 on a share of a whole (warning)",
         _edit(P, {"E10": 9, "G10": 3}), 0,
         f"PERINGATAN: {P} › Isian!E10: x1 lebih besar dari x2"),
    Case("excel_div0", "cell", "an Excel error value #DIV/0!", _edit(P, {"E10": "#DIV/0!"}), 1,
         f"{P} › Isian!E10: x1 berisi galat Excel #DIV/0!"),
    Case("excel_ref", "cell", "an Excel error value #REF!", _edit(P, {"G10": "#REF!"}), 1,
         f"{P} › Isian!G10: x2 berisi galat Excel #REF!"),
    Case("formula", "cell", "a formula typed where a number belongs",
         _edit(P, {"E10": "=2+3"}), 1, f"{P} › Isian!E10: x1 berisi rumus"),
    Case("date", "cell", "a date in a number cell",
         _edit(P, {"E10": __import__("datetime").datetime(2021, 5, 1)}), 1,
         f"{P} › Isian!E10: x1 berisi tanggal"),
    Case("non_integer", "cell",
         "a fraction where a count is expected, e.g. 1.234 read as 1,234 in another locale "
         "(refused, with the likely cause)",
         _edit(P, {"E10": 1.234, "G10": 5}), 1,
         f"GALAT: {P} › Isian!E10: x1 berisi 1,234, bukan bilangan bulat; x1 adalah jumlah "
         "(cacah). Bila maksudnya ribuan"),
    Case("implausible", "cell", "a count above 1,000,000,000",
         _edit(P, {"E10": 5_000_000_000, "G10": 6_000_000_000}), 1,
         f"{P} › Isian!E10: x1 terlalu besar"),
    Case("nan_inf", "cell", "infinity written into a number cell",
         _edit(P, {"E10": float("inf")}), 1, f"{P} › Isian!E10: x1"),
    Case("inf_number", "cell", "a number cell holding inf in the file's XML",
         _sheet_sub(P, rb'(<c r="E10"[^>]*>)<v>[^<]*</v>', rb"\1<v>inf</v>"), 1,
         f"{P} › Isian!E10: x1 bukan angka yang sah"),
    Case("zero_width_in_code", "cell", "a Kode with a zero-width space (shown escaped)",
         _edit(P, {"B10": "S4.1\u200b"}), 1,
         f"{P} › Isian!B10: Kode 'S4.1\\u200b' tidak dikenal"),
    Case("nbsp_in_number", "cell", "a count typed as text with a non-breaking space",
         _edit(P, {"G10": "1\u00a0234"}), 1,
         f"{P} › Isian!G10: x2 berisi teks '1\\u00a0234'"),
    Case("tab_in_text", "cell", "a tab typed before a count in a text cell",
         _edit(P, {"E10": "\t5 orang"}), 1, f"{P} › Isian!E10: x1 berisi teks '5 orang'"),
    # Hostile files
    Case("zip_bomb", "hostile", "a zip bomb: 300 MB of zeros in a small file", _zip_bomb, 1,
         "bom.xlsx: isi berkas setelah diekstrak berukuran 300 MB (batas 50 MB)"),
    Case("billion_laughs", "hostile", "a DOCTYPE with nested entities (entity expansion)",
         _entity_workbook(BILLION_LAUGHS), 1, f"{P}: berkas berisi deklarasi DOCTYPE/ENTITY"),
    Case("external_entity", "hostile", "an external entity (XXE) pointing at /etc/passwd",
         _entity_workbook(XXE), 1, f"{P}: berkas berisi deklarasi DOCTYPE/ENTITY"),
    Case("million_rows", "hostile", "a sheet declaring a million rows",
         _huge_dimension("A1:K1000000"), 1, f"{P} › Isian: ", ("batas 10.000 baris",)),
    Case("thousands_of_columns", "hostile", "a sheet declaring 16,384 columns",
         _huge_dimension("A1:XFD20"), 1, f"{P} › Isian: ", ("200 kolom",)),
    Case("long_cell", "hostile", "a 100,000-character Catatan (accepted, truncated, warning)",
         _edit(P, {"K10": "panjang " * 12_500}), 0,
         f"PERINGATAN: {P} › Isian!K10: Catatan lebih dari 1000 karakter"),
    # Text that reaches the report
    Case("nasty_note", "text", "a Catatan with & < > quotes {{ }} {% %} newline tab emoji RTL",
         _values("POLITIK", {"S2.1": (1, 1), "S4.1": (1, 1)}, {"S4.1": NASTY}), 0,
         "Laporan ditulis", check=_nasty_note_in_report),
]


@pytest.mark.parametrize("case", CATALOGUE, ids=[c.id for c in CATALOGUE])
def test_catalogue_entry(case: Case, fill, tmp_path):
    inputs = tmp_path / "isian"
    inputs.mkdir()
    case.build(inputs, fill)
    before = folder_digest(inputs) if inputs.exists() else {}
    out = tmp_path / "laporan" / "Laporan.docx"
    out.parent.mkdir()
    out.write_bytes(b"laporan sebelumnya")

    start = time.process_time()  # CPU: a busy machine's wall clock is not the run's cost
    res = run_cli("report", "-i", inputs, "--out", out, *case.args)
    elapsed = time.process_time() - start

    if os.environ.get("IKU_SHOW_CATALOGUE"):  # to review the full messages by eye
        print(f"\n[{case.id}] {elapsed:.2f} s exit {res.exit_code}\n{res.output}")
    assert elapsed < 10, f"{case.id} took {elapsed:.1f} CPU s"
    assert res.exit_code == case.exit, res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, AssertionError)
    for fragment in (case.says, *case.extra):
        assert fragment in res.output, f"{fragment!r} not in:\n{res.output}"
    if inputs.exists():
        assert folder_digest(inputs) == before, "the inputs folder was modified"
    if case.exit != 0:
        assert out.read_bytes() == b"laporan sebelumnya"
        assert sorted(p.name for p in out.parent.iterdir()) == ["Laporan.docx"]
    else:
        _warn_ok(out)
        # the previous report was not written by iku: kept as a dated backup, never lost
        (backup,) = out.parent.glob("Laporan.diedit-*.docx")
        assert backup.read_bytes() == b"laporan sebelumnya"
        if case.check:
            case.check(out)


def render_catalogue() -> str:
    """docs/KATALOG.md, generated from CATALOGUE (a test keeps the two in step)."""
    groups = {"file": "Files", "workbook": "Workbooks", "cell": "Cells",
              "hostile": "Hostile files", "text": "Text that reaches the report"}
    lines = [
        "# Catalogue of bad input",
        "",
        "Generated from `tests/test_catalogue.py` (`python tests/test_catalogue.py > "
        "docs/KATALOG.md`); each row is one test. For every entry the test also checks: no "
        "traceback, an answer in under 10 s, the inputs folder unchanged (hashed), and the "
        "previous report never lost: left byte-for-byte untouched when the run fails, kept as a "
        "dated backup (`Laporan.diedit-….docx`) when a new report is written. Exit codes: 0 report "
        "written, 1 input errors, 2 usage error. Limits: see `pipeline/intake/safety.py`.",
        "",
        f"{len(CATALOGUE)} entries.",
    ]
    for key, title in groups.items():
        lines += ["", f"## {title}", "", "| id | input | exit | the user sees (fragment) |",
                  "| --- | --- | --- | --- |"]
        for c in CATALOGUE:
            if c.group == key:
                said = " … ".join((c.says, *c.extra)).replace("|", "\\|").replace("\n", " ")
                lines.append(f"| `{c.id}` | {c.input} | {c.exit} | {said} |")
    return "\n".join(lines) + "\n"


def test_catalogue_doc_is_current():
    assert len(CATALOGUE) >= 35
    assert len({c.id for c in CATALOGUE}) == len(CATALOGUE)
    assert CATALOGUE_DOC.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/KATALOG.md is stale: run `python tests/test_catalogue.py > docs/KATALOG.md`")


if __name__ == "__main__":
    print(render_catalogue(), end="")
