"""The command line ``iku``: the click front end (``commands``: parse, call the library,
print, map errors to exit codes) and click's own words in Indonesian (``i18n``, with its
catalogue in ``locale/``). ``run`` is the program (the ``iku`` script and
``python -m pipeline``); ``main`` is the click group that tests call."""

import gc

from .. import system
from .commands import main

__all__ = ["main", "run"]


def run() -> None:
    """``iku``: the console set to UTF-8 first, so that output redirected to a file never
    fails on a character such as "→" or "≤" (Windows' code page has neither).

    When the command is over (every file written, placed and closed: each stage closes
    what it opens), the objects left are frozen (``gc.freeze``): the interpreter's
    collections at exit then skip them instead of walking every object the run made, and
    the operating system takes the memory back. Measured: an ``iku`` process that has
    imported the stages exits in about 15 ms instead of about 110 ms (issue 25;
    docs/BENCHMARKS.md). Handlers registered with ``atexit`` (temporary folders among
    them) still run."""
    system.utf8_console()
    try:
        main()
    finally:
        gc.freeze()
