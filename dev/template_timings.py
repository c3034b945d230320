"""How long the template check takes: ``python -m dev.template_timings [TEMPLATE.docx …]``.

Prints, for each template, the first check in this process (stages 1-4 and 5) and a cached
one (stage 5 only), against the bundled sample's context (docxtpl imported first, as
rendering needs it anyway: not part of the check's cost).
"""

from __future__ import annotations

import sys
import time

import docxtpl  # noqa: F401  (rendering imports it anyway: not part of the check's cost)

from pipeline import paths
from pipeline.annual.context import build_context
from pipeline.annual.report import IKU
from pipeline.compute import compute
from pipeline.domain.master import load_master
from pipeline.intake.validate import check_inputs
from pipeline.word.template_check import template_problems
from pipeline.workbook.sample import sample_inputs


def main(templates: list[str]) -> None:
    master = load_master(paths.SAMPLE_MASTER)
    with sample_inputs(master) as folder:
        checked = check_inputs(master, folder)
    context = build_context(master, compute(master, checked.lines, checked.invalid))
    for arg in templates:
        data = open(arg, "rb").read()
        start = time.perf_counter()
        problems = template_problems(data, IKU, context)
        first = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        template_problems(data, IKU, context)
        again = (time.perf_counter() - start) * 1000
        print(f"{arg}: first {first:.1f} ms, cached {again:.1f} ms, "
              + (f"{len(problems)} masalah" if problems else "sah"))


if __name__ == "__main__":
    main(sys.argv[1:] or [str(paths.WORD_TEMPLATE)])
