"""Write the master as a workbook (``iku master ke-xlsx``, ``iku master baru``).

The layout is ``domain.masterbook``'s; this module only decides how it looks. Every sheet
has a title, a line saying what a row is, and a header row whose cells each carry a
comment: what the key means (the model's own description), the workbook's own note, an
example (the bundled sample agency's value, else an example master's, else the model's
example), the choices, and the kinds of indicator it applies to. Closed choices get a
drop-down list (data validation, its values on the hidden ``Daftar`` sheet: Excel limits a
literal list to 255 characters); columns that apply only to some kinds of indicator are
greyed, row by row, while the row's Jenis is another kind (conditional formatting, so the
grey follows the Jenis a clerk picks). Text columns are formatted as text (``@``), so a
code typed as ``1.1`` or a NIP stays as typed.

The workbook is not protected: the secretariat owns every cell. Text from the master is
written as strings, with Excel's quote prefix where it would look like a formula. The
output is deterministic: the same data give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from .. import paths
from ..domain import masterbook as mb
from ..domain import spec
from ..domain.master import DEFAULT_GRADE_SCALE, master_data
from ..office.atomic import write_atomically
from .templates import WORKBOOK_OPTIONS, Styles, wrapped_lines

HEADER_FILL = "#DDEBF7"
REQUIRED_FILL = "#FCE4D6"  # the header of a key that must be written
GREY = "#D9D9D9"
DATE_FORMAT = "yyyy-mm-dd"

GUIDE = (
    "Buku kerja ini adalah master instansi: semua yang dicetak laporan IKU, Capaian IKU, "
    "laporan triwulan, Bab III LKjIP dan Perjanjian Kinerja. Isi setiap lembar; arahkan "
    "kursor ke judul kolom (bertanda segitiga merah) untuk arti, contoh dan pilihannya.",
    "Judul kolom berwarna jingga wajib diisi; yang lain boleh dikosongkan (bawaannya "
    "berlaku, tertulis di catatan judul).",
    f"Sel kosong: tidak ditulis (bawaan berlaku). {mb.NULL}: ditulis tanpa isi, mis. Batas "
    f"atas capaian {mb.NULL} berarti tanpa batas, Angka awal RPJMD {mb.NULL} dicetak NA, "
    f"Sebutan instansi {mb.NULL} berarti baris itu tidak dicetak.",
    "Angka diketik tanpa tanda % dan tanpa pemisah ribuan, dengan koma atau titik desimal "
    "(93,55); jangan memakai format persen. NA berarti belum ditetapkan. Rentang ditulis "
    "80\u201390, ambang \u2265 95 atau minimal 80. Tanggal: TTTT-BB-HH (2022-01-31) atau "
    "tanggal Excel.",
    "Daftar dalam satu sel (unit pelapor, kode lama, kolom tambahan) dipisah koma; sumber "
    "data satu per baris sel (Alt+Enter di Excel, Ctrl+Enter di LibreOffice).",
    "Kolom abu-abu di lembar Indikator tidak berlaku untuk jenis indikator di baris itu.",
    "Jangan mengganti nama lembar atau judul kolom, dan jangan menggabungkan sel (merge). "
    "Baris boleh ditambah atau dihapus; urutan kolom boleh diubah.",
    "Periksa master dengan: iku validate -c master.xlsx (setiap kesalahan disebut dengan "
    "lembar dan selnya). Simpan sebagai .xlsx (atau .ods di LibreOffice).",
    "Master YAML tetap dapat dipakai: iku master ke-yaml master.xlsx --out master.yaml, "
    "dan sebaliknya iku master ke-xlsx master.yaml --out master.xlsx.",
)


def write_master_workbook(data: dict[str, Any], target: Path | str | IO[bytes]) -> None:
    """Write the master's data (as a YAML master holds it) as a workbook, to a path
    (atomically) or a binary buffer."""
    if not isinstance(target, (str, os.PathLike)):
        _build(data, target)
        return
    buffer = io.BytesIO()
    _build(data, buffer)
    write_atomically(Path(target), buffer.getvalue())


def _build(data: dict[str, Any], target: str | IO[bytes]) -> None:
    book = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    styles = Styles(book)
    agency = data.get("instansi") if isinstance(data.get("instansi"), dict) else {}
    year = agency.get("tahun") if isinstance(agency.get("tahun"), int) else 2000
    book.set_properties({
        "title": f"Master IKU {agency.get('nama', '')} {year}".strip(),
        "subject": "Master instansi untuk iku",
        "author": str(agency.get("nama", "")),
        "comments": "Master IKU; lembar Petunjuk menjelaskan cara mengisi.",
        "created": dt.datetime(min(max(year, 2000), 2100), 1, 1),
    })
    book.set_custom_property("jenis_dokumen", mb.DOC_KIND, "text")
    _write_guide(book, styles, agency)
    lists = _Lists(book)
    rows = mb.rows_of(data)
    for sheet in mb.SHEETS:
        ws = book.add_worksheet(sheet.name)
        if sheet.form:
            _write_form(ws, styles, lists, sheet, rows[sheet.name])
        else:
            _write_table(ws, styles, lists, sheet, rows[sheet.name])
    lists.finish(styles)
    meta = book.add_worksheet(mb.META_SHEET)
    for r, (key, value) in enumerate((("jenis_dokumen", mb.DOC_KIND),
                                      ("versi_tata_letak", mb.LAYOUT_VERSION))):
        meta.write_string(r, 0, key)
        meta.write_string(r, 1, value)
    meta.hide()
    book.close()


# --- the sheets ------------------------------------------------------------------------------


def _write_guide(book: xlsxwriter.Workbook, styles: Styles, agency: dict) -> None:
    ws = book.add_worksheet(mb.GUIDE_SHEET)
    ws.set_column(0, 0, 110)
    title = styles.get(bold=True, font_size=14)
    wrap = styles.get(text_wrap=True, valign="top", font_size=11)
    bold = styles.get(bold=True, font_size=11)
    name = " ".join(str(agency.get(k, "")) for k in ("nama", "tahun")).strip()
    ws.write_string(0, 0, f"MASTER IKU {name}".strip(), title)
    row = 2
    for text in GUIDE:
        ws.write_string(row, 0, text, wrap)
        ws.set_row(row, 15 * max(1, -(-len(text) // 120)) + 4)
        row += 1
    row += 1
    ws.write_string(row, 0, "Lembar-lembar:", bold)
    for sheet in mb.SHEETS:
        row += 1
        ws.write_rich_string(row, 0, bold, f"{sheet.name}: ", wrap, sheet.about, wrap)
        ws.set_row(row, 15 * max(1, -(-len(sheet.about) // 110)) + 4)
    ws.activate()


def _write_title(ws: Worksheet, styles: Styles, sheet: mb.Sheet, width: int) -> None:
    ws.write_string(mb.TITLE_ROW, 0, sheet.name.upper(), styles.get(bold=True, font_size=13))
    ws.write_string(mb.TITLE_ROW + 1, 0, sheet.about, styles.get(italic=True,
                                                                 font_color="#404040"))


def _header_format(styles: Styles, f: mb.Field):
    fill = REQUIRED_FILL if _required(f) else HEADER_FILL
    return styles.get(bold=True, text_wrap=True, align="center", valign="vcenter", border=1,
                      bg_color=fill, font_size=10)


def _write_table(ws: Worksheet, styles: Styles, lists: _Lists, sheet: mb.Sheet,
                 rows: list[mb.Row]) -> None:
    _write_title(ws, styles, sheet, len(sheet.fields))
    last = mb.FIRST_ROW + mb.DATA_ROWS - 1
    for col, f in enumerate(sheet.fields):
        ws.write_string(mb.HEADER_ROW, col, f.label, _header_format(styles, f))
        ws.write_comment(mb.HEADER_ROW, col, comment(f), _COMMENT)
        ws.set_column(col, col, f.width, _column_format(styles, f))
        _validate(ws, lists, f, mb.FIRST_ROW, col, last)
    ws.set_row(mb.HEADER_ROW, 32)
    for r, row in enumerate(rows):
        lines = 1
        for col, f in enumerate(sheet.fields):
            _write_value(ws, styles, mb.FIRST_ROW + r, col, f, row.get(f, mb.MISSING))
            lines = max(lines, _lines(f, row.get(f, mb.MISSING), f.width))
        if lines > 1:
            ws.set_row(mb.FIRST_ROW + r, 13 * lines + 2)
    if sheet is mb.INDIKATOR:
        _grey_by_kind(ws, styles, sheet, last)
    ws.freeze_panes(mb.FIRST_ROW, 2 if sheet is mb.INDIKATOR else 0)
    _print_setup(ws, wide=sum(f.width for f in sheet.fields) > 250)


def _write_form(ws: Worksheet, styles: Styles, lists: _Lists, sheet: mb.Sheet,
                rows: list[mb.Row]) -> None:
    _write_title(ws, styles, sheet, 3)
    row = rows[0] if rows else {}
    head = styles.get(bold=True, border=1, bg_color=HEADER_FILL, font_size=10)
    for col, (text, width) in enumerate(zip(mb.FORM_HEADER, (30, 60, 60), strict=True)):
        ws.write_string(mb.HEADER_ROW, col, text, head)
        ws.set_column(col, col, width)
    hint = styles.get(italic=True, font_color="#595959", text_wrap=True, valign="top",
                      font_size=9)
    for n, f in enumerate(sheet.fields):
        r = mb.FIRST_ROW + n
        label = styles.get(bold=True, border=1, valign="top", font_size=10,
                           bg_color=REQUIRED_FILL if _required(f) else "#FFFFFF")
        ws.write_string(r, 0, f.label, label)
        ws.write_comment(r, 0, comment(f), _COMMENT)
        _write_value(ws, styles, r, 1, f, row.get(f, mb.MISSING), border=True)
        lines = _lines(f, row.get(f, mb.MISSING), 60)
        if lines > 1:
            ws.set_row(r, 13 * lines + 2)
        ws.write_string(r, 2, short_hint(f), hint)
        _validate(ws, lists, f, r, 1, r)
    ws.freeze_panes(mb.FIRST_ROW, 0)
    _print_setup(ws)


def _print_setup(ws: Worksheet, wide: bool = False) -> None:
    """A4 landscape, the header repeated; one page wide unless the table is too wide to
    read so (Indikator: its columns run over pages)."""
    ws.set_landscape()
    ws.set_paper(9)
    if not wide:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(mb.HEADER_ROW)


_COMMENT = {"author": "iku", "x_scale": 3, "y_scale": 2.2, "font_size": 9}
_TEXT_FORMS = ("plain", "item", "lines", "codes", "choice", "scale", "parts", "accumulation")


def _lines(f: mb.Field, raw: Any, width: float) -> int:
    """Lines a wrapped text cell needs (neither xlsxwriter nor every client fits heights)."""
    value = mb.to_cell(f, raw)
    if not isinstance(value, str) or "text_wrap" not in _props(f, border=True):
        return 1
    return min(wrapped_lines(value, width), 15)


def _props(f: mb.Field, border: bool = False) -> dict[str, Any]:
    form = mb.form_of(f)
    props: dict[str, Any] = {"valign": "top", "font_size": 10}
    if border:
        props["border"] = 1
    if form in _TEXT_FORMS:
        props["num_format"] = "@"
    if form in ("plain", "item", "lines") and (f.width >= 25 or border):
        props["text_wrap"] = True
    if form == "date":
        props["num_format"] = DATE_FORMAT
    return props


def _column_format(styles: Styles, f: mb.Field):
    return styles.get(**_props(f))


def _write_value(ws: Worksheet, styles: Styles, row: int, col: int, f: mb.Field, raw: Any,
                 border: bool = False) -> None:
    value = mb.to_cell(f, raw)
    props = _props(f, border)
    if value is None:
        if border:
            ws.write_blank(row, col, None, styles.get(**props))
        return
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()),
                          styles.get(**{**props, "num_format": DATE_FORMAT}))
    elif isinstance(value, int | float):
        props.pop("num_format", None)
        ws.write_number(row, col, value, styles.get(**props))
    else:
        fmt = styles.get(**props)
        if value.startswith(spec.FORMULA_TRIGGERS):
            fmt = styles.quoted(fmt)
        ws.write_string(row, col, value, fmt)


def _grey_by_kind(ws: Worksheet, styles: Styles, sheet: mb.Sheet, last: int) -> None:
    """Grey a kind-specific cell while its row's Jenis is another kind."""
    kind_col = spec.col_letter(sheet.fields.index(sheet.field("sasaran.indikator.jenis")))
    default = mb.model_field("sasaran.indikator.jenis").default.value
    grey = styles.get(bg_color=GREY, font_color="#7F7F7F")
    first = mb.FIRST_ROW + 1
    for col, f in enumerate(sheet.fields):
        kinds = mb.kinds_of(f)
        if not kinds:
            continue
        tests = [f'${kind_col}{first}="{k}"' for k in kinds]
        if default in kinds:
            tests.append(f'${kind_col}{first}=""')
        ws.conditional_format(mb.FIRST_ROW, col, last, col, {
            "type": "formula", "criteria": f"=NOT(OR({','.join(tests)}))", "format": grey})


class _Lists:
    """The drop-down lists, each a column of the hidden ``Daftar`` sheet."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.columns: dict[tuple[str, ...], int] = {}

    def source(self, values: tuple[str, ...]) -> str:
        col = self.columns.setdefault(values, len(self.columns))
        letter = spec.col_letter(col)
        return f"={mb.LISTS_SHEET}!${letter}$1:${letter}${len(values)}"

    def finish(self, styles: Styles) -> None:
        ws = self.book.add_worksheet(mb.LISTS_SHEET)
        text = styles.get(num_format="@")
        for values, col in self.columns.items():
            for r, value in enumerate(values):
                ws.write_string(r, col, value, styles.quoted(text)
                                if value.startswith(spec.FORMULA_TRIGGERS) else text)
        ws.hide()


def _validate(ws: Worksheet, lists: _Lists, f: mb.Field, first: int, col: int,
              last: int) -> None:
    values = mb.choices(f)
    if not values:
        return
    shown = ", ".join(values)
    closed = not f.options
    message = (f"Pilih dari daftar: {shown}." if closed else
               f"Pilih dari daftar ({shown}) atau ketik kode warna #RRGGBB.")
    ws.data_validation(first, col, last, col, {
        "validate": "list", "source": lists.source(values), "ignore_blank": True,
        "error_type": "stop" if closed else "warning", "error_title": f.label[:32],
        "error_message": _cut(message + f" Kosongkan sel untuk bawaan, atau tulis {mb.NULL}."
                              if closed else message, 255)})


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


# --- what each header says ---------------------------------------------------------------


def _required(f: mb.Field) -> bool:
    if f.is_link:
        return True
    if f.part is not None:
        return False
    return mb.model_field(f.path).is_required()


def short_hint(f: mb.Field) -> str:
    """The Keterangan of a form row: required or its default, and the choices."""
    if _required(f):
        text = "wajib"
    else:
        info = mb.model_field(f.path)
        default = info.default
        if hasattr(default, "value"):
            default = default.value
        if isinstance(default, bool):
            default = mb.YES if default else mb.NO
        text = "boleh kosong" if default in (None, "", (), []) or info.default_factory \
            else f"kosong: {default}"
    values = mb.choices(f)
    if values and len(", ".join(values)) <= 60:
        text += f"; pilihan: {', '.join(values)}"
    return text


def comment(f: mb.Field) -> str:
    """The header comment: meaning, example, choices, kinds, required or default."""
    if f.is_link:
        lines = [f"{f.label}: {f.note}."]
    else:
        description = mb.model_field(f.path).description or ""
        lines = [f"{f.label}: {description}." + (f" Di buku kerja: {f.note}." if f.note else "")]
        if f.part is not None:
            lines = [f"{f.label}: {f.note}. {description}."]
    lines.append(f"Contoh: {mb.example_of(f)}")
    values = mb.choices(f)
    if values:
        lines.append(("Pilihan: " if not f.options else "Misalnya: ") + ", ".join(values))
    kinds = mb.kinds_of(f)
    if kinds:
        lines.append(f"Hanya untuk jenis: {', '.join(kinds)} (abu-abu untuk jenis lain).")
    lines.append("Wajib diisi." if _required(f) else f"Boleh kosong ({short_hint(f)}).")
    return "\n".join(lines)


# --- a new master ---------------------------------------------------------------------------


def example_data() -> dict[str, Any]:
    """A new master: the bundled sample agency cut to one example row per sheet (its
    first indicator, that indicator's first reporting unit, one function and one IKU row
    each), a budget line, a named scale and the default predikat scale, so that the
    workbook shows every part filled once and is a valid master as it stands."""
    data = master_data(paths.SAMPLE_MASTER.read_text(encoding="utf-8"))
    agency = dict(data["instansi"])
    agency["fungsi"] = agency.get("fungsi", [])[:1]
    agency["iku"] = agency.get("iku", [])[:1]
    sasaran = dict(data["sasaran"][0])
    indicator = dict(sasaran["indikator"][0])
    code = indicator["unit_pelapor"][0]
    indicator["unit_pelapor"] = [code]
    sasaran["indikator"] = [indicator]
    sasaran["anggaran"] = [{"program": "Program Peningkatan Peran Partai Politik dan "
                                       "Lembaga Pendidikan melalui Pendidikan Politik",
                            "pagu": 250_000_000, "keterangan": "APBD"}]
    unit = dict(next(u for u in data["unit"] if u["kode"] == code))
    unit["fungsi"] = unit.get("fungsi", [])[:1]
    unit["iku"] = unit.get("iku", [])[:1]
    settings = dict(data.get("pengaturan") or {})
    settings["skala_predikat"] = [
        {"predikat": g, "di_atas": a, "warna": w} if a is not None else
        {"predikat": g, "warna": w} for g, a, w in DEFAULT_GRADE_SCALE]
    settings["skala"] = {"opini_bpk": ["WTP", "WDP", "TW", "TMP"]}
    return {"versi_skema": data["versi_skema"], "instansi": agency, "unit": [unit],
            "sasaran": [sasaran], "pengaturan": settings}


