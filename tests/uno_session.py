"""A headless LibreOffice for the UNO client scripts (``uno_master.py``, ``uno_restyle.py``),
run with the system Python that has Debian's ``python3-uno`` (not the project's venv).

``document(src)`` starts LibreOffice with a private profile and a pipe named for this run,
opens ``src`` hidden and yields ``(ctx, doc)``; on leaving it closes the document, asks
LibreOffice to terminate and, should it linger, kills its whole process group.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uno  # noqa: F401  (Debian's python3-uno)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def connect(pipe: str, timeout: float = 90.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def document(program: str, src: str | Path) -> Iterator[tuple[object, object]]:
    pipe = f"iku_uno_{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="iku_uno_") as tmp:
        proc = subprocess.Popen(
            [program, f"-env:UserInstallation={Path(tmp).as_uri()}", "--headless",
             "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            ctx = connect(pipe)
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx)
            doc = desktop.loadComponentFromURL(
                Path(src).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),))
            yield ctx, doc
            doc.close(True)
            try:
                desktop.terminate()
            except Exception:  # the bridge goes away while terminating
                pass
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, 9)
                proc.wait()
