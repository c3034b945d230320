"""The complete LKjIP's data (``iku lkjip --lengkap``, issue 22 §2): every part around
Bab III, worded and formatted, for the template ``input_templates/lkjip_lengkap.docx``.

The outline is PermenPAN-RB 53/2014's with what published LKjIPs add (research note
/work/notes/pk_lkjip_format.md §2.1–2.2): the cover, the *Kata Pengantar* (a slot, the
head's signature under it), the *Ikhtisar Eksekutif* (generated, ``summary``, and a slot),
the *Daftar Isi / Tabel / Gambar* (``toc``), Bab I *Pendahuluan*, Bab II *Perencanaan
Kinerja*, Bab III (``context.build_context``: today's chapter, its keys at the top level),
Bab IV *Penutup* and the *Lampiran*: the Perjanjian Kinerja in force (``pk.context.pk_part``
under ``pk``), the IKU document and the Capaian IKU tables (the yearly report's context,
``annual.context.build_context``, under ``iku``: the very figures of the signed report).

``build_complete_context(chapter, iku, pk, base, font)`` returns ``(context, notes)``:
``notes`` say, for the CLI, what the master leaves out (PERINGATAN), each printed in the
document as a marked slot or as dots, never invented. Every key is always present.
"""

from __future__ import annotations

from typing import Any

from ..annual.context import SUB1, SUB2, formula_omml
from ..annual.texts import fmt_target, letter, value_text
from ..domain.kinds import NA
from ..domain.master import Master
from ..domain.numfmt import fmt_number
from ..history.model import PkRevision
from ..pk.context import BLANK, pk_part
from ..word.columns import DROP_COLUMN, MERGE_UP
from . import sentences as say
from .context import Numbers, build_context, clean, pk_name
from .model import Chapter
from .summary import conclusion, counted, year_in_words
from .toc import FIGURES_MARK, TABLES_MARK, TOC_MARK

RENSTRA_YEARS = 5  # year columns of the Renstra table
REPORT_TITLE = "LAPORAN KINERJA INSTANSI PEMERINTAH"


def build_complete_context(chapter: Chapter, iku: dict[str, Any], pk: PkRevision,
                           base: PkRevision | None = None, font: str | None = None
                           ) -> tuple[dict[str, Any], list[str]]:
    """The complete LKjIP's context and the CLI's notes about what the master leaves out."""
    master = chapter.master
    notes: list[str] = []
    context = build_context(chapter, font)
    name = pk_name(master, chapter.pk if chapter.pk is not None else None)
    context.update({
        "cover": _cover(master),
        "preface": _preface(master),
        "summary": {
            "paragraphs": [clean(t) for t in year_in_words(chapter, name)],
            "slot": say.slot(f"hal-hal penting lain tahun {chapter.year}: keberhasilan utama, "
                             "kendala yang dihadapi dan langkah perbaikannya."),
        },
        "contents": {"toc": TOC_MARK, "tables": TABLES_MARK, "figures": FIGURES_MARK},
        "bab1": _bab1(master, notes),
        "bab2": _bab2(master, name, notes),
        "bab4": {
            "sentences": [clean(t) for t in conclusion(chapter)],
            "conclusion_slot": say.slot("simpulan umum Sekretariat atas capaian kinerja tahun "
                                        f"{chapter.year}."),
            "plans_slot": say.slot("langkah yang akan dilakukan pada tahun "
                                   f"{chapter.year + 1} untuk meningkatkan kinerja, "
                                   "terutama bagi indikator yang belum mencapai target."),
        },
        "attachments": {
            "pk": f"Lampiran 1. {name.split(' tanggal ')[0]}",
            "iku": f"Lampiran 2. Indikator Kinerja Utama (IKU) Tahun {chapter.year}",
            "capaian": f"Lampiran 3. Capaian Indikator Kinerja Utama (IKU) Tahun "
                       f"{chapter.year}",
        },
        "iku": iku,
        "pk": pk_part(master, pk, base),
        "place_date": iku["place_date"],  # the IKU's signature ends the document
    })
    return context, notes


# --- the front matter --------------------------------------------------------------------


def _cover(master: Master) -> dict[str, Any]:
    agency = master.agency
    region = f"{agency.region_kind.value} {agency.region_name}"
    government = clean(f"PEMERINTAH {region}").upper()
    return {
        "title": REPORT_TITLE,
        "short": "(LKjIP)",
        "year_line": f"TAHUN {agency.year}",
        "agency": clean(agency.name).upper(),
        # a regency's own LKjIP: the agency is the government, named once
        "government": "" if government == clean(agency.name).upper() else government,
    }


def _preface(master: Master) -> dict[str, Any]:
    """The Kata Pengantar: a slot, then the place (the date is the day the head signs:
    left as dots), the head's title, name, rank and NIP."""
    agency, s = master.agency, master.agency.signatory
    return {
        "slot": say.slot("kata pengantar kepala instansi (syukur atas selesainya LKjIP "
                         f"tahun {agency.year}, dasar penyusunannya, dan harapan atas "
                         "laporan ini)."),
        "place_date": f"{clean(agency.report_place) or BLANK}, {BLANK}",
        "title": clean(s.title),
        "name": clean(s.name) or BLANK,
        "rank": clean(s.rank),
        "nip": f"NIP. {clean(s.nip)}" if s.nip else "",
    }


# --- Bab I ----------------------------------------------------------------------------------


def _bab1(master: Master, notes: list[str]) -> dict[str, Any]:
    agency = master.agency
    numbers = Numbers(1)
    functions = [{"letter": letter(i), "text": clean(f)}
                 for i, f in enumerate(agency.functions)]
    if not agency.duties and not agency.functions:
        notes.append("instansi.tugas dan instansi.fungsi tidak ditulis: Bab I mencetak "
                     "isian Sekretariat untuk tugas dan fungsi")
    heads = [{"no": "1", "unit": clean(agency.signatory.title) or clean(agency.name),
              "head": clean(agency.signatory.name) or BLANK}]
    heads += [{"no": str(i), "unit": clean(u.name), "head": clean(u.head) or BLANK}
              for i, u in enumerate(master.units, 2)]
    unnamed = [u.code for u in master.units if not u.head]
    if unnamed:
        notes.append(f"kepala unit {', '.join(unnamed)} tidak ditulis (unit: kepala): struktur "
                     "organisasi di Bab I mencetak titik-titik")
    return {
        "duties": clean(agency.duties),
        "functions": functions,
        "duties_slot": "" if agency.duties or agency.functions else say.slot(
            f"tugas dan fungsi {clean(agency.name)} menurut peraturan kepala daerah tentang "
            "kedudukan, susunan organisasi, tugas dan fungsinya."),
        "organisation": {
            "sentence": (f"Susunan organisasi {clean(agency.name)} terdiri atas pimpinan dan "
                         f"{counted(len(master.units))} unit kerja, sebagaimana Tabel 1.1."),
            "caption": numbers.next_table(f"Unit kerja dan pimpinan {clean(agency.name)}"),
            "rows": heads,
            "slot": say.slot("bagan struktur organisasi (gambar) dan uraian singkatnya."),
        },
        "staff": _staff(master, numbers, notes),
        "issues_slot": say.slot("isu strategis dan permasalahan utama yang dihadapi "
                                f"{clean(agency.name)} (strategic issues)."),
    }


def _staff(master: Master, numbers: Numbers, notes: list[str]) -> dict[str, Any]:
    staff = master.agency.staff
    resources = say.slot("sarana dan prasarana yang mendukung pelaksanaan tugas (gedung, "
                         "kendaraan, peralatan kerja).")
    parts = []
    for key, label, what in (("by_rank", "Golongan", "golongan"),
                             ("by_education", "Pendidikan", "tingkat pendidikan")):
        counts = getattr(staff, key) if staff is not None else {}
        if not counts:
            continue
        total = sum(counts.values())
        parts.append({
            "caption": numbers.next_table(f"Pegawai menurut {what}"),
            "head": label,
            "rows": [{"item": clean(str(k)), "count": fmt_number(v)}
                     for k, v in counts.items()],
            "total": fmt_number(total),
        })
    if not parts:
        notes.append("instansi.pegawai tidak ditulis: sumber daya manusia di Bab I menjadi "
                     "isian Sekretariat (tulis pegawai: {golongan: {...}, pendidikan: {...}})")
        return {"shown": False, "sentence": "", "tables": [], "slot": say.slot(
            "jumlah pegawai menurut golongan dan menurut tingkat pendidikan."),
            "resources_slot": resources}
    totals = {p["total"] for p in parts}
    if len(totals) > 1:
        notes.append("jumlah pegawai menurut golongan dan menurut pendidikan berbeda "
                     f"({' dan '.join(p['total'] for p in parts)}): periksa instansi.pegawai")
    total = parts[0]["total"]
    return {
        "shown": True,
        "sentence": (f"Pelaksanaan tugas {clean(master.agency.name)} didukung oleh {total} "
                     "orang pegawai, dengan rincian sebagai berikut."),
        "tables": parts,
        "slot": "",
        "resources_slot": resources,
    }


# --- Bab II ---------------------------------------------------------------------------------


def _bab2(master: Master, pk: str, notes: list[str]) -> dict[str, Any]:
    agency = master.agency
    numbers = Numbers(2)
    period = f" periode {clean(agency.renstra_period)}" if agency.renstra_period else ""
    goals = [{"sasaran": f"Sasaran {s.number}: {clean(s.renstra_title)}",
              "goal": clean(s.goal)} for s in master.sasaran]
    missing = [k for k, v in (("visi", agency.vision), ("misi", agency.missions),
                              ("periode_renstra", agency.renstra_period)) if not v]
    if missing:
        notes.append(f"instansi.{', instansi.'.join(missing)} tidak ditulis: Bab II "
                     "mencetak isian Sekretariat")
    if not all(s.goal for s in master.sasaran):
        notes.append("tujuan sasaran tidak ditulis (sasaran: tujuan): Bab II mencetak isian "
                     "Sekretariat untuk tujuan Renstra")
    renstra = _renstra_table(master, numbers)
    iku = _iku_table(master, numbers)
    targets_caption = numbers.next_table(f"Sasaran strategis, indikator kinerja dan target "
                                         f"{pk}")
    programs_caption = numbers.next_table(f"Program dan anggaran {pk.split(' tanggal ')[0]}")
    return {
        "renstra": {
            "sentence": (f"Rencana Strategis (Renstra) {clean(agency.name)}{period} "
                         "menetapkan visi, misi, tujuan dan sasaran strategis yang menjadi "
                         "arah kinerja tahunan, sebagai berikut."),
            "vision": clean(agency.vision),
            "vision_slot": "" if agency.vision else say.slot("visi Renstra."),
            "missions": [f"{i}. {clean(m)}" for i, m in enumerate(agency.missions, 1)],
            "missions_slot": "" if agency.missions else say.slot("misi Renstra."),
            "goals": goals,
            "goals_slot": "" if all(s.goal for s in master.sasaran) else say.slot(
                "tujuan Renstra yang didukung setiap sasaran strategis."),
            **renstra,
        },
        "iku": iku,
        "pk": {
            "sentence": (f"Target kinerja tahun {agency.year} ditetapkan dalam {pk}, yang "
                         "memuat sasaran strategis, indikator kinerja dan targetnya serta "
                         "program dan anggarannya; dokumen lengkapnya terlampir (Lampiran 1)."),
            "targets_caption": targets_caption,
            "programs_caption": programs_caption,
        },
    }


def _renstra_table(master: Master, numbers: Numbers) -> dict[str, Any]:
    """Sasaran, indicators, their baseline, the targets of the Renstra's years the master
    writes (``target: {2021: 90, …}``; else this year's), and the Target Akhir."""
    year = master.agency.year
    by_year = {ind.code: ind.yearly_targets() for ind in master.indicators}
    years = sorted({y for targets in by_year.values() for y in targets} | {year})
    if len(years) > RENSTRA_YEARS:
        at = years.index(year)
        start = max(0, min(at, len(years) - RENSTRA_YEARS))
        years = years[start:start + RENSTRA_YEARS]
    slots = years + [None] * (RENSTRA_YEARS - len(years))
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            targets = by_year[ind.code] or {year: ind.target}
            row = {"no": str(s.number) if j == 0 else MERGE_UP,
                   "sasaran": clean(s.renstra_title) if j == 0 else MERGE_UP,
                   "indicator": clean(ind.renstra_title),
                   "unit": clean(ind.unit_of_measure) or "-",
                   "baseline": (_in_column(ind, value_text(ind, ind.baseline, na=NA))
                                if ind.has_baseline else "-"),
                   "final": _in_column(ind, fmt_target(ind, ind.final_target))
                   if ind.final_target is not None else "-"}
            for i, y in enumerate(slots):
                row[f"y{i + 1}"] = (_in_column(ind, fmt_target(ind, targets[y]))
                                    if y in targets else "-")
            rows.append(row)
    return {
        "caption": numbers.next_table("Sasaran strategis, indikator kinerja dan target "
                                      "Renstra"),
        "head": {f"y{i + 1}": (str(y) if y is not None else DROP_COLUMN)
                 for i, y in enumerate(slots)},
        "rows": rows,
    }


def _in_column(ind, text: str) -> str:
    """A figure of the Renstra table without its satuan, which has its own column ("4
    dokumen" → "4": five year columns are narrow); a percentage keeps its sign."""
    unit = ind.unit_of_measure.strip()
    if unit and unit != "%" and text.endswith(f" {unit}"):
        return text.removesuffix(f" {unit}")
    return text


def _iku_table(master: Master, numbers: Numbers) -> dict[str, Any]:
    """The agency's Indikator Kinerja Utama: how each is measured (its equation and what
    y, x1 and x2 are), who answers for it, where its data come from."""
    rows = []
    for s in master.sasaran:
        for j, ind in enumerate(s.indicators):
            lines = [f"y = {clean(ind.y_meaning)}", f"{SUB1} = {clean(ind.x1_meaning)}"]
            if ind.asks_x2 and ind.x2_meaning:
                lines.append(f"{SUB2} = {clean(ind.x2_meaning)}")
            rows.append({
                "no": str(s.number) if j == 0 else MERGE_UP,
                "sasaran": clean(s.renstra_title) if j == 0 else MERGE_UP,
                "indicator": clean(ind.renstra_title),
                "formula": formula_omml(ind),
                "lines": lines,
                "responsible": clean(ind.responsible) or "-",
                "sources": [clean(x) for x in ind.data_sources] or ["-"],
            })
    return {
        "sentence": (f"Indikator Kinerja Utama {clean(master.agency.name)} yang diukur dalam "
                     "laporan ini, beserta cara pengukurannya, tercantum pada tabel berikut."),
        "caption": numbers.next_table(f"Indikator Kinerja Utama {clean(master.agency.name)}"),
        "rows": rows,
    }
