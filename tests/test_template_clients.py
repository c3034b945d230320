"""The template in a real client's hands: re-saved and restyled by LibreOffice, it still
makes a report that is well-formed, opens in LibreOffice and says the same thing.

LibreOffice saves only the namespaces a part uses, so the re-saved template's root has no
``xmlns:m`` while the report injects Office Math (``m:oMath``): the case of issue 14.
The restyling goes through LibreOffice's UNO API (tests/uno_restyle.py, run with the
system Python that has Debian's python3-uno).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from lxml import etree
from test_template_check import DAMAGED

from pipeline.annual.report import IKU, render_bytes, render_report
from pipeline.compute import compute
from pipeline.domain.master import load_master
from pipeline.office.libreoffice import convert_to_pdf, find_soffice
from pipeline.office.ooxml import package_problems
from pipeline.paths import SAMPLE_MASTER, WORD_TEMPLATE
from pipeline.word import render
from pipeline.word.template_check import TemplateCheckFailed, template_problems

from conftest import folder_digest, run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NS = {"w": W, "m": M}
UNO_SCRIPT = Path(__file__).with_name("uno_restyle.py")
SYSTEM_PYTHON = "/usr/bin/python3"
LETTERHEAD = "PEMERINTAH KOTA JAMBI \u2014 KOP SURAT UJI"


def _has_uno() -> bool:
    if not Path(SYSTEM_PYTHON).is_file():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    return probe.returncode == 0


needs_soffice = pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="LibreOffice (soffice) atau poppler-utils tidak terpasang: "
    "apt-get install libreoffice-writer-nogui poppler-utils",
)
needs_uno = pytest.mark.skipif(
    not _has_uno(),
    reason="UNO LibreOffice untuk Python tidak terpasang: apt-get install python3-uno",
)
pytestmark = [pytest.mark.libreoffice, needs_soffice]


def soffice_resave(src: Path, outdir: Path) -> Path:
    """Open and save again as .docx in LibreOffice (Word 2007-365 filter)."""
    profile = outdir / "profil"
    subprocess.run(
        [find_soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir / "hasil"), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return outdir / "hasil" / src.name


def part(path: Path, name: str = "word/document.xml") -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def paragraph_texts(path: Path) -> list[str]:
    """The text of every paragraph that has some (a client may drop or add empty ones:
    LibreOffice removes an empty paragraph that only holds a section break)."""
    root = etree.fromstring(part(path))
    texts = ("".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in root.iter(f"{{{W}}}p"))
    return [t for t in texts if t]


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture(scope="module")
def sample():
    return load_master(SAMPLE_MASTER)


@pytest.fixture(scope="module")
def results(sample):
    rows = [(u, i.code, 1, 1, "") for i in sample.indicators for u in i.reporting_units]
    return compute(sample, pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"]))


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    """The shipped template, re-saved by LibreOffice, and restyled through UNO."""
    tmp = tmp_path_factory.mktemp("templat")
    out = {"bawaan": WORD_TEMPLATE, "disimpan_ulang": soffice_resave(WORD_TEMPLATE, tmp)}
    if _has_uno():
        restyled = tmp / "diubah_gaya.docx"
        proc = subprocess.run([SYSTEM_PYTHON, str(UNO_SCRIPT), str(WORD_TEMPLATE), str(restyled)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        out["diubah_gaya"] = restyled
    return out


@pytest.fixture(scope="module")
def reports(templates, sample, results, tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("laporan")
    return {name: render_report(sample, results, tmp / f"{name}.docx", template)
            for name, template in templates.items()}


CLIENT_TEMPLATES = [
    "disimpan_ulang",
    pytest.param("diubah_gaya", marks=needs_uno),
]


# --- the templates are what the test claims ----------------------------------------------


def test_resaved_template_no_longer_declares_the_math_namespace(templates):
    root = part(templates["disimpan_ulang"])
    assert b'xmlns:m="' not in root[:2000]  # the root's declarations: the bug's precondition
    assert b'xmlns:m="' in part(WORD_TEMPLATE)[:2000]


@needs_uno
def test_restyled_template_has_the_new_font_letterhead_and_margins(templates):
    restyled = templates["diubah_gaya"]
    normal = Document(str(restyled)).styles["Normal"]
    assert normal.font.name == "DejaVu Serif"
    headers = [n for n in zipfile.ZipFile(restyled).namelist() if n.startswith("word/header")]
    texts = [etree.fromstring(part(restyled, h)).xpath("string()") for h in headers]
    assert texts and all(LETTERHEAD in t and "{% if draft %}DRAFT{% endif %}" in t for t in texts)
    original = Document(str(WORD_TEMPLATE)).sections
    changed = Document(str(restyled)).sections
    assert len(changed) == len(original)
    for before, after in zip(original, changed, strict=True):
        assert abs((after.left_margin - before.left_margin) - 180000) < 1000  # 5 mm in EMU
        assert abs((after.right_margin - before.right_margin) - 180000) < 1000


# --- each renders a sound report with the same text --------------------------------------


@pytest.mark.parametrize("name", CLIENT_TEMPLATES)
def test_template_passes_the_check(name, templates, sample, results):
    from pipeline.annual.context import build_context

    data = templates[name].read_bytes()
    assert template_problems(data, IKU, build_context(sample, results)) == []


@pytest.mark.parametrize("name", CLIENT_TEMPLATES)
def test_report_is_well_formed_and_says_the_same(name, reports, sample):
    report = reports[name]
    assert package_problems(report.read_bytes()) == []
    Document(str(report))  # python-docx opens it
    root = etree.fromstring(part(report))  # strict: every prefix bound
    maths = root.findall(".//m:oMath", NS)
    assert len(maths) == len(sample.indicators)
    assert all(m.find(".//m:f", NS) is not None for m in maths)
    assert paragraph_texts(report) == paragraph_texts(reports["bawaan"])


@pytest.mark.parametrize("name", CLIENT_TEMPLATES)
def test_report_opens_in_libreoffice(name, reports):
    pdf = convert_to_pdf(reports[name])
    text = pdf_text(pdf)
    for needle in ("CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021", "RATA-RATA % CAPAIAN",
                   "y = 1/1 × 100% = 100%", "NIP. 19671125 198908 1 001"):
        assert needle in text, needle
    fonts = pdf_fonts(pdf)
    if name == "diubah_gaya":
        assert LETTERHEAD.split(" \u2014")[0] in text
        assert "DejaVuSerif" in fonts and "LiberationSans" not in fonts
    else:
        assert "LiberationSans" in fonts  # Arial, as shipped


@pytest.mark.parametrize("name", CLIENT_TEMPLATES)
def test_periksa_opens_the_sample_in_libreoffice(name, templates):
    result = run_cli("templat", "periksa", templates[name])
    assert result.exception is None, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == f"Templat LAYAK dipakai: iku report --template {templates[name]}"
    assert lines[-2].startswith("LibreOffice membuka contoh laporan itu: PDF ")
    assert int(lines[-2].split("PDF ")[1].split()[0]) >= 10


# --- damage done in a LibreOffice-saved template is refused the same way ----------------


@pytest.mark.parametrize("index", [0, 4, 7, 15], ids=[DAMAGED[i][0] for i in (0, 4, 7, 15)])
def test_damaged_resaved_template_is_refused(index, templates, sample, results, tmp_path):
    doc = Document(str(templates["disimpan_ulang"]))
    DAMAGED[index][1](doc)
    template = tmp_path / "rusak.docx"
    doc.save(str(template))
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    existing = out_dir / "laporan.docx"
    existing.write_bytes(render_bytes(sample, results))
    before = folder_digest(out_dir)
    with pytest.raises(TemplateCheckFailed) as err:
        render_report(sample, results, existing, template)
    assert err.value.problems == DAMAGED[index][2]
    assert folder_digest(out_dir) == before


# --- without the namespace fix, the verifier stops the broken report ---------------------


def test_verifier_stops_what_docxtpl_would_have_written(templates, monkeypatch, tmp_path):
    """docxtpl's own parse recovers from the unbound m: prefix and saves a document that
    neither Word nor LibreOffice opens; with the fix disabled, the verifier must refuse to
    write it (exit 3), and the existing report stays as it was. The report goes through
    docxtpl here (as a report with a chart does; ``direct`` renders the others)."""
    from docxtpl import DocxTemplate

    from pipeline.domain.kinds import OMML_NS, KindRules
    from pipeline.word import direct

    equation = KindRules.equation  # declares the namespace on the element: undo that here
    monkeypatch.setattr(KindRules, "equation", lambda self, ind: equation(self, ind).replace(
        f' xmlns:m="{OMML_NS}"', ""))
    monkeypatch.setattr(render, "_template_class", lambda: DocxTemplate)
    monkeypatch.setattr(direct, "_prepared", lambda *args: None)
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    report = out_dir / "Laporan_IKU_2021.docx"
    report.write_bytes(b"laporan lama")
    result = run_cli("report", "--template", templates["disimpan_ulang"], "--out", report)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 3
    assert "Laporan ditulis" not in result.output
    assert result.stderr.startswith(
        "GALAT: berkas Laporan_IKU_2021.docx TIDAK ditulis: hasilnya tidak akan dapat dibuka "
        "Word/Excel/LibreOffice (bagian word/document.xml bukan XML yang sah: Namespace prefix "
        "m on oMath is not defined")
    assert "Ini kesalahan program, bukan kesalahan isian" in result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["Laporan_IKU_2021.docx"]
    assert report.read_bytes() == b"laporan lama"


def test_direct_rendering_without_its_namespace_fix_writes_nothing(templates, monkeypatch,
                                                                   tmp_path):
    """The same fragment rendered on the template's XML (``direct``) with its declaration
    of the fragments' namespaces disabled: the strict parse of the rendered body refuses
    it before anything is zipped; the existing report stays as it was."""
    from pipeline.domain.kinds import OMML_NS, KindRules
    from pipeline.word import direct

    equation = KindRules.equation
    monkeypatch.setattr(KindRules, "equation", lambda self, ind: equation(self, ind).replace(
        f' xmlns:m="{OMML_NS}"', ""))
    monkeypatch.setattr(direct, "declare_namespaces", lambda xml, *args: xml)
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    report = out_dir / "Laporan_IKU_2021.docx"
    report.write_bytes(b"laporan lama")
    result = run_cli("report", "--template", templates["disimpan_ulang"], "--out", report)
    assert result.exit_code == 3  # the program's fault, not the template's
    assert "Laporan ditulis" not in result.output
    assert result.stderr.startswith("GALAT: laporan TIDAK ditulis: hasil isian templat ")
    assert "Namespace prefix m on oMath is not defined" in result.stderr
    assert "Ini kesalahan program, bukan kesalahan templat" in result.stderr
    assert sorted(p.name for p in out_dir.iterdir()) == ["Laporan_IKU_2021.docx"]
    assert report.read_bytes() == b"laporan lama"
