"""Command line: parse arguments, call the library, print messages, map errors to exit codes.

Exit codes: 0 success; 1 input errors (nothing written, an existing report untouched);
2 usage errors; 3 an internal error (a bug: please report it).
Heavy libraries are imported inside the commands so that ``iku --help`` stays fast.
Everything click itself says is Indonesian (pipeline/cli/i18n.py; IKU_BAHASA=en for its English).
"""

from __future__ import annotations

import os
import sys
from functools import wraps
from pathlib import Path

import click

from .. import __version__, paths
from ..domain.periods import ANNUAL, quarter_period, roman
from ..errors import IkuError, Problem, Severity, UsageError, ValidationFailed, summary
from ..reasons import Reason
from . import i18n

# before the first decorator: click translates some words when a command is defined
i18n.use_indonesian()

CONFIG_HELP = ("berkas master instansi: buku kerja master.xlsx/.ods atau master YAML "
               "(bawaan: contoh Kesbangpol Kota Jambi 2021)")


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
    from ..intake.master import load_master_file

    return load_master_file(config or paths.SAMPLE_MASTER)


def _master_gaps(master, config: Path | None) -> list[Problem]:
    """What the master leaves out of the report, as PERINGATAN lines (nothing invented)."""
    from ..domain.master import missing_texts

    name = Path(config or paths.SAMPLE_MASTER).name
    return [Problem(Severity.WARNING, Reason.MASTER_TEXT_MISSING, text, file=name)
            for text in missing_texts(master)]


def _default_out(master, *parts: str) -> Path:
    """Default outputs go under output/<kode instansi>_<tahun>/, one folder per agency."""
    return paths.OUTPUT.joinpath(master.output_name, *parts)


config_option = click.option(
    "--config", "-c", type=click.Path(path_type=Path, dir_okay=False), help=CONFIG_HELP
)
inputs_option = click.option(
    "--inputs", "-i", type=click.Path(path_type=Path, file_okay=True),
    help="folder berisi berkas isian .xlsx dari unit (bawaan: contoh isian bawaan)",
)


riwayat_option = click.option(
    "--riwayat", "riwayat_file", type=click.Path(path_type=Path, dir_okay=False),
    help="berkas riwayat (bawaan: $IKU_RIWAYAT, atau output/riwayat.sqlite)")


def _history_path(riwayat_file: Path | None) -> Path:
    from ..history import resolve_path

    return resolve_path(riwayat_file)


@click.group(cls=i18n.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="iku")
def main() -> None:
    """iku: menyusun dokumen IKU dan Capaian IKU dari isian Excel tiap bidang.

    Alur tahunan: isi master (buku kerja dari `iku master baru`, atau YAML) →
    `iku templates` → kirim templat ke bidang → kumpulkan isian di satu folder →
    `iku validate` → `iku report` → sunting di Word.
    """


triwulan_option = click.option(
    "--triwulan", "quarter", type=i18n.IntRange(1, 4), metavar="N",
    help="triwulan 1-4 (laporan pengukuran kinerja triwulan; docs/TRIWULAN.md)")


def _period(quarter: int | None) -> str:
    return quarter_period(quarter) if quarter else ANNUAL


@main.command()
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              help="folder tujuan templat kosong (bawaan: output/<instansi>_<tahun>/templat, "
                   "dengan --triwulan N: .../templat_TW<N>)")
@riwayat_option
@triwulan_option
@_guarded
def templates(config: Path | None, out: Path | None, riwayat_file: Path | None,
              quarter: int | None) -> None:
    """Membuat templat Excel kosong, satu untuk setiap unit pelapor."""
    from ..history.report import read_prior
    from ..workbook.templates import write_all_templates

    master = _master(config)
    for problem in _master_gaps(master, config):
        click.echo(problem.format())
    out = out or _default_out(master, f"templat_TW{quarter}" if quarter else "templat")
    prior = read_prior(_history_path(riwayat_file), master, _period(quarter))
    if quarter:
        from ..quarter.history import recorded_earlier
        from ..workbook.quarter import write_all_quarter_templates

        earlier, missing = recorded_earlier(master, prior.quarters, quarter)
        for text in missing:
            click.echo(f"PERINGATAN: {text}")
        written = write_all_quarter_templates(master, quarter, out, earlier, prior.x2)
    else:
        written = write_all_templates(master, out, prior.x2)
    if prior.x2:
        click.echo(f"Nilai tahun {master.agency.year - 1} dari riwayat diisikan (terkunci) "
                   f"pada x2 {len(prior.x2)} indikator pertumbuhan/penurunan")
    for path in written:
        click.echo(f"Templat: {path}")
    click.echo(f"{len(written)} templat ditulis ke {out}")


@main.command()
@click.argument("folder", type=click.Path(path_type=Path), metavar="FOLDER")
@click.option("--yaml", "as_yaml", is_flag=True,
              help="master sebagai teks YAML (master.yaml) alih-alih buku kerja master.xlsx")
@_guarded
def init(folder: Path, as_yaml: bool) -> None:
    """Membuat folder kerja baru untuk satu instansi: master contoh untuk diubah (buku kerja
    master.xlsx; dengan --yaml: master.yaml), folder isian/ untuk berkas dari bidang,
    templat Word, contoh master lain, dan petunjuk langkah berikutnya (BACA_SAYA.txt).
    Jalankan perintah lain dari folder itu."""
    from ..workspace import make_workspace

    made = make_workspace(folder, yaml=as_yaml)
    click.echo(f"Folder kerja dibuat: {made.folder}")
    click.echo(f"  {made.master.name:<14} master untuk diubah (salinan contoh)")
    click.echo(f"  {made.inputs.name:<14} simpan isian dari bidang di sini")
    click.echo(f"  {made.word_templates[0].parent.name:<14} templat Word laporan")
    click.echo(f"  {made.examples[0].parent.name:<14} contoh master untuk situasi lain")
    click.echo(f"  {made.note.name:<14} langkah berikutnya")
    click.echo(f"Mulai: cd {made.folder}  lalu  iku report  (laporan contoh), "
               f"dan baca {made.note.name}.")


@main.command()
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              help="folder tujuan contoh isian (bawaan: output/<instansi>_<tahun>/contoh_isian, "
                   "dengan --triwulan N: .../contoh_isian_TW<N>)")
@triwulan_option
@_guarded
def sample(config: Path | None, out: Path | None, quarter: int | None) -> None:
    """Menulis contoh isian yang sudah terisi (angka dokumen contoh tahun 2021; dengan
    --triwulan N: isian triwulan N)."""
    from ..workbook.sample import write_sample_inputs

    master = _master(config)
    out = out or _default_out(master, f"contoh_isian_TW{quarter}" if quarter else "contoh_isian")
    written = write_sample_inputs(master, out, period=_period(quarter))
    for path in written:
        click.echo(f"Contoh isian: {path}")


def _is_sample(config: Path | None) -> bool:
    return config is None or Path(config).resolve() == paths.SAMPLE_MASTER.resolve()


def _inputs_or_sample(master, config: Path | None, inputs: Path | None):
    from contextlib import nullcontext

    from ..workbook.sample import sample_inputs

    if inputs is not None:
        return nullcontext(inputs)
    if not _is_sample(config):
        raise UsageError("--inputs wajib diberikan bila memakai master selain contoh bawaan")
    return sample_inputs(master)


@main.command(name="validate")
@config_option
@inputs_option
@click.option("--report", "feedback", type=click.Path(path_type=Path, dir_okay=False),
              is_flag=False, flag_value=Path("-"),
              help="tulis daftar masalah ke buku kerja .xlsx ini (tanpa nama berkas: "
                   "output/<instansi>_<tahun>/Daftar_Masalah_Isian_<tahun>.xlsx), beserta "
                   "salinan isian tiap unit yang bermasalah dengan sel yang ditandai (untuk "
                   "dikirim kembali)")
@riwayat_option
@triwulan_option
@_guarded
def validate_cmd(config: Path | None, inputs: Path | None, feedback: Path | None,
                 riwayat_file: Path | None, quarter: int | None) -> None:
    """Memeriksa berkas isian tanpa membuat laporan (dengan --triwulan N: isian triwulan).
    Tanpa --inputs, dengan master sendiri: memeriksa master saja."""
    from ..history.report import read_prior
    from ..intake.validate import check_inputs

    master = _master(config)
    if quarter and inputs is None:
        raise UsageError("--triwulan memerlukan --inputs: folder isian triwulan itu")
    if inputs is None and feedback is None and not _is_sample(config):
        _echo_master_checked(master, config)  # the master alone: its mistakes said above
        return
    if feedback == Path("-"):
        feedback = _default_out(master, f"Daftar_Masalah_Isian_{master.agency.year}.xlsx")
    period = _period(quarter)
    prior = read_prior(_history_path(riwayat_file), master, period)
    earlier = {}
    if quarter:
        from ..quarter.history import recorded_earlier

        earlier, missing = recorded_earlier(master, prior.quarters, quarter)
        for text in missing:
            click.echo(f"PERINGATAN: {text}")
    with _inputs_or_sample(master, config, inputs) as folder:
        if feedback is not None:  # before anything is read or written
            from ..intake.feedback import feedback_paths
            from ..office.publish import guard_outputs

            guard_outputs([("--report", p) for p in feedback_paths(feedback)], folder, [config])
        checked = check_inputs(master, folder, prior.x2, period, earlier)
        if feedback is not None:
            from ..intake.feedback import write_feedback

            written = write_feedback(master, checked, feedback, folder, [config])
    for problem in _master_gaps(master, config):  # said once, apart from the files' count
        click.echo(problem.format())
    _echo_problems(checked.problems, checked.files, err=False)
    if feedback is not None:
        for path in written:
            click.echo(f"Ditulis: {path}")
    if not checked.ok:
        sys.exit(1)
    command = f"iku report --triwulan {quarter}" if quarter else "iku report"
    click.echo(f"Semua isian sah; laporan dapat dibuat dengan `{command}`.")


def _echo_master_checked(master, config: Path) -> None:
    """`iku validate -c MASTER` without isian: the master is valid (it loaded); say what it
    holds and what it leaves out."""
    for problem in _master_gaps(master, config):
        click.echo(problem.format())
    click.echo(f"Master sah: {master.agency.name} tahun {master.agency.year}, "
               f"{len(master.units)} unit, {len(master.sasaran)} sasaran, "
               f"{len(master.indicators)} indikator. Periksa isian dengan "
               f"`iku validate -c {Path(config).name} -i FOLDER_ISIAN`.")


@main.command()
@config_option
@inputs_option
@click.option("--out", "-o", type=click.Path(path_type=Path),
              help="berkas laporan .docx (bawaan: output/<instansi>_<tahun>/"
                   "Laporan_IKU_<tahun>.docx); "
                   "dengan --all: folder hasil (bawaan: output/kota)")
@click.option("--template", "-t", type=click.Path(path_type=Path, dir_okay=False),
              help="templat Word (.docx) (bawaan: templat bawaan laporan_iku.docx; dengan "
                   "--triwulan: laporan_triwulan.docx)")
@click.option("--draft", is_flag=True,
              help="tetap membuat laporan walau ada galat; ditandai DRAFT")
@click.option("--pdf", is_flag=True, help="juga membuat PDF melalui LibreOffice")
@click.option("--timpa", is_flag=True,
              help="timpa laporan yang sudah disunting (mis. di Word) atau baca-saja tanpa "
                   "membuat cadangan")
@click.option("--all", "all_root", type=click.Path(path_type=Path, file_okay=False),
              help="folder berisi banyak instansi (ROOT/<instansi>/master.xlsx atau "
                   "master.yaml, dan ROOT/<instansi>/isian/*.xlsx, lihat docs/KOTA.md): buat "
                   "laporan semua "
                   "instansi dan satu rekap")
@click.option("--jobs", "-j", type=i18n.IntRange(min=1), metavar="N",
              help="dengan --all: jumlah proses paralel (bawaan: satu per CPU)")
@riwayat_option
@click.option("--buka-kunci", "unlock", is_flag=True,
              help="tahun yang sudah dikunci (ditandatangani) boleh mendapat angka baru; "
                   "versi baru dicatat, versi lama tetap tersimpan")
@click.option("--dari-riwayat", "from_history", is_flag=True,
              help="buat ulang laporan tahun itu persis dari riwayat (master, isian dan "
                   "templat yang dicatat), tanpa membaca isian")
@triwulan_option
@click.option("--dari-triwulan", "from_quarters", is_flag=True,
              help="laporan tahunan dengan angka dari keempat triwulan yang tercatat di "
                   "riwayat (menurut akumulasi tiap indikator), tanpa membaca isian")
@_guarded
def report(config, inputs, out, template, draft, pdf, timpa, all_root, jobs, riwayat_file,
           unlock, from_history, quarter, from_quarters) -> None:
    """Memeriksa isian lalu membuat laporan Word IKU dan Capaian IKU (dengan --triwulan N:
    laporan pengukuran kinerja triwulan N)."""

    history = _history_path(riwayat_file)
    period = _period(quarter)
    template = template or (paths.QUARTER_TEMPLATE if quarter else paths.WORD_TEMPLATE)
    for flag, other, given in (("--triwulan", "--dari-triwulan", quarter and from_quarters),
                               ("--triwulan", "--dari-riwayat", quarter and from_history),
                               ("--dari-triwulan", "--dari-riwayat",
                                from_quarters and from_history),
                               ("--dari-triwulan", "--all", from_quarters and all_root)):
        if given:
            raise UsageError(f"{flag} tidak dapat dipakai bersama {other}")
    if all_root is not None:
        _report_all(all_root, out, template, draft, pdf, timpa, jobs, config, inputs,
                    history, unlock, period)
        return
    master = _master(config)
    if quarter:
        from ..quarter.report import report_filename

        out = out or _default_out(master, report_filename(master, quarter))
        if inputs is None:
            raise UsageError("--triwulan memerlukan --inputs: folder isian triwulan itu")
    out = out or _default_out(master, f"Laporan_IKU_{master.agency.year}.docx")
    if from_history:
        _report_from_history(master, config, inputs, out, pdf, timpa, history)
        return
    from ..run import build_report

    if from_quarters:
        if inputs is not None:
            raise UsageError("--dari-triwulan tidak membaca isian: jangan berikan --inputs")
        outcome = build_report(master, None, out, template, draft=draft, pdf=pdf,
                               overwrite=timpa, protected=(config,) if config else (),
                               history=history, unlock=unlock, from_quarters=True)
        _echo_outcome(outcome, draft, history)
        return
    with _inputs_or_sample(master, config, inputs) as folder:
        outcome = build_report(master, folder, out, template, draft=draft, pdf=pdf,
                               overwrite=timpa, protected=(config,) if config else (),
                               history=history, unlock=unlock, period=period)
    _echo_outcome(outcome, draft, history)


def _echo_outcome(outcome, draft: bool, history: Path) -> None:
    problems = outcome.notices + outcome.checked.problems
    if problems:
        _echo_problems(problems, outcome.checked.files, err=True)
    if draft and not outcome.checked.ok:
        click.echo("PERHATIAN: laporan DRAFT dibuat walau ada galat.", err=True)
    if outcome.draft_beside is not None:
        year = outcome.master.agency.year
        click.echo(f"PERHATIAN: tahun {year} sudah dikunci (ditandatangani), jadi DRAFT ini "
                   "tidak menggantikan laporan yang ditandatangani; DRAFT ditulis di "
                   f"sampingnya: {outcome.draft_beside.name}", err=True)
    _echo_published(outcome.published)
    _echo_recorded(outcome, history)


def _echo_recorded(outcome, history: Path) -> None:
    year = outcome.master.agency.year
    if outcome.recorded is not None:
        what = f"tahun {year}"
        if outcome.quarter is not None:
            what = f"Triwulan {roman(outcome.quarter.quarter)} {year}"
        click.echo(f"Riwayat: angka {what} dicatat sebagai versi {outcome.recorded} "
                   f"di {history}")
    elif outcome.signed_kept and outcome.quarter:
        click.echo(f"Riwayat: tahun {year} terkunci; isi Triwulan "
                   f"{roman(outcome.quarter.quarter)} (angka dan teks) sama dengan yang "
                   "tercatat, tidak dicatat ulang")
    elif outcome.signed_kept:
        click.echo(f"Riwayat: tahun {year} terkunci; isi laporan ini (angka dan teks) sama "
                   "dengan yang ditandatangani, tidak dicatat ulang")


def _report_from_history(master, config, inputs, out, pdf, timpa, history: Path) -> None:
    from ..history.rebuild import rebuild_report

    if inputs is not None:
        raise UsageError("--dari-riwayat tidak membaca isian: jangan berikan --inputs")
    outcome = rebuild_report(master, history, out, pdf=pdf, overwrite=timpa,
                             protected=(config,) if config else ())
    _echo_published(outcome.published)
    click.echo(f"Dibuat ulang dari riwayat: tahun {outcome.year}, versi {outcome.version} "
               f"(dicatat {outcome.recorded_at})")


def _echo_published(published, what: str = "Laporan") -> None:
    """What writing the report did: backups kept, an old PDF moved aside."""
    for note in _published_notes(published):
        click.echo(note, err=True)
    click.echo(f"{what} ditulis: {published.docx}"
               + (" (isinya sama, berkas tidak diubah)" if published.unchanged else ""))
    if published.pdf:
        click.echo(f"PDF ditulis: {published.pdf}")


def _published_notes(published) -> list[str]:
    from ..office.publish import SIGNED

    notes = [f"PERHATIAN: laporan yang ditandatangani disimpan sebagai cadangan sebelum "
             f"diganti: {kept}" if f".{SIGNED}-" in kept.name else
             f"PERHATIAN: berkas lama telah diubah sejak dibuat iku (mis. disunting di Word), "
             f"jadi disimpan sebagai cadangan: {kept}" for kept in published.backups]
    if published.stale_pdf is not None:
        notes.append(f"PERHATIAN: PDF lama milik laporan sebelumnya dipindahkan ke "
                     f"{published.stale_pdf} (buat PDF baru dengan --pdf)")
    if published.stale_removed:
        notes.append("PERHATIAN: PDF lama milik laporan sebelumnya dihapus (--timpa)")
    return notes


def _report_all(root, out, template, draft, pdf, timpa, jobs, config, inputs, history,
                unlock, period) -> None:
    from ..batch import report_all

    if inputs is not None or config is not None:
        raise UsageError("--all tidak dapat dipakai bersama --inputs atau --config: master dan "
                         "isian tiap instansi diambil dari foldernya masing-masing")
    out = out or paths.OUTPUT / "kota"
    outcome = report_all(root, out, jobs=jobs, progress=sys.stderr.isatty(), draft=draft,
                         pdf=pdf, template=template, overwrite=timpa, history=history,
                         unlock=unlock, period=period)
    for row in outcome.rows:
        notes = _published_notes(row.published) if row.published else []
        if row.draft_beside:
            notes.insert(0, f"PERHATIAN: tahun instansi ini sudah dikunci (ditandatangani), "
                            f"jadi DRAFT tidak menggantikan laporannya; DRAFT ditulis di "
                            f"sampingnya: {row.report.name}")
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


@main.group()
def templat() -> None:
    """Templat Word laporan: memeriksa templat yang sudah diubah gayanya."""


@templat.command()
@click.argument("berkas", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--jenis", default="iku", show_default=True, metavar="JENIS",
              help="jenis dokumen templat (iku: laporan IKU dan Capaian IKU tahunan; "
                   "triwulan: laporan pengukuran kinerja triwulan; lkjip: Bab III LKjIP; "
                   "pk: Perjanjian Kinerja)")
@click.option("--tanpa-pdf", is_flag=True, help="lewati uji buka di LibreOffice")
@_guarded
def periksa(berkas: Path, jenis: str, tanpa_pdf: bool) -> None:
    """Memeriksa templat Word BERKAS (.docx): tag, blok, nama dan bagian wajib, lalu membuat
    contoh laporan dengan templat itu di folder sementara dan membukanya di LibreOffice."""
    from ..families import try_template
    from ..word.template_check import TemplateCheckFailed

    click.echo(f"Memeriksa templat {berkas} ...")
    try:
        trial = try_template(berkas, jenis, pdf=not tanpa_pdf)
    except TemplateCheckFailed as exc:
        for problem in exc.problems:
            click.echo(f"GALAT: {problem}", err=True)
        click.echo(f"Templat TIDAK layak dipakai: {len(exc.problems)} masalah. Perbaiki "
                   f"templat lalu jalankan lagi `iku templat periksa {berkas}`.", err=True)
        sys.exit(1)
    click.echo(f"Tag, blok dan nama: sah ({trial.tags} tag).")
    click.echo("Bagian wajib ada: "
               + ", ".join(r.label for r in trial.spec.required) + ".")
    click.echo(f"Contoh laporan dibuat dengan templat ini dan diperiksa: sah "
               f"({trial.report_bytes / 1000:.0f} kB).")
    if trial.pdf_pages is not None:
        click.echo(f"LibreOffice membuka contoh laporan itu: PDF {trial.pdf_pages} halaman.")
    elif tanpa_pdf:
        click.echo("Uji buka di LibreOffice dilewati (--tanpa-pdf).")
    else:
        click.echo("LibreOffice tidak terpasang: uji buka di LibreOffice dilewati.")
    from ..families import COMMANDS

    command = COMMANDS.get(jenis, "report")
    click.echo(f"Templat LAYAK dipakai: iku {command} --template {berkas}")


@main.command()
@click.option("--agencies", "-n", type=i18n.IntRange(1, 999), metavar="N", default=3,
              show_default=True, help="jumlah instansi")
@click.option("--units", "-u", type=i18n.IntRange(1, 99), metavar="N", default=7,
              show_default=True, help="jumlah unit pelapor per instansi")
@click.option("--indicators", "-k", type=i18n.IntRange(1, 500), metavar="N", default=20,
              show_default=True, help="jumlah baris indikator per berkas isian")
@click.option("--seed", type=i18n.Integer(), metavar="N", default=0, show_default=True,
              help="benih acak; benih yang sama menghasilkan berkas yang sama")
@click.option("--year", type=i18n.IntRange(2000, 2100), metavar="TAHUN", default=2021,
              show_default=True, help="tahun laporan")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), required=True,
              help="folder tujuan (harus kosong atau belum ada)")
@click.option("--jobs", "-j", type=i18n.IntRange(min=1), metavar="N",
              help="jumlah proses paralel")
@_guarded
def synth(agencies, units, indicators, seed, year, out, jobs) -> None:
    """Membuat kota sintetis: master dan isian terisi banyak instansi (untuk uji dan
    tolok ukur), dengan susunan folder untuk `iku report --all`."""
    from ..workbook.synth import write_city

    if out.exists() and any(out.iterdir()):
        raise UsageError(f"folder '{out}' tidak kosong; pilih folder lain atau kosongkan dulu")
    city = write_city(out, agencies, units, indicators, seed=seed, year=year, jobs=jobs)
    click.echo(f"{len(city.agencies)} instansi, {city.workbooks} berkas isian, {city.rows} baris "
               f"indikator ditulis ke {out}")
    click.echo(f"Buat laporannya: iku report --all {out} --out <folder hasil>")


# --- the collection page: issue 12 ---------------------------------------------------------


@main.command()
@config_option
@click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False),
              help="folder data unggahan, token dan laporan (bawaan: "
                   "output/<instansi>_<tahun>/server)")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="ALAMAT",
              help="alamat yang didengar; selain 127.0.0.1 halaman terbuka untuk jaringan")
@click.option("--port", type=i18n.IntRange(0, 65535), metavar="PORT", default=8000,
              show_default=True, help="port (0: port bebas mana saja)")
@click.option("--triwulan", type=i18n.IntRange(1, 4), metavar="N",
              help="pengumpulan triwulan 1-4")
@click.option("--token-baru", "new_tokens", is_flag=True,
              help="ganti semua tautan (tautan lama tidak berlaku lagi)")
@_guarded
def serve(config, data, host, port, triwulan, new_tokens) -> None:
    """Membuka halaman pengumpulan isian: setiap unit mengunggah isiannya melalui tautannya
    sendiri dan langsung melihat hasil pemeriksaannya; Sekretariat memantau dan membuat
    laporan."""
    from ..history import resolve_path
    from ..web.server import serve as run_server
    from ..web.site import open_site

    master = _master(config)
    folder = data or _default_out(master, "server" + (f"_tw{triwulan}" if triwulan else ""))
    site = open_site(master, folder, triwulan, renew_tokens=new_tokens,
                     protected=(config,) if config else (), history=resolve_path())
    run_server(site, host, port, echo=lambda line: click.echo(line))


# --- history (riwayat), locks and the new year: issue 9 -------------------------------------

def _print_table(title: str | None, headings, rows, right_from: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=True)
    for i, heading in enumerate(headings):
        right = right_from is not None and i >= right_from
        table.add_column(heading, overflow="fold", justify="right" if right else "left")
    for row in rows:
        table.add_row(*row)
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@main.group(name="riwayat", invoke_without_command=True)
@config_option
@riwayat_option
@click.option("--xlsx", type=click.Path(path_type=Path, dir_okay=False),
              help="juga tulis riwayat ke buku kerja .xlsx ini")
@click.option("--versi", "versions_year", type=i18n.IntRange(2000, 2100), metavar="TAHUN",
              help="daftar versi yang tercatat untuk tahun ini: waktu, sumber dan apa yang "
                   "berubah dari versi sebelumnya")
@click.option("--rinci", "detailed", is_flag=True,
              help="dengan --versi: tambahkan sidik (hash) master, templat dan berkas impor")
@click.option("--terakhir", "last", type=i18n.IntRange(1, 100), metavar="N",
              help="hanya N tahun terakhir")
@click.pass_context
@_guarded
def riwayat(ctx, config, riwayat_file, xlsx, versions_year, detailed, last) -> None:
    """Menampilkan indikator instansi dari tahun ke tahun (riwayat tersimpan).

    Perintah lanjutan: `iku riwayat impor BERKAS.xlsx` memasukkan tahun-tahun
    sebelumnya; `iku riwayat contoh BERKAS.xlsx` menulis contoh susunan impor.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..history import open_history
    from ..history.integrity import year_warnings
    from ..history.table import cross_year, versions_rows

    if versions_year is not None and (xlsx is not None or last is not None):
        raise UsageError("--versi tidak dapat dipakai bersama --xlsx atau --terakhir")
    if detailed and versions_year is None:
        raise UsageError("--rinci hanya bersama --versi TAHUN")
    master = _master(config)
    name = master.agency.name
    path = _history_path(riwayat_file)
    with open_history(path, create=False) as history:
        key = history.key_for(master)
        warnings = [text for _, _, text in year_warnings(history, key, versions_year)]
        if versions_year is not None:
            infos = history.versions(key, versions_year)
            if not infos:
                raise IkuError(f"tahun {versions_year} {name} belum tercatat di riwayat {path}")
            runs = [history.version(key, versions_year, i.version, i.period) for i in infos]
            _print_table(f"Versi tercatat {name} tahun {versions_year}",
                         *versions_rows(runs, detailed, master.agency.zone()))
            _echo_warnings(warnings)
            return
        series = history.series(key, last=last)
        if not series.years:
            known = [a.name for a in history.agencies()]
            raise IkuError(
                f"belum ada riwayat tahunan {name} di {path}"
                + (f"; instansi yang tercatat: {', '.join(known)}" if known else ""))
    table = cross_year(series)
    _print_table(table.title, table.headings, table.rows, right_from=3)
    _echo_warnings(warnings)
    if xlsx is not None:
        from ..history.workbook import series_workbook, write

        click.echo(f"Ditulis: {write(xlsx, series_workbook(series))}")


def _echo_warnings(lines: list[str]) -> None:
    """What no longer holds together in the history (stale periods, reports that are not
    their record), after the table."""
    for line in lines:
        click.echo(f"PERINGATAN: {line}")


@riwayat.command(name="impor")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="BERKAS")
@riwayat_option
@_guarded
def riwayat_impor(file: Path, riwayat_file: Path | None) -> None:
    """Memasukkan tahun-tahun sebelumnya dari buku kerja .xlsx (susunan impor, lihat
    `iku riwayat contoh`, atau rekap kota dari `iku report --all`): semua atau tidak sama
    sekali."""
    from ..history import sasaran_number
    from ..history.importer import import_workbook

    if not file.exists():
        raise UsageError(f"berkas '{file}' tidak ada")
    path = _history_path(riwayat_file)
    result = import_workbook(file, path)
    if result.problems:
        _echo_problems(result.problems, None, err=not result.ok)
    if not result.ok:
        click.echo("Tidak ada yang diimpor; perbaiki galat di atas lalu jalankan lagi.",
                   err=True)
        sys.exit(1)
    for snap, version in result.unchanged:
        click.echo(f"Sudah ada: {snap.agency_name} tahun {snap.year} ({snap.period}) sama "
                   f"persis dengan versi {version} di riwayat; tidak ditambahkan")
    for snap, version in zip(result.snapshots, result.versions, strict=True):
        averages = sum(sasaran_number(rec.key) is not None for rec in snap.indicators)
        counted = f"{len(snap.indicators) - averages} indikator" + (
            f", {averages} rata-rata sasaran" if averages else "")
        click.echo(f"Diimpor: {snap.agency_name} tahun {snap.year} ({snap.period}), "
                   f"{counted}, versi {version}")
    if result.unchanged and not result.snapshots:
        click.echo(f"Tidak ada yang berubah: semua isi berkas {file.name} sudah ada di "
                   f"riwayat {path}; tidak ada versi baru")
        return
    click.echo(f"{len(result.snapshots)} catatan dari {result.rows} baris dimasukkan ke {path}")


@riwayat.command(name="contoh")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="BERKAS")
@_guarded
def riwayat_contoh(file: Path) -> None:
    """Menulis contoh buku kerja dengan susunan impor riwayat (untuk diisi)."""
    from ..history.workbook import example_workbook, write

    click.echo(f"Contoh susunan impor ditulis: {write(file, example_workbook())}")


@main.command()
@config_option
@riwayat_option
@_guarded
def kunci(config: Path | None, riwayat_file: Path | None) -> None:
    """Mengunci tahun master di riwayat (setelah laporan ditandatangani)."""
    from ..history.lock import lock_year
    from ..history.store import format_time

    master = _master(config)
    name, year = master.agency.name, master.agency.year
    locked = lock_year(_history_path(riwayat_file), master)
    for warning in locked.warnings:
        click.echo(f"PERINGATAN: {warning}", err=True)
    info = locked.info
    if locked.unchanged:
        click.echo(f"Tahun {year} {name} sudah dikunci sejak "
                   f"{format_time(info.locked_at, master.agency.zone())} "
                   f"(versi {info.version}); tidak ada yang berubah.")
    else:
        click.echo(f"Tahun {year} {name} dikunci pada versi {info.version} (dicatat "
                   f"{format_time(locked.recorded_at, master.agency.zone())}). Laporan tahun "
                   "ini yang angkanya berbeda akan ditolak kecuali dengan --buka-kunci.")


@main.command(name="tahun-baru")
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="berkas master tahun berikutnya, .xlsx atau .yaml (tidak boleh sudah ada)")
@_guarded
def tahun_baru(config: Path | None, out: Path) -> None:
    """Membuat master tahun berikutnya dari master tahun ini (buku kerja atau YAML; pada
    YAML catatan dan urutan tetap)."""
    from ..history.newyear import write_next_year

    new = write_next_year(config or paths.SAMPLE_MASTER, out)
    for warning in new.warnings:
        click.echo(f"PERINGATAN: {warning}", err=True)
    click.echo(f"Master tahun {new.year} ditulis: {out}")
    if new.cleared:
        click.echo(f"capaian_tahun_lalu/realisasi_tahun_lalu dikosongkan pada "
                   f"{len(new.cleared)} indikator ({', '.join(new.cleared)}): nilainya "
                   "diambil dari riwayat.")
    click.echo("Periksa sebelum dipakai: target tiap indikator (juga target triwulan), unit, "
               "penandatangan, tanggal laporan, tanggal PK dan anggaran.")


# --- the master as a workbook: issue 24 -----------------------------------------------------


@main.group(name="master")
def master_group() -> None:
    """Master instansi sebagai buku kerja Excel (master.xlsx) atau YAML: membuat master
    baru, dan mengubah master dari satu bentuk ke bentuk lain tanpa kehilangan isi."""


def _master_out(out: Path, suffixes: tuple[str, ...], sources: list[Path], timpa: bool) -> None:
    """Refuse an output of the wrong kind, an input, or an existing file (without --timpa)."""
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"--out {out}: nama berkas harus berakhiran {' atau '.join(suffixes)}")
    for source in sources:
        if out.exists() and source.exists() and os.path.samefile(out, source):
            raise UsageError(f"--out {out} adalah berkas masukan; pilih nama lain")
    if out.exists() and not timpa:
        raise UsageError(f"{out} sudah ada; pilih nama lain untuk --out, atau tambahkan "
                         "--timpa untuk menggantinya")


out_master_option = click.option(
    "--out", "-o", type=click.Path(path_type=Path, dir_okay=False), required=True,
    help="berkas yang ditulis")
timpa_master_option = click.option("--timpa", is_flag=True,
                                   help="ganti berkas --out bila sudah ada")


@master_group.command(name="baru")
@out_master_option
@timpa_master_option
@_guarded
def master_baru(out: Path, timpa: bool) -> None:
    """Menulis buku kerja master baru (.xlsx) dengan satu baris contoh di setiap lembar
    (dari contoh Kesbangpol Kota Jambi): ganti isinya dengan data instansi Anda."""
    from ..workbook.master import example_data, write_master_workbook

    _master_out(out, (".xlsx",), [], timpa)
    write_master_workbook(example_data(), out)
    click.echo(f"Master baru ditulis: {out}")
    click.echo(f"Isi setiap lembarnya di Excel atau LibreOffice (petunjuk di lembar "
               f"Petunjuk), lalu periksa dengan `iku validate -c {out.name}`.")


@master_group.command(name="ke-xlsx")
@click.argument("berkas", type=click.Path(path_type=Path, dir_okay=False), metavar="MASTER")
@out_master_option
@timpa_master_option
@_guarded
def master_ke_xlsx(berkas: Path, out: Path, timpa: bool) -> None:
    """Menulis master MASTER (YAML) sebagai buku kerja .xlsx dengan isi yang sama."""
    from ..intake.master import master_and_data
    from ..workbook.master import write_master_workbook

    _master_out(out, (".xlsx",), [berkas], timpa)
    master, data = master_and_data(berkas)
    write_master_workbook(data, out)
    click.echo(f"Master {master.agency.name} {master.agency.year} ditulis sebagai buku kerja: "
               f"{out}")


@master_group.command(name="ke-yaml")
@click.argument("berkas", type=click.Path(path_type=Path, dir_okay=False), metavar="MASTER")
@out_master_option
@timpa_master_option
@_guarded
def master_ke_yaml(berkas: Path, out: Path, timpa: bool) -> None:
    """Menulis master MASTER (buku kerja .xlsx/.ods) sebagai master YAML dengan isi yang
    sama."""
    from ..domain.master import master_text
    from ..intake.master import master_and_data
    from ..office.atomic import write_atomically

    _master_out(out, (".yaml", ".yml"), [berkas], timpa)
    master, data = master_and_data(berkas)
    write_atomically(out, master_text(data).encode("utf-8"))
    click.echo(f"Master {master.agency.name} {master.agency.year} ditulis sebagai YAML: {out}")


# --- the LKjIP chapter: issue 13 ------------------------------------------------------------


@main.command()
@config_option
@inputs_option
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="berkas .docx Bab III (bawaan: output/<instansi>_<tahun>/"
                   "LKjIP_Bab_III_<tahun>.docx)")
@click.option("--template", "-t", type=click.Path(path_type=Path, dir_okay=False),
              help="templat Word Bab III (bawaan: templat bawaan lkjip_bab3.docx; dengan "
                   "--lengkap lkjip_lengkap.docx)")
@click.option("--draft", is_flag=True,
              help="tetap membuat Bab III walau ada galat; ditandai DRAFT")
@click.option("--pdf", is_flag=True, help="juga membuat PDF melalui LibreOffice")
@click.option("--timpa", is_flag=True,
              help="timpa berkas yang sudah disunting atau baca-saja tanpa membuat cadangan")
@riwayat_option
@click.option("--dari-triwulan", "from_quarters", is_flag=True,
              help="angka tahun dari keempat triwulan yang tercatat di riwayat (seperti "
                   "iku report --dari-triwulan), analisis unit dari Kendala dan Tindak lanjut "
                   "TW IV; tanpa -i dan tanpa pilihan ini: angka tahun yang tercatat di riwayat")
@click.option("--lengkap", "complete", is_flag=True,
              help="LKjIP lengkap dalam satu berkas: sampul, kata pengantar, ikhtisar, daftar "
                   "isi, Bab I-IV dan lampiran (PK, IKU, Capaian IKU); bawaan keluaran "
                   "output/<instansi>_<tahun>/LKjIP_<tahun>.docx, templat lkjip_lengkap.docx")
@_guarded
def lkjip(config, inputs, out, template, draft, pdf, timpa, riwayat_file,
          from_quarters, complete) -> None:
    """Membuat Bab III LKjIP (Akuntabilitas Kinerja) dari angka tahun ini dan riwayat
    tahun-tahun sebelumnya, sebagai draf Word untuk disunting Sekretariat; dengan
    --lengkap seluruh LKjIP.

    Angka tahun ini: dengan -i dari isian tahunan; dengan --dari-triwulan dari keempat
    triwulan; tanpa keduanya dari tahun yang sudah tercatat di riwayat (laporan tahunan
    yang sudah dibuat, dari isian maupun dari triwulan)."""
    from contextlib import nullcontext

    from ..lkjip.run import build_lkjip, default_name
    from ..lkjip.year import has_recorded_year

    master = _master(config)
    template = template or (paths.LKJIP_COMPLETE_TEMPLATE if complete else
                            paths.LKJIP_TEMPLATE)
    history = _history_path(riwayat_file)
    out = out or _default_out(master, default_name(master, complete))
    if from_quarters and inputs is not None:
        raise UsageError("--dari-triwulan tidak membaca isian: jangan berikan --inputs")
    folder, sample = nullcontext(inputs), False
    if inputs is None and not from_quarters and _is_sample(config) and \
            not has_recorded_year(master, history):
        # the bundled sample master, its year not recorded: the bundled sample workbooks
        folder, sample = _inputs_or_sample(master, config, None), True
    with folder as chosen:
        outcome = build_lkjip(master, chosen, out, template, draft=draft, pdf=pdf,
                              overwrite=timpa, protected=(config,) if config else (),
                              history=history, from_quarters=from_quarters,
                              complete=complete)
    problems = outcome.notices + outcome.checked.problems
    if problems:
        _echo_problems(problems, outcome.checked.files, err=True)
    if draft and not outcome.checked.ok:
        what = "LKjIP" if complete else "Bab III"
        click.echo(f"PERHATIAN: {what} DRAFT dibuat walau ada galat.", err=True)
    for note in outcome.notes:
        click.echo(f"PERINGATAN: {note}", err=True)
    click.echo(f"Angka tahun {master.agency.year}: dari contoh isian bawaan (tahun itu "
               "belum tercatat di riwayat)" if sample else outcome.year_line)
    _echo_published(outcome.published)


# --- the Perjanjian Kinerja: issue 22 --------------------------------------------------------


@main.command()
@config_option
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="berkas .docx Perjanjian Kinerja (bawaan: output/<instansi>_<tahun>/"
                   "Perjanjian_Kinerja_<tahun>.docx, atau Perjanjian_Kinerja_Perubahan_"
                   "<tahun>.docx)")
@click.option("--template", "-t", type=click.Path(path_type=Path, dir_okay=False),
              default=paths.PK_TEMPLATE, show_default=True, help="templat Word Perjanjian Kinerja")
@click.option("--pdf", is_flag=True, help="juga membuat PDF melalui LibreOffice")
@click.option("--timpa", is_flag=True,
              help="timpa berkas yang sudah disunting atau baca-saja tanpa membuat cadangan")
@click.option("--perubahan", "revised", is_flag=True,
              help="PK Perubahan: target/anggaran master dibandingkan dengan PK yang tercatat "
                   "di riwayat, baris yang berubah ditandai")
@riwayat_option
@_guarded
def pk(config, out, template, pdf, timpa, revised, riwayat_file) -> None:
    """Membuat Perjanjian Kinerja (PK) tahun master: lembar pernyataan pihak pertama
    (kepala instansi) dan pihak kedua (kepala daerah), lalu lampiran sasaran strategis,
    indikator, satuan dan target serta program dan anggarannya. PK dicatat di riwayat;
    dengan --perubahan dibuat PK Perubahan yang menandai baris yang berubah."""
    from ..pk.run import build_pk, default_name

    master = _master(config)
    history = _history_path(riwayat_file)
    out = out or _default_out(master, default_name(master, revised))
    outcome = build_pk(master, out, template, pdf=pdf, overwrite=timpa,
                       protected=(config,) if config else (), history=history,
                       revised=revised, master_name=Path(config or paths.SAMPLE_MASTER).name)
    for problem in outcome.notices:
        click.echo(problem.format(), err=True)
    for note in outcome.notes:
        click.echo(f"PERHATIAN: {note}", err=True)
    _echo_published(outcome.published, "Perjanjian Kinerja")
    what = "PK Perubahan" if outcome.pk.revised else "PK"
    if outcome.recorded:
        click.echo(f"Riwayat: {what} tahun {master.agency.year} dicatat"
                   + (f" sebagai perubahan ke-{outcome.pk.revision}" if outcome.pk.revised
                      else "") + f" di {history}")
