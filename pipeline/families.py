"""The document families this product writes, registered once.

Each family defines its ``TemplateSpec`` beside its renderer (the template it ships, the
blocks a restyled template may not lose, how to render the bundled sample); this registry
is the one list of them. ``iku templat periksa --jenis`` and the tests learn the families
here, so the Word engine (``word.template_check``) knows none of them and imports none of
them. A new family (the Perjanjian Kinerja was one, the complete LKjIP another) is one
line in ``FAMILIES`` (and its command in ``COMMANDS``).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .annual.report import IKU
from .errors import OutputError, TemplateError, UsageError
from .lkjip.render import LKJIP, LKJIP_COMPLETE
from .office.libreoffice import convert_to_pdf, find_soffice
from .pk.render import PK
from .quarter.report import TRIWULAN
from .word.template_check import TemplateSpec, analyse

FAMILIES: dict[str, TemplateSpec] = {spec.kind: spec for spec in (IKU, TRIWULAN, LKJIP, PK,
                                                                   LKJIP_COMPLETE)}

#: The command a checked template of each family is used with (`iku templat periksa`).
COMMANDS = {"iku": "report", "triwulan": "report --triwulan N", "lkjip": "lkjip", "pk": "pk",
            "lkjip_lengkap": "lkjip --lengkap"}


def family(kind: str) -> TemplateSpec:
    """The family named ``kind``, or a UsageError listing the known ones."""
    if kind not in FAMILIES:
        raise UsageError(f"jenis templat «{kind}» tidak dikenal; pilih salah satu: "
                         f"{', '.join(sorted(FAMILIES))}")
    return FAMILIES[kind]


@dataclass
class Trial:
    """What `iku templat periksa` found: the check passed and the sample was rendered."""

    spec: TemplateSpec
    tags: int  # tags in the template
    report_bytes: int  # size of the sample report made with it (verified before writing)
    pdf_pages: int | None  # pages of its PDF; None when LibreOffice is not installed


def try_template(template: Path, kind: str = "iku", pdf: bool = True) -> Trial:
    """Check ``template`` and render the bundled sample with it into a temporary folder
    (verified as every written package is); with LibreOffice, also convert it to PDF, to
    prove a real client opens it. Raises TemplateError (TemplateCheckFailed with every
    problem) for the template's problems, UsageError for an unknown kind."""
    spec = family(kind)
    with tempfile.TemporaryDirectory(prefix="iku_periksa_") as tmp:
        out = spec.sample(Path(template), Path(tmp) / "contoh_laporan.docx")
        size = out.stat().st_size
        pages = None
        if pdf and find_soffice() is not None:
            try:
                pages = count_pdf_pages(convert_to_pdf(out).read_bytes())
            except OutputError as exc:
                raise TemplateError(
                    f"contoh laporan yang dibuat dengan templat {template} tidak dapat dibuka "
                    f"LibreOffice: {exc}"
                ) from None
    return Trial(spec, analyse(Path(template).read_bytes()).found.tags, size, pages)


def count_pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
