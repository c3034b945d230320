"""The Perjanjian Kinerja's data: a revision built from the master, what it leaves blank,
and what changed between two revisions.

``revision_of(master, revision)`` is pure: the parties (the master's ``penandatangan`` as
pihak pertama, ``pihak_kedua`` as pihak kedua, whose jabatan defaults to the head of the
region, ``Agency.region_head``), one target row per indicator in master order (the
Renstra wording of the sasaran and the indicator, the satuan, the year's target and its
decimals) and the programs with their pagu (``sasaran.anggaran``: the same budget lines
Bab III LKjIP reads, so the anggaran is typed once). Programs of the same name under
several sasaran are one row of the PK with their pagu added (a PK lists each program
once); a line without a program name stays its own row, printed as a blank.

``gaps(master)`` says what the PK prints as a blank to fill in by hand (never invented):
the names of the parties, the date, the programs. ``changes(base, new)`` compares two
revisions row by row (indicators by Kode, programs by name): the marks of a PK Perubahan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain import numfmt
from ..domain.master import Master, Signatory
from ..history.model import PkParty, PkProgram, PkRevision, PkTarget


def first_party(signatory: Signatory) -> PkParty:
    return PkParty(signatory.title, signatory.name, signatory.rank, signatory.nip)


def second_party(master: Master) -> PkParty:
    given = master.agency.second_party
    return PkParty(given.title or master.agency.region_head, given.name, given.rank,
                   given.nip)


def targets_of(master: Master) -> tuple[PkTarget, ...]:
    return tuple(PkTarget(ind.code, s.number, s.renstra_title, ind.renstra_title,
                          ind.unit_of_measure, ind.target, ind.target_places)
                 for s in master.sasaran for ind in s.indicators)


def programs_of(master: Master) -> tuple[PkProgram, ...]:
    """The budget lines of every sasaran as the PK's programs (same name: one row)."""
    rows: list[PkProgram] = []
    where: dict[str, int] = {}
    for s in master.sasaran:
        for line in s.budget:
            name = line.program.strip()
            if name and name in where:
                i = where[name]
                old = rows[i]
                notes = [n for n in (old.note, line.note.strip()) if n]
                rows[i] = PkProgram(name, old.ceiling + line.ceiling,
                                    "; ".join(dict.fromkeys(notes)))
                continue
            if name:
                where[name] = len(rows)
            rows.append(PkProgram(name, line.ceiling, line.note.strip()))
    return tuple(rows)


def revision_of(master: Master, revision: int = 0) -> PkRevision:
    """The PK the master describes, as revision ``revision`` (0: the PK; n: PK Perubahan)."""
    agency = master.agency
    return PkRevision(agency.year, revision, agency.pk_date, first_party(agency.signatory),
                      second_party(master), targets_of(master), programs_of(master))


def gaps(master: Master) -> list[str]:
    """What the PK prints as a blank "……" to fill in by hand, each line saying which key
    of the master fills it (Indonesian, for PERINGATAN lines)."""
    agency = master.agency
    out = []
    if not agency.signatory.name:
        out.append("penandatangan.nama tidak diisi; nama pihak pertama di Perjanjian Kinerja "
                   "dicetak titik-titik untuk diisi tangan")
    if not agency.second_party.name:
        out.append(f"pihak_kedua.nama tidak diisi; nama pihak kedua "
                   f"({second_party(master).title}) dicetak titik-titik untuk diisi tangan "
                   "(tulis mis. pihak_kedua: {nama: \"…\"} di bagian instansi)")
    if agency.pk_date is None:
        out.append("tanggal_pk tidak diisi; tanggal Perjanjian Kinerja dicetak titik-titik "
                   "(tulis mis. tanggal_pk: " f"{agency.year}-01-14 di bagian instansi)")
    elif agency.pk_date.year != agency.year:
        out.append(f"tanggal_pk {numfmt.fmt_date(agency.pk_date)} tidak di tahun "
                   f"{agency.year}; Perjanjian Kinerja ditandatangani pada tahun "
                   "kinerjanya (Januari): periksa tanggalnya")
    if not any(s.budget for s in master.sasaran):
        out.append("anggaran tidak ditulis untuk sasaran mana pun; tabel program dan "
                   "anggaran di lampiran Perjanjian Kinerja dicetak titik-titik (tulis "
                   "anggaran: [{program, pagu}] di tiap sasaran)")
    unnamed = [str(s.number) for s in master.sasaran if any(not b.program for b in s.budget)]
    if unnamed:
        out.append(f"anggaran sasaran {', '.join(unnamed)} tanpa nama program; kolom Program "
                   "di lampiran Perjanjian Kinerja dicetak titik-titik (tulis program: "
                   "\"…\")")
    return out


# --- a PK Perubahan against the PK before it ---------------------------------------------


@dataclass
class Changes:
    """How revision ``new`` differs from ``base`` (Indonesian phrases, e.g. "target semula
    90%"). A row with phrases is changed; a code or program in ``added`` is new; the
    ``removed`` rows were promised before and are no longer."""

    targets: dict[str, list[str]] = field(default_factory=dict)
    added_targets: set[str] = field(default_factory=set)
    removed_targets: list[PkTarget] = field(default_factory=list)
    programs: dict[str, list[str]] = field(default_factory=dict)
    added_programs: set[str] = field(default_factory=set)
    removed_programs: list[PkProgram] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return any((self.targets, self.added_targets, self.removed_targets, self.programs,
                    self.added_programs, self.removed_programs, self.parties))


def target_text(row: PkTarget, with_unit: bool = False) -> str:
    """A row's target as the PK prints it (``numfmt.fmt_target``): without the satuan in
    the Target column (the Satuan column holds it), with it in a sentence."""
    return numfmt.fmt_target(row.target, row.unit_of_measure if with_unit else "",
                             row.decimals)


def money(amount: float) -> str:
    """Rupiah as the PK prints it: ``250.000.000`` (thousands dots, decimals only when
    there are some)."""
    return numfmt.fmt_number(amount)


def changes(base: PkRevision, new: PkRevision) -> Changes:
    out = Changes()
    before = {t.code: t for t in base.targets}
    for row in new.targets:
        old = before.get(row.code)
        if old is None:
            out.added_targets.add(row.code)
            continue
        said = []
        if target_text(old, True) != target_text(row, True):
            said.append(f"target semula {target_text(old, True)}")
        if old.indicator.strip() != row.indicator.strip():
            said.append(f"indikator semula «{old.indicator.strip()}»")
        if old.sasaran.strip() != row.sasaran.strip():
            said.append(f"sasaran semula «{old.sasaran.strip()}»")
        if said:
            out.targets[row.code] = said
    now = {t.code for t in new.targets}
    out.removed_targets = [t for t in base.targets if t.code not in now]
    earlier = {p.program: p for p in base.programs if p.program}
    for p in new.programs:
        if not p.program:
            continue
        old = earlier.get(p.program)
        if old is None:
            out.added_programs.add(p.program)
        elif money(old.ceiling) != money(p.ceiling):
            out.programs[p.program] = [f"anggaran semula Rp{money(old.ceiling)}"]
    names = {p.program for p in new.programs}
    out.removed_programs = [p for p in base.programs if p.program and p.program not in names]
    for label, a, b in (("pihak pertama", base.first_party, new.first_party),
                        ("pihak kedua", base.second_party, new.second_party)):
        if (a.name, a.title) != (b.name, b.title):
            who = ", ".join(x for x in (a.name, a.title) if x)
            out.parties.append(f"{label} semula {who}")
    return out
