"""Write the blank workbook (``Isian_IKU_<tahun>_<KODE>.xlsx``) each unit fills in.

The layout comes from ``spec`` alone; this module only decides how it looks. The sheet
``Isian`` holds a title, the agency and unit, a block of instructions, the header row at
``spec.HEADER_ROW`` and one row per indicator the unit reports, in master order. Staff type
the counts x1 and x2 (and, optionally, a Catatan and an Analisis text) into the yellow
cells; Realisasi and % Capaian are live formulas for their convenience only: the pipeline
recomputes every figure from x1 and x2 and never reads the formulas' results.

Sheet protection is switched on **without a password**, on purpose: it guards against
accidental edits (typing over a Kode, inserting rows), not against a determined user, and
the secretariat must be able to unprotect the sheet (Review › Unprotect Sheet) to correct
a submission by hand. The hidden ``Metadata`` sheet and the custom document properties
identify the unit and the template version; users can unhide and edit them, so the reader
verifies them against the master (see ``spec.definition_fingerprint``) rather than trusting them.

Everything taken from the master is written with ``write_string``; text that a spreadsheet
would treat as a formula when retyped (starting with = + - @, tab or CR) also gets Excel's
quote prefix, so the stored value stays exactly the master's text (OWASP formula
injection). The output is deterministic: the same master gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..domain import spec
from ..domain.kinds import MET, NOT_MET, InputRule
from ..domain.master import (
    AchievementBase,
    Indicator,
    Master,
    NegativeRule,
    Polarity,
    Rounding,
    Settings,
    Target,
)
from ..domain.numfmt import fmt_count, fmt_target
from ..domain.periods import ANNUAL
from ..errors import OutputError, UsageError
from ..office.atomic import write_atomically

WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}

INPUT_FILL = "#FFF200"  # "sel berwarna kuning" in the instructions
NOT_ASKED_FILL = "#D9D9D9"
HEADER_FILL = "#DDEBF7"
NOT_ASKED_TEXT = "—"

INSTRUCTIONS = (
    "1. Isi hanya sel berwarna kuning: x1, x2, Catatan dan Analisis (Catatan dan Analisis "
    "boleh dikosongkan). Sel abu-abu bertanda — tidak perlu diisi.",
    "2. x1 dan x2 diisi sesuai arti x1 dan arti x2 pada baris yang sama: angka tanpa "
    "satuan, tanpa tanda % dan tanpa pemisah ribuan, atau pilihan dari daftar bila sel "
    "menampilkan tanda panah. Petunjuk tiap sel muncul saat sel dipilih.",
    "3. Jangan mengubah kolom Kode, jangan mengubah judul kolom, dan jangan menyisipkan "
    "atau menghapus baris maupun kolom.",
    "4. Kolom Realisasi (y) dan % Capaian terhitung otomatis sebagai bantuan; "
    "angka resmi dihitung ulang oleh sekretariat dari x1 dan x2.",
    "5. Analisis: penyebab keberhasilan atau kendala capaian indikator, dan upaya atau "
    "solusinya; dipakai sekretariat untuk menyusun Bab III LKjIP atas nama unit Anda.",
    "6. Simpan dengan format Excel (.xlsx) lalu kirim kembali ke sekretariat. "
    "Nama berkas boleh diubah.",
)
INSTRUCTION_ROWS = (4, 5)  # merged block; rows 0-3 hold title, agency, unit, heading

HISTORY_COMMENT = ("Nilai tahun {year} dari riwayat (iku): diisi otomatis dan dikunci. "
                   "Isi x1 saja. Bila nilai ini keliru, beri tahu sekretariat.")
INPUT_TITLE = "Isian"
ERROR_TITLE = "Isian tidak sah"
MAX_TEXT = fmt_count(spec.MAX_COUNT)


def input_message(rule: InputRule) -> tuple[str, str]:
    """(input message, error message) of an input cell, from its rule (each under the
    255 characters Excel allows)."""
    if rule.text:
        return ("Ketik realisasi seperti tertulis di dokumen sumber, mis. Terakreditasi "
                "Paripurna atau A.", "Ketik realisasinya sebagai teks. Bila belum ada, "
                "kosongkan sel ini.")
    if rule.is_choice:
        choices = ", ".join(rule.choices)
        return (f"Pilih dari daftar: {choices}.",
                f"Pilih salah satu dari daftar: {choices}. Bila belum ada, kosongkan sel ini.")
    what = "bilangan bulat" if rule.whole else "angka (boleh desimal)"
    sign = "" if rule.negative else " 0 atau lebih"
    if rule.nonzero:
        sign = " lebih dari 0"
    message = (f"Ketik {what}{sign} sesuai arti pada kolom di sebelah kirinya, tanpa "
               "satuan, tanpa tanda % dan tanpa pemisah ribuan.")
    if not rule.zero_means_none and not rule.nonzero:
        # a measured value (an index, a rate): 0 is no "none", never suggest it
        sign = ", boleh negatif" if rule.negative else ""
        message = (f"Ketik nilai hasil pengukuran, {what}{sign}, sesuai arti pada kolom di "
                   "sebelah kirinya, tanpa satuan dan tanpa tanda %. Bila belum diukur, "
                   "kosongkan (jangan 0).")
    low = f"-{MAX_TEXT}" if rule.negative else "0"
    span = (f"lebih dari 0 (pembagi), paling besar {MAX_TEXT}" if rule.nonzero else
            f"dari {low} sampai {MAX_TEXT}")
    error = (f"Isi dengan {what} {span}, tanpa satuan, tanpa tanda % dan tanpa pemisah "
             "ribuan. Bila datanya belum ada, kosongkan sel ini.")
    return message, error


# --- public API --------------------------------------------------------------------------


def template_filename(master: Master, unit_code: str) -> str:
    """``Isian_IKU_<tahun>_<KODE>.xlsx``, e.g. ``Isian_IKU_2021_POLITIK.xlsx``."""
    return f"Isian_IKU_{master.agency.year}_{unit_code}.xlsx"


def output_folder(out_dir: Path | str) -> Path:
    """The folder the unit workbooks go to, made if missing; an ``OutputError`` in
    Indonesian when it cannot be."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out_dir}: folder keluaran tidak dapat dibuat ({exc})") from None
    return out_dir


PriorX2 = Mapping[tuple[str, str], float]  # (unit, Kode) → last year's value, from history


def write_all_templates(master: Master, out_dir: Path, prior_x2: PriorX2 | None = None
                        ) -> list[Path]:
    """One template per unit that reports at least one indicator, in master order."""
    out_dir = output_folder(out_dir)
    paths = []
    for unit in master.reporting_units:
        path = out_dir / template_filename(master, unit.code)
        write_template(master, unit.code, path, prior_x2)
        paths.append(path)
    return paths


def write_template(master: Master, unit_code: str, path_or_buffer: Path | str | IO[bytes],
                   prior_x2: PriorX2 | None = None) -> None:
    """Write the blank workbook of one unit to a path (atomically) or a binary buffer.

    ``prior_x2``: for kinds whose x2 is last year's value, the value the history holds;
    the x2 cell then shows it, locked, and staff type only x1."""
    indicators = unit_indicators(master, unit_code)
    known = {code: value for (unit, code), value in (prior_x2 or {}).items()
             if unit == unit_code}
    if not isinstance(path_or_buffer, (str, os.PathLike)):
        _build(master, unit_code, indicators, path_or_buffer, known)
        return
    buffer = io.BytesIO()
    _build(master, unit_code, indicators, buffer, known)
    write_atomically(Path(path_or_buffer), buffer.getvalue())


def metadata(master: Master, unit_code: str, period: str = ANNUAL) -> dict[str, str]:
    """The key/values of the hidden sheet and custom properties, in ``spec.META_KEYS`` order
    (``period``: the round, ``tahunan`` or ``TW1`` … ``TW4``)."""
    values = {
        "periode": period,
        "jenis_dokumen": spec.DOC_KIND,
        "versi_template": spec.TEMPLATE_VERSION,
        "instansi": master.agency.name,
        "tahun": str(master.agency.year),
        "kode_unit": unit_code,
        "nama_unit": master.unit(unit_code).name,
        "sidik_definisi": spec.definition_fingerprint(master, unit_code),
    }
    return {key: values[key] for key in spec.META_KEYS}


def target_text(ind: Indicator, target: Target) -> str:
    """A range or threshold target as the Target cell shows it (``80–90``, ``87,5–90``,
    ``≥ 95``): the number is in the cell's own column next to the Satuan, so no unit."""
    return fmt_target(target, decimals=ind.target_places, fixed=ind.fixed_target)


def realisation_formula(ind: Indicator, x1: str, x2: str) -> str:
    """Excel formula of the Realisasi cell: the kind's, and where ``capaian_dari:
    realisasi_tercetak`` the value as printed (``ROUND``, or ``TRUNC`` for ``pembulatan:
    potong``, to the indicator's decimals), which % Capaian then divides, as the report."""
    formula = ind.rules.excel_realisation(ind, x1, x2)
    if ind.achievement_base != AchievementBase.PRINTED or ind.rules.labelled:
        return formula
    inner = formula[1:]
    rounding = "TRUNC" if ind.rounding == Rounding.DOWN else "ROUND"
    return f'=IF(ISNUMBER({inner}),{rounding}({inner},{ind.decimals}),"")'


def achievement_formula(ind: Indicator, r: str, t: str, settings: Settings) -> str:
    """Excel formula for % capaian, the same rules as ``compute.indicator_achievement``.

    ``r`` is the Realisasi cell, ``t`` the Target cell (used for a single number; a range,
    a threshold or a label is written into the formula as constants because the Target
    cell shows it as text). An NA target gives the text NA; a status gives Tercapai or
    Tidak tercapai.
    """
    target = ind.target_number(ind.target)
    guard, score = ind.rules.excel_score(ind, r)
    if target is None:
        return f'=IF({guard},"NA","")'
    if ind.rules.met_only:
        low = target[0] if isinstance(target, tuple) else target
        return f'=IF({guard},IF({score}>={_num(low)},"{MET}","{NOT_MET}"),"")'
    rule, polarity = ind.negative_rule or settings.negative_rule, ind.polarity
    if isinstance(target, tuple):
        low, high = target
        inner = (
            f"IF(AND({score}>={_num(low)},{score}<={_num(high)}),100,"
            f"IF({score}>{_num(high)},{_versus(high, _num(high), polarity, rule, score)},"
            f"{_versus(low, _num(low), polarity, rule, score)}))"
        )
    else:
        t_ref = _num(target) if isinstance(ind.target, str) else t  # a label, a threshold
        inner = _versus(target, t_ref, polarity, rule, score)
    if settings.achievement_cap is not None:
        inner = f"MIN({_num(settings.achievement_cap)},{inner})"
    return f'=IF({guard},{inner},"")'


# --- building the workbook ---------------------------------------------------------------


def unit_indicators(master: Master, unit_code: str) -> list[Indicator]:
    codes = [u.code for u in master.units]
    if unit_code not in codes:
        raise UsageError(
            f"unit '{unit_code}' tidak ada di master (kode yang ada: {', '.join(codes)})"
        )
    indicators = master.indicators_of(unit_code)
    if not indicators:
        raise UsageError(f"unit '{unit_code}' tidak melaporkan indikator apa pun")
    return indicators


def _build(
    master: Master, unit_code: str, indicators: list[Indicator], target: str | IO[bytes],
    known_x2: Mapping[str, float],
) -> None:
    workbook = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
    styles = Styles(workbook)
    meta = metadata(master, unit_code)
    _set_properties(workbook, master, meta)
    sheet = workbook.add_worksheet(spec.SHEET)
    _write_heading(sheet, styles, master, unit_code)
    _write_header(sheet, styles)
    for offset, ind in enumerate(indicators):
        _write_indicator(sheet, styles, spec.FIRST_DATA_ROW + offset, offset + 1, ind, master,
                         known_x2.get(ind.code))
    _add_validation(sheet, indicators, set(known_x2))
    _set_sheet_options(sheet)
    write_metadata(workbook, styles, meta)
    workbook.close()


class Styles:
    """The workbook's formats; each combination is created once."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self._workbook = workbook
        self._cache: dict[tuple, Format] = {}
        self._props: dict[int, dict[str, object]] = {}

    def get(self, **props: object) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            fmt = self._workbook.add_format(props)
            self._cache[key] = fmt
            self._props[id(fmt)] = props
        return self._cache[key]

    def quoted(self, fmt: Format) -> Format:
        """The same format with Excel's quote prefix: retyping keeps the cell text."""
        return self.get(**self._props[id(fmt)], quote_prefix=True)

    def cell(self, **props: object) -> Format:
        """A table cell: bordered, top-aligned, locked unless told otherwise."""
        base = {"border": 1, "valign": "top", "font_name": "Calibri", "font_size": 10}
        return self.get(**{**base, **props})


def write_text(sheet: Worksheet, row: int, col: int, text: str, fmt: Format,
               styles: Styles) -> None:
    """Write master text as a string; formula-looking text also gets the quote prefix."""
    if text.startswith(spec.FORMULA_TRIGGERS):
        fmt = styles.quoted(fmt)
    sheet.write_string(row, col, text, fmt)


def _set_properties(workbook: xlsxwriter.Workbook, master: Master, meta: dict[str, str]) -> None:
    agency = master.agency
    workbook.set_properties(
        {
            "title": f"Isian Capaian IKU {agency.year} - {meta['nama_unit']}",
            "subject": f"Isian capaian indikator kinerja utama tahun {agency.year}",
            "author": agency.name,
            "company": agency.name,
            "keywords": f"IKU, {agency.year}, {meta['kode_unit']}",
            "comments": "Templat isian; isi sel berwarna kuning lalu kirim kembali.",
            # Fixed, so that two runs give byte-identical files.
            "created": dt.datetime(agency.year, 1, 1, 0, 0, 0),
        }
    )
    for key, value in meta.items():
        workbook.set_custom_property(key, value, "text")


def _write_heading(sheet: Worksheet, styles: Styles, master: Master, unit_code: str) -> None:
    last = len(spec.COLUMNS) - 1
    year = master.agency.year
    title = styles.get(bold=True, font_size=14, align="center", valign="vcenter")
    plain = styles.get(font_size=11, valign="vcenter")
    bold = styles.get(bold=True, font_size=11, valign="vcenter")
    block = styles.get(text_wrap=True, valign="top", font_size=10, border=1, bg_color="#F2F2F2")

    sheet.merge_range(spec.TITLE_ROW, 0, spec.TITLE_ROW, last, "", title)
    sheet.write_string(
        spec.TITLE_ROW, 0, f"ISIAN CAPAIAN INDIKATOR KINERJA UTAMA TAHUN {year}", title
    )
    sheet.set_row(spec.TITLE_ROW, 24)
    for row, label, value in (
        (1, "Instansi", master.agency.name),
        (2, "Unit", master.unit(unit_code).name),
    ):
        # One cell that overflows to the right; a rich string is text, never a formula.
        sheet.write_rich_string(row, 0, bold, f"{label}: ", plain, value, plain)
    sheet.write_string(3, 0, "Petunjuk pengisian:", bold)
    first, last_row = INSTRUCTION_ROWS
    sheet.merge_range(first, 0, last_row, last, "", block)
    sheet.write_string(first, 0, "\n".join(INSTRUCTIONS), block)
    # Six wrapped lines in the merged block; fixed heights so every client shows them.
    for row in range(first, last_row + 1):
        sheet.set_row(row, 40)
    sheet.set_row(spec.HEADER_ROW - 1, 8)  # a thin gap above the table


def _write_header(sheet: Worksheet, styles: Styles) -> None:
    fmt = styles.cell(
        bold=True, text_wrap=True, align="center", valign="vcenter", bg_color=HEADER_FILL
    )
    for col, column in enumerate(spec.COLUMNS):
        sheet.write_string(spec.HEADER_ROW, col, column.label, fmt)
        sheet.set_column(col, col, column.width)
    sheet.set_row(spec.HEADER_ROW, 30)


def _write_indicator(
    sheet: Worksheet, styles: Styles, row: int, number: int, ind: Indicator, master: Master,
    known_x2: float | None = None,
) -> None:
    c = spec.COLUMN_INDEX
    text = styles.cell(text_wrap=True)
    centre = styles.cell(align="center")
    input_number = styles.cell(
        locked=False, bg_color=INPUT_FILL, num_format="General", align="center"
    )
    not_asked = styles.cell(align="center", bg_color=NOT_ASKED_FILL, font_color="#595959")
    y_format = "#,##0" + ("." + "0" * ind.decimals if ind.decimals else "")
    if ind.rules.labelled:
        y_format = "General"

    sheet.write_number(row, c["no"], number, centre)
    write_text(sheet, row, c["code"], ind.code, centre, styles)
    indicator_text, x1_text, x2_text = spec.shown_definition(ind)
    write_text(sheet, row, c["indicator"], indicator_text, text, styles)
    write_text(sheet, row, c["x1_meaning"], x1_text, text, styles)
    write_text(sheet, row, c["x2_meaning"], x2_text, text, styles)
    sheet.write_blank(row, c["x1"], None, input_number)
    if ind.asks_x2 and known_x2 is not None:
        # last year's value, from the history: shown, locked, with where it comes from
        sheet.write_number(row, c["x2"], known_x2, styles.cell(
            align="center", bg_color=NOT_ASKED_FILL, num_format="General"))
        sheet.write_comment(spec.cell_ref(row, c["x2"]), HISTORY_COMMENT.format(
            year=master.agency.year - 1), {"author": "iku", "x_scale": 2, "y_scale": 0.8})
    elif ind.asks_x2:
        sheet.write_blank(row, c["x2"], None, input_number)
    else:
        sheet.write_string(row, c["x2"], NOT_ASKED_TEXT, not_asked)

    x1, x2 = spec.cell_ref(row, c["x1"]), spec.cell_ref(row, c["x2"])
    r, t = spec.cell_ref(row, c["realisation"]), spec.cell_ref(row, c["target"])
    sheet.write_formula(
        row,
        c["realisation"],
        realisation_formula(ind, x1, x2),
        styles.cell(num_format=y_format),
        "",
    )
    write_target(sheet, styles, row, c["target"], ind, ind.target)
    sheet.write_formula(
        row,
        c["achievement"],
        achievement_formula(ind, r, t, master.settings),
        styles.cell(num_format="0.00"),
        "",
    )
    free_text = styles.cell(locked=False, bg_color=INPUT_FILL, num_format="@", text_wrap=True)
    for key in spec.TEXT_KEYS:
        sheet.write_blank(row, c[key], None, free_text)
    sheet.set_row(row, row_height(ind))


def write_target(sheet: Worksheet, styles: Styles, row: int, col: int, ind: Indicator,
                 target: Target) -> None:
    """A Target cell: a number as a number (with exactly its decimals where ``desimal_tetap``
    lists target), a range or a threshold as its text (``80–90``, ``≥ 95``), NA or a label
    as written."""
    if isinstance(target, tuple) or (isinstance(target, str) and not ind.rules.labelled
                                      and ind.target_number(target) is not None):
        sheet.write_string(row, col, target_text(ind, target), styles.cell(align="right"))
    elif isinstance(target, str):  # NA or a label
        write_text(sheet, row, col, target, styles.cell(align="right"), styles)
    else:
        number_format = "General"
        if ind.fixed_target:
            places = ind.target_places
            number_format = "#,##0" + ("." + "0" * places if places else "")
        sheet.write_number(row, col, target, styles.cell(num_format=number_format))


def row_height(ind: Indicator) -> float:
    """Points needed by the wrapped texts of a row (10 pt Calibri: about 13 pt a line and
    1.2 characters per unit of column width).

    Neither xlsxwriter nor every client fits heights of wrapped text on load, so estimate
    them from the column widths, erring on the tall side.
    """
    c = spec.COLUMNS
    widths = [c[spec.COLUMN_INDEX[k]].width for k in ("indicator", "x1_meaning", "x2_meaning")]
    texts = tuple(zip(spec.shown_definition(ind), widths, strict=True))
    lines = max(wrapped_lines(text, width) for text, width in texts)
    return max(30, 13 * lines + 4)


def wrapped_lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.2))
    total = 0
    for paragraph in text.split("\n"):
        length, lines = 0, 1
        for word in paragraph.split():
            if length and length + 1 + len(word) > per_line:
                lines, length = lines + 1, 0
            length += (1 if length else 0) + len(word)
            while length > per_line:
                lines, length = lines + 1, length - per_line
        total += lines
    return total


def _add_validation(sheet: Worksheet, indicators: list[Indicator],
                    known_x2: set[str] = frozenset()) -> None:
    """Each input cell gets its rule: a whole or decimal number in range, or a drop-down
    list of labels; consecutive cells with the same rule share one validation.

    Pasting bypasses validation (XlsxWriter #218): this is a convenience, the reader
    validates again.
    """
    groups: dict[tuple[int, InputRule], list[int]] = {}
    for i, ind in enumerate(indicators):
        for rule in ind.rules.inputs(ind):
            if rule.key == "x2" and ind.code in known_x2:
                continue  # filled from the history and locked
            meaningless = InputRule(rule.key, "", rule.choices, rule.negative, rule.whole,
                                    rule.nonzero, rule.text)
            col = spec.COLUMN_INDEX[rule.key]
            groups.setdefault((col, meaningless), []).append(spec.FIRST_DATA_ROW + i)
    for (col, rule), rows in groups.items():
        message, error = input_message(rule)
        options = {
            "ignore_blank": True,
            "input_title": INPUT_TITLE,
            "input_message": message,
            "error_title": ERROR_TITLE,
            "error_message": error,
            "error_type": "stop",
        }
        if rule.is_choice:
            options.update(validate="list", source=list(rule.choices))
        elif rule.text:  # any text: the message only
            options.update(validate="any")
        else:
            options.update(
                validate="integer" if rule.whole else "decimal", criteria="between",
                minimum=-spec.MAX_COUNT if rule.negative else 0, maximum=spec.MAX_COUNT)
        for start, end in row_runs(rows):
            sheet.data_validation(start, col, end, col, options)


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers grouped into (first, last) ranges."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _set_sheet_options(sheet: Worksheet) -> None:
    sheet.freeze_panes(spec.FIRST_DATA_ROW, 0)
    sheet.set_selection(
        spec.FIRST_DATA_ROW, spec.COLUMN_INDEX["x1"], spec.FIRST_DATA_ROW, spec.COLUMN_INDEX["x1"]
    )
    # No password: see the module docstring. Resizing is harmless and helps long texts.
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(spec.HEADER_ROW)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    sheet.center_horizontally()
    sheet.set_footer("&L&8&F&R&8Halaman &P dari &N")
    sheet.activate()


def write_metadata(workbook: xlsxwriter.Workbook, styles: Styles, meta: dict[str, str]) -> None:
    sheet = workbook.add_worksheet(spec.META_SHEET)
    plain = styles.get(num_format="@")
    for row, (key, value) in enumerate(meta.items()):
        sheet.write_string(row, 0, key, plain)
        write_text(sheet, row, 1, value, plain, styles)
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 50)
    sheet.very_hidden()


# --- formula helpers ---------------------------------------------------------------------


def _versus(t: float, t_ref: str, polarity: Polarity, rule: NegativeRule, r: str) -> str:
    """Capaian of r against one target value t (``t_ref`` is how the formula names it)."""
    if polarity == Polarity.NEGATIVE and rule == NegativeRule.R_OVER_T:
        polarity = Polarity.POSITIVE  # scored as a positive indicator
    if t == 0:  # no official formula; the rule of compute.achievement
        return "100" if polarity == Polarity.POSITIVE else f"IF({r}=0,100,0)"
    if polarity == Polarity.POSITIVE:
        return f"{r}/{t_ref}*100"
    if rule == NegativeRule.T_OVER_R:
        return f"IF({r}=0,200,{t_ref}/{r}*100)"
    return f"MAX(0,(2-{r}/{t_ref})*100)"


def _num(value: float) -> str:
    """A number as a formula constant (always a dot as decimal separator)."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
