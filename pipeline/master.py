"""The master definition of one agency and year: what the report is about.

The secretariat edits it as YAML with Indonesian keys; in code every model uses English
attribute names, with the Indonesian key as the pydantic alias. Loading validates the
whole file at once and turns pydantic's errors into Indonesian messages that name the
file, the field path and the line.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import MasterError


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, str_strip_whitespace=True
    )


NonEmpty = Annotated[str, Field(min_length=1)]


class Kind(StrEnum):
    """How y is computed from the counts x1 and x2."""

    PERCENTAGE = "persentase"  # y = x1 / x2 × 100
    COUNT = "jumlah"  # y = x1 (x2 is not asked)
    RATIO = "rasio"  # y = x1 / x2


class Polarity(StrEnum):
    POSITIVE = "positif"  # higher is better
    NEGATIVE = "negatif"  # lower is better


class Signatory(_Model):
    title: NonEmpty = Field(alias="jabatan")
    name: NonEmpty = Field(alias="nama")
    rank: str = Field("", alias="pangkat")
    nip: str = Field("", alias="nip")


class IkuRow(_Model):
    """One row of an organisation's IKU table (Part I).

    An omitted ``alasan`` or ``sumber_data`` continues the cell of the row above: the
    report merges those cells vertically, as the original document does.
    """

    description: NonEmpty = Field(alias="uraian")
    reason: str | None = Field(None, alias="alasan")
    data_sources: list[NonEmpty] | None = Field(None, alias="sumber_data")


class Organisation(_Model):
    name: NonEmpty = Field(alias="nama")
    duties: NonEmpty = Field(alias="tugas")
    functions: list[NonEmpty] = Field(alias="fungsi", min_length=1)
    iku: list[IkuRow] = Field(alias="iku", min_length=1)

    @model_validator(mode="after")
    def _first_row_opens_cells(self) -> Organisation:
        if self.iku[0].reason is None:
            raise ValueError("baris IKU pertama harus berisi 'alasan'")
        return self


class Unit(Organisation):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,29}$")] = Field(alias="kode")

    @model_validator(mode="after")
    def _first_row_has_sources(self) -> Unit:
        if self.iku[0].data_sources is None:
            raise ValueError("baris IKU pertama harus berisi 'sumber_data'")
        return self


class Agency(Organisation):
    short_name: NonEmpty = Field(alias="nama_singkat")
    city: NonEmpty = Field(alias="kota")
    year: int = Field(alias="tahun", ge=2000, le=2100)
    report_place: NonEmpty = Field(alias="tempat_laporan")
    report_date: dt.date = Field(alias="tanggal_laporan")
    signatory: Signatory = Field(alias="penandatangan")


Target = float | tuple[float, float]


class Indicator(_Model):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")] = Field(
        alias="kode"
    )
    name: NonEmpty = Field(alias="nama")
    kind: Kind = Field(Kind.PERCENTAGE, alias="jenis")
    y_meaning: NonEmpty = Field(alias="y")
    x1_meaning: NonEmpty = Field(alias="x1")
    x2_meaning: str | None = Field(None, alias="x2")
    unit_of_measure: str = Field("", alias="satuan")  # default: "%" for persentase only
    polarity: Polarity = Field(Polarity.POSITIVE, alias="polaritas")
    target: Target = Field(alias="target")
    baseline: float | None = Field(None, alias="angka_awal_rpjmd")
    previous_achievement: float | None = Field(None, alias="capaian_tahun_lalu")
    final_target: Target | None = Field(None, alias="target_akhir_rpjmd")
    responsible: NonEmpty = Field(alias="penanggung_jawab")
    data_sources: list[NonEmpty] = Field(alias="sumber_data", min_length=1)
    reporting_units: list[str] = Field(alias="unit_pelapor", min_length=1)
    share_of_whole: bool = Field(True, alias="bagian_dari_keseluruhan")

    @model_validator(mode="before")
    @classmethod
    def _default_unit(cls, data: Any) -> Any:
        if isinstance(data, dict) and "satuan" not in data and "unit_of_measure" not in data:
            kind = data.get("jenis", data.get("kind", Kind.PERCENTAGE.value))
            return {**data, "satuan": "%" if kind == Kind.PERCENTAGE.value else ""}
        return data

    @field_validator("target", "final_target")
    @classmethod
    def _range_ordered(cls, v: Target | None) -> Target | None:
        if isinstance(v, tuple):
            low, high = v
            if low > high:
                raise ValueError("rentang target harus [bawah, atas] dengan bawah <= atas")
            if low < 0:
                raise ValueError("target tidak boleh negatif")
        elif v is not None and v < 0:
            raise ValueError("target tidak boleh negatif")
        return v

    @model_validator(mode="after")
    def _x2_when_divided(self) -> Indicator:
        if self.kind != Kind.COUNT and not self.x2_meaning:
            raise ValueError(f"indikator jenis '{self.kind.value}' memerlukan arti 'x2'")
        if len(set(self.reporting_units)) != len(self.reporting_units):
            raise ValueError("unit_pelapor tidak boleh berulang")
        return self

    @property
    def asks_x2(self) -> bool:
        return self.kind != Kind.COUNT


class Sasaran(_Model):
    number: int = Field(alias="no", ge=1)
    description: NonEmpty = Field(alias="uraian")
    indicators: list[Indicator] = Field(alias="indikator", min_length=1)


class Settings(_Model):
    # None = no cap; the DOMAIN notes list 100, 120 and 200 as caps used elsewhere.
    achievement_cap: float | None = Field(None, alias="batas_atas_capaian", gt=0)


class Master(_Model):
    schema_version: int = Field(alias="versi_skema")
    agency: Agency = Field(alias="instansi")
    units: list[Unit] = Field(alias="unit", min_length=1)
    sasaran: list[Sasaran] = Field(alias="sasaran", min_length=1)
    settings: Settings = Field(default_factory=Settings, alias="pengaturan")

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, v: int) -> int:
        if v != 1:
            raise ValueError("versi_skema yang dikenal hanya 1")
        return v

    @model_validator(mode="after")
    def _cross_references(self) -> Master:
        codes = [u.code for u in self.units]
        dup = sorted({c for c in codes if codes.count(c) > 1})
        if dup:
            raise ValueError(f"kode unit berulang: {', '.join(dup)}")
        ind_codes = [i.code for i in self.indicators]
        dup = sorted({c for c in ind_codes if ind_codes.count(c) > 1})
        if dup:
            raise ValueError(f"kode indikator berulang: {', '.join(dup)}")
        for ind in self.indicators:
            unknown = [u for u in ind.reporting_units if u not in codes]
            if unknown:
                raise ValueError(
                    f"indikator {ind.code}: unit_pelapor {', '.join(unknown)} tidak ada "
                    f"di daftar unit (kode yang ada: {', '.join(codes)})"
                )
        numbers = [s.number for s in self.sasaran]
        if len(set(numbers)) != len(numbers):
            raise ValueError("nomor sasaran berulang")
        return self

    @property
    def indicators(self) -> list[Indicator]:
        return [i for s in self.sasaran for i in s.indicators]

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)

    def indicators_of(self, unit_code: str) -> list[Indicator]:
        """The indicators a unit reports, in master order."""
        return [i for i in self.indicators if unit_code in i.reporting_units]

    @property
    def reporting_units(self) -> list[Unit]:
        """Units with at least one indicator to report, in master order."""
        return [u for u in self.units if self.indicators_of(u.code)]


# --- loading ---------------------------------------------------------------------------


# libyaml's C loader is ~10x faster than the pure-Python one on a large master.
_BaseLoader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML 1.1 reads yes/no/on/off as booleans, so `no: 1` would lose its key. Only
    true/false are booleans here."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def load_master(path: Path) -> Master:
    """Read and validate a master YAML file; raise MasterError listing every mistake."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MasterError(f"{path}: berkas master tidak ditemukan") from None
    except OSError as exc:
        raise MasterError(f"{path}: berkas master tidak dapat dibaca ({exc.strerror})") from None
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Notepad's "Unicode" (UTF-16)
            text = raw.decode("utf-16")
        else:
            text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MasterError(
            f"{path} baris {line}: berkas master harus disimpan dengan pengodean UTF-8 "
            "(di Notepad: File › Save As › Encoding: UTF-8)"
        ) from None
    return parse_master(text, source=str(path))


def parse_master(text: str, source: str = "<master>") -> Master:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        lines = text.splitlines()
        hint = ""
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            hint = "; gunakan spasi untuk indentasi, bukan tab"
        raise MasterError(f"{source}{where}: format YAML tidak sah ({problem}){hint}") from None
    if not isinstance(data, dict):
        raise MasterError(f"{source}: isi master harus berupa pemetaan kunci: nilai")
    try:
        return Master.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=_Loader)  # node positions, only to name lines
        lines = [_describe(err, root, source) for err in exc.errors()]
        raise MasterError("\n".join(lines)) from None


_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kunci tidak dikenal (periksa ejaan)",
    "string_too_short": "tidak boleh kosong",
    "too_short": "tidak boleh kosong",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "float_parsing": "harus angka",
    "float_type": "harus angka",
    "date_from_datetime_parsing": "harus tanggal dengan format TTTT-BB-HH",
    "date_parsing": "harus tanggal dengan format TTTT-BB-HH",
    "date_type": "harus tanggal dengan format TTTT-BB-HH",
    "enum": "nilai tidak dikenal",
    "string_pattern_mismatch": "format kode tidak sah (huruf besar, angka, garis bawah)",
    "list_type": "harus berupa daftar (baris diawali '- ')",
    "string_type": "harus berupa teks",
}


def _describe(err: dict[str, Any], root: yaml.Node | None, source: str) -> str:
    loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("float", "tuple")))]
    path = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
    line = _line_of(root, loc)
    where = f" baris {line}" if line else ""
    kind = err["type"]
    if kind == "value_error":
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
    elif kind == "enum":
        msg = f"nilai tidak dikenal; pilihan: {err.get('ctx', {}).get('expected', '')}"
    else:
        msg = _MESSAGES.get(kind, err["msg"])
        if kind.startswith("greater_than") or kind.startswith("less_than"):
            msg = f"nilai di luar batas ({err['msg']})"
    field = f" › {path}" if path else ""
    return f"{source}{where}{field}: {msg}"


def _line_of(root: yaml.Node | None, loc: list[Any]) -> int | None:
    """1-based line of the deepest YAML node reachable along a pydantic error location."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        nxt = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if key.value == part:
                    nxt = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                nxt = node.value[part]
        node = nxt
    if node is not None:
        line = node.start_mark.line + 1
    return line
