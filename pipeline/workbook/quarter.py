"""Write a unit's workbook for quarter n (``Isian_IKU_<tahun>_TW<n>_<KODE>.xlsx``).

The contract of every workbook holds (``spec``): sheet ``Isian``, a header row with the
labels ``Kode``, ``x1`` and ``x2``, one row per indicator the unit reports, the hidden
``Metadata`` sheet (with ``periode: TW<n>``) mirrored in the custom properties, sheet
protection without a password, master text written as text. The columns come from
``spec.quarter_columns(n)``: per input its meaning, the earlier quarters' accepted figures
(read-only, from the history: "—" where a quarter holds none), the quarter's own figure
(the yellow ``x1`` / ``x2`` cells) and the year so far by the indicator's ``akumulasi``
(a live formula, for the staff's convenience only: the pipeline recomputes every figure),
then the realisasi of the year so far, the quarter's target and % capaian against it, the
year's target, and the texts Kendala and Tindak lanjut. The ``Akumulasi`` column says per
row what to type: the activities of the quarter (a flow) or the position at its end (a
stock). The output is deterministic: the same master and history give the same bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..domain import spec
from ..domain.kinds import Accumulation, InputRule
from ..domain.master import Indicator, Master
from ..domain.periods import months, quarter_period, roman
from ..office.atomic import write_atomically
from .templates import (
    ERROR_TITLE,
    HISTORY_COMMENT,
    INPUT_FILL,
    INPUT_TITLE,
    NOT_ASKED_FILL,
    NOT_ASKED_TEXT,
    WORKBOOK_OPTIONS,
    Styles,
    achievement_formula,
    input_message,
    metadata,
    output_folder,
    realisation_formula,
    row_height,
    row_runs,
    unit_indicators,
    wrapped_lines,
    write_metadata,
    write_target,
    write_text,
)

if TYPE_CHECKING:
    from ..quarter.rollup import Figures

HEADER_FILL = "#DDEBF7"
DONE_FILL = "#EDEDED"  # an earlier quarter's accepted figure
TOTAL_FILL = "#E2EFDA"  # the year so far
CARRIED_FILL = "#FFF9C4"  # a stock carried from the last quarter: an input, prefilled
NOT_MEASURED_EARLIER = "tidak diukur"  # an earlier quarter the indicator is not measured in
CARRIED_COMMENT = ("Diisi otomatis dari {quarter} (angka terakhir yang diterima "
                   "sekretariat): {key} adalah keadaan pada akhir triwulan. Bila jumlahnya "
                   "berubah, ketik angka yang baru; bila tidak, biarkan.")
NOT_MEASURED_COMMENT = ("Indikator ini tidak diukur di {tw} (master: diukur_triwulan). "
                        "Tidak perlu diisi; Kendala dan Tindak lanjut boleh diisi.")

RULE_TEXT = {
    Accumulation.SUM: "dijumlahkan: isi angka selama triwulan ini",
    Accumulation.LAST: "angka terakhir: isi keadaan pada akhir triwulan",
    Accumulation.MEAN: "dirata-rata: isi angka triwulan ini",
}


def instructions(n: int) -> tuple[str, ...]:
    tw = f"TW {roman(n)}"
    earlier = (f"Kolom TW sebelumnya berisi angka yang sudah diterima sekretariat (terkunci); "
               f"kolom s.d. {tw}, Realisasi dan % Capaian terhitung otomatis sebagai bantuan, "
               "angka resmi dihitung ulang oleh sekretariat.") if n > 1 else (
               "Kolom Realisasi dan % Capaian terhitung otomatis sebagai bantuan; angka resmi "
               "dihitung ulang oleh sekretariat dari x1 dan x2.")
    return (
        f"1. Isi hanya sel berwarna kuning: x1 dan x2 {tw}, Kendala dan Tindak lanjut "
        "(keduanya boleh dikosongkan). Sel abu-abu bertanda — atau 'Diukur di TW …' tidak "
        "perlu diisi: indikator itu tidak diukur triwulan ini.",
        f"2. x1 dan x2 diisi angka {tw} saja, sesuai kolom Akumulasi: bila 'dijumlahkan', "
        "jumlah selama triwulan ini (bukan total sejak awal tahun); bila 'angka terakhir', "
        "keadaan pada akhir triwulan (sel kuning muda yang sudah berisi angka triwulan lalu: "
        "ubah bila berubah). Angka tanpa satuan, tanpa % dan tanpa pemisah ribuan.",
        "3. Jangan mengubah kolom Kode, jangan mengubah judul kolom, dan jangan menyisipkan "
        "atau menghapus baris maupun kolom.",
        f"4. {earlier}",
        "5. Simpan dengan format Excel (.xlsx) lalu kirim kembali ke sekretariat. Nama berkas "
        "boleh diubah.",
    )


def quarter_filename(master: Master, unit_code: str, n: int) -> str:
    """``Isian_IKU_<tahun>_TW<n>_<KODE>.xlsx``, e.g. ``Isian_IKU_2021_TW2_POLITIK.xlsx``."""
    return f"Isian_IKU_{master.agency.year}_TW{n}_{unit_code}.xlsx"


def rule_text(ind: Indicator) -> str:
    rules = ind.rollup
    if len(set(rules.values())) == 1:
        text = RULE_TEXT[rules["x1"]]
    else:
        text = "; ".join(f"{key} {RULE_TEXT[rule]}" for key, rule in rules.items())
    if ind.measured is not None and ind.measured_quarters != (1, 2, 3, 4):
        text += f" ({ind.measured_phrase})"
    return text


def carried(ind: Indicator, unit: str, n: int, earlier: Mapping[str, Figures],
            known_x2: Mapping[str, float]) -> tuple[float, int] | None:
    """The x2 quarter n's workbook shows prefilled, and the quarter it comes from: a stock
    (``akumulasi`` of x2 ``terakhir``) is carried from the last earlier quarter that holds
    it, for the unit to keep or change. Only x2, the base, is carried: x1 is what the
    quarter measures, and a carried x1 would pass for a measurement nobody made."""
    if not ind.asks_x2 or ind.code in known_x2 or ind.rollup.get("x2") != Accumulation.LAST:
        return None
    if not ind.measured_in(n):
        return None
    for q in range(n - 1, 0, -1):
        value = earlier.get(quarter_period(q), {}).get((unit, ind.code))
        if value is not None and isinstance(value[1], int | float):
            return float(value[1]), q
    return None


def write_all_quarter_templates(master: Master, n: int, out_dir: Path,
                                earlier: Mapping[str, Figures] | None = None,
                                prior_x2: Mapping[tuple[str, str], float] | None = None
                                ) -> list[Path]:
    """One workbook of quarter n per unit that reports an indicator, in master order."""
    out_dir = output_folder(out_dir)
    paths = []
    for unit in master.reporting_units:
        path = out_dir / quarter_filename(master, unit.code, n)
        write_quarter_template(master, unit.code, n, path, earlier, prior_x2)
        paths.append(path)
    return paths


def write_quarter_template(master: Master, unit_code: str, n: int,
                           path_or_buffer: Path | str | IO[bytes],
                           earlier: Mapping[str, Figures] | None = None,
                           prior_x2: Mapping[tuple[str, str], float] | None = None) -> None:
    """Quarter n's workbook of one unit, to a path (atomically) or a binary buffer.
    ``earlier``: TW1 … TW(n−1) figures from the history; ``prior_x2``: last year's values
    of growth kinds (their x2, locked)."""
    indicators = unit_indicators(master, unit_code)
    known = {code: v for (unit, code), v in (prior_x2 or {}).items() if unit == unit_code}
    buffer = path_or_buffer
    if isinstance(path_or_buffer, (str, os.PathLike)):
        buffer = io.BytesIO()
    _Writer(master, unit_code, n, indicators, earlier or {}, known).build(buffer)
    if buffer is not path_or_buffer:
        write_atomically(Path(path_or_buffer), buffer.getvalue())


class _Writer:
    def __init__(self, master, unit, n, indicators, earlier, known_x2):
        self.master, self.unit, self.n = master, unit, n
        self.indicators, self.earlier, self.known_x2 = indicators, earlier, known_x2
        self.columns = spec.quarter_columns(n)
        self.col = {c.key: i for i, c in enumerate(self.columns)}

    def build(self, target) -> None:
        book = xlsxwriter.Workbook(target, WORKBOOK_OPTIONS)
        self.styles = Styles(book)
        meta = metadata(self.master, self.unit, quarter_period(self.n))
        self._properties(book, meta)
        sheet = book.add_worksheet(spec.SHEET)
        self._heading(sheet)
        self._header(sheet)
        for offset, ind in enumerate(self.indicators):
            self._row(sheet, spec.FIRST_DATA_ROW + offset, offset + 1, ind)
        self._validation(sheet)
        self._options(sheet)
        write_metadata(book, self.styles, meta)
        book.close()

    def _properties(self, book, meta) -> None:
        import datetime as dt

        year, tw = self.master.agency.year, f"TW {roman(self.n)}"
        book.set_properties({
            "title": f"Isian Capaian IKU {tw} {year} - {meta['nama_unit']}",
            "subject": f"Isian capaian indikator kinerja utama triwulan {roman(self.n)} "
                       f"tahun {year}",
            "author": self.master.agency.name, "company": self.master.agency.name,
            "keywords": f"IKU, {year}, TW{self.n}, {meta['kode_unit']}",
            "comments": "Templat isian triwulan; isi sel berwarna kuning lalu kirim kembali.",
            "created": dt.datetime(year, 1, 1),  # fixed: the same bytes every run
        })
        for key, value in meta.items():
            book.set_custom_property(key, value, "text")

    def _heading(self, sheet: Worksheet) -> None:
        s, last = self.styles, len(self.columns) - 1
        year, n = self.master.agency.year, self.n
        title = s.get(bold=True, font_size=14, align="center", valign="vcenter")
        plain = s.get(font_size=11, valign="vcenter")
        bold = s.get(bold=True, font_size=11, valign="vcenter")
        block = s.get(text_wrap=True, valign="top", font_size=10, border=1, bg_color="#F2F2F2")
        sheet.merge_range(spec.TITLE_ROW, 0, spec.TITLE_ROW, last, "", title)
        sheet.write_string(spec.TITLE_ROW, 0, "ISIAN CAPAIAN INDIKATOR KINERJA UTAMA "
                           f"TRIWULAN {roman(n)} TAHUN {year}", title)
        sheet.set_row(spec.TITLE_ROW, 24)
        for row, label, value in (
            (1, "Instansi", self.master.agency.name),
            (2, "Unit", self.master.unit(self.unit).name),
            (3, "Periode", f"Triwulan {roman(n)} ({months(n)} {year})"),
        ):
            sheet.write_rich_string(row, 0, bold, f"{label}: ", plain, value, plain)
        first, last_row = 4, 5
        sheet.merge_range(first, 0, last_row, last, "", block)
        sheet.write_string(first, 0, "Petunjuk pengisian:\n" + "\n".join(instructions(n)),
                           block)
        for row in range(first, last_row + 1):
            sheet.set_row(row, 50)
        self._groups(sheet)

    def _groups(self, sheet: Worksheet) -> None:
        """Above the header: which columns are accepted, typed now, or computed."""
        s, row, n = self.styles, spec.HEADER_ROW - 1, self.n
        fmt = s.get(bold=True, font_size=9, align="center", valign="vcenter", italic=True)
        for key in ("x1", "x2"):
            sheet.write_string(row, self.col[key], f"isi TW {roman(n)}", fmt)
            if n > 1:
                first, last = self.col[f"{key}_tw1"], self.col[f"{key}_tw{n - 1}"]
                if first == last:
                    sheet.write_string(row, first, "diterima", fmt)
                else:
                    sheet.merge_range(row, first, row, last, "diterima", fmt)
                sheet.write_string(row, self.col[f"{key}_total"], "otomatis", fmt)
        sheet.set_row(row, 14)

    def _header(self, sheet: Worksheet) -> None:
        fmt = self.styles.cell(bold=True, text_wrap=True, align="center", valign="vcenter",
                               bg_color=HEADER_FILL)
        for col, column in enumerate(self.columns):
            sheet.write_string(spec.HEADER_ROW, col, column.label, fmt)
            sheet.set_column(col, col, column.width)
        sheet.set_row(spec.HEADER_ROW, 30)

    def _row(self, sheet: Worksheet, row: int, number: int, ind: Indicator) -> None:
        s, c, n = self.styles, self.col, self.n
        text = s.cell(text_wrap=True)
        centre = s.cell(align="center")
        grey = s.cell(align="center", bg_color=NOT_ASKED_FILL, font_color="#595959")
        sheet.write_number(row, c["no"], number, centre)
        write_text(sheet, row, c["code"], ind.code, centre, s)
        indicator_text, x1_text, x2_text = spec.shown_definition(ind)
        write_text(sheet, row, c["indicator"], indicator_text, text, s)
        write_text(sheet, row, c["rule"], rule_text(ind), text, s)
        write_text(sheet, row, c["x1_meaning"], x1_text, text, s)
        write_text(sheet, row, c["x2_meaning"], x2_text, text, s)
        if not ind.measured_in(n):
            self._not_measured(sheet, row, ind)
            return
        totals = {}
        for key in ("x1", "x2"):
            asked = key == "x1" or ind.asks_x2
            cells = self._earlier(sheet, row, ind, key, asked)
            here = spec.cell_ref(row, c[key])
            self._input(sheet, row, key, ind, asked)
            totals[key] = here
            if n > 1:
                col = c[f"{key}_total"]
                if not asked:
                    sheet.write_string(row, col, NOT_ASKED_TEXT, grey)
                else:
                    sheet.write_formula(row, col, _total(ind.rollup[key], cells, here),
                                        s.cell(align="center", bg_color=TOTAL_FILL,
                                               num_format="General"), "")
                    totals[key] = spec.cell_ref(row, col)
        y_format = "General" if ind.rules.labelled else (
            "#,##0" + ("." + "0" * ind.decimals if ind.decimals else ""))
        sheet.write_formula(row, c["realisation"], realisation_formula(
            ind, totals["x1"], totals.get("x2", "")), s.cell(num_format=y_format), "")
        target = ind.quarter_target(n)
        self._target(sheet, row, c["target"], ind, target)
        self._target(sheet, row, c["year_target"], ind, ind.target)
        r, t = spec.cell_ref(row, c["realisation"]), spec.cell_ref(row, c["target"])
        if target is None:
            sheet.write_string(row, c["achievement"], NOT_ASKED_TEXT, grey)
        else:
            quarter = ind.model_copy(update={"target": target})
            sheet.write_formula(row, c["achievement"], achievement_formula(
                quarter, r, t, self.master.settings), s.cell(num_format="0.00"), "")
        self._texts(sheet, row, ind)

    def _earlier(self, sheet: Worksheet, row: int, ind: Indicator, key: str,
                 asked: bool) -> list[str]:
        """The earlier quarters' accepted figures of one input (read-only); a quarter the
        indicator is not measured in says so in text, which SUM and AVERAGE skip, as the
        roll-up does. Returns the cells."""
        s, c = self.styles, self.col
        grey = s.cell(align="center", bg_color=NOT_ASKED_FILL, font_color="#595959")
        cells = []
        for q in range(1, self.n):
            col = c[f"{key}_tw{q}"]
            value = self.earlier.get(quarter_period(q), {}).get((self.unit, ind.code))
            value = value[0 if key == "x1" else 1] if value else None
            if asked and not ind.measured_in(q):
                sheet.write_string(row, col, NOT_MEASURED_EARLIER, grey)
            elif not asked or value is None:
                sheet.write_string(row, col, NOT_ASKED_TEXT, grey)
            elif isinstance(value, str):
                write_text(sheet, row, col, value, s.cell(align="center", bg_color=DONE_FILL), s)
            else:
                sheet.write_number(row, col, value, s.cell(
                    align="center", bg_color=DONE_FILL, num_format="General"))
            cells.append(spec.cell_ref(row, col))
        return cells

    def _texts(self, sheet: Worksheet, row: int, ind: Indicator) -> None:
        s, c = self.styles, self.col
        free = s.cell(locked=False, bg_color=INPUT_FILL, num_format="@", text_wrap=True)
        for column in spec.QUARTER_TEXTS:
            sheet.write_blank(row, c[column.key], None, free)
        rule_lines = wrapped_lines(rule_text(ind), self.columns[c["rule"]].width)
        sheet.set_row(row, max(row_height(ind), 13 * max(4, rule_lines) + 4))

    def _not_measured(self, sheet: Worksheet, row: int, ind: Indicator) -> None:
        """A quarter the indicator is not measured in: every figure cell says when it is
        measured (locked, no formula), the targets show what they are; Kendala and Tindak
        lanjut stay open (a unit may say when the survey runs)."""
        s, c, n = self.styles, self.col, self.n
        mark = s.cell(align="center", bg_color=NOT_ASKED_FILL, font_color="#595959",
                      text_wrap=True)
        for key in ("x1", "x2"):
            asked = key == "x1" or ind.asks_x2
            self._earlier(sheet, row, ind, key, asked)
            text = ind.measured_text if asked else NOT_ASKED_TEXT
            for column in (key, *((f"{key}_total",) if n > 1 else ())):
                sheet.write_string(row, c[column], text, mark)
        sheet.write_string(row, c["realisation"], ind.measured_text, mark)
        sheet.write_comment(spec.cell_ref(row, c["x1"]), NOT_MEASURED_COMMENT.format(
            tw=f"TW {roman(n)}"), {"author": "iku", "x_scale": 2, "y_scale": 0.8})
        self._target(sheet, row, c["target"], ind, None)
        self._target(sheet, row, c["year_target"], ind, ind.target)
        sheet.write_string(row, c["achievement"], NOT_ASKED_TEXT, mark)
        self._texts(sheet, row, ind)

    def _input(self, sheet: Worksheet, row: int, key: str, ind: Indicator, asked: bool) -> None:
        s, col = self.styles, self.col[key]
        if not asked:
            sheet.write_string(row, col, NOT_ASKED_TEXT, s.cell(
                align="center", bg_color=NOT_ASKED_FILL, font_color="#595959"))
        elif key == "x2" and ind.code in self.known_x2:
            sheet.write_number(row, col, self.known_x2[ind.code], s.cell(
                align="center", bg_color=NOT_ASKED_FILL, num_format="General"))
            sheet.write_comment(spec.cell_ref(row, col), HISTORY_COMMENT.format(
                year=self.master.agency.year - 1), {"author": "iku", "x_scale": 2,
                                                    "y_scale": 0.8})
        elif key == "x2" and (found := carried(ind, self.unit, self.n, self.earlier,
                                               self.known_x2)) is not None:
            value, q = found
            sheet.write_number(row, col, value, s.cell(
                locked=False, bg_color=CARRIED_FILL, num_format="General", align="center",
                italic=True))
            sheet.write_comment(spec.cell_ref(row, col), CARRIED_COMMENT.format(
                quarter=f"TW {roman(q)}", key=key), {"author": "iku", "x_scale": 2,
                                                     "y_scale": 0.8})
        else:
            sheet.write_blank(row, col, None, s.cell(
                locked=False, bg_color=INPUT_FILL, num_format="General", align="center"))

    def _target(self, sheet, row, col, ind, target) -> None:
        s = self.styles
        if target is None:
            sheet.write_string(row, col, NOT_ASKED_TEXT, s.cell(
                align="center", bg_color=NOT_ASKED_FILL, font_color="#595959"))
        else:
            write_target(sheet, s, row, col, ind, target)

    def _validation(self, sheet: Worksheet) -> None:
        groups: dict[tuple[int, InputRule], list[int]] = {}
        for i, ind in enumerate(self.indicators):
            if not ind.measured_in(self.n):
                continue  # its cells say when it is measured, locked
            for rule in ind.rules.inputs(ind):
                if rule.key == "x2" and ind.code in self.known_x2:
                    continue
                bare = InputRule(rule.key, "", rule.choices, rule.negative, rule.whole,
                                 rule.nonzero, rule.text)
                groups.setdefault((self.col[rule.key], bare), []).append(
                    spec.FIRST_DATA_ROW + i)
        for (col, rule), rows in groups.items():
            message, error = input_message(rule)
            message = message.replace("pada kolom di sebelah kirinya",
                                      f"pada kolom Arti {rule.key}, angka triwulan ini saja")
            options = {"ignore_blank": True, "input_title": INPUT_TITLE,
                       "input_message": message[:255], "error_title": ERROR_TITLE,
                       "error_message": error, "error_type": "stop"}
            if rule.is_choice:
                options.update(validate="list", source=list(rule.choices))
            elif rule.text:
                options.update(validate="any")
            else:
                options.update(validate="integer" if rule.whole else "decimal",
                               criteria="between", maximum=spec.MAX_COUNT,
                               minimum=-spec.MAX_COUNT if rule.negative else 0)
            for start, end in row_runs(rows):
                sheet.data_validation(start, col, end, col, options)

    def _options(self, sheet: Worksheet) -> None:
        sheet.freeze_panes(spec.FIRST_DATA_ROW, 0)
        x1 = self.col["x1"]
        sheet.set_selection(spec.FIRST_DATA_ROW, x1, spec.FIRST_DATA_ROW, x1)
        sheet.protect("", {"format_columns": True, "format_rows": True})
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(spec.HEADER_ROW)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        sheet.center_horizontally()
        sheet.set_footer("&L&8&F&R&8Halaman &P dari &N")
        sheet.activate()


def _total(rule: Accumulation, earlier: list[str], here: str) -> str:
    """The live formula of the year so far: earlier quarters' cells and this one."""
    if rule == Accumulation.LAST:
        return f'=IF(ISBLANK({here}),"",{here})'
    cells = ",".join([*earlier, here])
    fn = "SUM" if rule == Accumulation.SUM else "AVERAGE"
    return f'=IF(ISNUMBER({here}),{fn}({cells}),"")'
