"""click speaks Indonesian (issue 23): its catalogue is complete for the installed click,
every translation keeps its placeholders, the compiled .mo ships with the package, and
every --help and usage error of iku reads Indonesian."""

from __future__ import annotations

import fnmatch
import gettext
import io
import os
import re
import string
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog
from click.testing import CliRunner

from dev import click_catalogue
from pipeline.cli import i18n, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def template() -> Catalog:
    """What the installed click passes through gettext (Babel's extractor, live)."""
    return click_catalogue.extract()


@pytest.fixture(scope="module")
def po() -> Catalog:
    return click_catalogue.read_catalogue()


def _entries(po: Catalog):
    return [m for m in po if m.id]


# --- the catalogue ---------------------------------------------------------------------------


def test_every_msgid_of_the_installed_click_is_translated(template, po):
    report = click_catalogue.compare(template, po)
    assert {k: v for k, v in report.items() if k != "obsolete" and v} == {}
    # what the extractor cannot see is accounted for in dev/click_catalogue.py
    assert sorted(click_catalogue.dynamic_calls()) == sorted(click_catalogue.DYNAMIC)


def test_catalogue_header_is_indonesian_with_one_plural_form(po):
    assert str(po.locale) == "id"
    assert po.num_plurals == 1
    assert po.plural_expr == "0"
    assert dict(po.mime_headers)["Plural-Forms"] == "nplurals=1; plural=0;"


def test_no_msgstr_is_empty(po):
    for message in _entries(po):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert strings and all(s.strip() for s in strings), message.id
        assert not message.fuzzy, message.id


_BRACE = string.Formatter()
_PERCENT = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdifr]|%[sdifr]")


def placeholders(text: str) -> list[str]:
    """``{name!r}``, ``{0:>3}``, ``%(prog)s``: each placeholder as written (conversion and
    format included, since they change what is printed)."""
    found = [m.group(0) for m in _PERCENT.finditer(text)]
    for _, field, spec, conversion in _BRACE.parse(text):
        if field is not None:
            found.append("{" + field + (f"!{conversion}" if conversion else "")
                         + (f":{spec}" if spec else "") + "}")
    return found


#: click fills each of these singular placeholders with the same value as its plural twin
#: (exceptions.py _format_possibilities, types.py Choice and DateTime)
SAME_VALUE = {"{possibility}": "{possibilities}", "{choice}": "{choices}",
              "{format}": "{formats}"}


def test_placeholders_survive_translation(po):
    """Each placeholder of the msgid is in the msgstr, and the msgstr has no other.

    Plurals: Indonesian has one form for every count, so msgstr[0] must carry every
    placeholder of msgid_plural (which speaks of n) and of the singular, except a singular
    one whose plural twin (SAME_VALUE) it carries instead."""
    for message in _entries(po):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            (text,) = message.string
            allowed = set(placeholders(singular)) | set(placeholders(plural))
            got = set(placeholders(text))
            required = set(placeholders(plural)) | {
                p for p in placeholders(singular) if SAME_VALUE.get(p) not in got}
        else:
            text = message.string
            allowed = required = set(placeholders(message.id))
            got = set(placeholders(text))
        assert required <= got, (message.id, text)
        assert got <= allowed, (message.id, text)


def test_every_msgstr_formats_with_the_values_click_passes(po):
    """Formatting a translation with its msgid's names never raises (a broken brace or
    a misspelt name would surface only when click prints that message)."""
    for message in _entries(po):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = {field.split(".")[0].split("[")[0] for text in ids
                 for _, field, _, _ in _BRACE.parse(text) if field}
        percent = {m.group(1) for text in ids for m in _PERCENT.finditer(text) if m.group(1)}
        for text in strings:
            if percent:
                assert text % dict.fromkeys(percent, "x")
            else:
                assert text.format(**dict.fromkeys(names, "x")) or text == ""


def test_compiled_mo_holds_what_the_po_says(po):
    mo = click_catalogue.MO.read_bytes()
    assert click_catalogue.mo_messages(mo) == click_catalogue.mo_messages(
        click_catalogue.compiled(po)), "run: python -m dev.click_catalogue"
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    assert translations.gettext("Usage:") == "Pemakaian:"
    assert translations.ngettext("Did you mean {possibility}?",
                                 "(Did you mean one of: {possibilities}?)", 3) \
        == "Mungkin maksud Anda: {possibilities}?"


# --- the package ships it --------------------------------------------------------------------


def test_catalogue_is_found_through_importlib_resources():
    mo = files("pipeline.cli") / "locale" / "id" / "LC_MESSAGES" / "click.mo"
    assert mo.is_file()
    assert i18n.locale_dir() == files("pipeline.cli") / "locale"
    assert gettext.find(i18n.DOMAIN, str(i18n.locale_dir()), ["id"]) == str(mo)


def test_package_data_includes_the_catalogue():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["pipeline.cli"]
    package = ROOT / "pipeline" / "cli"
    shipped = [p for p in (package / "locale").rglob("*") if p.suffix in (".po", ".mo")]
    assert {p.suffix for p in shipped} == {".po", ".mo"}
    for path in shipped:
        rel = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(rel, pattern) for pattern in patterns), rel


# --- the CLI ---------------------------------------------------------------------------------

#: click's words that do not go through gettext, and so are not in the template
OUTSIDE_GETTEXT = ["[OPTIONS]", "COMMAND", "[ARGS]", "TEXT", "INTEGER", "FILE", "DIRECTORY",
                   "PATH", "integer", "range"]


def english_phrases(template: Catalog) -> list[str]:
    """The literal pieces of click's English msgids (placeholders cut out), as whole
    words; pieces under four letters ("d") would match Indonesian text by chance."""
    pieces = set()
    for message in template:
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            for piece in re.split(r"\{[^}]*\}|%\(\w+\)s|\n|\t", text):
                piece = piece.strip(" .:()'?!")
                if len(piece) >= 4:
                    pieces.add(piece)
    return sorted(pieces | set(OUTSIDE_GETTEXT))


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    yield path
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name)


COMMANDS = list(_commands(main))


def _resolve(path: tuple[str, ...]) -> click.Command:
    command = main
    for name in path:
        command = command.commands[name]
    return command


def _english_in(text: str, phrases: list[str]) -> list[str]:
    return [p for p in phrases if re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)]


def test_the_phrase_list_catches_clicks_english(template):
    phrases = english_phrases(template)
    english = ("Usage: iku [OPTIONS] COMMAND [ARGS]...\n\nOptions:\n  --version  Show the "
               "version and exit.\n  -o, --out FILE  [default: x; required]\n")
    assert {"Usage", "Options", "Show the version and exit", "default", "required",
            "[OPTIONS]", "FILE"} <= set(_english_in(english, phrases))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "iku")
def test_help_has_no_english_from_click(command, template):
    result = CliRunner().invoke(main, [*command, "--help"], prog_name="iku")
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith(f"Pemakaian: iku {' '.join(command)}".replace("  ", " "))
    assert "\nOpsi:\n" in text and "Tampilkan pesan ini lalu keluar." in text
    if isinstance(_resolve(command), click.Group):
        assert "\nPerintah:\n" in text
    assert _english_in(text, english_phrases(template)) == []


def _usage_error(*args: str):
    result = CliRunner().invoke(main, list(args), prog_name="iku")
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    return result.stderr


def test_unknown_command_is_reported_in_indonesian():
    err = _usage_error("laporan")
    assert err == ("Pemakaian: iku [OPSI] PERINTAH [ARGUMEN]...\n"
                   "Coba 'iku --help' untuk bantuan.\n\n"
                   "GALAT: Perintah 'laporan' tidak ada.\n")
    assert "Mungkin maksud Anda: 'report'?" in _usage_error("repot")


@pytest.mark.parametrize(("args", "message"), [
    (["report", "--triwulan", "5"],
     "GALAT: Nilai tidak sah untuk '--triwulan': 5 di luar rentang 1<=x<=4."),
    (["report", "--triwulan", "tiga"],
     "GALAT: Nilai tidak sah untuk '--triwulan': 'tiga' bukan bilangan bulat yang sah."),
    (["synth", "-o", "x", "--seed", "acak"],
     "GALAT: Nilai tidak sah untuk '--seed': 'acak' bukan bilangan bulat yang sah."),
    (["synth"], "GALAT: Kurang opsi wajib '--out' / '-o'."),
    (["riwayat", "impor"], "GALAT: Kurang argumen 'BERKAS'."),
    (["report", "--bogus"], "GALAT: Opsi '--bogus' tidak ada."),
    (["report", "--out"], "GALAT: Opsi '--out' memerlukan 1 nilai."),
    (["report", "lebih"], "GALAT: Ada argumen tambahan yang tidak diharapkan (lebih)"),
])
def test_usage_errors_are_indonesian(args, message, template):
    err = _usage_error(*args)
    assert message in err
    if "Pemakaian:" in err:  # click leaves the usage out for a bare option
        assert re.search(r"^Coba 'iku [a-z -]+ --help' untuk bantuan\.$", err, re.M), err
    assert _english_in(err, english_phrases(template)) == []


def test_a_directory_given_for_a_file_is_named_in_indonesian(tmp_path):
    err = _usage_error("templates", "--config", str(tmp_path))
    assert f"GALAT: Nilai tidak sah untuk '--config' / '-c': Berkas '{tmp_path}' adalah " \
           "folder." in err


def test_version_is_indonesian():
    result = CliRunner().invoke(main, ["--version"], prog_name="iku")
    assert result.output == f"iku, versi {__import__('pipeline').__version__}\n"


def _run_iku(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The real entry point in a fresh process (gettext state starts clean)."""
    environ = {k: v for k, v in os.environ.items()
               if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", i18n.ENV)}
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True,
                          text=True, env={**environ, **env}, cwd=ROOT, timeout=60)


def test_indonesian_whatever_the_users_locale():
    for env in ({}, {"LANG": "en_US.UTF-8"}, {"LANGUAGE": "fr", "LC_ALL": "C.UTF-8"}):
        run = _run_iku("laporan", **env)
        assert run.returncode == 2
        assert "GALAT: Perintah 'laporan' tidak ada." in run.stderr, env


def test_iku_bahasa_en_gives_clicks_english():
    run = _run_iku("laporan", IKU_BAHASA="en")
    assert run.returncode == 2
    assert "Error: No such command 'laporan'." in run.stderr
    assert "--help' for help." in run.stderr
