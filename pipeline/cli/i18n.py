"""click in Indonesian: its own messages through a gettext catalogue, and its few other words.

How click is reached. click passes every message it prints (``Usage:``, ``Error: No such
command``, ``Show this message and exit.``, ...) through the *GNU gettext API*:
``gettext.gettext``/``ngettext``, i.e. the process's current default domain, which is
``messages`` until someone calls ``gettext.textdomain``. It takes no translation object.
So ``gettext.translation(...).install()`` does not reach it (that puts ``_`` into
builtins; click imported ``gettext.gettext`` itself), and the documented hook is the
global one, which :func:`use_indonesian` sets once when the CLI starts:

* ``gettext.bindtextdomain("click", <this package>/locale)``: the domain is named after
  what the catalogue holds, click's own msgids (``locale/id/LC_MESSAGES/click.mo``), and
  bound to the package's own folder, found through ``importlib.resources`` (so it works
  from an installed wheel, not only from the repository);
* ``gettext.textdomain("click")``: click's plain ``gettext.gettext`` calls now look there.
  This is the one global effect: every other caller of the plain API in the process uses
  the same default domain. In iku's process those are only the standard library's
  argparse/optparse/getopt, whose English msgids are not in the catalogue and so stay as
  they were; no other dependency binds the default domain (jinja2's i18n extension takes
  its callables explicitly). Keeping the name ``messages`` and binding it instead would be
  the same global change with a less honest file name;
* ``LANGUAGE=id`` in the environment: Python's gettext picks the language from
  LANGUAGE, LC_ALL, LC_MESSAGES, LANG, at every call, on every OS (Windows has none of
  them set by default), so iku speaks Indonesian whatever the clerk's locale. Child
  processes inherit it (LibreOffice for --pdf, the workers of ``report --all``); that is
  harmless for them and what a user would want anyway.

The call must come before the first click decorator runs: click translates some words
when a command is *defined* (the names of ``click.Path`` types, which become the
``FILE``/``DIRECTORY`` metavars and the "File 'x' is a directory." message; the
``--version`` option's help and message), and it prints ``--help`` or "No such command"
before any command callback runs.

``IKU_BAHASA=en`` (for developers: to search click's own messages, or compare with its
docs) leaves gettext alone, so click speaks its English; iku's own texts (the help of each
option, the messages) are written in Indonesian and stay so.

The catalogue ships compiled: ``click.mo`` is built from ``click.po`` by
``python -m dev.click_catalogue`` and committed, and tests/test_i18n.py checks that it
holds what the .po says. Measured here (median of 21 fresh processes, click already
imported): importing this module ~4 ms (importlib.resources), binding ~2 ms (the first
``files()``), reading the .mo at the first message ~1.5 ms, ~7.5 ms in all; compiling the
.po at every start with Babel (``read_po`` + ``write_mo``) instead took ~29 ms.
"""

from __future__ import annotations

import gettext
import os
from importlib.resources import files
from pathlib import Path

import click

DOMAIN = "click"  # the catalogue holds click's msgids: locale/<lang>/LC_MESSAGES/click.mo
LANGUAGE = "id"
ENV = "IKU_BAHASA"  # "en": click's own English messages (for developers)


def english_requested(environ=os.environ) -> bool:
    return environ.get(ENV, "").strip().lower().startswith("en")


def locale_dir() -> Path | None:
    """The package's locale folder, when it holds the compiled Indonesian catalogue.

    Found through ``importlib.resources`` from this module's package, so the folder
    moves with the module. gettext needs a real folder: from a zip import there is none,
    and click then stays English.
    """
    folder = files(__package__) / "locale"
    if not isinstance(folder, Path):
        return None
    if not (folder / LANGUAGE / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
        return None
    return folder


def use_indonesian() -> bool:
    """Make click's own messages Indonesian for the rest of the process (see the module
    docstring for what this changes); False when IKU_BAHASA asks for English or the
    catalogue is missing."""
    if english_requested():
        return False
    folder = locale_dir()
    if folder is None:
        return False
    gettext.bindtextdomain(DOMAIN, os.fspath(folder))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = LANGUAGE
    return True


# --- the words click writes without gettext ------------------------------------------------
# Usage lines ("[OPTIONS]", "COMMAND [ARGS]...") are constructor defaults, and a type's
# name ("integer range" in "'x' is not a valid integer range.") is a class attribute;
# neither goes through gettext. iku's commands use these Indonesian ones instead.

OPTIONS_METAVAR = "[OPSI]"


class Command(click.Command):
    """A click command whose usage line says ``[OPSI]``."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        super().__init__(*args, **kwargs)


class Group(click.Group):
    """A click group in Indonesian words; its commands and subgroups are too."""

    command_class = Command
    group_class = type  # subgroups are of this class

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        if kwargs.get("subcommand_metavar") is None and not kwargs.get("chain"):
            kwargs["subcommand_metavar"] = ("[PERINTAH] [ARGUMEN]..."
                                            if kwargs.get("invoke_without_command")
                                            else "PERINTAH [ARGUMEN]...")
        super().__init__(*args, **kwargs)


class Integer(click.types.IntParamType):
    """``int`` for click, named in Indonesian: "'x' bukan bilangan bulat yang sah."."""

    name = "bilangan bulat"


class IntRange(click.IntRange):
    """``click.IntRange``, named in Indonesian (its range is written 1<=x<=4 as before)."""

    name = "bilangan bulat"
