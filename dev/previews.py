"""Page previews of the reports for docs/preview/: ``python -m dev.previews`` (``make
previews``; needs LibreOffice and poppler).

Builds the sample report, an example master's report (kinds other than persentase, an NA
target, a rate per 1.000) and a report with the history appendix (three recorded years),
converts each to PDF with LibreOffice and saves the pages that show a given text as PNG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline import paths

OUT = paths.ROOT / "docs" / "preview"
DPI = 70


def _iku(*args: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", *args], check=True,
                   capture_output=True, env={**os.environ, **(env or {})})


def _pdf(docx: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation={(docx.parent / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(docx.parent),
                    str(docx)], check=True, capture_output=True, timeout=300)
    return docx.with_suffix(".pdf")


def _page_of(pdf: Path, needle: str, nth: int = 1) -> int:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    found = [i + 1 for i, page in enumerate(text.split("\f"))
             if needle in " ".join(page.split())]
    if len(found) < nth:
        raise SystemExit(f"'{needle}' not found in {pdf.name}")
    return found[nth - 1]


def _png(pdf: Path, page: int, name: str) -> None:
    stem = pdf.parent / name
    subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(pdf), str(stem)], check=True)
    shutil.copyfile(stem.with_suffix(".png"), OUT / f"{name}.png")
    print(f"docs/preview/{name}.png (halaman {page} dari {pdf.name})")


# The figures the examples test types for this master (tests/test_examples.py).
BENGKULU = {
    "SEKRETARIAT": {"S1.1": (752, 381217)},
    "POLITIK": {"S2.1": (9, 12), "S2.2": ("Tidak ada", None), "S3.2": (78.04, None)},
    "IDEOLOGI": {"S3.1": (214, 198), "S3.2": (78.04, None)},
}


def _fill(master: Path, tmp: Path, values: dict, env: dict) -> Path:
    from pipeline.sample import fill_workbook

    blank, inputs = tmp / "templat_contoh", tmp / "isian_contoh"
    _iku("templates", "-c", str(master), "--out", str(blank), env=env)
    inputs.mkdir()
    for unit, unit_values in values.items():
        (template,) = blank.glob(f"*_{unit}.xlsx")
        fill_workbook(template, unit_values, inputs / template.name)
    return inputs


def _appendix_report(tmp: Path) -> Path:
    history = {"IKU_RIWAYAT": str(tmp / "riwayat.sqlite")}
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8").replace(
        "  kolom_tambahan: []", "  kolom_tambahan: [predikat]\n  bagian_riwayat: true")
    for year in (2019, 2020, 2021):
        master = tmp / f"m{year}.yaml"
        master.write_text(text.replace("  tahun: 2021", f"  tahun: {year}").replace(
            "tanggal_laporan: 2022-01-31", f"tanggal_laporan: {year + 1}-01-31"),
            encoding="utf-8")
        inputs = tmp / f"isian{year}"
        _iku("sample", "-c", str(master), "--out", str(inputs), env=history)
        _iku("report", "-c", str(master), "-i", str(inputs), "--out",
             str(tmp / f"r{year}.docx"), env=history)
    return tmp / "r2021.docx"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="iku_preview_") as tmp:
        tmp = Path(tmp)
        env = {"IKU_RIWAYAT": str(tmp / "sample.sqlite")}
        sample = tmp / "sampel.docx"
        _iku("report", "--out", str(sample), env=env)
        pdf = _pdf(sample)
        _png(pdf, 1, "01_sampul")
        _png(pdf, _page_of(pdf, "Nama Organisasi : Bidang Politik dan Kewaspadaan Daerah"),
             "02_bagian1_bidang_sel_gabung")
        _png(pdf, _page_of(pdf, "KOTA : KOTA JAMBI"), "03_capaian_rpjmd_lanskap")
        _png(pdf, _page_of(pdf, "KETERANGAN", nth=2), "04_renstra_rumus")
        _png(pdf, _page_of(pdf, "NIP. 19671125 198908 1 001"), "05_tanda_tangan_baris_akhir")

        example = paths.INPUT_TEMPLATES / "master" / "contoh" / "kesbangpol_kota_bengkulu_2022.yaml"
        inputs = _fill(example, tmp, BENGKULU, env)
        report = tmp / "contoh.docx"
        _iku("report", "-c", str(example), "-i", str(inputs), "--out", str(report), env=env)
        pdf = _pdf(report)
        _png(pdf, _page_of(pdf, "KETERANGAN"), "06_jenis_indikator_rasio_na")

        pdf = _pdf(_appendix_report(tmp))
        _png(pdf, _page_of(pdf, "LAMPIRAN"), "07_lampiran_riwayat")


if __name__ == "__main__":
    main()
