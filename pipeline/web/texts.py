"""Every text of the pages that depends on the period served (issue 18 §10).

``page_texts(master, quarter)`` is the one place where the pages learn what they collect:
the year-end round (``quarter`` None) or quarter n. Nothing in the templates spells a
period, a workbook's columns or a report's name: they print these fields, so a page of
``iku serve --triwulan 2`` says *Triwulan II* everywhere, names the TW 2 workbook it hands
out, asks for what that workbook asks (x1 and x2 of the quarter, Kendala and Tindak lanjut:
``domain.spec``'s columns, the same the workbook writer uses) and names the report its
button builds (*Laporan Pengukuran Kinerja Triwulan II*). The year-end page asks for x1,
x2, Catatan and Analisis and builds the IKU and Capaian IKU report.

The combined check is the CLI's (``intake.validate``), whose advice for a missing unit
speaks of a folder ("letakkan berkasnya di folder isian"); on the page a unit sends its
workbook through its link, so ``missing_unit`` says that instead (``checks.combined_check``
uses it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from ..domain import spec
from ..domain.master import Master
from ..domain.periods import label, months, roman
from ..workbook.quarter import quarter_filename
from ..workbook.templates import template_filename


def _joined(words: list[str]) -> str:
    """``["a", "b", "c"]`` → ``a, b dan c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} dan {words[-1]}"


def input_labels(quarter: int | None) -> list[str]:
    """The labels of the cells a unit types in, as its workbook heads them."""
    columns = spec.quarter_columns(quarter) if quarter else spec.COLUMNS
    return [c.label for c in columns if c.is_input]


@dataclass(frozen=True)
class PageTexts:
    """The words of one collection's pages (Indonesian; see the module doc)."""

    master: Master = field(repr=False, compare=False)
    quarter: int | None
    period_name: str  # "Triwulan II", "tahunan"
    title: str  # every page's heading
    banner: str  # under the heading on every page ("" for the year)
    inputs_text: str  # what a unit types: "x1, x2, Catatan dan Analisis"
    fill_intro: str  # the unit page's "what to fill" sentence
    figures_note: str  # under an accepted upload's figures ("" for the year)
    x1_head: str
    x2_head: str
    realisation_head: str
    target_head: str  # the year's target
    quarter_target_head: str  # the quarter's target ("" for the year)
    report_title: str  # the report the secretariat's button builds
    build_button: str
    draft_button: str
    ready_text: str  # the combined check without an error
    combined_intro: Markup  # names the CLI command (HTML: <code>)

    def blank_name(self, unit: str) -> str:
        """The file name of the blank workbook a unit downloads."""
        if self.quarter:
            return quarter_filename(self.master, unit, self.quarter)
        return template_filename(self.master, unit)

    def download_text(self, unit: str) -> str:
        what = f"templat kosong TW {roman(self.quarter)}" if self.quarter else "templat kosong"
        return f"Unduh {what} ({self.blank_name(unit)})"

    def built_text(self, draft: bool, pdf: bool) -> str:
        """What the page says after the button built the report."""
        kind = "DRAFT" if draft else "final"
        return f"{self.report_title} dibuat ({kind}){' beserta PDF' if pdf else ''}."

    def missing_unit(self, code: str, name: str) -> str:
        """The combined check's line for a unit without an accepted workbook."""
        return (f"unit {code} ({name}) belum punya isian {self.period_name} yang diterima; "
                f"kirim tautan unit {code} (tabel Status isian unit di atas) kepada unit "
                "itu agar mengunggah isiannya di halamannya. Selama itu laporan hanya dapat "
                "dibuat sebagai DRAFT")


def page_texts(master: Master, quarter: int | None) -> PageTexts:
    """The pages' words for ``master``'s year and the period: ``quarter`` n (1-4) or None
    for the year-end round."""
    year = master.agency.year
    inputs = input_labels(quarter)
    if not quarter:
        typed = _joined(inputs)
        return PageTexts(
            master=master, quarter=None, period_name="tahunan",
            title=f"Isian IKU Tahun {year}", banner="", inputs_text=typed,
            fill_intro=(f"Unduh templat kosong, isi sel berwarna kuning ({typed}) di Excel "
                        "atau LibreOffice Calc, simpan, lalu unggah di atas."),
            figures_note="", x1_head="x1", x2_head="x2", realisation_head="Realisasi",
            target_head="Target", quarter_target_head="",
            report_title=f"Laporan IKU dan Capaian IKU Tahun {year}",
            build_button="Buat laporan IKU", draft_button="Buat laporan IKU DRAFT",
            ready_text="Semua isian sah; laporan IKU final dapat dibuat.",
            combined_intro=Markup("Isian yang diterima dari semua unit diperiksa bersama, seperti "
                            "<code>iku validate</code> atas satu folder (termasuk pemeriksaan "
                            "antar-unit, mis. angka <code>gabung: sama</code>)."))
    tw = f"TW {roman(quarter)}"
    name = label(f"TW{quarter}")  # Triwulan II
    figures_typed = [f"{key} {tw}" if key in ("x1", "x2") else key for key in inputs]
    typed = _joined(figures_typed)
    earlier = ("Angka triwulan sebelumnya yang sudah tercatat di riwayat sudah tertulis di "
               "templat (terkunci). ") if quarter > 1 else ""
    return PageTexts(
        master=master, quarter=quarter, period_name=name,
        title=f"Isian IKU {name} Tahun {year}",
        banner=(f"Pengumpulan isian {name} ({months(quarter)}) tahun {year}. Setiap unit "
                f"mengunduh templat {tw}, mengisi {typed}, lalu mengunggahnya di halamannya; "
                f"x1 dan x2 diisi angka {tw} saja, bukan total sejak awal tahun (lihat kolom "
                f"Akumulasi di templat). {earlier}Dari isian yang diterima Sekretariat "
                f"membuat Laporan Pengukuran Kinerja {name}."),
        inputs_text=typed,
        fill_intro=(f"Unduh templat kosong {tw}, isi sel berwarna kuning ({typed}) di Excel "
                    "atau LibreOffice Calc, simpan, lalu unggah di atas."),
        figures_note=(f"Realisasi di sini dari angka {tw} unit ini saja; realisasi s.d. {tw} "
                      "(bersama triwulan sebelumnya) dihitung di laporan triwulan."),
        x1_head=f"x1 {tw}", x2_head=f"x2 {tw}", realisation_head=f"Realisasi {tw}",
        target_head=f"Target {year}", quarter_target_head=f"Target s.d. {tw}",
        report_title=f"Laporan Pengukuran Kinerja {name} Tahun {year}",
        build_button=f"Buat laporan {name}", draft_button=f"Buat laporan {name} DRAFT",
        ready_text=f"Semua isian sah; laporan {name} final dapat dibuat.",
        combined_intro=Markup(f"Isian {name} yang diterima dari semua unit diperiksa bersama, "
                        f"seperti <code>iku validate --triwulan {quarter}</code> atas satu "
                        "folder (termasuk pemeriksaan antar-unit, mis. angka <code>gabung: "
                        "sama</code>, dan angka triwulan sebelumnya yang tercatat)."))

