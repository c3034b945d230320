"""Page previews of the LKjIP chapter for docs/preview/: ``python -m dev.lkjip_preview``.

A two-year scenario in a temporary folder: the 2021 sample's `iku report` recorded into a
history, a 2022
master made by ``tahun-baru`` with a budget on two sasaran and a national standard on one
indicator, its workbooks filled with fixed pseudo-random figures and Analisis texts, then
``iku lkjip --pdf``; the PDF's pages become PNGs (pdftoppm, 60 dpi) named
``lkjip_NN.png``. Then the year's Perjanjian Kinerja (``iku pk``) and the complete LKjIP
(``iku lkjip --lengkap --pdf``), of which a few pages are kept: ``lkjip_lengkap_*.png``
(the cover, the Ikhtisar Eksekutif, the Daftar Isi, Bab II, the Lampiran). Needs
LibreOffice and poppler-utils.
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline import paths
from pipeline.cli import main
from pipeline.domain.master import load_master
from pipeline.workbook.sample import fill_workbook

ROOT = Path(__file__).resolve().parent.parent  # the repository

OUT = ROOT / "docs" / "preview"
ANALYSIS = (
    "Koordinasi dengan FKUB dan tokoh agama berjalan rutin setiap bulan; kendala: laporan "
    "kecamatan sering terlambat. Upaya: formulir daring untuk kecamatan.",
    "Patroli gabungan dan forum kewaspadaan dini menekan konflik; dua kasus masih dalam "
    "mediasi pada akhir tahun.",
    "Pendataan ulang ormas belum selesai karena sebagian pengurus tidak dapat dihubungi.",
)


def _cli(*args) -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    print(result.output, end="")
    if result.exit_code:
        sys.exit(result.exit_code)


def build(tmp: Path) -> Path:
    history = tmp / "riwayat.sqlite"
    _cli("report", "--riwayat", history, "--out", tmp / "laporan_2021.docx")  # recorded
    plain = tmp / "master_2022_tanpa_anggaran.yaml"
    _cli("tahun-baru", "-c", paths.SAMPLE_MASTER, "--out", plain)
    text = plain.read_text(encoding="utf-8")
    for number, lines in (
            (1, "    anggaran: {pagu: 250.000.000, realisasi: 231.500.000}\n"),
            (2, "    anggaran:\n"
                "      - {program: \"Program Pembinaan Kerukunan\", pagu: 120.000.000, "
                "realisasi: 96.000.000}\n"
                "      - {program: \"Program Kewaspadaan Dini\", pagu: 80.000.000, "
                "realisasi: 78.250.000}\n")):
        at = text.index("    indikator:\n", text.index(f"  - no: {number}\n"))
        text = text[:at] + lines + text[at:]
    anchor = "        unit_pelapor: [KETAHANAN]\n"
    text = text.replace(anchor, anchor + "        standar_nasional: 75\n"
                        "        sumber_standar: \"SPM Kesbangpol 2022\"\n", 1)
    master_path = tmp / "master_2022.yaml"
    master_path.write_text(text, encoding="utf-8")
    _cli("templates", "-c", master_path, "--out", tmp / "templat")
    master = load_master(master_path)
    rng = random.Random(2022)
    inputs = tmp / "isian"
    inputs.mkdir()
    for k, unit in enumerate(master.reporting_units):
        values, texts = {}, {}
        for ind in master.indicators_of(unit.code):
            x2 = rng.randint(8, 30)
            values[ind.code] = (rng.randint(x2 // 2, x2), x2)
            texts[ind.code] = ANALYSIS[(k + len(texts)) % len(ANALYSIS)]
        fill_workbook(next((tmp / "templat").glob(f"*_{unit.code}.xlsx")), values,
                      inputs / f"Isian_{unit.code}.xlsx", analysis=texts)
    out = tmp / "LKjIP_Bab_III_2022.docx"
    _cli("lkjip", "-c", master_path, "-i", inputs, "--riwayat", history, "--out", out, "--pdf")
    _cli("pk", "-c", master_path, "--riwayat", history, "--out", tmp / "pk_2022.docx")
    _cli("lkjip", "--lengkap", "-c", master_path, "-i", inputs, "--riwayat", history,
         "--out", tmp / "LKjIP_2022.docx", "--pdf")
    return out.with_suffix(".pdf")


# the complete LKjIP's pages kept: name → the first line of the page
COMPLETE_PAGES = {"1_sampul": "LAPORAN KINERJA INSTANSI PEMERINTAH",
                  "2_ikhtisar": "IKHTISAR EKSEKUTIF", "3_daftar_isi": "DAFTAR ISI",
                  "4_bab_ii": "BAB II", "5_lampiran": "LAMPIRAN"}


def complete_pages(pdf: Path) -> None:
    """The pages of ``COMPLETE_PAGES`` as ``lkjip_lengkap_<name>.png``."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    firsts = [next((ln.strip() for ln in page.splitlines() if ln.strip()), "")
              for page in text.split("\f")]
    for old in OUT.glob("lkjip_lengkap_*.png"):
        old.unlink()
    for name, first in COMPLETE_PAGES.items():
        number = firsts.index(first) + 1
        stem = OUT / f"lkjip_lengkap_{name}"
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(number),
                        "-l", str(number), str(pdf), str(stem)], check=True)


def main_() -> None:
    with tempfile.TemporaryDirectory(prefix="iku_pratinjau_") as tmp:
        pdf = build(Path(tmp))
        for old in OUT.glob("lkjip_[0-9]*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(OUT / "lkjip")],
                       check=True)
        complete_pages(Path(tmp) / "LKjIP_2022.pdf")
    for page in sorted(OUT.glob("lkjip-*.png")):
        number = int(page.stem.split("-")[1])
        page.rename(OUT / f"lkjip_{number:02d}.png")
    print("\n".join(str(p) for p in sorted(OUT.glob("lkjip_*.png"))))


if __name__ == "__main__":
    main_()
