"""Restyle a Word template through LibreOffice's UNO API, as a person would in Writer.

Run with the system Python that has Debian's ``python3-uno`` (not the project's venv)::

    /usr/bin/python3 tests/uno_restyle.py IN.docx OUT.docx

It starts its own headless LibreOffice (private profile, a pipe named for this run), opens
IN.docx and changes what the guide invites the secretariat to change:

* the default font: the paragraph style Word calls *Normal* (Writer: "Default Paragraph
  Style", ``Standard``) gets ``FONT``;
* a letterhead line: ``LETTERHEAD`` as a new first paragraph of every page header in use
  (the first-page header too), above the ``{% if draft %}DRAFT{% endif %}`` line;
* wider margins: ``EXTRA_MARGIN`` more on the left and on the right of every page style
  in use;

then saves it as Word 2007-365 (.docx) to OUT.docx. Prints what it changed. Exit 0 on
success; any UNO error is a traceback and a non-zero exit (the test shows it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import uno  # noqa: F401  (Debian's python3-uno)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

FONT = "DejaVu Serif"
LETTERHEAD = "PEMERINTAH KOTA JAMBI \u2014 KOP SURAT UJI"
EXTRA_MARGIN = 500  # 1/100 mm: 5 mm
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK


def prop(name: str, value) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str, timeout: float = 90.0):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def add_letterhead(text) -> None:
    cursor = text.createTextCursorByRange(text.getStart())
    text.insertString(cursor, LETTERHEAD, False)
    text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)


def restyle(doc) -> list[str]:
    done = []
    families = doc.getStyleFamilies()
    normal = families.getByName("ParagraphStyles").getByName("Standard")
    for attr in ("CharFontName", "CharFontNameAsian", "CharFontNameComplex"):
        normal.setPropertyValue(attr, FONT)
    done.append(f"font {FONT}")
    pages = families.getByName("PageStyles")
    for name in pages.getElementNames():
        style = pages.getByName(name)
        if not style.isInUse():
            continue
        style.LeftMargin += EXTRA_MARGIN
        style.RightMargin += EXTRA_MARGIN
        if not style.HeaderIsOn:
            style.HeaderIsOn = True
        add_letterhead(style.HeaderText)
        if not style.getPropertyValue("FirstIsShared"):
            add_letterhead(style.getPropertyValue("HeaderTextFirst"))
        done.append(f"page style {name}: margins +{EXTRA_MARGIN / 100:g} mm, letterhead")
    return done


def main(src: str, dst: str) -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("soffice not found", file=sys.stderr)
        return 2
    pipe = f"iku_uno_{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory(prefix="iku_uno_") as tmp:
        proc = subprocess.Popen(
            [soffice, f"-env:UserInstallation={Path(tmp).as_uri()}", "--headless",
             "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
             f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            ctx = connect(pipe)
            desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx
            )
            doc = desktop.loadComponentFromURL(
                Path(src).resolve().as_uri(), "_blank", 0, (prop("Hidden", True),)
            )
            for line in restyle(doc):
                print(line)
            doc.storeToURL(Path(dst).resolve().as_uri(),
                           (prop("FilterName", "MS Word 2007 XML"),))
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
