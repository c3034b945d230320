"""The top-level runs: a short, flat list of stage calls, I/O at the edges.

master → read submissions → validate → compute → render. Every function here is callable
from Python; ``cli`` only parses arguments and prints.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .compute import Results, compute
from .errors import UsageError, ValidationFailed
from .master import Master
from .reader import read_folder
from .validate import Validated, validate


@dataclass
class ReportOutcome:
    master: Master
    checked: Validated
    results: Results
    docx: Path
    pdf: Path | None = None


def check_inputs(master: Master, inputs: Path) -> Validated:
    """Read and validate every workbook of a folder against the master."""
    if not inputs.exists():
        raise UsageError(f"folder isian '{inputs}' tidak ada")
    if not inputs.is_dir():
        raise UsageError(f"'{inputs}' bukan folder; berikan folder yang berisi berkas .xlsx")
    return validate(master, read_folder(inputs))


def build_report(
    master: Master,
    inputs: Path,
    out: Path,
    template: Path = paths.WORD_TEMPLATE,
    draft: bool = False,
    pdf: bool = False,
) -> ReportOutcome:
    """Validate the submissions and write the Word report (and PDF) atomically.

    Errors in the submissions raise ValidationFailed before anything is written, unless
    ``draft`` is set, in which case the report marks what is missing or invalid.
    """
    checked = check_inputs(master, inputs)
    if not checked.ok and not draft:
        raise ValidationFailed(checked.problems, checked.files)
    from .render import convert_to_pdf, render_report  # docxtpl is heavy: load when used

    results = compute(master, checked.values, checked.invalid, draft=draft)
    docx = render_report(master, results, out, template)
    pdf_path = convert_to_pdf(docx) if pdf else None
    return ReportOutcome(master, checked, results, docx, pdf_path)


@contextmanager
def sample_inputs(master: Master) -> Iterator[Path]:
    """The bundled sample submissions, written afresh to a temporary folder."""
    from .sample import write_sample_inputs

    with tempfile.TemporaryDirectory(prefix="iku_contoh_") as tmp:
        write_sample_inputs(master, Path(tmp))
        yield Path(tmp)
