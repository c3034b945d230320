"""Fill a master workbook in LibreOffice Calc through its UNO API, as a clerk would.

Run with the system Python that has Debian's ``python3-uno`` (not the project's venv)::

    /usr/bin/python3 tests/uno_master.py IN.xlsx PLAN.json OUT_STEM

It starts its own headless LibreOffice (private profile, a pipe named for this run), opens
IN.xlsx in Calc and carries out PLAN.json, in order:

* ``clear``: ``[sheet, first_row, last_row, first_col, last_col]`` (0-based): the contents
  of that range are deleted (the example rows of ``iku master baru``), formats kept;
* ``cells``: ``[sheet, row, col, how, value]``: ``number`` sets a number, ``text`` a text
  (line breaks kept), ``typed`` enters the text as typing does: Calc's number recogniser
  (``NumberFormatter.detectNumberFormat``, what its input line uses) reads it, the cell
  gets the value and, where the cell's format is the standard one, the format recognised:
  a date ``2022-01-31`` a date format, ``95%`` (0,95) a percent format;
* ``merge``: ``[sheet, "A5:A6"]``: merges the range;
* ``rename``: ``[old, new]``: renames a sheet;

then saves the workbook as ``OUT_STEM.xlsx`` (Excel 2007-365) and ``OUT_STEM.ods``. Prints
what it did. Exit 0 on success; a UNO error is a traceback and a non-zero exit.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from uno_session import document, prop, soffice

CLEAR_CONTENTS = 1 | 2 | 4 | 16  # VALUE, DATETIME, STRING, FORMULA: formats and notes kept


def _standard(doc, key: int) -> bool:
    """The cell shows the standard format ("General"), as a fresh cell does."""
    return doc.getNumberFormats().getByKey(key).FormatString in ("General", "Standard")


def carry_out(ctx, doc, plan: dict) -> list[str]:
    done = []
    sheets = doc.getSheets()
    formatter = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.util.NumberFormatter", ctx)
    formatter.attachNumberFormatsSupplier(doc)
    for name, first, last, first_col, last_col in plan.get("clear", []):
        sheet = sheets.getByName(name)
        sheet.getCellRangeByPosition(first_col, first, last_col, last).clearContents(CLEAR_CONTENTS)
        done.append(f"{name}: rows {first + 1}-{last + 1} cleared")
    for name, row, col, how, value in plan.get("cells", []):
        cell = sheets.getByName(name).getCellByPosition(col, row)
        if how == "number":
            cell.setValue(value)
        elif how == "text":
            cell.setString(value)
        else:
            key = formatter.detectNumberFormat(0, value)
            cell.setValue(formatter.convertStringToNumber(key, value))
            if cell.NumberFormat in (0, key) or _standard(doc, cell.NumberFormat):
                cell.NumberFormat = key
    done.append(f"{len(plan.get('cells', []))} cells typed")
    for name, ref in plan.get("merge", []):
        sheets.getByName(name).getCellRangeByName(ref).merge(True)
        done.append(f"{name}!{ref} merged")
    for old, new in plan.get("rename", []):
        sheets.getByName(old).setName(new)
        done.append(f"sheet {old} renamed {new}")
    return done


def main(src: str, plan_file: str, stem: str) -> int:
    program = soffice()
    if program is None:
        print("soffice not found", file=sys.stderr)
        return 2
    plan = json.loads(Path(plan_file).read_text(encoding="utf-8"))
    with document(program, src) as (ctx, doc):
        for line in carry_out(ctx, doc, plan):
            print(line)
        out = Path(stem).resolve()
        doc.storeToURL(out.with_suffix(".xlsx").as_uri(),
                       (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.storeToURL(out.with_suffix(".ods").as_uri(), (prop("FilterName", "calc8"),))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3]))
