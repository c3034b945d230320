"""A working folder for one agency (``iku init FOLDER``), so nobody works inside the
installed package.

The folder gets the sample master to edit: as the workbook ``master.xlsx`` (issue 24;
``workbook.master`` writes it from the sample's data), or with ``yaml=True`` (``iku init
--yaml``) as a copy of the YAML (``master.yaml``); an empty
``isian/`` for the workbooks the units send back, the Word templates to restyle if wanted
(``templat_word/``), the small example masters (``contoh_master/``, one per situation the
sample lacks), and ``BACA_SAYA.txt``: the next steps in Indonesian. Every command
run from the folder writes into its ``output/`` (``paths.OUTPUT``), the history included.
An existing folder must be empty: nothing is ever overwritten.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .domain.master import master_data
from .errors import OutputError, UsageError
from .workbook.master import write_master_workbook

MASTER = "master.xlsx"
MASTER_YAML = "master.yaml"
INPUTS = "isian"
WORD_TEMPLATES = "templat_word"
EXAMPLES = "contoh_master"
NOTE = "BACA_SAYA.txt"

_NOTE = """\
FOLDER KERJA IKU
================

Folder ini dibuat oleh `iku init`. Jalankan setiap perintah di bawah DARI FOLDER INI
(di PowerShell atau Terminal: cd ke folder ini lebih dahulu). Semua hasil ditulis ke
folder output di sini; riwayat angka tiap tahun disimpan di output/riwayat.sqlite.

Isi folder:
{master_line}
  isian          simpan di sini berkas isian (.xlsx/.ods) yang dikembalikan tiap bidang.
  templat_word   templat Word laporan; boleh diubah gayanya (huruf, kop, warna), lalu
                 periksa dengan `iku templat periksa templat_word/laporan_iku.docx` dan
                 pakai dengan `--template`.
  contoh_master  master kecil untuk situasi lain (rasio per 1.000, predikat, ya/tidak,
                 target rentang, polaritas negatif, ...); salin yang paling mirip, atau
                 jadikan buku kerja dengan `iku master ke-xlsx`.
  BACA_SAYA.txt  petunjuk ini.

Langkah berikutnya:
  1. Coba contohnya dulu (tanpa mengubah apa pun):
         iku report
     Laporan contoh: output/kesbangpol_jambi_2021/Laporan_IKU_2021.docx
  2. Ubah {master}: nama dan kode instansi, tahun, unit, sasaran, indikator, target,
     penanda tangan. Periksa dengan
         iku validate -c {master}
  3. Buat templat isian, satu untuk setiap unit:
         iku templates -c {master}
     Berkasnya ada di output/<kode>_<tahun>/templat. Kirim setiap berkas ke unitnya;
     staf hanya mengisi sel kuning (x1, x2, Catatan, Analisis).
  4. Simpan berkas isian yang kembali di folder isian.
  5. Periksa isian:
         iku validate -c {master} -i isian
     GALAT harus diperbaiki; PERINGATAN tidak menghalangi laporan.
  6. Buat laporan (tambahkan --pdf untuk PDF bila LibreOffice terpasang):
         iku report -c {master} -i isian
  7. Bab III LKjIP dari angka yang sama:
         iku lkjip -c {master} -i isian

Perjanjian Kinerja (Januari, sebelum isian tahun itu): isi tanggal PK, pihak kedua dan
anggaran di {master}, lalu
         iku pk -c {master}

Tahun berikutnya: iku tahun-baru -c {master} --out {next_master}
Bantuan setiap perintah: iku --help, iku report --help, dan seterusnya.
Panduan lengkap: docs/PANDUAN.md di repositori iku (bagian "Memasang dan menjalankan di
Windows" untuk komputer Windows).
"""

_MASTER_LINES = {
    MASTER: """\
  master.xlsx    data IKU instansi: salinan contoh Kesbangpol Kota Jambi 2021 sebagai
                 buku kerja. Buka di Excel atau LibreOffice dan ubah isinya untuk instansi
                 Anda; lembar Petunjuk dan catatan di setiap judul kolom menjelaskan
                 caranya. (Lebih suka teks? `iku init --yaml` memberi master.yaml.)""",
    MASTER_YAML: """\
  master.yaml    data IKU instansi: salinan contoh Kesbangpol Kota Jambi 2021.
                 Ubah isinya untuk instansi Anda (dengan Notepad atau penyunting teks
                 lain); cara mengubahnya tertulis di awal berkas itu.""",
}


def note_text(master: str = MASTER) -> str:
    """BACA_SAYA.txt for a folder whose master is ``master``."""
    stem, suffix = master.rsplit(".", 1)
    return _NOTE.format(master=master, master_line=_MASTER_LINES[master],
                        next_master=f"{stem}_tahun_depan.{suffix}")


NOTE_TEXT = note_text()


@dataclass(frozen=True)
class Workspace:
    folder: Path
    master: Path
    inputs: Path
    word_templates: tuple[Path, ...]
    examples: tuple[Path, ...]
    note: Path


def make_workspace(folder: Path, yaml: bool = False) -> Workspace:
    """Make ``folder`` (new, or existing and empty) a working folder, its master a workbook
    (or YAML with ``yaml``); raise UsageError for a folder that holds anything,
    OutputError when it cannot be written."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"'{folder}' adalah berkas, bukan folder; pilih nama folder baru")
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError(f"folder '{folder}' tidak kosong; pilih folder baru (mis. "
                         f"`iku init kerja_iku`) atau kosongkan dulu: tidak ada yang ditimpa")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        master = folder / (MASTER_YAML if yaml else MASTER)
        if yaml:
            shutil.copyfile(paths.SAMPLE_MASTER, master)
        else:
            write_master_workbook(master_data(paths.SAMPLE_MASTER.read_text(
                encoding="utf-8")), master)
        inputs = folder / INPUTS
        inputs.mkdir()
        (folder / WORD_TEMPLATES).mkdir()
        templates = tuple(
            Path(shutil.copyfile(source, folder / WORD_TEMPLATES / source.name))
            for source in (paths.WORD_TEMPLATE, paths.QUARTER_TEMPLATE, paths.LKJIP_TEMPLATE,
                           paths.LKJIP_COMPLETE_TEMPLATE, paths.PK_TEMPLATE))
        (folder / EXAMPLES).mkdir()
        examples = tuple(Path(shutil.copyfile(source, folder / EXAMPLES / source.name))
                         for source in sorted(paths.EXAMPLE_MASTERS.glob("*.yaml")))
        note = folder / NOTE
        # the OS's own line ends, for Notepad
        note.write_text(note_text(master.name), encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"folder kerja {folder} tidak dapat dibuat: "
                          f"{exc.strerror or exc}") from None
    return Workspace(folder, master, inputs, templates, examples, note)
