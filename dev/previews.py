"""Page previews of the reports for docs/preview/: ``python -m dev.previews`` (``make
previews``; needs LibreOffice and poppler).

Builds the sample report, an example master's report (kinds other than persentase, an NA
target, a rate per 1.000), a report with the history appendix (three recorded years), the
sample's Triwulan II report with a filled TW II workbook (issue 10) and the Lampung
example's report (a sasaran continued on the signature page, issue 21), converts each to
PDF with LibreOffice and saves the pages that show a given text as PNG.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline import paths

ROOT = Path(__file__).resolve().parent.parent  # the repository

OUT = ROOT / "docs" / "preview"
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


def _png_top(pdf: Path, page: int, name: str, dpi: int = 150, height: float = 0.3) -> None:
    """The top ``height`` of a page at ``dpi``: a wide sheet printed on one page is too small
    to read whole."""
    stem = pdf.parent / name
    width_px, height_px = round(11.69 * dpi), round(8.27 * dpi)  # A4 landscape
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", "-x", "0", "-y", str(round(height_px * 0.05)), "-W",
                    str(width_px), "-H", str(round(height_px * height)), str(pdf), str(stem)],
                   check=True)
    shutil.copyfile(stem.with_suffix(".png"), OUT / f"{name}.png")
    print(f"docs/preview/{name}.png (halaman {page} dari {pdf.name}, bagian atas)")


# The figures the examples test types for this master (tests/test_examples.py).
BENGKULU = {
    "SEKRETARIAT": {"S1.1": (752, 381217)},
    "POLITIK": {"S2.1": (9, 12), "S2.2": ("Tidak ada", None), "S3.2": (78.04, None)},
    "IDEOLOGI": {"S3.1": (214, 198), "S3.2": (78.04, None)},
}


def _fill(master: Path, tmp: Path, values: dict, env: dict) -> Path:
    from pipeline.workbook.sample import fill_workbook

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


# Two quarters of the sample (issue 10): TW I, then TW II with its obstacles.
QUARTERS = {
    1: {"KETAHANAN": {"S1.1": (3, 4), "S2.1": (2, 3), "S3.1": (120, 160)},
        "POLITIK": {"S2.1": (1, 2), "S4.1": (9, 40)}, "IDEOLOGI": {"S2.1": (2, 2)}},
    2: {"KETAHANAN": {"S1.1": (5, 5), "S2.1": (1, 3), "S3.1": (131, 162)},
        "POLITIK": {"S2.1": (2, 2), "S4.1": (8, 40)}, "IDEOLOGI": {"S2.1": (0, 1)}},
}
OBSTACLES = {
    ("POLITIK", "S4.1"): ("Dua kegiatan pembinaan politik ditunda karena pembatasan kegiatan "
                          "masyarakat.", "Dijadwalkan ulang pada bulan Juli bersama KPU."),
    ("KETAHANAN", "S2.1"): ("Dua konflik antarwarga masih dalam mediasi.",
                            "Mediasi lanjutan bersama FKDM dan tokoh masyarakat."),
}


def _quarter_report(tmp: Path) -> tuple[Path, Path]:
    """The sample's TW II report (after TW I) and a filled TW II workbook, as PDFs."""
    from pipeline.workbook.sample import fill_workbook

    env = {"IKU_RIWAYAT": str(tmp / "triwulan.sqlite")}
    master = tmp / "triwulan.yaml"  # the sample with quarterly keys on S3.1 and S4.1
    master.write_text(paths.SAMPLE_MASTER.read_text(encoding="utf-8").replace(
        '        x2: "Jumlah Ormas terdaftar"\n', '        x2: "Jumlah Ormas terdaftar"\n'
        '        akumulasi: terakhir\n', 1).replace(
        '        x2: "Target pembinaan politik"\n', '        x2: "Target pembinaan politik"\n'
        '        akumulasi: {x1: jumlah, x2: terakhir}\n'
        '        target_triwulan: [25, 50, 75, 100]\n', 1), encoding="utf-8")
    for n, figures in QUARTERS.items():
        blank, inputs = tmp / f"templat_tw{n}", tmp / f"isian_tw{n}"
        _iku("templates", "-c", str(master), "--triwulan", str(n), "--out", str(blank),
             env=env)
        inputs.mkdir()
        for unit, values in figures.items():
            (template,) = blank.glob(f"*_{unit}.xlsx")
            texts = {code: {"Kendala": o, "Tindak lanjut": f}
                     for (u, code), (o, f) in OBSTACLES.items() if u == unit and n == 2}
            fill_workbook(template, values, inputs / template.name, texts=texts)
        _iku("report", "-c", str(master), "--triwulan", str(n), "-i", str(inputs), "--out",
             str(tmp / f"tw{n}.docx"), env=env)
    workbook = tmp / "isian_tw2" / "Isian_IKU_2021_TW2_POLITIK.xlsx"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp),
                    str(workbook)], check=True, capture_output=True, timeout=300)
    return _pdf(tmp / "tw2.docx"), tmp / "Isian_IKU_2021_TW2_POLITIK.pdf"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="iku_preview_") as tmp:
        tmp = Path(tmp)
        env = {"IKU_RIWAYAT": str(tmp / "sample.sqlite")}
        sample = tmp / "sampel.docx"
        _iku("report", "--out", str(sample), env=env)
        pdf = _pdf(sample)
        _png(pdf, 1, "01_sampul")
        # the Bidang Politik's IKU table, with its merged Alasan and Sumber Data cells
        _png(pdf, _page_of(pdf, "pengawasan WNA"),
             "02_bagian1_bidang_sel_gabung")
        _png(pdf, _page_of(pdf, "KOTA : KOTA JAMBI"), "03_capaian_rpjmd_lanskap")
        _png(pdf, _page_of(pdf, "KETERANGAN"), "04_renstra_rumus")
        _png(pdf, _page_of(pdf, "NIP. 19671125 198908 1 001"), "05_tanda_tangan_baris_akhir")

        example = paths.EXAMPLE_MASTERS / "kesbangpol_kota_bengkulu_2022.yaml"
        inputs = _fill(example, tmp, BENGKULU, env)
        report = tmp / "contoh.docx"
        _iku("report", "-c", str(example), "-i", str(inputs), "--out", str(report), env=env)
        pdf = _pdf(report)
        _png(pdf, _page_of(pdf, "KETERANGAN"), "06_jenis_indikator_rasio_na")

        pdf = _pdf(_appendix_report(tmp))
        _png(pdf, _page_of(pdf, "LAMPIRAN"), "07_lampiran_riwayat")

        report, workbook = _quarter_report(tmp)
        _png(report, 1, "08_triwulan_laporan")
        _png_top(workbook, 1, "09_triwulan_isian")
        # the last row, RATA-RATA, notes and signature under the repeated header (issue 21)
        _png(report, _page_of(report, "Catatan:"), "10_triwulan_rata_rata_tanda_tangan")

        # a sasaran whose indicators continue on the next page shows its No and text again
        example = paths.EXAMPLE_MASTERS / "dinkes_provinsi_lampung_2015.yaml"
        inputs = tmp / "isian_dinkes"
        _iku("sample", "-c", str(example), "--out", str(inputs), env=env)
        report = tmp / "dinkes.docx"
        _iku("report", "-c", str(example), "-i", str(inputs), "--out", str(report), env=env)
        pdf = _pdf(report)
        _png(pdf, _page_of(pdf, "Catatan:"), "11_sasaran_berlanjut_tanda_tangan")


if __name__ == "__main__":
    main()
