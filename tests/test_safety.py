"""The safety gate refuses hostile or broken files quickly, with a clear reason, unchanged.

Every hostile file is built here in ``tmp_path``: real zip bombs (deflate streams built by
repeating a fully flushed block, so a 200 MiB bomb costs milliseconds to make), entity
bombs in a valid xlsxwriter workbook, macro and encrypted look-alikes, renamed files, and
sheets whose cells would make calamine allocate gigabytes or abort the process.
"""

from __future__ import annotations

import hashlib
import os
import random
import struct
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from pipeline.errors import Severity
from pipeline.intake import safety
from pipeline.intake.safety import inspect_file

FIXTURE = Path(__file__).parent / "fixtures" / "libreoffice_saved_KETAHANAN.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
TIME_LIMIT = 2.0  # CPU seconds, per inspection

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_HEAD = f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN_NS}">'


# --- Builders -------------------------------------------------------------------------------


def valid_xlsx(path: Path) -> Path:
    """A small real workbook as xlsxwriter writes it (shared strings, two sheets)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Isian")
    ws.write_row(0, 0, ["Kode", "x1", "x2", "Catatan"])
    ws.write_row(1, 0, ["S1.1", 3, 4, "baik"])
    meta = wb.add_worksheet("Metadata")
    meta.write_row(0, 0, ["jenis_dokumen", "iku-isian"])
    meta.hide()
    wb.close()
    return path


def rewrite(
    src: Path,
    dst: Path,
    replace: dict[str, bytes | str] | None = None,
    add: dict[str, bytes | str] | None = None,
    stored: bool = False,
) -> Path:
    """Copy a zip, replacing or adding entries (deflated unless ``stored``)."""
    replace = replace or {}
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data, compress_type=method)
        for name, data in (add or {}).items():
            zout.writestr(name, data, compress_type=method)
    return dst


def with_sheet(tmp_path: Path, body: str | bytes, name: str = "t.xlsx", **kw) -> Path:
    """A valid workbook whose first sheet part is replaced by ``body``."""
    base = valid_xlsx(tmp_path / "base.xlsx")
    data = body.encode() if isinstance(body, str) else body
    return rewrite(base, tmp_path / name, replace={SHEET: data}, **kw)


def sheet_xml(cells: str, dimension: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{SHEET_HEAD}{dim}<sheetData>{cells}</sheetData></worksheet>"


def patch_entry(path: Path, name: str, **fields: int) -> None:
    """Overwrite header fields of one entry in both the local and the central header."""
    local_at = {"flags": 6, "method": 8, "crc": 14, "compress_size": 18, "file_size": 22}
    central_at = {"flags": 8, "method": 10, "crc": 16, "compress_size": 20, "file_size": 24}
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        local = z.getinfo(name).header_offset
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        (n,) = struct.unpack_from("<H", data, pos + 28)
        if data[pos + 46 : pos + 46 + n] == name.encode():
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    assert pos >= 0, name
    for field, value in fields.items():
        fmt = "<H" if field in ("flags", "method") else "<I"
        struct.pack_into(fmt, data, local + local_at[field], value)
        struct.pack_into(fmt, data, pos + central_at[field], value)
    path.write_bytes(bytes(data))


def zeros_deflated(mib: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``mib`` MiB of zeros and its CRC, made in milliseconds."""
    block = bytes(1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    unit = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, no history
    final = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # empty last block
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return unit * mib + final, crc


def add_raw_deflated(path: Path, name: str, raw: bytes, crc: int, size: int) -> None:
    """Append an entry whose data is an already deflated stream."""
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(name, raw, compress_type=zipfile.ZIP_STORED)
    patch_entry(path, name, method=8, crc=crc, file_size=size)


# --- Cases ---------------------------------------------------------------------------------


def c_empty(d: Path) -> Path:
    p = d / "kosong.xlsx"
    p.write_bytes(b"")
    return p


def c_ole_xls(d: Path) -> Path:
    p = d / "lama.xlsx"
    body = bytearray(4096)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    body[1024 : 1024 + 16] = "Workbook".encode("utf-16-le")
    p.write_bytes(bytes(body))
    return p


def c_ole_encrypted(d: Path) -> Path:
    p = d / "sandi.xlsx"
    body = bytearray(8192)
    body[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    body[3000 : 3000 + 28] = "EncryptionInfo".encode("utf-16-le")
    body[4000 : 4000 + 32] = "EncryptedPackage".encode("utf-16-le")
    p.write_bytes(bytes(body))
    return p


def c_csv(d: Path) -> Path:
    p = d / "data.xlsx"
    p.write_text("Kode;x1;x2\nS1.1;3;4\nS2.1;5;8\n", encoding="utf-8")
    return p


def c_csv_pk(d: Path) -> Path:  # text that happens to start with "PK"
    p = d / "pk.xlsx"
    p.write_text("PKode;x1;x2\nS1.1;3;4\n", encoding="utf-8")
    return p


def c_utf16_text(d: Path) -> Path:  # Excel's "Unicode Text" save, renamed
    p = d / "unicode.xlsx"
    p.write_bytes(b"\xff\xfe" + "Kode\tx1\tx2\r\nS1.1\t3\t4\r\n".encode("utf-16-le"))
    return p


def c_html(d: Path) -> Path:
    p = d / "web.xlsx"
    p.write_text("<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>")
    return p


def c_pdf(d: Path) -> Path:
    p = d / "laporan.xlsx"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    return p


def c_binary(d: Path) -> Path:
    p = d / "acak.xlsx"
    p.write_bytes(random.Random(7).randbytes(2048))
    return p


def c_truncated(d: Path) -> Path:
    src = valid_xlsx(d / "full.xlsx").read_bytes()
    p = d / "potong.xlsx"
    p.write_bytes(src[: len(src) // 2])
    return p


def c_bad_crc(d: Path) -> Path:
    p = rewrite(valid_xlsx(d / "b.xlsx"), d / "crc.xlsx", add={"docProps/x.xml": "<a>hello</a>"})
    p = rewrite(p, d / "crc2.xlsx", stored=True)
    data = bytearray(p.read_bytes())
    at = data.find(b"<a>hello</a>")
    data[at + 3] ^= 0x20  # "hello" -> "Hello": same size, wrong CRC
    p.write_bytes(bytes(data))
    return p


def c_too_large(d: Path) -> Path:
    p = d / "besar.xlsx"
    with open(p, "wb") as f:
        f.write(b"PK\x03\x04")
        f.truncate(safety.MAX_FILE_SIZE + 1)  # sparse: costs nothing
    return p


def c_ods_without_content(d: Path) -> Path:
    """An OpenDocument spreadsheet (accepted when well-formed, tests/test_ods.py) with
    its content.xml missing."""
    p = d / "libre.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", "<manifest/>", zipfile.ZIP_DEFLATED)
    return p


def c_odt(d: Path) -> Path:
    p = d / "surat.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    return p


def c_docx(d: Path) -> Path:
    p = d / "surat.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
    return p


def c_plain_zip(d: Path) -> Path:
    p = d / "arsip.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("isian/data.csv", "Kode;x1;x2\n")
    return p


def c_xlsb(d: Path) -> Path:
    p = d / "biner.xlsx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return p


def c_vba(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "makro.xlsx", add={"xl/vbaProject.bin": b"\xd0\xcf\x11"}
    )


def c_vba_upper(d: Path) -> Path:
    return rewrite(valid_xlsx(d / "b.xlsx"), d / "makro2.xlsx", add={"XL/VBAPROJECT.BIN": b"x"})


def c_macro_content_type(d: Path) -> Path:
    base = valid_xlsx(d / "b.xlsx")
    with zipfile.ZipFile(base) as z:
        types = z.read("[Content_Types].xml").decode()
    types = types.replace(
        "spreadsheetml.sheet.main+xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    )
    return rewrite(base, d / "xlsm.xlsx", replace={"[Content_Types].xml": types})


def c_macrosheet(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "xl4.xlsx", add={"xl/macrosheets/sheet1.xml": "<x/>"}
    )


def c_bomb_total(d: Path) -> Path:
    p = valid_xlsx(d / "bom.xlsx")
    raw, crc = zeros_deflated(200)  # 200 MiB of zeros in ~200 KB
    add_raw_deflated(p, "xl/media/image1.png", raw, crc, 200 << 20)
    return p


def c_bomb_ratio(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "rasio.xlsx", add={"xl/media/image1.png": bytes(5 << 20)}
    )


def c_bomb_lying_size(d: Path) -> Path:
    text = b"<a>" + b"isi yang panjang " * 20_000 + b"</a>"
    p = rewrite(valid_xlsx(d / "b.xlsx"), d / "bohong.xlsx", add={"docProps/extra.xml": text})
    patch_entry(p, "docProps/extra.xml", file_size=1_000)  # the directory understates it
    return p


def c_too_many_entries(d: Path) -> Path:
    p = valid_xlsx(d / "banyak.xlsx")
    with zipfile.ZipFile(p, "a") as z:
        for i in range(safety.MAX_ENTRIES):
            z.writestr(f"xl/media/f{i}.txt", "x")
    return p


def c_end_record_lies(d: Path) -> Path:  # refused before zipfile parses anything
    p = valid_xlsx(d / "eocd.xlsx")
    data = bytearray(p.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, at + 8, 0xFFFF, 0xFFFF)
    p.write_bytes(bytes(data))
    return p


def zip64_xlsx(d: Path) -> Path:
    """A valid workbook whose end of directory is written with zip64 records."""
    base = valid_xlsx(d / "b.xlsx")
    limit = zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP_FILECOUNT_LIMIT = 1  # makes zipfile write the zip64 end records
    try:
        return rewrite(base, d / "z64.xlsx")
    finally:
        zipfile.ZIP_FILECOUNT_LIMIT = limit


def c_zip64_record_lies(d: Path) -> Path:  # zipfile would trust the zip64 record
    p = zip64_xlsx(d)
    data = bytearray(p.read_bytes())
    at = data.rfind(b"PK\x06\x06")
    struct.pack_into("<QQ", data, at + 24, 5_000_000, 5_000_000)
    p.write_bytes(bytes(data))
    return p


def c_duplicate(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "ganda.xlsx", add={"XL/Workbook.xml": "<workbook/>"}
    )


def c_bzip2(d: Path) -> Path:
    p = valid_xlsx(d / "bz.xlsx")
    with zipfile.ZipFile(p, "a") as z:
        z.writestr("docProps/x.xml", "<a/>", compress_type=zipfile.ZIP_BZIP2)
    return p


def c_zip_encrypted(d: Path) -> Path:
    p = rewrite(valid_xlsx(d / "b.xlsx"), d / "zipcrypt.xlsx", add={"docProps/x.xml": "<a/>"})
    patch_entry(p, "docProps/x.xml", flags=0x1)
    return p


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE workbook [\n<!ENTITY a "ha">\n'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">\n' for i in range(9))
    + f']>\n<workbook xmlns="{MAIN_NS}"><sheets><sheet name="&j;" sheetId="1"/></sheets>'
    "</workbook>"
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?>\n<!DOCTYPE workbook [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    f'<workbook xmlns="{MAIN_NS}"><sheets><sheet name="&x;" sheetId="1"/></sheets></workbook>'
)


def c_billion_laughs(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "tawa.xlsx", replace={"xl/workbook.xml": BILLION_LAUGHS}
    )


def c_external_entity(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "xxe.xlsx", replace={"xl/workbook.xml": EXTERNAL_ENTITY}
    )


def c_doctype_utf16_sheet(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>').replace(
        "\n", '\n<!DOCTYPE worksheet [<!ENTITY e "x">]>\n', 1
    )
    body = body.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return with_sheet(d, b"\xff\xfe" + body.encode("utf-16-le"), "utf16.xlsx")


def c_doctype_lowercase_other_part(d: Path) -> Path:
    app = '<?xml version="1.0"?><!doctype x><Properties/>'
    return rewrite(valid_xlsx(d / "b.xlsx"), d / "app.xlsx", replace={"docProps/app.xml": app})


def c_entity_without_doctype(d: Path) -> Path:
    core = '<?xml version="1.0"?><cp:coreProperties><!ENTITY x "y"></cp:coreProperties>'
    return rewrite(valid_xlsx(d / "b.xlsx"), d / "ent.xlsx", replace={"docProps/core.xml": core})


def c_doctype_across_chunks(d: Path) -> Path:
    # stored, so the reader's 64 KiB chunks split the declaration in two
    text = b"<a>" + b" " * (64 * 1024 - 7) + b"<!DOCTYPE a>" + b" " * 1000 + b"</a>"
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "potong.xlsx", add={"docProps/big.xml": text}, stored=True
    )


def c_doctype_in_unnamed_xml(d: Path) -> Path:
    text = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><r/>'
    return rewrite(valid_xlsx(d / "b.xlsx"), d / "dat.xlsx", add={"xl/custom/item.dat": text})


def c_ebcdic(d: Path) -> Path:
    core = '<?xml version="1.0" encoding="cp037"?>'
    return rewrite(valid_xlsx(d / "b.xlsx"), d / "ebcdic.xlsx", replace={"docProps/core.xml": core})


def c_malformed_workbook(d: Path) -> Path:
    return rewrite(
        valid_xlsx(d / "b.xlsx"), d / "rusak.xlsx", replace={"xl/workbook.xml": "<workbook><sh"}
    )


def c_main_part_too_large(d: Path) -> Path:
    base = valid_xlsx(d / "b.xlsx")
    with zipfile.ZipFile(base) as z:
        workbook = z.read("xl/workbook.xml")
    padded = workbook + b" " * safety.MAX_MAIN_PART_SIZE
    return rewrite(base, d / "wb.xlsx", replace={"xl/workbook.xml": padded}, stored=True)


def c_far_cell_utf16(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    body = body.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return with_sheet(d, b"\xff\xfe" + body.encode("utf-16-le"), "utf16_jauh.xlsx")


def c_dimension(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>', dimension="A1:A1000000")
    return with_sheet(d, body, "dimensi.xlsx")


def c_far_cell(d: Path) -> Path:  # makes calamine abort the process (512 GiB allocation)
    body = sheet_xml(
        '<row r="1"><c r="A1"><v>1</v></c></row>'
        '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    )
    return with_sheet(d, body, "jauh.xlsx")


def c_far_column(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="GS1"><v>2</v></c></row>')
    return with_sheet(d, body, "kolom.xlsx")


def c_cells_without_r(d: Path) -> Path:  # calamine places them one after another
    body = sheet_xml("<row>" + "<c><v>1</v></c>" * 300 + "</row>")
    return with_sheet(d, body, "tanpa_r.xlsx")


def c_rows_without_r(d: Path) -> Path:
    body = sheet_xml("<row/>" * 10_001 + "<row><c><v>1</v></c></row>")
    return with_sheet(d, body, "baris_tanpa_r.xlsx")


def c_second_r(d: Path) -> Path:  # calamine uses the last of two r attributes
    body = sheet_xml('<row r="1"><c r="A1" r="XFD1"><v>1</v></c></row>')
    return with_sheet(d, body, "dua_r.xlsx")


def c_r_hidden_in_value(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c foo=" r=\'A1\' >" r="XFD5"><v>1</v></c></row>')
    return with_sheet(d, body, "nilai.xlsx")


def c_prefixed_cells(d: Path) -> Path:
    body = (
        f'<?xml version="1.0"?><x:worksheet xmlns:x="{MAIN_NS}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="ZZZ1"><x:v>2</x:v></x:c></x:row>'
        "</x:sheetData></x:worksheet>"
    )
    return with_sheet(d, body, "prefiks.xlsx")


def c_too_many_cells(d: Path) -> Path:
    cells = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"/>' for c in "ABCDEFGHIJ") + "</row>"
        for r in range(1, 10_002)
    )
    return with_sheet(d, sheet_xml(cells), "sel.xlsx")


def c_too_many_attributes(d: Path) -> Path:
    attrs = "".join(f' a{i}="{i}"' for i in range(40))
    body = sheet_xml(f'<row r="1"><c{attrs} r="XFD1"><v>1</v></c><c><v>2</v></c></row>')
    return with_sheet(d, body, "atribut.xlsx")


def c_too_many_tags(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + "<x/>" * 450_001)
    return with_sheet(d, body, "tag.xlsx", stored=True)


def c_sheet_part_too_large(d: Path) -> Path:
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>') + " " * safety.MAX_SHEETS_SIZE
    return with_sheet(d, body, "lembar_besar.xlsx", stored=True)


def c_sheets_together_too_large(d: Path) -> Path:
    pad = " " * (safety.MAX_SHEETS_SIZE // 2 + 1)
    body = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>') + pad
    return rewrite(
        valid_xlsx(d / "b.xlsx"),
        d / "dua_lembar.xlsx",
        replace={SHEET: body, "xl/worksheets/sheet2.xml": body},
        stored=True,
    )


def c_sheet_elsewhere(d: Path) -> Path:  # the workbook points its sheet at another part
    base = valid_xlsx(d / "b.xlsx")
    with zipfile.ZipFile(base) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace("worksheets/sheet1.xml", "data/isian.xml")
    far = sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>')
    return rewrite(
        base,
        d / "lain.xlsx",
        replace={"xl/_rels/workbook.xml.rels": rels},
        add={"xl/data/isian.xml": far},
    )


def c_shared_strings_too_large(d: Path) -> Path:
    sst = f'<sst xmlns="{MAIN_NS}">' + " " * safety.MAX_SHARED_STRINGS_SIZE + "</sst>"
    base = valid_xlsx(d / "b.xlsx")
    return rewrite(base, d / "teks.xlsx", replace={"xl/sharedStrings.xml": sst}, stored=True)


def c_symlink(d: Path) -> Path:
    target = valid_xlsx(d / "asli.xlsx")
    link = d / "tautan.xlsx"
    link.symlink_to(target)
    return link


def c_dangling_symlink(d: Path) -> Path:
    link = d / "putus.xlsx"
    link.symlink_to(d / "tidak_ada.xlsx")
    return link


def c_directory(d: Path) -> Path:
    p = d / "x.xlsx"
    p.mkdir()
    (p / "isi.txt").write_text("folder")
    return p


def c_fifo(d: Path) -> Path:  # opening it for reading would block forever
    p = d / "pipa.xlsx"
    os.mkfifo(p)
    return p


def c_missing(d: Path) -> Path:
    return d / "hilang.xlsx"


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types")

CASES: list[tuple[Callable[[Path], Path], str, str]] = [
    (c_empty, "empty", "berkas kosong (0 byte)"),
    (c_ole_xls, "xls_legacy", "format Excel lama (.xls"),
    (c_ole_encrypted, "encrypted", "dilindungi kata sandi"),
    (c_csv, "not_zip", "berkas teks/CSV yang diberi nama .xlsx"),
    (c_csv_pk, "not_zip", "berkas teks/CSV yang diberi nama .xlsx"),
    (c_utf16_text, "not_zip", "berkas teks/CSV yang diberi nama .xlsx"),
    (c_html, "not_zip", "halaman web (HTML)"),
    (c_pdf, "not_zip", "dokumen PDF"),
    (c_binary, "not_zip", "tidak dikenali"),
    (c_truncated, "corrupt_zip", "rusak atau tidak lengkap"),
    (c_bad_crc, "corrupt_zip", "rusak atau tidak lengkap"),
    (c_too_large, "file_too_large", "melebihi batas 20 MB"),
    (c_ods_without_content, "corrupt_zip", "rusak atau tidak lengkap"),
    (c_odt, "zip_not_workbook", "dokumen OpenDocument yang bukan lembar kerja"),
    (c_docx, "zip_not_workbook", "dokumen Word (.docx)"),
    (c_plain_zip, "zip_not_workbook", "arsip zip biasa"),
    (c_xlsb, "zip_not_workbook", "(.xlsb)"),
    (c_vba, "macro", "berisi makro (VBA)"),
    (c_vba_upper, "macro", "berisi makro (VBA)"),
    (c_macro_content_type, "macro", "berisi makro (VBA)"),
    (c_macrosheet, "macro", "berisi makro (VBA)"),
    (c_bomb_total, "zip_bomb", "berukuran 200 MB (batas 50 MB)"),
    (c_bomb_ratio, "zip_bomb", "memampat"),
    (c_bomb_lying_size, "zip_bomb", "lebih besar daripada ukuran yang tercatat"),
    (c_too_many_entries, "too_many_entries", "batas 1.000"),
    (c_end_record_lies, "too_many_entries", "terlalu banyak bagian"),
    (c_zip64_record_lies, "too_many_entries", "5.000.000"),
    (c_duplicate, "zip_duplicate", "bernama sama dua kali"),
    (c_bzip2, "zip_unsupported", "tidak dipakai Excel"),
    (c_zip_encrypted, "zip_unsupported", "tidak dipakai Excel"),
    (c_billion_laughs, "xml_doctype", "deklarasi DOCTYPE/ENTITY yang tidak diizinkan"),
    (c_external_entity, "xml_doctype", "bagian 'xl/workbook.xml'"),
    (c_doctype_utf16_sheet, "xml_doctype", "kemungkinan berkas berbahaya"),
    (c_doctype_lowercase_other_part, "xml_doctype", "docProps/app.xml"),
    (c_entity_without_doctype, "xml_doctype", "docProps/core.xml"),
    (c_doctype_across_chunks, "xml_doctype", "docProps/big.xml"),
    (c_doctype_in_unnamed_xml, "xml_doctype", "xl/custom/item.dat"),
    (c_ebcdic, "xml_encoding", "'cp037'"),
    (c_malformed_workbook, "xml_invalid", "bagian 'xl/workbook.xml' di dalam berkas rusak"),
    (c_main_part_too_large, "part_too_large", "bagian 'xl/workbook.xml' berukuran"),
    (c_dimension, "sheet_too_big", "area terpakai A1:A1000000"),
    (c_far_cell, "sheet_too_big", "sampai baris 1.048.576"),
    (c_far_column, "sheet_too_big", "sampai kolom GS (kolom ke-201"),
    (c_far_cell_utf16, "sheet_too_big", "kolom XFD"),
    (c_cells_without_r, "sheet_too_big", "kolom ke-300"),
    (c_rows_without_r, "sheet_too_big", "sampai baris 10.002"),
    (c_second_r, "sheet_too_big", "kolom XFD"),
    (c_r_hidden_in_value, "sheet_too_big", "kolom XFD"),
    (c_prefixed_cells, "sheet_too_big", "kolom ZZZ"),
    (c_too_many_cells, "sheet_too_big", "berisi 100.010 sel (batas 100.000)"),
    (c_too_many_attributes, "xml_invalid", "tag baris atau sel yang tidak wajar"),
    (c_too_many_tags, "sheet_too_big", "terlalu banyak elemen XML"),
    (c_sheet_part_too_large, "sheet_too_big", "(batas 5 MB)"),
    (c_sheets_together_too_large, "sheet_too_big", "lembar-lembar kerja bersama-sama"),
    (c_sheet_elsewhere, "sheet_too_big", "bagian xl/data/isian.xml"),
    (c_shared_strings_too_large, "shared_strings_too_large", "(batas 10 MB)"),
    pytest.param(c_symlink, "symlink", "tautan simbolik", marks=posix_only),
    pytest.param(c_dangling_symlink, "symlink", "salin berkas aslinya", marks=posix_only),
    (c_directory, "directory", "'x.xlsx' adalah sebuah folder"),
    pytest.param(c_fifo, "special_file", "bukan berkas biasa", marks=posix_only),
    (c_missing, "not_found", "tidak ditemukan"),
]


def _id(case) -> str:
    values = case.values if hasattr(case, "values") else case
    return values[0].__name__.removeprefix("c_")


def sha256(path: Path) -> str | None:
    """The file's hash, or None when it is not a regular file (never opens a FIFO)."""
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def timed(path: Path):
    """The problems and the CPU seconds this process spent on the inspection: the wall
    clock of a busy 2-core machine (the suite runs beside other work) made the limit
    fail on reruns that then passed; a hostile file's cost is CPU, and CPU is what the
    limit bounds."""
    start = time.process_time()
    problems = inspect_file(path)
    return problems, time.process_time() - start


# --- Tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("build", "code", "fragment"), CASES, ids=[_id(c) for c in CASES])
def test_refused_with_reason(tmp_path, build, code, fragment):
    path = build(tmp_path)
    before = sha256(path)

    problems, elapsed = timed(path)

    assert [p.code for p in problems] == [code], problems
    problem = problems[0]
    assert fragment in problem.message
    assert problem.severity is Severity.ERROR and problem.blocking
    assert problem.file == path.name
    assert code in safety.REASON_CODES
    assert elapsed < TIME_LIMIT, f"{elapsed:.2f} s"
    assert sha256(path) == before  # inspection never changes the file


def test_every_reason_code_is_documented_and_tested():
    tested = {(c.values if hasattr(c, "values") else c)[1] for c in CASES}
    assert tested <= set(safety.REASON_CODES)
    # the OS refusal and the catch-all for our own bugs have tests of their own
    assert set(safety.REASON_CODES) - tested == {"inspect_failed", "unreadable_file"}


def test_valid_xlsxwriter_workbook_passes(tmp_path):
    path = valid_xlsx(tmp_path / "isian.xlsx")
    before = sha256(path)
    problems, elapsed = timed(path)
    assert problems == []
    assert elapsed < TIME_LIMIT
    assert sha256(path) == before


def test_libreoffice_saved_fixture_passes():
    before = sha256(FIXTURE)
    assert inspect_file(FIXTURE) == []
    assert sha256(FIXTURE) == before


def test_real_template_passes(tmp_path):
    from pipeline.domain.master import load_master
    from pipeline.paths import SAMPLE_MASTER
    from pipeline.workbook.templates import write_template

    path = tmp_path / "templat.xlsx"
    write_template(load_master(SAMPLE_MASTER), "KETAHANAN", path)
    assert inspect_file(path) == []


def test_sheet_at_the_limits_passes(tmp_path):
    """The last row and column allowed, cells without r in order, a styled empty row."""
    last = safety.MAX_ROWS
    body = sheet_xml(
        '<row r="1" spans="1:3" ht="30" customHeight="1"><c r="A1" s="1" t="s"><v>0</v></c>'
        "<c><v>1</v></c><c><v>2</v></c></row>"
        f'<row r="{last}"><c r="GR{last}"><v>1</v></c></row>',
        dimension=f"A1:GR{last}",
    )
    assert inspect_file(with_sheet(tmp_path, body)) == []


def test_long_cell_passes_and_calamine_reads_it(tmp_path):
    """A 100,000-character cell (Excel's limit is 32,767) is not the gate's business."""
    from python_calamine import CalamineWorkbook

    text = ("capaian " * 12_500)[:-1] + "."  # no trailing space: calamine trims it
    assert len(text) == 100_000
    body = sheet_xml(f'<row r="1"><c r="A1" t="inlineStr"><is><t>{text}</t></is></c></row>')
    path = with_sheet(tmp_path, body)
    assert inspect_file(path) == []
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Isian").to_python()
    assert grid[0][0] == text  # read whole, not truncated


def test_bomb_is_real(tmp_path):
    """The bomb of the table really inflates to 200 MiB: the gate's refusal is earned."""
    raw, crc = zeros_deflated(3)
    out = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw)
    assert out == bytes(3 << 20) and zlib.crc32(out) == crc
    path = c_bomb_total(tmp_path)
    assert path.stat().st_size < 400_000
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/media/image1.png").file_size == 200 << 20


def test_never_raises_on_damaged_files(tmp_path):
    """Random byte damage anywhere: a refusal or a pass, never an exception or a hang."""
    good = valid_xlsx(tmp_path / "good.xlsx").read_bytes()
    rng = random.Random(20240501)
    for i in range(150):
        data = bytearray(good)
        for _ in range(rng.choice((1, 3, 20))):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"rusak{i}.xlsx"
        path.write_bytes(bytes(data))
        problems, elapsed = timed(path)
        assert elapsed < TIME_LIMIT
        assert all(p.code in safety.REASON_CODES for p in problems)
        assert not any(p.code == "inspect_failed" for p in problems), problems


def test_zip64_end_records_pass(tmp_path):
    path = zip64_xlsx(tmp_path)
    assert b"PK\x06\x06" in path.read_bytes()
    assert inspect_file(path) == []


def test_unreadable_file(tmp_path, monkeypatch):
    path = valid_xlsx(tmp_path / "terkunci.xlsx")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safety.os, "open", refuse)  # root could read a chmod 0 file
    problems = inspect_file(path)
    assert [p.code for p in problems] == ["unreadable_file"]
    assert "Permission denied" in problems[0].message


def test_a_bug_is_a_refusal_not_a_traceback(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(safety, "_check_sheet", broken)
    problems = inspect_file(valid_xlsx(tmp_path / "isian.xlsx"))
    assert [p.code for p in problems] == ["inspect_failed"]
    assert "RuntimeError" in problems[0].message
