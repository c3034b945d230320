"""``iku tahun-baru``: next year's master from this year's, comments and key order kept.

``next_year(text) -> NewYear`` edits the YAML text with a ruamel.yaml round trip
(``round_trip_yaml``: the settings that reproduce the sample master byte for byte) and
changes only:

* ``instansi.tahun``: + 1;
* ``instansi.tanggal_laporan``: the same day a year later (29 February → 28 February);
  a quoted date stays quoted;
* every indicator's ``capaian_tahun_lalu`` and ``realisasi_tahun_lalu`` that holds a
  value: set to ``null`` (the previous year's figures then come from the history, issue 9
  phase 2);
* ``instansi.tanggal_pk`` (the Perjanjian Kinerja's date), when given: the same day a
  year later, as ``tanggal_laporan``;
* every budget line's ``realisasi`` (``sasaran.anggaran``) that holds a value: set to
  ``null`` (last year's spending; the new year's PK promises the pagu, which stays for
  the secretariat to review);
* a null spelled ``key:`` or ``key: ~`` keeps its spelling (``keep_null_spelling``);
* values given per year (``target: {2021: 90, 2022: 92}``, ``target_triwulan``) are
  kept as they are; each such mapping without the new year gives a PERINGATAN (returned,
  not raised).

Every other byte of the file stays as it was (scalar targets too: the secretariat reviews
them; Windows line ends stay; a UTF-16 or BOM-marked master is written as plain UTF-8).
``write_next_year(src, out)`` loads ``src`` with ``load_master`` first (its errors
name the source file), refuses an existing ``out`` (UsageError, exit 2), checks that the
new text loads with ``parse_master`` and writes it atomically. A new master that does
not load only because of the new year (a per-year target without it) is still written:
the loader's message comes back as a PERINGATAN, to be fixed before the year's run.

A workbook master (``master.xlsx``, ``.ods``) gets the same edits: its data is written as
YAML text (``master.master_text``), edited as above, and written as next year's workbook
(``--out`` ending in ``.xlsx``; ``.yaml`` gives a YAML master, from either kind).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..domain.master import load_master, master_data, master_text, parse_master
from ..errors import MasterError, UsageError
from ..intake.master import is_workbook, read_master_workbook, workbook_master
from ..office.atomic import write_atomically
from ..workbook.master import write_master_workbook

#: The indicator keys holding last year's figures, left to the history in a new year.
PREVIOUS_YEAR_KEYS = ("capaian_tahun_lalu", "realisasi_tahun_lalu")


@dataclass(frozen=True)
class NewYear:
    text: str
    year: int  # the new year
    cleared: tuple[str, ...]  # Kode of each indicator whose last year's figures were cleared
    warnings: tuple[str, ...]  # PERINGATAN texts (without the prefix)


def round_trip_yaml() -> YAML:
    """ruamel.yaml set up to write a master back as the secretariat wrote it."""
    y = YAML()  # round-trip mode: comments, key order, quotes, flow style kept
    y.preserve_quotes = True
    y.width = 4096  # never fold a long line
    y.indent(mapping=2, sequence=4, offset=2)
    y.representer.add_representer(
        type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return y


def next_year(text: str, source: str = "<master>") -> NewYear:
    y = round_trip_yaml()
    try:
        data = y.load(text)
    except YAMLError as exc:
        raise MasterError(f"{source}: format YAML tidak sah ({exc})") from None
    agency = data.get("instansi") if isinstance(data, dict) else None
    year = agency.get("tahun") if isinstance(agency, dict) else None
    if not isinstance(year, int) or isinstance(year, bool):
        raise MasterError(f"{source}: instansi.tahun tidak ditemukan atau bukan angka tahun")
    new = year + 1
    agency["tahun"] = new
    for key in ("tanggal_laporan", "tanggal_pk"):
        if agency.get(key) is not None:
            agency[key] = _next_date(agency[key], source, key)
    for line in _budget_lines(data):
        if line.get("realisasi") is not None:
            line["realisasi"] = None
    cleared, warnings = [], []
    for indicator in _indicators(data):
        code = str(indicator.get("kode", "?"))
        held = [k for k in PREVIOUS_YEAR_KEYS if indicator.get(k) is not None]
        for k in held:
            indicator[k] = None
        if held:
            cleared.append(code)
        for key, value in indicator.items():  # target, target_triwulan, … given per year
            if _per_year(value) and new not in value and str(new) not in value:
                given = ", ".join(str(k) for k in value)
                warnings.append(f"indikator {code}: `{key}` per tahun ({given}) tidak memuat "
                                f"tahun {new}; isi `{key}` untuk {new} di master baru")
    out = io.StringIO()
    y.dump(data, out)
    return NewYear(keep_null_spelling(text, out.getvalue()), new, tuple(cleared),
                   tuple(warnings))


def _per_year(value: Any) -> bool:
    """A mapping keyed by years (``{2021: 90, 2022: 92}``): a value given per year."""
    return isinstance(value, dict) and bool(value) and all(
        str(k).isdigit() and len(str(k)) == 4 for k in value)


# "key: null", "key: ~", "key:" and "- null" ... : a null value and what follows it
_NULL_VALUE = re.compile(r"^(\s*(?:-\s+)?(?:[^#:]+:)?)\s*(?:null|Null|NULL|~)?(\s*(?:#.*)?)$")


def keep_null_spelling(original: str, new: str) -> str:
    """ruamel.yaml writes every null one way (here ``null``); put back each line whose only
    change is how an unchanged null was spelled (``key:``, ``key: ~``)."""
    old_lines, new_lines = original.splitlines(keepends=True), new.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return new
    kept = []
    for old, line in zip(old_lines, new_lines, strict=True):
        if old != line and _same_null(old, line):
            line = old
        kept.append(line)
    return "".join(kept)


def _same_null(a: str, b: str) -> bool:
    ma, mb = _NULL_VALUE.match(a.rstrip("\r\n")), _NULL_VALUE.match(b.rstrip("\r\n"))
    return bool(ma and mb and ma.group(1).rstrip() == mb.group(1).rstrip()
                and ma.group(2).strip() == mb.group(2).strip())


def _indicators(data: Any):
    for sasaran in data.get("sasaran") or ():
        if isinstance(sasaran, dict):
            for indicator in sasaran.get("indikator") or ():
                if isinstance(indicator, dict):
                    yield indicator


def _budget_lines(data: Any):
    for sasaran in data.get("sasaran") or ():
        lines = sasaran.get("anggaran") if isinstance(sasaran, dict) else None
        for line in [lines] if isinstance(lines, dict) else lines or ():
            if isinstance(line, dict):
                yield line


def _next_date(value: Any, source: str, key: str = "tanggal_laporan"):
    """The same day a year later; 29 February becomes 28 February."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return _plus_year(value)
    if isinstance(value, str):  # a quoted date: keep the quotes and the style
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise MasterError(f"{source}: instansi.{key} '{value}' bukan tanggal "
                              "TTTT-BB-HH") from None
        return type(value)(_plus_year(day).isoformat())  # a quoted scalar keeps its quotes
    raise MasterError(f"{source}: instansi.{key} bukan tanggal TTTT-BB-HH")


def _plus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def write_next_year(src: Path, out: Path) -> NewYear:
    """Next year's master of ``src`` written to ``out``: YAML or a workbook, each read and
    written as its name says (``master.xlsx`` → ``master_2022.xlsx``; a workbook's next
    year is edited as its data's YAML text, the same edits, then written as a workbook)."""
    src, out = Path(src), Path(out)
    if out.exists():
        raise UsageError(f"{out} sudah ada; tahun-baru tidak menimpa berkas. Pilih nama lain "
                         "untuk --out atau pindahkan berkas itu dulu")
    if is_workbook(out) and out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: master tahun berikutnya ditulis sebagai buku kerja .xlsx "
                         "(atau master YAML .yaml); buka di LibreOffice untuk menyimpannya "
                         "sebagai .ods")
    crlf = False
    if is_workbook(src):
        text = master_text(workbook_master(src)[1])  # a broken master: named by its cells
    else:
        load_master(src)  # a broken master is reported against its own file
        raw = src.read_bytes()
        text = raw.decode("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
                          else "utf-8-sig")
        crlf = "\r\n" in text
    new = next_year(text.replace("\r\n", "\n"), source=str(src))
    if crlf and not is_workbook(out):  # a master saved on Windows keeps its line ends
        new = NewYear(new.text.replace("\n", "\r\n"), new.year, new.cleared, new.warnings)
    try:
        parse_master(new.text, source=str(out))
    except MasterError as exc:
        if not new.warnings:  # only the new year may break a valid master: else a bug
            raise AssertionError(f"master baru tidak sah: {exc}") from None
        problem = exc
    else:
        problem = None
    if out.exists():  # created meanwhile
        raise UsageError(f"{out} sudah ada; tahun-baru tidak menimpa berkas")
    if is_workbook(out):
        write_master_workbook(master_data(new.text, str(out)), out)
        if problem is not None:  # said at the new workbook's cells, not the text's lines
            try:
                read_master_workbook(out)
            except MasterError as exc:
                problem = exc
    else:
        write_atomically(out, new.text.encode("utf-8"))
    if problem is not None:
        new = NewYear(new.text, new.year, new.cleared, (*new.warnings, (
            f"master baru belum dapat dipakai sebelum diperbaiki: {problem}")))
    return new
