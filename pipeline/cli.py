"""Command line: parse arguments, call the library, print messages, map errors to exit codes.

Exit codes: 0 success; 1 input errors (nothing written, an existing report untouched);
2 usage errors; 3 an internal error (a bug: please report it).
Heavy libraries are imported inside the commands so that ``iku --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path

import click

from . import __version__, paths
from .errors import IkuError, Problem, ValidationFailed, summary

CONFIG_HELP = "berkas master YAML instansi (bawaan: contoh Kesbangpol Kota Jambi 2021)"


def _echo_problems(problems: list[Problem], files: int | None, err: bool) -> None:
    for p in problems:
        click.echo(p.format(), err=err)
    click.echo(summary(problems, files), err=err)


def _guarded(func):
    """Turn the project's errors into messages and exit codes; never show a traceback."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except ValidationFailed as exc:
            _echo_problems(exc.problems, exc.files, err=True)
            click.echo("Laporan TIDAK dibuat; perbaiki galat di atas lalu jalankan lagi.",
                       err=True)
            sys.exit(exc.exit_code)
        except IkuError as exc:
            click.echo(f"GALAT: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Dibatalkan.", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug, not bad input
            if os.environ.get("IKU_DEBUG"):
                raise
            click.echo(
                f"GALAT INTERNAL: {type(exc).__name__}: {exc}\n"
                "Ini adalah kesalahan program, bukan kesalahan isian. Jalankan ulang dengan "
                "IKU_DEBUG=1 untuk rinciannya dan laporkan ke pengembang.",
                err=True,
            )
            sys.exit(3)

    return wrapper


def _master(config: Path | None):
    from .master import load_master

    return load_master(config or paths.SAMPLE_MASTER)


config_option = click.option(
    "--config", "-c", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP
)
inputs_option = click.option(
    "--inputs", "-i", type=click.Path(path_type=Path, file_okay=True),
    help="folder berisi berkas isian .xlsx dari unit (bawaan: contoh isian bawaan)",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iku")
def main() -> None:
    """iku: menyusun dokumen IKU dan Capaian IKU dari isian Excel tiap bidang.

    Alur tahunan: ubah master YAML → `iku templates` → kirim templat ke bidang →
    kumpulkan isian di satu folder → `iku validate` → `iku report` → sunting di Word.
    """


@main.command()
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              default=paths.OUTPUT / "templat", show_default=True,
              help="folder tujuan templat kosong")
@_guarded
def templates(config: Path | None, out: Path) -> None:
    """Membuat templat Excel kosong, satu untuk setiap unit pelapor."""
    from .templates import write_all_templates

    master = _master(config)
    written = write_all_templates(master, out)
    for path in written:
        click.echo(f"Templat: {path}")
    click.echo(f"{len(written)} templat ditulis ke {out}")


@main.command()
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              default=paths.OUTPUT / "contoh_isian", show_default=True,
              help="folder tujuan contoh isian")
@_guarded
def sample(config: Path | None, out: Path) -> None:
    """Menulis contoh isian yang sudah terisi (angka dokumen contoh tahun 2021)."""
    from .sample import write_sample_inputs

    master = _master(config)
    written = write_sample_inputs(master, out)
    for path in written:
        click.echo(f"Contoh isian: {path}")


def _inputs_or_sample(master, config: Path | None, inputs: Path | None):
    from contextlib import nullcontext

    from .errors import UsageError
    from .run import sample_inputs

    if inputs is not None:
        return nullcontext(inputs)
    if config is not None and Path(config).resolve() != paths.SAMPLE_MASTER.resolve():
        raise UsageError("--inputs wajib diberikan bila memakai master selain contoh bawaan")
    return sample_inputs(master)


@main.command(name="validate")
@config_option
@inputs_option
@click.option("--report", "feedback", type=click.Path(path_type=Path, dir_okay=False),
              help="tulis daftar masalah ke buku kerja .xlsx ini, beserta salinan isian tiap "
                   "unit yang bermasalah dengan sel yang ditandai (untuk dikirim kembali)")
@_guarded
def validate_cmd(config: Path | None, inputs: Path | None, feedback: Path | None) -> None:
    """Memeriksa berkas isian tanpa membuat laporan."""
    from .run import check_inputs

    master = _master(config)
    with _inputs_or_sample(master, config, inputs) as folder:
        if feedback is not None:  # before anything is read or written
            from .feedback import feedback_paths
            from .publish import guard_outputs

            guard_outputs([("--report", p) for p in feedback_paths(feedback)], folder, [config])
        checked = check_inputs(master, folder)
        if feedback is not None:
            from .feedback import write_feedback

            written = write_feedback(master, checked, feedback, folder, [config])
    _echo_problems(checked.problems, checked.files, err=False)
    if feedback is not None:
        for path in written:
            click.echo(f"Ditulis: {path}")
    if not checked.ok:
        sys.exit(1)
    click.echo("Semua isian sah; laporan dapat dibuat dengan `iku report`.")


@main.command()
@config_option
@inputs_option
@click.option("--out", "-o", type=click.Path(path_type=Path),
              help="berkas laporan .docx (bawaan: output/Laporan_IKU_<tahun>.docx); "
                   "dengan --all: folder hasil (bawaan: output/kota)")
@click.option("--template", "-t", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.WORD_TEMPLATE, show_default=True, help="templat Word (.docx)")
@click.option("--draft", is_flag=True,
              help="tetap membuat laporan walau ada galat; ditandai DRAFT")
@click.option("--pdf", is_flag=True, help="juga membuat PDF melalui LibreOffice")
@click.option("--timpa", is_flag=True,
              help="timpa laporan yang sudah disunting (mis. di Word) atau baca-saja tanpa "
                   "membuat cadangan")
@click.option("--all", "all_root", type=click.Path(path_type=Path, file_okay=False),
              help="folder berisi banyak instansi (ROOT/<instansi>/master.yaml dan "
                   "ROOT/<instansi>/isian/*.xlsx, lihat docs/KOTA.md): buat laporan semua "
                   "instansi dan satu rekap")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="dengan --all: jumlah proses paralel (bawaan: satu per CPU)")
@_guarded
def report(config, inputs, out, template, draft, pdf, timpa, all_root, jobs) -> None:
    """Memeriksa isian lalu membuat laporan Word IKU dan Capaian IKU."""
    if all_root is not None:
        _report_all(all_root, out, template, draft, pdf, timpa, jobs, config, inputs)
        return
    from .run import build_report

    master = _master(config)
    out = out or paths.OUTPUT / f"Laporan_IKU_{master.agency.year}.docx"
    with _inputs_or_sample(master, config, inputs) as folder:
        outcome = build_report(master, folder, out, template, draft=draft, pdf=pdf,
                               overwrite=timpa, protected=(config,) if config else ())
    if outcome.checked.problems:
        _echo_problems(outcome.checked.problems, outcome.checked.files, err=True)
    if draft and not outcome.checked.ok:
        click.echo("PERHATIAN: laporan DRAFT dibuat walau ada galat.", err=True)
    _echo_published(outcome.published)


def _echo_published(published) -> None:
    """What writing the report did: backups kept, an old PDF moved aside."""
    for note in _published_notes(published):
        click.echo(note, err=True)
    click.echo(f"Laporan ditulis: {published.docx}"
               + (" (isinya sama, berkas tidak diubah)" if published.unchanged else ""))
    if published.pdf:
        click.echo(f"PDF ditulis: {published.pdf}")


def _published_notes(published) -> list[str]:
    notes = [f"PERHATIAN: berkas lama telah diubah sejak dibuat iku (mis. disunting di Word), "
             f"jadi disimpan sebagai cadangan: {kept}" for kept in published.backups]
    if published.stale_pdf is not None:
        notes.append(f"PERHATIAN: PDF lama milik laporan sebelumnya dipindahkan ke "
                     f"{published.stale_pdf} (buat PDF baru dengan --pdf)")
    if published.stale_removed:
        notes.append("PERHATIAN: PDF lama milik laporan sebelumnya dihapus (--timpa)")
    return notes


def _report_all(root, out, template, draft, pdf, timpa, jobs, config, inputs) -> None:
    from .batch import report_all
    from .errors import UsageError

    if inputs is not None or config is not None:
        raise UsageError("--all tidak dapat dipakai bersama --inputs atau --config: master dan "
                         "isian tiap instansi diambil dari foldernya masing-masing")
    out = out or paths.OUTPUT / "kota"
    outcome = report_all(root, out, jobs=jobs, progress=sys.stderr.isatty(), draft=draft,
                         pdf=pdf, template=template, overwrite=timpa)
    for row in outcome.rows:
        notes = _published_notes(row.published) if row.published else []
        if row.message or row.problems or notes:
            click.echo(f"== {row.folder} ==", err=True)
            if row.message:
                click.echo(f"GALAT: {row.message}", err=True)
            if row.problems:
                _echo_problems(list(row.problems), row.files, err=True)
            for note in notes:
                click.echo(note, err=True)
    _print_summary(outcome, out)
    if outcome.internal:
        click.echo("Ada GALAT INTERNAL (kesalahan program); jalankan ulang dengan IKU_DEBUG=1 "
                   "dan laporkan ke pengembang.", err=True)
        sys.exit(3)
    if draft and not outcome.ok and len(outcome.reports) == len(outcome.rows):
        click.echo("PERHATIAN: laporan DRAFT dibuat untuk instansi yang masih bergalat.",
                   err=True)
    elif not outcome.ok:  # as `iku report --draft`: 1 only when a report is missing
        sys.exit(1)


def _print_summary(outcome, out: Path) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Ringkasan {len(outcome.rows)} instansi")
    table.add_column("Instansi", overflow="fold")
    for label in ("Berkas", "Galat", "Peringatan"):
        table.add_column(label, justify="right")
    table.add_column("Laporan", overflow="fold")
    for row in outcome.rows:
        report = row.report.name if row.report else "— (tidak dibuat)"
        table.add_row(row.folder, str(row.files), str(row.errors), str(row.warnings), report)
    # piped or captured output is not cut to 80 columns
    Console(width=None if sys.stdout.isatty() else 160).print(table)
    made = len(outcome.reports)
    click.echo(f"{made} dari {len(outcome.rows)} laporan ditulis ke {out}"
               + (f"; rekap: {outcome.rekap.name}" if outcome.rekap else "")
               + f" ({outcome.seconds:.1f} detik, {outcome.jobs} proses)")


@main.command()
@click.option("--agencies", "-n", type=click.IntRange(1, 999), default=3, show_default=True,
              help="jumlah instansi")
@click.option("--units", "-u", type=click.IntRange(1, 99), default=7, show_default=True,
              help="jumlah unit pelapor per instansi")
@click.option("--indicators", "-k", type=click.IntRange(1, 500), default=20,
              show_default=True, help="jumlah baris indikator per berkas isian")
@click.option("--seed", type=int, default=0, show_default=True,
              help="benih acak; benih yang sama menghasilkan berkas yang sama")
@click.option("--year", type=click.IntRange(2000, 2100), default=2021, show_default=True,
              help="tahun laporan")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="folder tujuan (harus kosong atau belum ada)")
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="jumlah proses paralel")
@_guarded
def synth(agencies, units, indicators, seed, year, out, jobs) -> None:
    """Membuat kota sintetis: master dan isian terisi banyak instansi (untuk uji dan
    tolok ukur), dengan susunan folder untuk `iku report --all`."""
    from .errors import UsageError
    from .synth import write_city

    if out.exists() and any(out.iterdir()):
        raise UsageError(f"folder '{out}' tidak kosong; pilih folder lain atau kosongkan dulu")
    city = write_city(out, agencies, units, indicators, seed=seed, year=year, jobs=jobs)
    click.echo(f"{len(city.agencies)} instansi, {city.workbooks} berkas isian, {city.rows} baris "
               f"indikator ditulis ke {out}")
    click.echo(f"Buat laporannya: iku report --all {out} --out <folder hasil>")
