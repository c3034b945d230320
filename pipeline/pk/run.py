"""``iku pk``: the master → the Perjanjian Kinerja, published safely and recorded.

``build_pk`` runs a flat list of steps, I/O at the edges:

1. guard: the output is a .docx, not read-only (unless ``--timpa``), not the master, the
   template or the history; LibreOffice is there when ``--pdf`` is asked (as every
   document's ``guard``); nothing has been read or written yet;
2. the PK the master describes (``model.revision_of``) and what it leaves blank
   (``model.gaps``: PERINGATAN lines, the blanks printed as dots);
3. the revisions recorded in the history (read only) and the plan (``history.plan``):
   which PK to print, against which one a PK Perubahan is compared, what to record;
4. the bytes (``render.render_bytes``) and ``publish_report`` (atomic, verified,
   byte-identical reruns leave the file untouched, an edited PK is kept as a dated backup,
   ``--pdf`` replaces .docx and .pdf together);
5. the revision recorded in the history, when the plan says so, after the document is in
   place (as the yearly report records after publishing).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import paths
from ..domain.master import Master
from ..errors import Problem, Severity
from ..history.model import PkRevision
from ..office.libreoffice import require_soffice
from ..office.publish import Published, check_target, guard_outputs, publish_report
from ..reasons import Reason
from .history import Plan, plan, record, replaced_notice, revisions_in
from .model import gaps, revision_of
from .render import render_bytes


@dataclass
class PkOutcome:
    master: Master
    plan: Plan
    published: Published
    recorded: bool = False
    notices: list[Problem] = field(default_factory=list)  # the master's blanks
    notes: list[str] = field(default_factory=list)  # what the history said (Indonesian)

    @property
    def pk(self) -> PkRevision:
        return self.plan.pk


def default_name(master: Master, revised: bool = False) -> str:
    """``Perjanjian_Kinerja_2021.docx`` / ``Perjanjian_Kinerja_Perubahan_2021.docx``."""
    kind = "Perjanjian_Kinerja_Perubahan" if revised else "Perjanjian_Kinerja"
    return f"{kind}_{master.agency.year}.docx"


def build_pk(
    master: Master,
    out: Path,
    template: Path = paths.PK_TEMPLATE,
    pdf: bool = False,
    overwrite: bool = False,
    protected: tuple[Path, ...] = (),
    history: Path | None = None,
    revised: bool = False,
    master_name: str = "master",
) -> PkOutcome:
    """Write the master's PK (``revised``: its PK Perubahan) to ``out`` (and its PDF) and
    record it in ``history`` (None: nothing is read or recorded, and a PK Perubahan has
    nothing to be compared with: refused). ``master_name`` names the master in the
    PERINGATAN lines."""
    out = Path(out)
    extra = (Path(history),) if history is not None else ()
    check_target(out, overwrite)
    guard_outputs([("--out", out), ("PDF", out.with_suffix(".pdf"))], None,
                  (Path(template), *protected, *extra))
    if pdf:
        require_soffice()
    notices = [Problem(Severity.WARNING, Reason.PK_BLANK, text, file=master_name)
               for text in gaps(master)]
    recorded = revisions_in(history, master)
    chosen = plan(recorded, revision_of(master), revised)
    notes = []
    if chosen.reprinted:
        notes.append(f"Perjanjian Kinerja tahun {master.agency.year} sudah diubah (PK "
                     f"Perubahan ke-{recorded[-1].revision} tercatat di riwayat): PK awal "
                     "dicetak seperti tercatat, bukan dari master. PK yang berlaku: `iku pk "
                     "--perubahan`.")
    if chosen.replaced is not None:
        notes.append(replaced_notice(chosen.replaced, chosen.pk))
    if chosen.pk.revised and chosen.base is not None and chosen.base.signed_on and \
            chosen.pk.signed_on and chosen.pk.signed_on <= chosen.base.signed_on:
        notices.append(Problem(
            Severity.WARNING, Reason.PK_DATE_ORDER,
            f"tanggal_pk PK Perubahan sama dengan atau sebelum tanggal PK yang diubahnya "
            f"({chosen.base.signed_on:%Y-%m-%d}); tulis tanggal PK Perubahan di tanggal_pk",
            file=master_name))
    data = render_bytes(master, chosen.pk, chosen.base, Path(template))
    published = publish_report(data, out, pdf=pdf, overwrite=overwrite)
    outcome = PkOutcome(master, chosen, published, notices=notices, notes=notes)
    if chosen.record and history is not None:
        record(Path(history), master, chosen.pk)
        outcome.recorded = True
    return outcome
