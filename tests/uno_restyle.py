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

import sys
from pathlib import Path

from uno_session import document, prop, soffice

FONT = "DejaVu Serif"
LETTERHEAD = "PEMERINTAH KOTA JAMBI \u2014 KOP SURAT UJI"
EXTRA_MARGIN = 500  # 1/100 mm: 5 mm
PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK


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
    program = soffice()
    if program is None:
        print("soffice not found", file=sys.stderr)
        return 2
    with document(program, src) as (_ctx, doc):
        for line in restyle(doc):
            print(line)
        doc.storeToURL(Path(dst).resolve().as_uri(), (prop("FilterName", "MS Word 2007 XML"),))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
