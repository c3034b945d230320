"""Everything the Perjanjian Kinerja shows, worded and formatted, under one key: ``pk``.

``pk_part(master, pk, base)`` returns the PK as a plain dict (strings, lists, dicts);
``build_context`` wraps it as ``{"pk": …}``, the whole context of the PK's own template.
Every name the PK's template uses starts with ``pk.``, so another document can carry the
PK as pages of its own (the complete LKjIP's Lampiran, issue 22 §2): its context gets
``"pk": pk_part(master, pk_of(history, master), base)`` and its template the PK's
block, written by the same builder function (``dev.pk_template.write_pk``, with
``write_pk_styles``); ``pk.render.PK_BLOCKS`` are the blocks such a template may not
lose. The engine's finishing steps the block relies on (``MERGE_UP`` merges the sasaran
cells, ``DROP_COLUMN`` drops the Keterangan column of a PK that is not a Perubahan) work
on any rendered body, so nothing else is needed.

The statement's legal text is not here: it is fixed text of the template (see
``dev/pk_template.py`` for its source), so an agency whose region words it differently
restyles the template instead of the code. What is here comes from data: the parties,
the place and date, the rows, and for a PK Perubahan the marks of what changed against
the PK before it (``model.changes``) and the notes saying against which one.

A blank the master leaves (a name, the date, a program: ``model.gaps``) prints as
``BLANK``, dots to fill in by hand, never an invented value.
"""

from __future__ import annotations

from typing import Any

from ..annual.texts import clean
from ..domain.master import Master
from ..domain.numfmt import fmt_date
from ..history.model import PkParty, PkRevision, PkTarget
from ..word.columns import DROP_COLUMN, MERGE_UP
from .model import Changes, changes, money, target_text

#: What a blank the master leaves prints as: dots to fill in by hand (as printed PK
#: blanks have them), never an invented name, date or figure.
BLANK = "\u2026" * 8


def kind_of(pk: PkRevision) -> str:
    return "PERJANJIAN KINERJA PERUBAHAN" if pk.revised else "PERJANJIAN KINERJA"


def title_of(pk: PkRevision) -> str:
    """``PERJANJIAN KINERJA TAHUN 2021`` or ``PERJANJIAN KINERJA PERUBAHAN TAHUN 2021``."""
    return f"{kind_of(pk)} TAHUN {pk.year}"


def _party(p: PkParty) -> dict[str, str]:
    return {"title": clean(p.title), "name": clean(p.name) or BLANK, "rank": clean(p.rank),
            "nip": f"NIP. {clean(p.nip)}" if p.nip else ""}


def _target_rows(pk: PkRevision, diff: Changes | None) -> list[dict[str, str]]:
    rows = []
    previous = None
    for row in pk.targets:
        first = row.sasaran_no != previous
        previous = row.sasaran_no
        rows.append({
            "no": str(row.sasaran_no) if first else MERGE_UP,
            "sasaran": clean(row.sasaran) if first else MERGE_UP,
            "indicator": clean(row.indicator),
            "unit": clean(row.unit_of_measure) or "-",
            "target": clean(target_text(row)),
            "note": _target_mark(row, diff),
        })
    return rows


def _target_mark(row: PkTarget, diff: Changes | None) -> str:
    if diff is None:
        return ""
    if row.code in diff.added_targets:
        return "Baru"
    if row.code in diff.targets:
        return "Diubah: " + "; ".join(clean(t) for t in diff.targets[row.code])
    return ""


def _programs(pk: PkRevision, diff: Changes | None) -> dict[str, Any]:
    rows = []
    for i, p in enumerate(pk.programs, 1):
        note = [clean(p.note)] if p.note else []
        if diff is not None and p.program in diff.added_programs:
            note.append("Baru")
        elif diff is not None and p.program in diff.programs:
            note.append("Diubah: " + "; ".join(diff.programs[p.program]))
        rows.append({"no": str(i), "program": clean(p.program) or BLANK,
                     "ceiling": money(p.ceiling), "note": note or [""]})
    if not rows:  # the master gives no anggaran: one row to fill in by hand
        rows = [{"no": "1", "program": BLANK, "ceiling": BLANK, "note": [""]}]
    total = money(sum(p.ceiling for p in pk.programs)) if pk.programs else BLANK
    return {"rows": rows, "total": {"label": "JUMLAH", "ceiling": total}}


def _notes(pk: PkRevision, base: PkRevision | None, diff: Changes | None) -> list[str]:
    if base is None or diff is None:
        return []
    when = f" tertanggal {fmt_date(base.signed_on)}" if base.signed_on else ""
    which = title_of(base).title()  # Perjanjian Kinerja (Perubahan) Tahun 2021
    if base.revised:
        which += f" (perubahan ke-{base.revision})"
    notes = [f"Kolom Keterangan membandingkan dengan {which}{when} yang tercatat di riwayat: "
             "«Diubah» menyebut isi semula, «Baru» baris yang sebelumnya tidak ada."]
    for row in diff.removed_targets:
        notes.append(f"Tidak lagi diperjanjikan: {clean(row.code)} {clean(row.indicator)} "
                     f"(target semula {clean(target_text(row, True))}).")
    for p in diff.removed_programs:
        notes.append(f"Program yang tidak lagi diperjanjikan: {clean(p.program)} (anggaran "
                     f"semula Rp{money(p.ceiling)}).")
    notes += [f"{clean(t[0].upper() + t[1:])}." for t in diff.parties]
    return notes


def pk_part(master: Master, pk: PkRevision, base: PkRevision | None = None
            ) -> dict[str, Any]:
    """The PK ``pk`` of ``master``'s agency, as its template shows it; ``base``: the PK
    before it, for a PK Perubahan's marks (None: no marks, no Keterangan column)."""
    agency = master.agency
    diff = changes(base, pk) if base is not None else None
    kind = kind_of(pk)
    region = f"{agency.region_kind.value} {agency.region_name}"
    parties = (pk.first_party, pk.second_party)
    date = fmt_date(pk.signed_on) if pk.signed_on else BLANK
    return {
        "government": clean(f"PEMERINTAH {region}").upper(),
        "agency": clean(agency.name).upper(),
        "title": title_of(pk),
        "year": str(pk.year),
        "first": _party(pk.first_party),
        "second": _party(pk.second_party),
        "place_date": f"{clean(agency.report_place) or BLANK}, {date}",
        "signature": {"rank": any(p.rank for p in parties), "nip": any(p.nip for p in parties)},
        "lampiran": {"title": f"LAMPIRAN {kind} TAHUN {pk.year}"},
        "targets": {"head": {"note": "KETERANGAN" if diff is not None else DROP_COLUMN},
                    "rows": _target_rows(pk, diff)},
        "programs": _programs(pk, diff),
        "notes": _notes(pk, base, diff),
    }


def build_context(master: Master, pk: PkRevision, base: PkRevision | None = None
                  ) -> dict[str, Any]:
    """The whole context of the PK's own template (``input_templates/perjanjian_kinerja.docx``)."""
    return {"pk": pk_part(master, pk, base)}
