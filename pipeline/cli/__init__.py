"""The command line ``iku``: the click front end (``commands``: parse, call the library,
print, map errors to exit codes) and click's own words in Indonesian (``i18n``, with its
catalogue in ``locale/``). ``run`` is the program (the ``iku`` script and
``python -m pipeline``); ``main`` is the click group that tests call."""

from .. import system
from .commands import main

__all__ = ["main", "run"]


def run() -> None:
    """``iku``: the console set to UTF-8 first, so that output redirected to a file never
    fails on a character such as "→" or "≤" (Windows' code page has neither)."""
    system.utf8_console()
    main()
