"""The Perjanjian Kinerja in the history: which PK is in force, and what a run records.

A year's PK has revisions (``history.model.PkRevision``): 0 is the PK signed in January,
n ≥ 1 the n-th PK Perubahan. The history keeps one row per revision, its latest content
(``History.record_pk``); the highest revision is the one in force:

* ``pk_of(history, master)``: the PK in force for the master's agency and year (None when
  none is recorded). The LKjIP measures against its targets and prints it in its Lampiran
  (``pk.context.pk_part``); ``revisions_of`` gives them all, oldest first, and
  ``base_of`` the revision a PK Perubahan is compared with.
* ``plan(recorded, built, revised)``: what ``iku pk`` prints and records, given the
  revisions recorded and the one the master describes now (``model.revision_of``):

  - ``iku pk``, nothing recorded, or only revision 0: the master's PK is revision 0; it
    is recorded when it differs from the recorded one (a PK is rebuilt as often as needed
    until it is signed; ``Plan.replaced`` says what it held before, for a notice);
  - ``iku pk`` once a PK Perubahan is recorded: revision 0 is reprinted as it was
    recorded (the master now holds the changed targets), and nothing is recorded;
  - ``iku pk --perubahan``: nothing recorded: refused (there is nothing to change);
    revision 0 in force: the master's PK becomes revision 1, compared with revision 0,
    refused when nothing differs; revision n ≥ 1 in force: the master's PK replaces
    revision n (a PK Perubahan is rebuilt until it is signed, always compared with
    revision n − 1), refused when it promises what revision n − 1 did.

  A second PK Perubahan after the first was signed is not a separate revision here (the
  last one replaces it): docs/PANDUAN.md says so.

Reading never creates the file (``revisions_in``); ``record`` writes one revision.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..domain.master import Master
from ..domain.numfmt import fmt_date
from ..errors import UsageError
from ..history import History, open_history
from ..history.model import PkRevision
from .context import title_of
from .model import changes


def revisions_of(history: History, master: Master) -> list[PkRevision]:
    """Every recorded revision of the master's agency's PK for its year, oldest first."""
    key = history.agency_of(master)
    return [] if key is None else history.pk_revisions(key, master.agency.year)


def pk_of(history: History, master: Master) -> PkRevision | None:
    """The PK in force for the master's agency and year: its highest recorded revision
    (a PK Perubahan once one is recorded), with its targets, programs and parties; None
    when no PK of that year is recorded."""
    recorded = revisions_of(history, master)
    return recorded[-1] if recorded else None


def base_of(recorded: list[PkRevision], pk: PkRevision) -> PkRevision | None:
    """The revision ``pk`` is compared with: the one before it (None for the PK itself)."""
    if not pk.revised:
        return None
    return next((r for r in recorded if r.revision == pk.revision - 1), None)


def revisions_in(path: Path | None, master: Master) -> list[PkRevision]:
    """``revisions_of`` the history file at ``path``; [] when there is none (no file is
    made by reading)."""
    if path is None or not Path(path).exists():
        return []
    with open_history(path, create=False) as h:
        return revisions_of(h, master)


@dataclass(frozen=True)
class Plan:
    pk: PkRevision  # the PK to print
    base: PkRevision | None  # the PK it is compared with (a PK Perubahan)
    record: bool  # the history gets ``pk`` as its revision
    replaced: PkRevision | None = None  # what that revision held before, when it changes
    reprinted: bool = False  # printed as recorded, not from the master


def plan(recorded: list[PkRevision], built: PkRevision, revised: bool) -> Plan:
    """What ``iku pk`` (``revised``: ``--perubahan``) prints and records; see the module
    docstring. Raises UsageError when a PK Perubahan has nothing to change."""
    year = built.year
    latest = recorded[-1] if recorded else None
    if not revised:
        if latest is not None and latest.revised:
            return Plan(recorded[0], None, record=False, reprinted=True)
        pk = replace(built, revision=0)
        return _kept_or_recorded(pk, latest, None)
    if latest is None:
        raise UsageError(
            f"belum ada Perjanjian Kinerja tahun {year} yang tercatat di riwayat, jadi tidak "
            "ada yang diubah: buat dulu PK awal dengan `iku pk` memakai master dengan target "
            "semula, lalu ubah master dan jalankan `iku pk --perubahan`")
    number = max(latest.revision, 1)
    base = next(r for r in recorded if r.revision == number - 1)
    pk = replace(built, revision=number)
    if pk.same_promise(base):
        raise UsageError(
            f"target, anggaran dan para pihak di master sama dengan {_named(base)} yang "
            "tercatat di riwayat: tidak ada yang diubah, PK Perubahan tidak dibuat. Ubah "
            "target atau anggaran di master dulu")
    current = latest if latest.revision == number else None
    return _kept_or_recorded(pk, current, base)


def _kept_or_recorded(pk: PkRevision, current: PkRevision | None, base: PkRevision | None
                      ) -> Plan:
    if current is None:
        return Plan(pk, base, record=True)
    if current.same_promise(pk):
        return Plan(pk, base, record=current.signed_on != pk.signed_on)
    return Plan(pk, base, record=True, replaced=current)


def _named(pk: PkRevision) -> str:
    when = f" tertanggal {fmt_date(pk.signed_on)}" if pk.signed_on else ""
    return f"{title_of(pk).title()}{when}"


def replaced_notice(old: PkRevision, new: PkRevision) -> str:
    """What a rebuilt revision changed, for the CLI (Indonesian)."""
    diff = changes(old, new)
    said = [f"{code}: {'; '.join(t)}" for code, t in diff.targets.items()]
    said += [f"{code}: baru" for code in sorted(diff.added_targets)]
    said += [f"{t.code}: dihapus" for t in diff.removed_targets]
    said += [f"program {name}: {'; '.join(t)}" for name, t in diff.programs.items()]
    said += [f"program {name}: baru" for name in sorted(diff.added_programs)]
    said += [f"program {p.program}: dihapus" for p in diff.removed_programs]
    said += diff.parties
    what = "; ".join(said) or "isi lain berubah"
    return (f"{_named(old)} yang tercatat di riwayat diganti dengan isi master sekarang "
            f"({what}). Bila PK itu sudah ditandatangani, perubahan dibuat sebagai PK "
            "Perubahan: `iku pk --perubahan`.")


def record(path: Path, master: Master, pk: PkRevision) -> None:
    """Record ``pk`` as its revision of the master's agency's PK (the file is made when
    it does not exist yet)."""
    with open_history(path) as h:
        h.record_pk(h.key_for(master), master.agency.name, pk)
