"""The master as a workbook (``master.xlsx``): its sheets, the key each cell holds, and how
a value looks in a cell. Defined once, for the writer (``workbook.master``) and the reader
(``intake.master``), which import this module and not each other (as ``spec`` does for a
unit's workbook).

The workbook holds exactly the data a master YAML holds (issue 24): ``rows_of(data)`` lays
the YAML's data out as the rows of each sheet, ``assemble(records)`` builds the same data
back from the rows a reader found, and the one pydantic model (``master.Master``) validates
it whichever file it came from. Every sheet is bound to the model by key paths (``Field``:
``"sasaran.indikator.satuan"``, list steps left out); how a value is written in a cell
follows from the model's annotation of that key unless the field says otherwise, so a new
master key is one ``Field`` line here, and ``tests/test_masterbook.py`` fails for a model
key that has no place in the workbook.

Sheets: ``Instansi`` and ``Pengaturan`` are forms (one row per key: label, value, hint);
the others are tables (a header row, one row per record): ``Unit``, ``Fungsi`` and ``IKU``
(per organisation: the agency, written ``(instansi)``, or a unit code), ``Sasaran``,
``Indikator`` (one row each, under its sasaran's number), ``Target`` (one row per indicator,
or per indicator and year, with the four cumulative quarterly targets), ``Anggaran``,
``Predikat`` and ``Skala``. A blank cell is a key not written (its default applies);
``(kosong)`` is a key written empty (YAML ``null`` or ``""``: no cap, an NA baseline with
its column, a header row not printed).
"""

from __future__ import annotations

import datetime as dt
import re
import typing
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from itertools import combinations
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from .. import paths
from .kinds import REGISTRY, Accumulation
from .master import COLOURS, FixedPart, Master, example_for, master_data, parse_number_text

DOC_KIND = "iku-master"  # the hidden Metadata sheet's jenis_dokumen
LAYOUT_VERSION = "1"
META_SHEET = "Metadata"
LISTS_SHEET = "Daftar"  # hidden: the drop-down lists
GUIDE_SHEET = "Petunjuk"

NULL = "(kosong)"  # a key written without a value
AGENCY = "(instansi)"  # in the Unit column of Fungsi and IKU: the agency itself
TITLE_ROW, HEADER_ROW = 0, 2  # 0-based; row 1 (0-based) says what a row is
FIRST_ROW = HEADER_ROW + 1
HEADER_SEARCH_ROWS = 30
DATA_ROWS = 500  # rows below the header that get drop-downs and greying

MISSING: Any = object()  # a blank cell: the key is not written
FORM_HEADER = ("Isian", "Nilai", "Keterangan")  # a form sheet's columns: label, value, hint

# Form fields of a table sheet that link a row to its parent instead of holding a key.
ORG, SASARAN_NO, CODE_REF, YEAR, SCALE_NAME = "@org", "@sasaran", "@kode", "@tahun", "@skala"


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per cell
class Field:
    """One column of a table sheet, or one row of a form sheet."""

    path: str  # the master key, list steps left out; "@…" for a link to the parent row
    label: str  # the Indonesian header (table) or row label (form)
    width: float = 16
    form: str = ""  # how the value is written (FORMS); "" = from the model's annotation
    kinds: str = ""  # a KindRules attribute ("!" negates): the column applies to those kinds
    also: tuple[str, ...] = ()  # other keys this column holds (the agency's, beside a unit's)
    part: int | None = None  # one item of a list key (the quarters of target_triwulan)
    empty: Any = MISSING  # what (kosong) reads as, when not the model's own empty value
    note: str = ""  # what the model's description does not say about the workbook
    options: tuple[str, ...] = ()  # suggested values, where the key takes others too
    # a key whose written null means more than its absence (the model asks whether it was
    # written: ``model_fields_set``): None is written (kosong), not left blank
    kept_null: bool = False
    example: str = ""  # for a key no bundled master writes

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def is_link(self) -> bool:
        return self.path.startswith("@")


@dataclass(frozen=True)
class Sheet:
    name: str
    about: str  # the line under the title: what a row is
    fields: tuple[Field, ...]
    form: bool = False

    def field(self, path: str, part: int | None = None) -> Field:
        return next(f for f in self.fields if f.path == path and f.part == part)


F = Field
_IND = "sasaran.indikator."
_ORG_NOTE = (f"kode unit dari lembar Unit, atau {AGENCY} untuk instansi sendiri")

INSTANSI = Sheet("Instansi", "Identitas instansi: satu nilai per baris, di kolom Nilai.", (
    F("instansi.nama", "Nama instansi"),
    F("instansi.nama_singkat", "Nama singkat"),
    F("instansi.kode", "Kode instansi"),
    F("instansi.kota", "Daerah"),
    F("instansi.jenis_daerah", "Jenis daerah"),
    F("instansi.zona_waktu", "Zona waktu"),
    F("instansi.jenis_instansi", "Jenis instansi"),
    F("instansi.sebutan_daerah", "Sebutan daerah", kept_null=True),
    F("instansi.sebutan_instansi", "Sebutan instansi", kept_null=True),
    F("instansi.tahun", "Tahun"),
    F("instansi.tempat_laporan", "Tempat laporan"),
    F("instansi.tanggal_laporan", "Tanggal laporan"),
    F("instansi.tugas", "Tugas instansi"),
    F("instansi.penandatangan.jabatan", "Penanda tangan: jabatan"),
    F("instansi.penandatangan.nama", "Penanda tangan: nama"),
    F("instansi.penandatangan.pangkat", "Penanda tangan: pangkat"),
    F("instansi.penandatangan.nip", "Penanda tangan: NIP"),
    F("instansi.tanggal_pk", "Tanggal Perjanjian Kinerja"),
    F("instansi.pihak_kedua.jabatan", "Pihak kedua PK: jabatan", example="WALI KOTA JAMBI"),
    F("instansi.pihak_kedua.nama", "Pihak kedua PK: nama"),
    F("instansi.pihak_kedua.pangkat", "Pihak kedua PK: pangkat", example="Pembina Utama"),
    F("instansi.pihak_kedua.nip", "Pihak kedua PK: NIP",
      example="19650817 199003 1 002 (kepala daerah tidak ber-NIP: kosongkan)"),
    F("instansi.periode_renstra", "Periode Renstra"),
    F("instansi.visi", "Visi Renstra"),
    F("instansi.misi", "Misi Renstra", form="lines",
      note="satu misi per baris sel (Alt+Enter di Excel, Ctrl+Enter di LibreOffice)"),
    F("instansi.pegawai.golongan", "Pegawai per golongan", form="scale",
      example="IV: 5, III: 20, II: 8"),
    F("instansi.pegawai.pendidikan", "Pegawai per pendidikan", form="scale",
      example="S2: 3, S1: 15, SMA: 11"),
), form=True)

UNIT = Sheet("Unit", "Satu baris per unit (Sekretariat dan bidang-bidang).", (
    F("unit.kode", "Kode", 16),
    F("unit.nama", "Nama unit", 40),
    F("unit.tugas", "Tugas", 60),
    F("unit.kepala", "Kepala unit", 30),
))

FUNGSI = Sheet("Fungsi", "Satu baris per fungsi, berurutan; instansi atau unit di kolom Unit.", (
    F(ORG, "Unit", 16, note=_ORG_NOTE),
    F("unit.fungsi", "Fungsi", 90, form="item", also=("instansi.fungsi",)),
))

IKU = Sheet("IKU", "Satu baris per indikator kinerja utama (Bagian I laporan), berurutan.", (
    F(ORG, "Unit", 16, note=_ORG_NOTE),
    F("unit.iku.uraian", "Uraian", 50, also=("instansi.iku.uraian",)),
    F("unit.iku.alasan", "Alasan", 50, also=("instansi.iku.alasan",), empty=""),
    F("unit.iku.sumber_data", "Sumber data", 40, form="lines",
      also=("instansi.iku.sumber_data",), empty=[],
      note="satu sumber per baris sel (Alt+Enter di Excel, Ctrl+Enter di LibreOffice); sel "
           "kosong melanjutkan sel baris di atasnya"),
))

SASARAN = Sheet("Sasaran", "Satu baris per sasaran.", (
    F("sasaran.no", "No", 8),
    F("sasaran.uraian", "Uraian sasaran", 60),
    F("sasaran.uraian_renstra", "Uraian di tabel Renstra", 60),
    F("sasaran.tujuan", "Tujuan Renstra", 50),
))

INDIKATOR = Sheet("Indikator", "Satu baris per indikator, di bawah nomor sasarannya. Kolom "
                  "abu-abu tidak berlaku untuk jenis indikator di baris itu.", (
    F(SASARAN_NO, "Sasaran", 9, note="nomor sasaran dari lembar Sasaran"),
    F(_IND + "kode", "Kode", 10),
    F(_IND + "kode_lama", "Kode lama", 12, example="S1.2, IKU-3"),
    F(_IND + "nama", "Nama indikator", 45),
    F(_IND + "nama_renstra", "Nama di tabel Renstra", 30),
    F(_IND + "jenis", "Jenis", 14),
    F(_IND + "y", "Arti y", 30),
    F(_IND + "x1", "Arti x1", 30),
    F(_IND + "x2", "Arti x2", 30, kinds="asks_x2"),
    F(_IND + "satuan", "Satuan", 10),
    F(_IND + "pengali", "Pengali", 10, kinds="uses_multiplier"),
    F(_IND + "desimal", "Desimal", 9),
    F(_IND + "desimal_target", "Desimal target", 10),
    F(_IND + "desimal_tetap", "Desimal tetap", 14),
    F(_IND + "pembulatan", "Pembulatan", 12),
    F(_IND + "capaian_dari", "Capaian dari", 18),
    F(_IND + "boleh_negatif", "Boleh negatif", 10, kinds="negative_option"),
    F(_IND + "isian_bulat", "Isian bulat", 10, kinds="!labelled"),
    F(_IND + "skala", "Skala", 22, form="scale", kinds="uses_scale"),
    F(_IND + "polaritas", "Polaritas", 11),
    F(_IND + "rumus_negatif", "Rumus negatif", 13),
    F(_IND + "rumus_negatif_target_akhir", "Rumus negatif target akhir", 13),
    F(_IND + "ikut_rata_rata", "Ikut rata-rata", 10, kinds="met_only"),
    F(_IND + "angka_awal_rpjmd", "Angka awal RPJMD", 11, kept_null=True,
      note=f"NA atau {NULL}: dicetak NA; kosong di semua baris: kolom tidak dicetak"),
    F(_IND + "capaian_tahun_lalu", "Capaian tahun lalu", 11),
    F(_IND + "realisasi_tahun_lalu", "Realisasi tahun lalu", 11),
    F(_IND + "target_akhir_rpjmd", "Target akhir RPJMD", 11, form="target"),
    F(_IND + "penanggung_jawab", "Penanggung jawab", 25),
    F(_IND + "sumber_data", "Sumber data", 30, form="lines",
      note="satu sumber per baris sel (Alt+Enter di Excel, Ctrl+Enter di LibreOffice)"),
    F(_IND + "unit_pelapor", "Unit pelapor", 16,
      note="kode unit dari lembar Unit; beberapa unit dipisah koma"),
    F(_IND + "gabung", "Gabung", 10),
    F(_IND + "bagian_dari_keseluruhan", "Bagian dari keseluruhan", 12, kinds="is_share",
      example="tidak (x1 boleh lebih besar dari x2)"),
    F(_IND + "akumulasi", "Akumulasi", 16, form="accumulation"),
    F(_IND + "diukur_triwulan", "Diukur triwulan", 10),
    F(_IND + "standar_nasional", "Standar nasional", 11),
    F(_IND + "sumber_standar", "Sumber standar", 25),
))

_TW = "target kumulatif s.d. TW {n} (triwulan {n}); isi keempatnya atau kosongkan keempatnya"
TARGET = Sheet("Target", "Satu baris per indikator (kolom Tahun kosong), atau satu baris per "
               "indikator dan tahun bila target ditulis per tahun.", (
    F(CODE_REF, "Kode", 10, note="kode indikator dari lembar Indikator"),
    F(YEAR, "Tahun", 8, note="kosong: target tahun master; diisi: target tahun itu (target "
                             "per tahun, satu baris per tahun)"),
    F(_IND + "target", "Target", 14, form="target"),
    *(F(_IND + "target_triwulan", f"TW {r}", 10, form="target", part=n,
        note=_TW.format(n=r)) for n, r in enumerate(("I", "II", "III", "IV"))),
))

ANGGARAN = Sheet("Anggaran", "Satu baris per program (atau satu baris per sasaran tanpa nama "
                 "program), di bawah nomor sasarannya.", (
    F(SASARAN_NO, "Sasaran", 9, note="nomor sasaran dari lembar Sasaran"),
    F("sasaran.anggaran.program", "Program", 50),
    F("sasaran.anggaran.pagu", "Pagu", 16),
    F("sasaran.anggaran.realisasi", "Realisasi", 16),
    F("sasaran.anggaran.keterangan", "Keterangan", 20),
))

PENGATURAN = Sheet("Pengaturan", "Setelan perhitungan dan kolom: satu nilai per baris, di "
                   "kolom Nilai. Kosong: bawaan.", (
    F("versi_skema", "Versi skema master"),
    F("pengaturan.batas_atas_capaian", "Batas atas capaian", kept_null=True,
      note=f"{NULL}: tanpa batas, dan dinyatakan demikian"),
    F("pengaturan.rumus_negatif", "Rumus negatif"),
    F("pengaturan.rumus_negatif_target_akhir", "Rumus negatif target akhir"),
    F("pengaturan.desimal_tetap", "Desimal tetap"),
    F("pengaturan.pembulatan", "Pembulatan"),
    F("pengaturan.capaian_dari", "Capaian dari"),
    F("pengaturan.desimal_capaian", "Desimal capaian"),
    F("pengaturan.kolom_tambahan", "Kolom tambahan",
      note="beberapa kolom dipisah koma"),
    F("pengaturan.bagian_riwayat", "Bagian riwayat", example="ya"),
), form=True)

PREDIKAT = Sheet("Predikat", "Skala predikat % capaian, dari batas tertinggi; baris terakhir "
                 "tanpa Di atas. Lembar kosong: skala bawaan.", (
    F("pengaturan.skala_predikat.predikat", "Predikat", 20),
    F("pengaturan.skala_predikat.di_atas", "Di atas", 10),
    F("pengaturan.skala_predikat.warna", "Warna", 14, options=tuple(COLOURS)),
))

SKALA = Sheet("Skala", "Skala bernama untuk indikator jenis predikat atau status (label "
              "terbaik lebih dahulu); indikator memakainya dengan menulis namanya di kolom "
              "Skala.", (
    F(SCALE_NAME, "Nama", 16, note="nama skala, ditulis di kolom Skala lembar Indikator"),
    F("pengaturan.skala", "Label", 50, form="scale"),
))

SHEETS: tuple[Sheet, ...] = (INSTANSI, UNIT, FUNGSI, IKU, SASARAN, INDIKATOR, TARGET,
                             ANGGARAN, PENGATURAN, PREDIKAT, SKALA)
BY_NAME = {s.name: s for s in SHEETS}


# --- the model behind a path --------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without ``None``, whether it accepts None)."""
    args = typing.get_args(annotation)
    if type(None) in args:
        rest = tuple(a for a in args if a is not type(None))
        return (rest[0] if len(rest) == 1 else typing.Union[rest]), True  # noqa: UP007
    return annotation, False


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside ``list[Unit]``, ``Signatory | None`` …; None for a plain value."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = nested_model(arg)
        if inner is not None:
            return inner
    return None


def model_field(path: str) -> FieldInfo:
    """The pydantic field of a key path such as ``sasaran.indikator.target``."""
    model: type[BaseModel] | None = Master
    info = None
    for key in path.split("."):
        if model is None:
            raise KeyError(path)
        info = next((f for f in model.model_fields.values() if f.alias == key), None)
        if info is None:
            raise KeyError(path)
        model = nested_model(info.annotation)
    assert info is not None
    return info


def model_paths(model: type[BaseModel] = Master, prefix: str = "") -> list[str]:
    """Every key of the master a person writes (aliases not starting with ``__``), as a
    path with list steps left out, leaves only (a nested section is its keys)."""
    out = []
    for info in model.model_fields.values():
        key = info.alias
        if key is None or key.startswith("__"):
            continue
        nested = nested_model(info.annotation)
        if nested is None:
            out.append(prefix + key)
        else:
            out += model_paths(nested, f"{prefix}{key}.")
    return out


def covered_paths() -> set[str]:
    return {p for s in SHEETS for f in s.fields if not f.is_link for p in (f.path, *f.also)}


# --- how a value is written ------------------------------------------------------------------

FORMS = ("plain", "number", "int", "bool", "date", "choice", "codes", "ints", "lines", "item",
         "target", "scale", "parts", "accumulation")
YES, NO = "ya", "tidak"
_YES = {"ya", "y", "true", "benar", "iya", "1"}
_NO = {"tidak", "t", "false", "salah", "bukan", "0"}


def form_of(f: Field) -> str:
    """How the field's value is written in a cell: the field's own ``form``, else from the
    model's annotation of its key."""
    if f.form:
        return f.form
    if f.path == YEAR:
        return "int"
    if f.is_link:
        return "plain"
    annotation, _ = _unwrap(model_field(f.path).annotation)
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    if annotation is float:
        return "number"
    if annotation is dt.date:
        return "date"
    if annotation is str:
        return "plain"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice"
    if origin is list:
        return "codes"
    if origin is tuple and args and args[-1] is Ellipsis:
        return "parts" if isinstance(args[0], type) and issubclass(args[0], Enum) else "ints"
    if set(args) == {float, str}:
        return "number"  # a number, or NA
    raise TypeError(f"{f.path}: no cell form for {annotation!r}; give the Field a form")


def enum_of(f: Field) -> type[Enum] | None:
    annotation, _ = _unwrap(model_field(f.path).annotation)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (list, tuple) and args and isinstance(args[0], type) \
            and issubclass(args[0], Enum):
        return args[0]
    return None


def choices(f: Field) -> tuple[str, ...]:
    """The closed choices of a field, for its drop-down list (empty: free input)."""
    if f.options:
        return f.options
    form = form_of(f)
    if form == "bool":
        return (YES, NO)
    if form == "choice":
        enum = enum_of(f)
        assert enum is not None
        return tuple(e.value for e in enum)
    if form == "parts":
        parts = [p.value for p in _allowed_parts(f)]
        subsets = [", ".join(c) for n in range(1, len(parts) + 1)
                   for c in combinations(parts, n)]
        return (YES, NO, *subsets)
    if form == "accumulation":
        rules = [a.value for a in Accumulation]
        mixed = [f"x1: {a}, x2: {b}" for a in rules for b in rules if a != b]
        return (*rules, *mixed)
    return ()


def _allowed_parts(f: Field) -> tuple[FixedPart, ...]:
    # an indicator's desimal_tetap lists realisasi and target; the agency's capaian too
    if f.path.startswith("pengaturan."):
        return tuple(FixedPart)
    return (FixedPart.REALISATION, FixedPart.TARGET)


def kinds_of(f: Field) -> tuple[str, ...]:
    """The kinds (``jenis``) a column applies to; empty when it applies to every kind."""
    if not f.kinds:
        return ()
    attr, negate = f.kinds.lstrip("!"), f.kinds.startswith("!")
    return tuple(k.value for k, rules in REGISTRY.items()
                 if bool(getattr(rules, attr)) != negate)


def null_value(f: Field) -> Any:
    """What ``(kosong)`` reads as: the field's ``empty``, else None where the key takes
    None, else the empty list or text."""
    if f.empty is not MISSING:
        return f.empty
    if f.is_link:
        return None
    info = model_field(f.path)
    annotation, optional = _unwrap(info.annotation)
    if optional:
        return None
    if typing.get_origin(annotation) in (list, tuple):
        return []
    if annotation is str:
        return ""
    return None


def _default(f: Field) -> Any:
    info = model_field(f.path)
    if info.default_factory is not None:
        return info.default_factory()
    return None if info.default is PydanticUndefined else info.default


def _number_text(x: float | int) -> str:
    """A number as Indonesian text without thousands dots (``87,5``, ``1234``)."""
    if isinstance(x, bool):
        return str(x)
    if float(x).is_integer():
        return str(int(x))
    text = repr(float(x))
    if "e" in text:
        text = format(float(x), ".15f").rstrip("0")
    return text.replace(".", ",")


def _cell_number(x: float | int) -> float | int | str:
    """A number as its cell holds it: a number while a spreadsheet keeps every digit of it
    (Excel and Calc keep 15 significant digits, xlsxwriter writes 16), its text otherwise
    (``0,47250000000000003``, what float arithmetic leaves in a YAML master), which the
    reader parses back to the same float."""
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x if abs(x) < 10**15 else _number_text(x)
    return x if float(f"{x:.15g}") == x else _number_text(x)


def _item_text(x: Any) -> str:
    if isinstance(x, bool):
        return YES if x else NO
    return _number_text(x) if isinstance(x, int | float) else str(x)


def _range_text(v: list | tuple) -> str:
    return "\u2013".join(_item_text(x) for x in v)


CellValue = str | float | int | dt.date | None  # None: a blank cell


def to_cell(f: Field, raw: Any) -> CellValue:
    """A value as the master's data holds it (``raw``, as YAML gives it) → what the cell
    holds. The reader's ``from_cell`` gives back a value that validates the same."""
    if raw is MISSING:
        return None
    if f.is_link:
        return _cell_number(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) \
            else _item_text(raw)
    if raw is None:
        return NULL if f.kept_null else None
    if raw == "" or (isinstance(raw, list | tuple | dict) and not raw):
        return None if raw == _default(f) else NULL
    form = form_of(f)
    if form in ("number", "int", "target") and isinstance(raw, int | float) \
            and not isinstance(raw, bool):
        return _cell_number(raw)
    if form == "target" and isinstance(raw, list | tuple):
        return _range_text(raw)
    if form == "bool":
        try:
            return YES if TypeAdapter(bool).validate_python(raw) else NO
        except ValidationError:
            return str(raw)
    if form == "parts" and isinstance(raw, bool):
        return YES if raw else NO
    if form == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        try:
            return dt.date.fromisoformat(str(raw).strip())
        except ValueError:
            return str(raw)
    if form == "lines" and isinstance(raw, list | tuple):
        return "\n".join(str(x) for x in raw)
    if form in ("codes", "ints", "parts") and isinstance(raw, list | tuple):
        return ", ".join(_item_text(x) for x in raw)
    if form == "ints" and isinstance(raw, int) and not isinstance(raw, bool):
        return _cell_number(raw)
    if form == "scale" and isinstance(raw, list | tuple):
        return ", ".join(_item_text(x) for x in raw)
    if form in ("scale", "accumulation") and isinstance(raw, dict):
        return ", ".join(f"{k}: {_item_text(v)}" for k, v in raw.items())
    return raw if isinstance(raw, str) else _item_text(raw)


_RANGE = re.compile(r"^\s*(-?[\d.,]+)\s*(?:\u2013|\u2014|-|s\.?\s?d\.?|sampai)\s*(-?[\d.,]+)\s*$"
                    r"|^\s*\[\s*(-?[\d.,]+)\s*[;,]\s*(-?[\d.,]+)\s*\]\s*$", re.IGNORECASE)
_SPLIT = re.compile(r"\s*[,;\n]\s*")
_PAIR = re.compile(r"^(.+?)\s*[:=]\s*(.+)$")


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return YES if v else NO
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _items(v: Any) -> list[str]:
    return [x for x in _SPLIT.split(_text(v).strip()) if x]


def _is_number(text: str) -> bool:
    try:
        return parse_number_text(text) is not None
    except ValueError:
        return True  # 1.234: a number, ambiguous; the model says so


def _score(text: str) -> Any:
    """A label's score as YAML would hold it: ``4`` → 4, ``4,5`` → 4.5; else the text."""
    try:
        number = parse_number_text(text)
    except ValueError:
        return text
    if number is None:
        return text
    return int(number) if number.is_integer() else number


def from_cell(f: Field, value: Any) -> Any:
    """What a cell holds → the value the master's data holds (``MISSING`` for a blank cell).
    Raise ValueError, in Indonesian, for a cell that cannot mean anything for this key."""
    if _blank(value):
        return MISSING
    if isinstance(value, str) and value.strip().casefold() == NULL:
        return null_value(f)
    form = form_of(f)
    if isinstance(value, bool) and form not in ("bool", "parts"):
        value = YES if value else NO
    if form in ("number", "target") and isinstance(value, int | float):
        return value
    if form == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return value.strip() if isinstance(value, str) else value
    if form == "bool" or (form == "parts" and _text(value).strip().casefold() in _YES | _NO):
        word = _text(value).strip().casefold()
        if isinstance(value, bool):
            return value
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValueError(f"tulis {YES} atau {NO}, bukan '{_text(value)}'")
    if form == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return value.strip()
        raise ValueError(f"'{_text(value)}' bukan tanggal; tulis tanggal TTTT-BB-HH, mis. "
                         "2022-01-31, atau tanggal dengan format tanggal Excel")
    text = _text(value)
    if form == "target":
        match = _RANGE.match(text)
        bounds = [g for g in match.groups() if g is not None] if match else []
        if bounds and all(_is_number(b) for b in bounds):
            return [_score(b) for b in bounds]  # [90, 95] as YAML holds it
        return text.strip()
    if form in ("codes", "parts"):
        return _items(text)
    if form == "ints":
        return [int(x) if x.isdigit() else x for x in _items(text)]
    if form == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if form == "scale":
        items = _items(text)
        pairs = [_PAIR.match(x) for x in items]
        if items and all(pairs):
            return {m.group(1).strip(): _score(m.group(2).strip()) for m in pairs if m}
        return items if len(items) > 1 else text.strip()
    if form == "accumulation":
        pairs = [_PAIR.match(x) for x in _items(text)]
        if pairs and all(pairs):
            return {m.group(1).strip(): m.group(2).strip() for m in pairs if m}
        return text.strip()
    return text if form == "item" else text.strip() if form == "choice" else text


# --- examples ---------------------------------------------------------------------------------


def example_of(f: Field) -> str:
    """An example value of the field, as a cell shows it: the sample agency's, else an
    example master's, else the model's."""
    for rows in _bundled_rows():
        sheet = next(s for s in SHEETS if f in s.fields)
        for row in rows[sheet.name]:
            value = to_cell(f, row.get(f, MISSING))
            if value is not None and value != NULL:
                return _shown(value)
    if f.example:
        return f.example
    text = example_for(f.path) or example_for(f.key)
    return text.split(": ", 1)[1] if ": " in text else text or "-"


def _shown(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).replace("\n", " | ")
    return text if len(text) <= 120 else text[:119] + "\u2026"


@lru_cache(maxsize=1)
def _bundled_rows() -> tuple[dict[str, list[Row]], ...]:
    masters = [paths.SAMPLE_MASTER, *sorted(paths.EXAMPLE_MASTERS.glob("*.yaml"))]
    return tuple(rows_of(master_data(p.read_text(encoding="utf-8"), p.name))
                 for p in masters)


# --- the data as rows, and rows back as the data --------------------------------------------

Row = dict[Field, Any]  # one table row (or a form's one record) as raw values


def _get(data: Any, key: str) -> Any:
    return data.get(key, MISSING) if isinstance(data, dict) else MISSING


def _listed(value: Any) -> list:
    if value is MISSING or value is None:
        return []
    return value if isinstance(value, list) else [value]


def _scalar_fields(sheet: Sheet, source: dict, prefix: str) -> Row:
    row: Row = {}
    for f in sheet.fields:
        if f.is_link or not f.path.startswith(prefix):
            continue
        value: Any = source
        for key in f.path[len(prefix):].split("."):
            value = _get(value, key)
        if value is not MISSING:
            row[f] = value
    return row


def rows_of(data: dict[str, Any]) -> dict[str, list[Row]]:
    """The master's data (as YAML gives it) laid out as the rows of every sheet."""
    out: dict[str, list[Row]] = {s.name: [] for s in SHEETS}
    agency = _get(data, "instansi")
    agency = agency if isinstance(agency, dict) else {}
    out[INSTANSI.name].append(_scalar_fields(INSTANSI, agency, "instansi."))
    orgs = [(AGENCY, agency, "instansi.")] + [
        (_text(_get(u, "kode")), u, "unit.") for u in _listed(_get(data, "unit"))
        if isinstance(u, dict)]
    for code, org, prefix in orgs:
        if prefix == "unit.":
            out[UNIT.name].append(_scalar_fields(UNIT, org, "unit."))
        for item in _listed(_get(org, "fungsi")):
            out[FUNGSI.name].append({FUNGSI.field(ORG): code,
                                     FUNGSI.field("unit.fungsi"): item})
        for line in _listed(_get(org, "iku")):
            row = {IKU.field(ORG): code}
            for f in IKU.fields[1:]:
                if (value := _get(line, f.key)) is not MISSING:
                    row[f] = value
            out[IKU.name].append(row)
    for sasaran in _listed(_get(data, "sasaran")):
        if not isinstance(sasaran, dict):
            continue
        number = _get(sasaran, "no")
        out[SASARAN.name].append(_scalar_fields(SASARAN, sasaran, "sasaran."))
        for ind in _listed(_get(sasaran, "indikator")):
            row = {INDIKATOR.field(SASARAN_NO): number, **_scalar_fields(
                INDIKATOR, ind, _IND)}
            out[INDIKATOR.name].append(row)
            out[TARGET.name] += _target_rows(ind)
        for line in _listed(_get(sasaran, "anggaran")):
            row = {ANGGARAN.field(SASARAN_NO): number}
            row.update(_scalar_fields(ANGGARAN, {"anggaran": line}, "sasaran."))
            out[ANGGARAN.name].append(row)
    settings = _get(data, "pengaturan")
    settings = settings if isinstance(settings, dict) else {}
    out[PENGATURAN.name].append(_scalar_fields(PENGATURAN, data, ""))
    for band in _listed(_get(settings, "skala_predikat")):
        out[PREDIKAT.name].append(_scalar_fields(PREDIKAT, {"pengaturan": {
            "skala_predikat": band}}, ""))
    scales = _get(settings, "skala")
    for name, labels in (scales.items() if isinstance(scales, dict) else ()):
        out[SKALA.name].append({SKALA.field(SCALE_NAME): name,
                                SKALA.field("pengaturan.skala"): labels})
    return out


def _target_rows(ind: dict) -> list[Row]:
    """An indicator's Target rows: one without a year for a target (and quarterly targets)
    given once, one per year for those given per year."""
    code = _get(ind, "kode")
    target, quarters = _get(ind, "target"), _get(ind, "target_triwulan")
    rows: dict[Any, Row] = {}

    def row(year: Any) -> Row:
        if year not in rows:
            rows[year] = {TARGET.field(CODE_REF): code}
            if year is not MISSING:
                rows[year][TARGET.field(YEAR)] = year
        return rows[year]

    if isinstance(target, dict):
        for year, value in target.items():
            row(year)[TARGET.field(_IND + "target")] = value
    elif target is not MISSING:
        row(MISSING)[TARGET.field(_IND + "target")] = target
    per_year = quarters.items() if isinstance(quarters, dict) else (
        [] if quarters is MISSING else [(MISSING, quarters)])
    for year, values in per_year:
        for n, value in enumerate(values if isinstance(values, list | tuple) else [values]):
            if n < 4:
                row(year)[TARGET.field(_IND + "target_triwulan", n)] = value
    if not rows:
        row(MISSING)
    return list(rows.values())


@dataclass
class Record:
    """One row a reader found: the raw value of each non-blank cell, and where every
    field's cell is (blank ones too), so a problem names its cell."""

    values: Row
    cells: dict[Field, str]
    where: str  # the row's first cell


Origin = tuple[str, str]  # (sheet, A1 cell)


@dataclass
class Assembled:
    data: dict[str, Any]
    origins: dict[tuple[Any, ...], Origin] = field(default_factory=dict)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # sheet, cell, text
    quiet: set[tuple[Any, ...]] = field(default_factory=set)  # said already: not again


def _key_of(value: Any) -> Any:
    """A sasaran number or a code as a link compares it: ``1``, ``1.0`` and ``"1"`` alike."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        return int(text) if text.isdigit() else text
    return value


def assemble(records: dict[str, list[Record]]) -> Assembled:
    """The master's data from the rows a reader found in each sheet (the sheets it did not
    find have no rows), with the cell of every key and the problems of the links."""
    out = Assembled({})
    problem = out.problems.append

    def put(target: dict, loc: tuple, sheet: Sheet, rec: Record, f: Field, key: str) -> None:
        out.origins[(*loc, key)] = (sheet.name, rec.cells[f])
        if f in rec.values:
            target[key] = rec.values[f]

    def fill(target: dict, loc: tuple, sheet: Sheet, rec: Record, prefix: str) -> None:
        for f in sheet.fields:
            if f.is_link or not f.path.startswith(prefix) or f.part is not None:
                continue
            *parents, key = f.path[len(prefix):].split(".")
            inner, at = target, loc
            for p in parents:
                at = (*at, p)
                out.origins.setdefault(at, (sheet.name, rec.cells[f]))
                inner = inner.setdefault(p, {}) if f in rec.values else inner.get(p, {})
            put(inner, at, sheet, rec, f, key)

    form = records.get(INSTANSI.name) or []
    agency: dict[str, Any] = {}
    if form:
        fill(agency, ("instansi",), INSTANSI, form[0], "instansi.")
        out.origins[("instansi",)] = (INSTANSI.name, form[0].where)
    units: list[dict[str, Any]] = []
    orgs: dict[Any, tuple[dict, tuple]] = {AGENCY: (agency, ("instansi",))}
    for n, rec in enumerate(records.get(UNIT.name, [])):
        unit: dict[str, Any] = {}
        fill(unit, ("unit", n), UNIT, rec, "unit.")
        out.origins[("unit", n)] = (UNIT.name, rec.where)
        units.append(unit)
        code = _key_of(unit.get("kode"))
        if code in orgs and code != AGENCY:
            problem((UNIT.name, rec.cells[UNIT.field("unit.kode")],
                     f"Kode: kode unit berulang: {code}"))
        elif code is not None:
            orgs[code] = (unit, ("unit", n))
    out.origins[("unit",)] = (UNIT.name, _first(records.get(UNIT.name), UNIT))

    def org_of(sheet: Sheet, rec: Record) -> tuple[dict, tuple] | None:
        f = sheet.field(ORG)
        value = rec.values.get(f, MISSING)
        ref = rec.cells[f]
        if value is MISSING:
            problem((sheet.name, ref, f"kolom Unit kosong; {_ORG_NOTE}"))
            return None
        key = _key_of(value)
        if isinstance(key, str) and key.casefold() in (AGENCY, AGENCY.strip("()")) \
                and key not in orgs:
            key = AGENCY
        if key not in orgs:
            known = ", ".join(str(k) for k in orgs if k != AGENCY)
            problem((sheet.name, ref, f"unit '{_text(value)}' tidak ada di lembar Unit (kode "
                                      f"yang ada: {known}); atau tulis {AGENCY} untuk "
                                      "instansi sendiri"))
            return None
        return orgs[key]

    for rec in records.get(FUNGSI.name, []):
        found = org_of(FUNGSI, rec)
        f = FUNGSI.field("unit.fungsi")
        if found is None or f not in rec.values:
            continue
        org, loc = found
        items = org.setdefault("fungsi", [])
        out.origins[(*loc, "fungsi", len(items))] = (FUNGSI.name, rec.cells[f])
        out.origins.setdefault((*loc, "fungsi"), (FUNGSI.name, rec.cells[f]))
        items.append(rec.values[f])
    for rec in records.get(IKU.name, []):
        found = org_of(IKU, rec)
        if found is None:
            continue
        org, loc = found
        lines = org.setdefault("iku", [])
        at = (*loc, "iku", len(lines))
        line: dict[str, Any] = {}
        for f in IKU.fields[1:]:
            put(line, at, IKU, rec, f, f.key)
        out.origins[at] = (IKU.name, rec.where)
        out.origins.setdefault((*loc, "iku"), (IKU.name, rec.where))
        lines.append(line)

    sasaran: list[dict[str, Any]] = []
    by_number: dict[Any, tuple[dict, tuple]] = {}
    for n, rec in enumerate(records.get(SASARAN.name, [])):
        item: dict[str, Any] = {}
        fill(item, ("sasaran", n), SASARAN, rec, "sasaran.")
        out.origins[("sasaran", n)] = (SASARAN.name, rec.where)
        out.origins[("sasaran", n, "indikator")] = (SASARAN.name, rec.where)
        item["indikator"] = []
        sasaran.append(item)
        number = _key_of(item.get("no"))
        if number in by_number:
            problem((SASARAN.name, rec.cells[SASARAN.field("sasaran.no")],
                     f"No: nomor sasaran berulang: {number}"))
        elif number is not None:
            by_number[number] = (item, ("sasaran", n))
    out.origins[("sasaran",)] = (SASARAN.name, _first(records.get(SASARAN.name), SASARAN))

    def sasaran_of(sheet: Sheet, rec: Record) -> tuple[dict, tuple] | None:
        f = sheet.field(SASARAN_NO)
        value = rec.values.get(f, MISSING)
        if value is MISSING:
            problem((sheet.name, rec.cells[f], "kolom Sasaran kosong; tulis nomor sasaran "
                                               "dari lembar Sasaran"))
            return None
        found = by_number.get(_key_of(value))
        if found is None:
            known = ", ".join(str(k) for k in by_number)
            problem((sheet.name, rec.cells[f], f"sasaran nomor '{_text(value)}' tidak ada di "
                                               f"lembar Sasaran (nomor yang ada: {known})"))
        return found

    indicators: dict[Any, tuple[dict, tuple, Record]] = {}
    for rec in records.get(INDIKATOR.name, []):
        found = sasaran_of(INDIKATOR, rec)
        if found is None:
            continue
        parent, loc = found
        at = (*loc, "indikator", len(parent["indikator"]))
        ind: dict[str, Any] = {}
        fill(ind, at, INDIKATOR, rec, _IND)
        out.origins[at] = (INDIKATOR.name, rec.cells[INDIKATOR.field(_IND + "kode")])
        parent["indikator"].append(ind)
        code = _key_of(ind.get("kode"))
        code_cell = rec.cells[INDIKATOR.field(_IND + "kode")]
        if code in indicators:
            problem((INDIKATOR.name, code_cell, f"Kode: kode indikator berulang: {code}"))
        elif code is not None:
            indicators[code] = (ind, at, rec)
        reporters = INDIKATOR.field(_IND + "unit_pelapor")
        unknown = [u for u in _listed(rec.values.get(reporters)) if _key_of(u) not in orgs
                   or _key_of(u) == AGENCY]
        if unknown:  # said here too, so it is said with the other mistakes of the sheet
            known = ", ".join(str(k) for k in orgs if k != AGENCY)
            problem((INDIKATOR.name, rec.cells[reporters], (
                f"{reporters.label}: indikator {_text(ind.get('kode', '?'))}: unit_pelapor "
                f"{', '.join(_text(u) for u in unknown)} tidak ada di daftar unit (kode yang "
                f"ada: {known})")))
    year = _key_of(agency.get("tahun"))
    _assemble_targets(records.get(TARGET.name, []), indicators, year, out)

    for rec in records.get(ANGGARAN.name, []):
        found = sasaran_of(ANGGARAN, rec)
        if found is None:
            continue
        parent, loc = found
        lines = parent.setdefault("anggaran", [])
        holder: dict[str, Any] = {}
        fill(holder, (*loc, "x"), ANGGARAN, rec, "sasaran.")
        line = holder.get("anggaran", {})
        at = (*loc, "anggaran", len(lines))
        for f in ANGGARAN.fields[1:]:
            out.origins[(*at, f.key)] = (ANGGARAN.name, rec.cells[f])
        out.origins[at] = (ANGGARAN.name, rec.where)
        out.origins.setdefault((*loc, "anggaran"), (ANGGARAN.name, rec.where))
        lines.append(line)

    settings: dict[str, Any] = {}
    root: dict[str, Any] = {}
    for rec in records.get(PENGATURAN.name, [])[:1]:
        holder = {}
        fill(holder, (), PENGATURAN, rec, "")
        root.update({k: v for k, v in holder.items() if k != "pengaturan"})
        settings.update(holder.get("pengaturan", {}))
        out.origins[("pengaturan",)] = (PENGATURAN.name, rec.where)
    bands = []
    for n, rec in enumerate(records.get(PREDIKAT.name, [])):
        holder = {}
        fill(holder, ("pengaturan", "skala_predikat", n, "x"), PREDIKAT, rec,
             "pengaturan.skala_predikat.")
        for f in PREDIKAT.fields:
            out.origins[("pengaturan", "skala_predikat", n, f.key)] = (PREDIKAT.name,
                                                                       rec.cells[f])
        out.origins[("pengaturan", "skala_predikat", n)] = (PREDIKAT.name, rec.where)
        bands.append({f.key: rec.values[f] for f in PREDIKAT.fields if f in rec.values})
    if bands:
        settings["skala_predikat"] = bands
        out.origins[("pengaturan", "skala_predikat")] = (PREDIKAT.name,
                                                         records[PREDIKAT.name][0].where)
    scales: dict[str, Any] = {}
    for rec in records.get(SKALA.name, []):
        name_f, labels_f = SKALA.field(SCALE_NAME), SKALA.field("pengaturan.skala")
        name = rec.values.get(name_f, MISSING)
        if name is MISSING:
            problem((SKALA.name, rec.cells[name_f], "nama skala kosong; tulis nama, mis. "
                                                    "opini_bpk"))
            continue
        name = _text(name).strip()
        if name in scales:
            problem((SKALA.name, rec.cells[name_f], f"skala '{name}' ditulis dua kali"))
            continue
        scales[name] = rec.values.get(labels_f)
        out.origins[("pengaturan", "skala", name)] = (SKALA.name, rec.cells[labels_f])
        out.origins.setdefault(("pengaturan", "skala"), (SKALA.name, rec.cells[labels_f]))
    if scales:
        settings["skala"] = scales

    data: dict[str, Any] = {}
    if "versi_skema" in root:
        data["versi_skema"] = root["versi_skema"]
    data["instansi"] = agency
    data["unit"] = units
    data["sasaran"] = sasaran
    if settings:
        data["pengaturan"] = settings
    out.data = data
    return out


def _first(records: list[Record] | None, sheet: Sheet) -> str:
    """Where a sheet's first row is (or would be)."""
    if records:
        return records[0].where
    return f"A{FIRST_ROW + 1}"


def _assemble_targets(records: list[Record], indicators: dict, year: Any,
                      out: Assembled) -> None:
    """Each indicator's target and quarterly targets from its Target rows: a row without
    a year holds them once, rows with a year hold them per year (``{2021: 90, …}``)."""
    code_f, year_f = TARGET.field(CODE_REF), TARGET.field(YEAR)
    target_f = TARGET.field(_IND + "target")
    quarter_fs = [TARGET.field(_IND + "target_triwulan", n) for n in range(4)]
    seen: dict[Any, dict[Any, Record]] = {}
    for rec in records:
        value = rec.values.get(code_f, MISSING)
        if value is MISSING:
            out.problems.append((TARGET.name, rec.cells[code_f], "kolom Kode kosong; tulis "
                                 "kode indikator dari lembar Indikator"))
            continue
        code = _key_of(value)
        if code not in indicators:
            known = ", ".join(str(k) for k in indicators)
            out.problems.append((TARGET.name, rec.cells[code_f], (
                f"indikator '{_text(value)}' tidak ada di lembar Indikator (kode yang ada: "
                f"{known})")))
            continue
        when = rec.values.get(year_f, MISSING)
        if when is not MISSING and not isinstance(when, int):
            out.problems.append((TARGET.name, rec.cells[year_f], (
                f"tahun '{_text(when)}' bukan tahun 4 angka; kosongkan untuk target tahun "
                "master, atau tulis mis. 2022")))
            continue
        rows = seen.setdefault(code, {})
        if when in rows:
            what = f"tahun {when}" if when is not MISSING else "tanpa tahun"
            out.problems.append((TARGET.name, rec.cells[code_f], (
                f"indikator {code} punya dua baris target {what} (juga {rows[when].where}); "
                "hapus salah satu")))
            continue
        rows[when] = rec
    for code, (ind, at, ind_rec) in indicators.items():
        rows = seen.get(code, {})
        if not rows:
            out.problems.append((INDIKATOR.name, ind_rec.cells[INDIKATOR.field(_IND + "kode")], (
                f"indikator {code} belum punya baris di lembar Target; tambahkan baris "
                f"dengan Kode {code} dan targetnya (NA bila belum ditetapkan)")))
            out.quiet.add((*at, "target"))
            continue
        once = rows.get(MISSING)
        yearly = {y: r for y, r in rows.items() if y is not MISSING}
        main = once or yearly.get(year) or next(iter(rows.values()))
        for key, fields in (("target", [target_f]), ("target_triwulan", quarter_fs)):
            out.origins[(*at, key)] = (TARGET.name, main.cells[fields[0]])
            given = {y: r for y, r in rows.items() if any(f in r.values for f in fields)}
            if not given:
                continue
            if MISSING in given and len(given) > 1:
                out.problems.append((TARGET.name, given[MISSING].cells[fields[0]], (
                    f"indikator {code}: {key} ditulis tanpa tahun dan juga per tahun; "
                    "pakai salah satu (kolom Tahun kosong, atau satu baris per tahun)")))
                out.quiet.add((*at, key))
                continue

            def value(r: Record, key: str = key) -> Any:
                if key == "target":
                    return r.values.get(target_f)
                return [r.values.get(f) for f in quarter_fs]

            if MISSING in given:
                ind[key] = value(given[MISSING])
            else:
                ind[key] = {y: value(r) for y, r in given.items()}
                out.origins[(*at, key)] = (TARGET.name, (given.get(year) or next(
                    iter(given.values()))).cells[fields[0]])
