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
        checked = check_inputs(master, folder)
        if feedback is not None:
            from .feedback import write_feedback

            written = write_feedback(master, checked, feedback)
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
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="berkas laporan .docx (bawaan: output/Laporan_IKU_<tahun>.docx)")
@click.option("--template", "-t", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.WORD_TEMPLATE, show_default=True, help="templat Word (.docx)")
@click.option("--draft", is_flag=True,
              help="tetap membuat laporan walau ada galat; ditandai DRAFT")
@click.option("--pdf", is_flag=True, help="juga membuat PDF melalui LibreOffice")
@_guarded
def report(config, inputs, out, template, draft, pdf) -> None:
    """Memeriksa isian lalu membuat laporan Word IKU dan Capaian IKU."""
    from .run import build_report

    master = _master(config)
    out = out or paths.OUTPUT / f"Laporan_IKU_{master.agency.year}.docx"
    with _inputs_or_sample(master, config, inputs) as folder:
        outcome = build_report(master, folder, out, template, draft=draft, pdf=pdf)
    if outcome.checked.problems:
        _echo_problems(outcome.checked.problems, outcome.checked.files, err=True)
    if draft and not outcome.checked.ok:
        click.echo("PERHATIAN: laporan DRAFT dibuat walau ada galat.", err=True)
    click.echo(f"Laporan ditulis: {outcome.docx}")
    if outcome.pdf:
        click.echo(f"PDF ditulis: {outcome.pdf}")
