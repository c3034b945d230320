"""The master definition of one agency and year: what the report is about.

The secretariat edits it as YAML with Indonesian keys; in code every model uses English
attribute names, with the Indonesian key as the pydantic alias and an Indonesian
``description`` (docs/MASTER.md is generated from these). Loading validates the whole
file at once and turns every mistake into an Indonesian message that names the file, the
line and the field, and says what to write instead, with an example: no English text from
pydantic reaches the user.

Natural input is accepted where it is unambiguous: ``93,55`` (decimal comma),
``1.234.567``, ``100%``, ``NA`` or ``-`` for a target not set. ``1.234`` is refused with
an explanation (a thousands dot or a decimal point?). A key written twice in one mapping
is an error naming both lines (YAML would silently keep the last one).

What a kind of indicator means (defaults, inputs, formulas) lives in ``pipeline.kinds``;
this module only asks the registry.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..errors import MasterError
from .kinds import NA, REGISTRY, Accumulation, Kind, KindRules, Merge, rules_of
from .numfmt import DOWN, HALF_UP, fmt_number, fmt_percent, fmt_target, fmt_value, rounded
from .periods import measured_text
from .thresholds import (
    AT_LEAST_SIGN,
    AT_MOST_SIGN,
    parse_threshold,
    split_threshold,
    threshold_text,
)
from .zones import ZoneName, agency_zone

__all__ = ["NA", "Accumulation", "Kind", "Merge", "Master", "Indicator", "Polarity", "NegativeRule",
           "Target", "Rounding", "AchievementBase", "FixedPart", "AgencyKind", "load_master",
           "parse_master", "master_data", "error_location", "error_message", "master_text",
           "master_from_data"]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, frozen=True, str_strip_whitespace=True
    )


NonEmpty = Annotated[str, Field(min_length=1)]


# --- numbers as people write them ------------------------------------------------------


class AmbiguousNumber(str):
    """A YAML number such as ``1.234``: a thousands dot to an Indonesian reader, a
    decimal point to YAML. Kept as text so that validation can refuse it."""


_ID_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")
_DOT_DECIMAL = re.compile(r"^[-+]?\d*\.\d+$")
_AMBIGUOUS = re.compile(r"^[-+]?[1-9]\d{0,2}\.\d{3}$")
NA_TEXTS = {"na", "n/a", "-", "\u2013", "\u2014"}


def parse_number_text(text: str) -> float | None:
    """``93,55`` → 93.55, ``1.234.567`` → 1234567, ``12.5`` → 12.5; None if not a number.
    Raises ValueError for the ambiguous ``1.234``."""
    text = text.strip().replace(" ", "")
    if _AMBIGUOUS.match(text):
        raise ValueError(_ambiguous_message(text))
    if _ID_NUMBER.match(text) and ("," in text or text.count(".") > 1 or "." not in text):
        return float(text.replace(".", "").replace(",", "."))
    if _DOT_DECIMAL.match(text):
        return float(text)
    return None


def _ambiguous_message(text: str) -> str:
    whole = text.replace(".", "")
    decimal = text.replace(".", ",")
    return (f"angka '{text}' bermakna ganda; tulis {whole} bila maksudnya ribuan (tanpa "
            f"pemisah ribuan) atau {decimal} bila maksudnya desimal (dengan koma)")


def _to_number(v: Any, what: str = "angka") -> float:
    if isinstance(v, bool):
        raise ValueError(f"harus {what}, bukan nilai logika; contoh: 100 atau 93,55")
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, AmbiguousNumber):
        raise ValueError(_ambiguous_message(str(v)))
    if isinstance(v, str):
        text = v.strip()
        if text.endswith("%"):
            text = text[:-1]
        number = parse_number_text(text)
        if number is not None:
            return number
        raise ValueError(f"'{v}' bukan {what}; tulis angka, mis. 100 atau 93,55")
    raise ValueError(f"harus {what}; contoh: 100 atau 93,55")


def _number(v: Any) -> Any:
    return v if v is None else _to_number(v)


def _number_or_na(v: Any) -> Any:
    if isinstance(v, str) and v.strip().casefold() in NA_TEXTS:
        return NA
    return _number(v)


Number = Annotated[float, BeforeValidator(_to_number)]
OptionalNumber = Annotated[float | None, BeforeValidator(_number)]
# A target is a number, a range (low, high), NA, or a label of a scale (predikat/ya_tidak).
Target = float | tuple[float, float] | str


def _target(v: Any) -> Any:
    if v is None:
        raise ValueError("target wajib diisi; tulis NA bila belum ditetapkan")
    if isinstance(v, list | tuple):
        if len(v) != 2:
            raise ValueError("rentang target ditulis [bawah, atas], mis. [80, 90]; angka "
                             "desimal di dalam [ ] ditulis dengan tanda kutip, mis. "
                             "[\"80,5\", 90]")
        return (_to_number(v[0]), _to_number(v[1]))
    if isinstance(v, dict):
        raise ValueError("target per tahun ditulis {2021: 90, 2022: 92} langsung di "
                         "bawah 'target'")
    if isinstance(v, _MissingYear):
        raise ValueError(str(v))
    if isinstance(v, str) and not isinstance(v, AmbiguousNumber):
        text = v.strip()
        if text.casefold() in NA_TEXTS:
            return NA
        split = split_threshold(text)
        if split is not None and split[1]:
            word, rest = split
            rest = rest.removesuffix("%").strip()
            number = parse_number_text(rest)
            if number is not None:
                return threshold_text(word, number)  # ≥ 95, minimal 80: normalised text
        number = parse_number_text(text[:-1] if text.endswith("%") else text)
        return text if number is None else number  # a label, checked against the kind
    return _to_number(v)


def _optional_target(v: Any) -> Any:
    return None if v is None else _target(v)


def _accumulation(v: Any) -> Any:
    """``jumlah`` (every input), or ``{x1: jumlah, x2: terakhir}`` (per input)."""
    choices = ", ".join(a.value for a in Accumulation)

    def rule(value: Any, where: str) -> Accumulation:
        try:  # rata-rata and "rata rata" as people type them
            return Accumulation(re.sub(r"[\s-]+", "_", str(value).strip().casefold()))
        except ValueError:
            raise ValueError(f"{where}'{value}' tidak dikenal; pilihan: {choices}") from None

    if v is None:
        return None
    if isinstance(v, dict):
        unknown = [str(k) for k in v if k not in ("x1", "x2")]
        if unknown or not v:
            extra = f"; bukan {', '.join(unknown)}" if unknown else ""
            raise ValueError("akumulasi per isian ditulis {x1: jumlah, x2: terakhir} (kunci "
                             f"hanya x1 dan x2{extra})")
        return {k: rule(val, f"akumulasi {k} ") for k, val in v.items()}
    if isinstance(v, str):
        return rule(v, "akumulasi ")
    raise ValueError(f"akumulasi ditulis {choices}, atau per isian {{x1: jumlah, "
                     "x2: terakhir}")


def _quarter_targets(v: Any) -> Any:
    """Four targets, one per quarter (cumulative: what the year so far should reach)."""
    if v is None:
        return None
    if isinstance(v, _MissingYear):
        raise ValueError(str(v))
    if not isinstance(v, list | tuple) or len(v) != 4:
        raise ValueError("target_triwulan ditulis sebagai empat target kumulatif (s.d. TW I, "
                         "II, III, IV), mis. [25, 50, 75, 100]")
    return tuple(_target(t) for t in v)


def _measured_quarters(v: Any) -> Any:
    """The quarters in which an indicator is measured: ``[4]`` (the year end only),
    ``[2, 4]`` (each semester); the fourth is always one (its figure is the year's)."""
    if v is None:
        return None
    example = "mis. [4] (hanya akhir tahun) atau [2, 4] (per semester)"
    if isinstance(v, bool) or isinstance(v, int):
        v = [v]
    if not isinstance(v, list | tuple) or not v:
        raise ValueError(f"diukur_triwulan ditulis sebagai daftar triwulan 1-4, {example}")
    quarters = []
    for q in v:
        if isinstance(q, bool) or not isinstance(q, int) or not 1 <= q <= 4:
            raise ValueError(f"diukur_triwulan berisi '{q}'; tulis nomor triwulan 1, 2, 3 "
                             f"atau 4, {example}")
        quarters.append(q)
    if len(set(quarters)) != len(quarters):
        raise ValueError(f"diukur_triwulan tidak boleh berulang, {example}")
    if 4 not in quarters:
        raise ValueError("diukur_triwulan harus memuat 4: angka s.d. TW IV adalah angka "
                         f"tahun itu, jadi indikator selalu diukur di TW IV; {example}")
    return tuple(sorted(quarters))


class _MissingYear(str):
    """Stands for a per-year target mapping without the master's year."""


# --- models ------------------------------------------------------------------------------


class Polarity(StrEnum):
    POSITIVE = "positif"  # higher is better
    NEGATIVE = "negatif"  # lower is better


class NegativeRule(StrEnum):
    """% capaian of a lower-is-better indicator (``pengaturan.rumus_negatif``, or the
    indicator's own ``rumus_negatif``)."""

    TWO_T_MINUS_R = "(2T-R)/T"  # (2 − R/T) × 100: most LKjIPs, PermenPANRB
    T_OVER_R = "T/R"  # T / R × 100: several quarterly monitoring systems
    # R / T × 100, as for a positive indicator: published tables score some lower-is-better
    # indicators so (a prevalence, an inequality index: issue 20)
    R_OVER_T = "R/T"


class Rounding(StrEnum):
    """How the printed realisasi is rounded to its decimals (``pembulatan``)."""

    HALF_UP = "biasa"  # 9,5327 → 9,53; 2,675 → 2,68
    DOWN = "potong"  # truncated towards zero: 186,92 → 186 (desimal 0)

    @property
    def mode(self) -> str:
        return DOWN if self == Rounding.DOWN else HALF_UP


class AchievementBase(StrEnum):
    """What % capaian divides (``capaian_dari``)."""

    EXACT = "realisasi_penuh"  # the unrounded realisasi (the default)
    PRINTED = "realisasi_tercetak"  # the realisasi as printed (rounded to its decimals)


class FixedPart(StrEnum):
    """Figures printed with exactly their decimals, trailing zeros kept (``desimal_tetap``)."""

    REALISATION = "realisasi"
    TARGET = "target"
    ACHIEVEMENT = "capaian"


class AgencyKind(StrEnum):
    """The kind of agency whose report it is (``instansi.jenis_instansi``): it gives the
    labels of the two header rows above the Capaian table."""

    LOCAL_UNIT = "perangkat_daerah"  # an SKPD / OPD (Dinas, Badan, Kantor …)
    GOVERNMENT = "pemerintah_daerah"  # the Pemerintah Kabupaten/Kota/Provinsi itself
    HOSPITAL = "rsud"  # a regional hospital (RSUD, a BLUD unit)
    DISTRICT = "kecamatan"


# The label of the agency's header row by kind ("" = the row is left out: a regency's own
# report names the region in the row above).
AGENCY_LABELS = {AgencyKind.LOCAL_UNIT: "SKPD", AgencyKind.GOVERNMENT: "",
                 AgencyKind.HOSPITAL: "RUMAH SAKIT", AgencyKind.DISTRICT: "PERANGKAT DAERAH"}
AGENCY_KIND_ALIASES = {"skpd": AgencyKind.LOCAL_UNIT, "opd": AgencyKind.LOCAL_UNIT,
                       "pemda": AgencyKind.GOVERNMENT, "blud": AgencyKind.HOSPITAL,
                       "rumah_sakit": AgencyKind.HOSPITAL}


def _agency_kind(v: Any) -> Any:
    if isinstance(v, str):
        key = re.sub(r"[\s/-]+", "_", v.strip().casefold())
        return AGENCY_KIND_ALIASES.get(key, key)
    return v


def _fixed_parts(allowed: tuple[FixedPart, ...]):
    """``desimal_tetap``: true (every part allowed here), false, or a list of parts."""
    names = ", ".join(p.value for p in allowed)

    def parse(v: Any) -> Any:
        if v is None or v is False:
            return ()
        if v is True:
            return allowed
        items = [v] if isinstance(v, str) else v
        if not isinstance(items, list | tuple):
            raise ValueError(f"desimal_tetap ditulis true, false, atau daftar dari: {names}")
        parts = []
        for item in items:
            text = str(item).strip().casefold()
            if text not in {p.value for p in allowed}:
                where = (" (capaian diatur untuk seluruh instansi di pengaturan.desimal_tetap)"
                         if text == FixedPart.ACHIEVEMENT.value else "")
                raise ValueError(f"desimal_tetap berisi '{item}'; pilihan: {names}{where}")
            parts.append(FixedPart(text))
        return tuple(p for p in allowed if p in parts)
    return parse


def _rule_text(v: Any) -> Any:
    """``(2t-r)/t``, ``T / R``: the rule as people type it."""
    if isinstance(v, str):
        return re.sub(r"\s+", "", v).upper().replace("−", "-")
    return v


class RegionKind(StrEnum):
    CITY = "KOTA"
    REGENCY = "KABUPATEN"
    PROVINCE = "PROVINSI"


class ExtraColumn(StrEnum):
    """Optional columns of the Capaian tables (``pengaturan.kolom_tambahan``)."""

    PREVIOUS_REALISATION = "realisasi_tahun_lalu"  # Kondisi Awal
    FINAL_TARGET_ACHIEVEMENT = "capaian_target_akhir"  # % capaian vs Target Akhir RPJMD
    GRADE = "predikat"  # predikat of the % capaian, from skala_predikat


class Signatory(_Model):
    title: NonEmpty = Field(alias="jabatan", description="jabatan penanda tangan")
    name: str = Field("", alias="nama", description="nama penanda tangan (boleh kosong)")
    rank: str = Field("", alias="pangkat", description="pangkat/golongan (boleh kosong)")
    nip: str = Field("", alias="nip", description="NIP (boleh kosong)")


class SecondParty(_Model):
    """The second party of the Perjanjian Kinerja (pihak kedua): the head of the region
    (Wali Kota, Bupati, Gubernur) or, for a unit under another office, its superior."""

    title: str = Field("", alias="jabatan",
                       description="jabatan pihak kedua (bawaan: WALI KOTA, BUPATI atau "
                                   "GUBERNUR dan nama daerah, menurut jenis_daerah); untuk "
                                   "unit di bawah instansi lain: jabatan atasannya")
    name: str = Field("", alias="nama",
                      description="nama pihak kedua; tidak ditulis: dicetak titik-titik "
                                  "untuk diisi tangan (PERINGATAN)")
    rank: str = Field("", alias="pangkat", description="pangkat/golongan (boleh kosong)")
    nip: str = Field("", alias="nip", description="NIP (boleh kosong; kepala daerah tidak "
                                                  "ber-NIP)")


class IkuRow(_Model):
    """One row of an organisation's IKU table (Part I).

    An omitted ``alasan`` or ``sumber_data`` continues the cell of the row above: the
    report merges those cells vertically, as the original document does. When no row has
    one, the column is left out.
    """

    description: NonEmpty = Field(alias="uraian", description="uraian indikator")
    reason: str | None = Field(None, alias="alasan",
                               description="alasan; bila tidak ditulis, sel baris di atas "
                                           "berlanjut (digabung)")
    data_sources: list[NonEmpty] | None = Field(
        None, alias="sumber_data",
        description="daftar sumber data; bila tidak ditulis, sel baris di atas berlanjut")


class Organisation(_Model):
    name: NonEmpty = Field(alias="nama", description="nama organisasi")
    duties: str = Field("", alias="tugas", description="tugas (boleh kosong: baris Tugas "
                                                       "tidak dicetak)")
    functions: list[NonEmpty] = Field(default_factory=list, alias="fungsi",
                                      description="daftar fungsi (boleh kosong)")
    iku: list[IkuRow] = Field(default_factory=list, alias="iku",
                              description="tabel IKU organisasi (boleh kosong)")


class Unit(Organisation):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,29}$")] = Field(
        alias="kode", description="kode unit: huruf besar, angka, garis bawah (mis. POLITIK)")
    head: str = Field("", alias="kepala",
                      description="nama kepala unit, untuk struktur organisasi di Bab I LKjIP "
                                  "lengkap (opsional: tidak ditulis, dicetak titik-titik)")


class Staff(_Model):
    """The agency's employees, counted as the LKjIP's Bab I shows them (issue 22)."""

    by_rank: dict[NonEmpty, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, alias="golongan",
        description="jumlah pegawai per golongan, mis. {IV: 5, III: 20, II: 8}")
    by_education: dict[NonEmpty, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict, alias="pendidikan",
        description="jumlah pegawai per pendidikan, mis. {S2: 3, S1: 15, SMA: 11}")


_REGION_WORDS = {"kota", "kabupaten", "kab", "provinsi", "prov"}
_REGION_HEADS = {RegionKind.CITY: "Wali Kota", RegionKind.REGENCY: "Bupati",
                 RegionKind.PROVINCE: "Gubernur"}


class Agency(Organisation):
    short_name: str = Field("", alias="nama_singkat",
                            description="nama singkat (bawaan: nama)")
    code: str = Field("", alias="kode",
                      description="kode instansi untuk nama folder keluaran dan riwayat "
                                  "(bawaan: dari nama singkat)")
    city: NonEmpty = Field(alias="kota", description="nama daerah, mis. Kota Jambi atau "
                                                     "Kabupaten Sampang")
    region_kind: RegionKind | None = Field(
        None, alias="jenis_daerah",
        description="KOTA, KABUPATEN atau PROVINSI (bawaan: dari kata pertama 'kota')")
    time_zone: ZoneName | None = Field(
        None, alias="zona_waktu",
        description="zona waktu instansi untuk waktu yang ditampilkan: WIB, WITA atau WIT "
                    "(bawaan: menurut provinsi yang disebut 'kota', mis. Provinsi Bali atau "
                    "Kota Jambi; selain itu zona komputer)")
    agency_kind: Annotated[AgencyKind, BeforeValidator(_agency_kind)] = Field(
        AgencyKind.LOCAL_UNIT, alias="jenis_instansi",
        description="jenis instansi: perangkat_daerah (SKPD/OPD), pemerintah_daerah "
                    "(Pemerintah Kabupaten/Kota/Provinsi), rsud (rumah sakit, BLUD) atau "
                    "kecamatan; memberi bawaan sebutan_instansi")
    region_label: str | None = Field(
        None, alias="sebutan_daerah",
        description="label baris daerah di atas tabel capaian (bawaan: jenis_daerah); "
                    "\"\" atau null: baris itu tidak dicetak")
    agency_label: str | None = Field(
        None, alias="sebutan_instansi",
        description="label baris instansi di atas tabel capaian, mis. SKPD, OPD atau "
                    "Perangkat Daerah (bawaan menurut jenis_instansi: perangkat_daerah SKPD, "
                    "pemerintah_daerah tidak dicetak, rsud RUMAH SAKIT, kecamatan PERANGKAT "
                    "DAERAH); \"\" atau null: baris itu tidak dicetak")
    year: int = Field(alias="tahun", ge=2000, le=2100, description="tahun laporan")
    report_place: str = Field("", alias="tempat_laporan",
                              description="tempat penandatanganan, mis. Jambi; tidak ditulis: "
                                          "dicetak titik-titik untuk diisi tangan")
    report_date: dt.date | None = Field(
        None, alias="tanggal_laporan",
        description="tanggal laporan, TTTT-BB-HH; tidak ditulis: dicetak titik-titik untuk "
                    "diisi tangan")
    signatory: Signatory = Field(alias="penandatangan", description="penanda tangan")
    pk_date: dt.date | None = Field(
        None, alias="tanggal_pk",
        description="tanggal Perjanjian Kinerja (ditandatangani Januari tahun itu; PK "
                    "Perubahan: tanggal perubahannya), TTTT-BB-HH; tidak ditulis: dicetak "
                    "titik-titik (PERINGATAN)")
    second_party: SecondParty = Field(
        default_factory=SecondParty, alias="pihak_kedua",
        description="pihak kedua Perjanjian Kinerja (iku pk): jabatan, nama, pangkat, nip")
    vision: str = Field("", alias="visi",
                        description="visi Renstra, untuk Bab II LKjIP lengkap (opsional)")
    missions: list[NonEmpty] = Field(default_factory=list, alias="misi",
                                     description="daftar misi Renstra, untuk Bab II LKjIP "
                                                 "lengkap (opsional)")
    renstra_period: str = Field("", alias="periode_renstra",
                                description="periode Renstra, mis. 2021-2026, untuk Bab II "
                                            "LKjIP lengkap (opsional)")
    staff: Staff | None = Field(None, alias="pegawai",
                                description="jumlah pegawai per golongan dan per pendidikan, "
                                            "untuk Bab I LKjIP lengkap (opsional: tidak "
                                            "ditulis, bagian sumber daya menjadi isian)")
    region_guessed: bool = Field(False, alias="__jenis_daerah_ditebak", exclude=True)

    @model_validator(mode="after")
    def _defaults(self) -> Agency:
        if not self.short_name:
            object.__setattr__(self, "short_name", self.name)
        if "agency_label" not in self.model_fields_set:
            object.__setattr__(self, "agency_label", AGENCY_LABELS[self.agency_kind])
        object.__setattr__(self, "agency_label", (self.agency_label or "").strip())
        if self.region_kind is None:
            first = self.city.split()[0].casefold().rstrip(".") if self.city.split() else ""
            guess = {"kota": RegionKind.CITY, "kabupaten": RegionKind.REGENCY,
                     "kab": RegionKind.REGENCY, "provinsi": RegionKind.PROVINCE,
                     "prov": RegionKind.PROVINCE}.get(first)
            # KOTA, as before the setting existed; `iku validate` warns that it was guessed
            object.__setattr__(self, "region_kind", guess or RegionKind.CITY)
            object.__setattr__(self, "region_guessed", guess is None)
        if not self.code:
            slug = re.sub(r"[^a-z0-9]+", "_", self.short_name.casefold()).strip("_")
            object.__setattr__(self, "code", slug or "instansi")
        if "region_label" not in self.model_fields_set:
            object.__setattr__(self, "region_label", self.region_kind.value)
        object.__setattr__(self, "region_label", (self.region_label or "").strip())
        return self

    def zone(self) -> dt.timezone:
        """The zone times are shown in (``domain.zones.agency_zone``)."""
        return agency_zone(self.time_zone, self.city)

    @property
    def region_name(self) -> str:
        """The region without its kind: ``Kota Jambi`` → ``Jambi``."""
        words = self.city.split()
        if len(words) > 1 and words[0].casefold().rstrip(".") in _REGION_WORDS:
            return " ".join(words[1:])
        return self.city

    @property
    def region_head(self) -> str:
        """The head of the region, as a PK names the pihak kedua: ``WALI KOTA JAMBI``,
        ``BUPATI SAMPANG``, ``GUBERNUR LAMPUNG`` (by ``jenis_daerah``)."""
        return f"{_REGION_HEADS[self.region_kind]} {self.region_name}".upper()
    @property
    def package_date(self) -> dt.date:
        """The date the documents' files carry: the report date, else 1 January of the
        year after (fixed, so that reruns stay byte-identical)."""
        return self.report_date or dt.date(self.year + 1, 1, 1)

    @field_validator("code")
    @classmethod
    def _code_safe(cls, v: str) -> str:
        if v and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}", v):
            raise ValueError("kode instansi hanya huruf, angka, titik, garis bawah dan "
                             "tanda hubung, mis. KESBANGPOL_JAMBI")
        return v


def _scale(v: Any) -> Any:
    """``[WTP, WDP, TW, TMP]`` (best first; scores n..1) or ``{WTP: 4, ...}``."""
    if v is None:
        return {}
    if isinstance(v, str) and v.startswith("__unknown:"):
        _, name, known = v.split(":", 2)
        raise ValueError(f"skala '{name}' tidak ada di pengaturan.skala (yang ada: {known}); "
                         "tulis skala sebagai daftar, mis. [WTP, WDP, TW, TMP]")
    if isinstance(v, list):
        labels = [str(x).strip() for x in v]
        if len(labels) < 2 or any(not x for x in labels):
            raise ValueError("skala berisi paling sedikit dua label, mis. [WTP, WDP, TW, TMP]")
        if len({x.casefold() for x in labels}) != len(labels):
            raise ValueError("label skala tidak boleh berulang")
        return {label: float(len(labels) - i) for i, label in enumerate(labels)}
    if isinstance(v, dict):
        out = {str(k).strip(): _to_number(s) for k, s in v.items()}
        if len(out) < 2:
            raise ValueError("skala berisi paling sedikit dua label")
        if any(s <= 0 for s in out.values()):
            raise ValueError("skor skala harus lebih dari 0")
        return out
    raise ValueError("skala ditulis sebagai daftar label (terbaik lebih dahulu), mis. "
                     "[WTP, WDP, TW, TMP], atau nama skala di pengaturan.skala")


class Indicator(_Model):
    code: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")] = Field(
        alias="kode", description="kode indikator, dipakai di templat Excel (mis. S1.1)")
    old_codes: list[str] = Field(default_factory=list, alias="kode_lama",
                                 description="kode lama indikator ini di tahun sebelumnya "
                                             "(untuk riwayat), daftar atau satu kode")
    name: NonEmpty = Field(alias="nama", description="nama indikator (tabel RPJMD)")
    renstra_name: str = Field("", alias="nama_renstra",
                              description="nama indikator di tabel Sasaran Renstra "
                                          "(bawaan: nama)")
    kind: Kind = Field(Kind.PERCENTAGE, alias="jenis",
                       description="jenis indikator: " + ", ".join(k.value for k in Kind))
    y_meaning: NonEmpty = Field(alias="y", description="arti y (bawaan: nama indikator)")
    x1_meaning: NonEmpty = Field(alias="x1", description="arti x1 (yang diisi unit)")
    x2_meaning: str | None = Field(None, alias="x2",
                                   description="arti x2 (untuk jenis yang memakai x2)")
    unit_of_measure: str = Field("", alias="satuan",
                                 description="satuan, dicetak apa adanya (mis. %, "
                                             "per 1.000 penduduk); bawaan menurut jenis")
    multiplier: Number = Field(1.0, alias="pengali", gt=0,
                               description="pengali jenis rasio: 1, 100, 1000, 100000 …")
    decimals: int = Field(2, alias="desimal", ge=0, le=4,
                          description="jumlah desimal realisasi dan target (0–4); bawaan "
                                      "menurut jenis. Paling banyak sekian desimal (84,1), "
                                      "kecuali desimal_tetap")
    target_decimals: int | None = Field(
        None, alias="desimal_target", ge=0, le=4,
        description="jumlah desimal target dan target akhir bila berbeda dari realisasi, "
                    "mis. realisasi 84,2 (desimal: 1) dengan target 85,41 (desimal_target: "
                    "2); bawaan: desimal")
    fixed_decimals: Annotated[tuple[FixedPart, ...], BeforeValidator(_fixed_parts(
        (FixedPart.REALISATION, FixedPart.TARGET)))] = Field(
        (), alias="desimal_tetap",
        description="realisasi dan/atau target dicetak tepat `desimal` desimal, nol di "
                    "belakang tetap dicetak (84,10): true, false, atau daftar [realisasi, "
                    "target] (bawaan: pengaturan.desimal_tetap)")
    rounding: Rounding = Field(Rounding.HALF_UP, alias="pembulatan",
                               description="pembulatan realisasi yang dicetak: biasa (9,5327 "
                                           "→ 9,53) atau potong (186,92 → 186 dengan desimal "
                                           "0) (bawaan: pengaturan.pembulatan)")
    achievement_base: AchievementBase = Field(
        AchievementBase.EXACT, alias="capaian_dari",
        description="% capaian dihitung dari realisasi_penuh (tanpa pembulatan) atau "
                    "realisasi_tercetak (realisasi yang sudah dibulatkan seperti dicetak, "
                    "seperti banyak dokumen terbitan) (bawaan: pengaturan.capaian_dari)")
    allow_negative: bool = Field(False, alias="boleh_negatif",
                                 description="jenis nilai: nilai negatif diterima")
    whole_inputs: bool | None = Field(None, alias="isian_bulat",
                                      description="x1/x2 harus bilangan bulat (bawaan "
                                                  "menurut jenis)")
    scale: Annotated[dict[str, float], BeforeValidator(_scale)] = Field(
        default_factory=dict, alias="skala",
        description="jenis predikat: label dari terbaik, mis. [WTP, WDP, TW, TMP], atau "
                    "nama skala di pengaturan.skala")
    polarity: Polarity = Field(Polarity.POSITIVE, alias="polaritas",
                               description="positif (makin tinggi makin baik) atau negatif; "
                                           "target ambang (≥, ≤) menentukannya sendiri")
    negative_rule: Annotated[NegativeRule | None, BeforeValidator(_rule_text)] = Field(
        None, alias="rumus_negatif",
        description="rumus capaian indikator berpolaritas negatif ini terhadap target tahun "
                    "ini, bila berbeda dari pengaturan.rumus_negatif: \"(2T-R)/T\", \"T/R\" "
                    "atau \"R/T\" (dihitung seperti polaritas positif)")
    final_negative_rule: Annotated[NegativeRule | None, BeforeValidator(_rule_text)] = Field(
        None, alias="rumus_negatif_target_akhir",
        description="rumus capaian indikator berpolaritas negatif ini terhadap target akhir "
                    "RPJMD (bawaan: pengaturan.rumus_negatif_target_akhir, lalu rumus "
                    "tahun ini)")
    counted: bool = Field(False, alias="ikut_rata_rata",
                          description="jenis status: ikut dihitung dalam rata-rata capaian, "
                                      "tercapai 100% dan tidak tercapai 0% (bawaan: tidak "
                                      "ikut)")
    target: Annotated[Target, BeforeValidator(_target)] = Field(
        alias="target",
        description="angka (100; 93,55), rentang [80, 90], ambang (\"≥ 95\", \"≤ 5\", "
                    "\"minimal 80\", \"maksimal 5\"), NA, label (predikat, status), atau per "
                    "tahun {2021: 90, 2022: 92}")
    baseline: Annotated[float | str | None, BeforeValidator(_number_or_na)] = Field(
        None, alias="angka_awal_rpjmd",
        description="angka awal RPJMD; null atau NA dicetak NA; tidak ditulis: kolom "
                    "ditiadakan bila tidak ada indikator yang mengisinya")
    previous_achievement: OptionalNumber = Field(None, alias="capaian_tahun_lalu",
                                                 description="% capaian tahun lalu")
    previous_realisation: Annotated[float | str | None, BeforeValidator(_number_or_na)] = (
        Field(None, alias="realisasi_tahun_lalu",
              description="realisasi tahun lalu (kolom Kondisi Awal)"))
    final_target: Annotated[Target | None, BeforeValidator(_optional_target)] = Field(
        None, alias="target_akhir_rpjmd", description="target akhir RPJMD")
    responsible: str = Field("", alias="penanggung_jawab",
                             description="penanggung jawab (boleh kosong)")
    data_sources: list[NonEmpty] = Field(default_factory=list, alias="sumber_data",
                                         description="daftar sumber data (boleh kosong)")
    reporting_units: list[str] = Field(alias="unit_pelapor", min_length=1,
                                       description="kode unit yang mengisi x1/x2")
    merge: Merge = Field(Merge.SUM, alias="gabung",
                         description="beberapa unit pelapor: jumlah (x1 dan x2 "
                                     "dijumlahkan) atau sama (satu angka yang sama)")
    share_of_whole: bool = Field(True, alias="bagian_dari_keseluruhan",
                                 description="jenis persentase: x1 bagian dari x2 "
                                             "(peringatan bila x1 > x2)")
    accumulation: Annotated[Accumulation | dict[str, Accumulation] | None,
                            BeforeValidator(_accumulation)] = Field(
        None, alias="akumulasi",
        description="laporan triwulan: cara angka triwulan menjadi angka tahun: jumlah "
                    "(dijumlahkan), terakhir (angka triwulan terakhir), rata_rata, atau per "
                    "isian {x1: jumlah, x2: terakhir}; bawaan menurut jenis (docs/TRIWULAN.md)")
    quarter_targets: Annotated[tuple[Target, Target, Target, Target] | None,
                               BeforeValidator(_quarter_targets)] = Field(
        None, alias="target_triwulan",
        description="laporan triwulan: target kumulatif s.d. TW I, II, III, IV, mis. "
                    "[25, 50, 75, 100] (TW IV = target), atau per tahun; tanpa ini hanya "
                    "TW IV yang punya target")
    measured: Annotated[tuple[int, ...] | None, BeforeValidator(_measured_quarters)] = Field(
        None, alias="diukur_triwulan",
        description="laporan triwulan: triwulan tempat indikator diukur, mis. [4] (hanya "
                    "akhir tahun: survei, akreditasi, indeks tahunan) atau [2, 4] (per "
                    "semester); bawaan: keempat triwulan. Di triwulan lain selnya tertulis "
                    "\"Diukur di TW IV\" dan tidak diisi (docs/TRIWULAN.md)")
    standard: OptionalNumber = Field(
        None, alias="standar_nasional",
        description="standar nasional atau provinsi (angka, dalam satuan indikator) yang "
                    "dibandingkan dengan realisasi di Bab III LKjIP; wajib disertai "
                    "sumber_standar")
    standard_source: str = Field("", alias="sumber_standar",
                                 description="sumber standar_nasional, mis. peraturan, SPM, "
                                             "atau angka rata-rata provinsi beserta tahunnya")
    targets_by_year: dict[int, Any] | None = Field(None, alias="__target_per_tahun",
                                                   exclude=True)
    # the agency's rules (pengaturan.rumus_negatif, …_target_akhir), put here by Master
    agency_rule: NegativeRule = Field(NegativeRule.TWO_T_MINUS_R, alias="__rumus_negatif",
                                      exclude=True)
    agency_final_rule: NegativeRule | None = Field(None, alias="__rumus_negatif_target_akhir",
                                                   exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        """Fill the kind's defaults (satuan, desimal, gabung, meanings)."""
        if not isinstance(data, dict):
            return data
        try:
            rules = rules_of(data.get("jenis", Kind.PERCENTAGE.value))
        except ValueError:
            return data  # an unknown kind: the enum reports it
        data = dict(data)
        data.setdefault("satuan", rules.default_unit)
        data.setdefault("desimal", rules.default_decimals)
        data.setdefault("gabung", rules.default_merge.value)
        if isinstance(data.get("kode_lama"), str):
            data["kode_lama"] = [data["kode_lama"]]
        if data.get("y") is None and isinstance(data.get("nama"), str):
            data["y"] = data["nama"]
        if data.get("x1") is None:
            default = rules.x1_default or (data.get("nama") if not rules.asks_x2 else None)
            if default is not None:
                data["x1"] = default
        if data.get("x2") is None and rules.asks_x2 and rules.x2_default:
            data["x2"] = rules.x2_default
        return data

    @field_validator("target", "final_target")
    @classmethod
    def _target_fits_kind(cls, v: Any, info: ValidationInfo) -> Any:
        kind = info.data.get("kind")
        if kind is None:
            return v  # the kind itself is wrong: that is reported
        probe = SimpleNamespace(scale=info.data.get("scale") or {})
        label = "target" if info.field_name == "target" else "target_akhir_rpjmd"
        problems = _target_problems(probe, rules_of(kind), kind, label, v,
                                    info.data.get("allow_negative", False))
        if problems:
            raise ValueError("; ".join(problems))
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        rules = self.rules
        problems = list(rules.check(self))
        if rules.asks_x2 and not self.x2_meaning:
            problems.append(f"indikator jenis '{self.kind.value}' memerlukan arti 'x2', "
                            "mis. x2: \"Jumlah masalah\"")
        if len(set(self.reporting_units)) != len(self.reporting_units):
            problems.append("unit_pelapor tidak boleh berulang")
        if self.allow_negative and not rules.negative_option:
            problems.append("boleh_negatif hanya untuk jenis " + _kinds_with("negative_option"))
        if self.multiplier != 1 and not rules.uses_multiplier:
            problems.append("pengali hanya untuk jenis " + _kinds_with("uses_multiplier"))
        if self.scale and not rules.uses_scale:
            problems.append("skala hanya untuk jenis " + _kinds_with("uses_scale"))
        if rules.labelled and self.polarity == Polarity.NEGATIVE:
            problems.append(f"jenis {self.kind.value} tidak dapat berpolaritas negatif")
        if self.counted and not rules.met_only:
            problems.append("ikut_rata_rata hanya untuk jenis " + _kinds_with("met_only"))
        problems += self._threshold_problems()
        if self.negative_rule is not None and self.polarity != Polarity.NEGATIVE:
            problems.append("rumus_negatif hanya untuk indikator berpolaritas negatif "
                            "(polaritas: negatif, atau target ambang ≤ / maksimal)")
        if self.final_negative_rule is not None and self.polarity != Polarity.NEGATIVE:
            problems.append("rumus_negatif_target_akhir hanya untuk indikator berpolaritas "
                            "negatif")
        if rules.labelled and len(self.reporting_units) > 1 and self.merge == Merge.SUM:
            problems.append(f"jenis {self.kind.value} tidak dapat dijumlahkan; tulis "
                            "gabung: sama")
        if self.standard is not None and rules.labelled:
            problems.append(f"standar_nasional berupa angka, sehingga tidak untuk jenis "
                            f"{self.kind.value}")
        if self.standard is not None and not self.standard_source:
            problems.append("standar_nasional memerlukan sumber_standar, mis. sumber_standar: "
                            "\"SPM (Permendagri 59/2021)\"")
        if self.standard_source and self.standard is None:
            problems.append("sumber_standar ditulis tanpa standar_nasional; tulis angka "
                            "standarnya, atau hapus sumber_standar")
        problems += self._quarter_problems()
        if problems:
            raise ValueError("; ".join(problems))
        if rules.labelled:  # `target: wtp` or `target: ya` prints as the scale writes it
            for attr in ("target", "final_target"):
                value = getattr(self, attr)
                if isinstance(value, str) and value != NA:
                    object.__setattr__(self, attr, rules.label(self, value))
            if self.quarter_targets is not None:
                object.__setattr__(self, "quarter_targets", tuple(
                    rules.label(self, t) if isinstance(t, str) and t != NA else t
                    for t in self.quarter_targets))
        return self

    def _threshold_problems(self) -> list[str]:
        """A threshold target (≥ / ≤) says the direction: it sets the polarity, and a
        polaritas written against it, or thresholds of both directions, are refused."""
        directions = {}
        for label, value in (("target", self.target), ("target_akhir_rpjmd", self.final_target),
                             *((f"target_triwulan TW {n}", t) for n, t in
                               enumerate(self.quarter_targets or (), 1))):
            threshold = parse_threshold(value) if not self.rules.labelled else None
            if threshold is not None:
                directions[label] = threshold.at_least
        if not directions:
            return []
        if len(set(directions.values())) > 1:
            return ["target ambang harus searah: semuanya ≥/minimal (makin tinggi makin "
                    "baik) atau semuanya ≤/maksimal (makin rendah makin baik)"]
        polarity = Polarity.POSITIVE if next(iter(directions.values())) else Polarity.NEGATIVE
        if "polarity" in self.model_fields_set and self.polarity != polarity:
            sign = AT_LEAST_SIGN if polarity == Polarity.POSITIVE else AT_MOST_SIGN
            return [f"target ambang {sign} berarti polaritas {polarity.value}, tetapi master "
                    f"menulis polaritas: {self.polarity.value}; hapus polaritas atau "
                    "sesuaikan"]
        object.__setattr__(self, "polarity", polarity)
        return []

    def _quarter_problems(self) -> list[str]:
        """``akumulasi`` and ``target_triwulan`` against the kind (Indonesian)."""
        rules, problems = self.rules, []
        given = self.accumulation
        if isinstance(given, dict):
            if "x2" in given and not rules.asks_x2:
                problems.append(f"akumulasi x2: jenis {self.kind.value} tidak memakai x2")
            elif given.get("x2", Accumulation.LAST) != Accumulation.LAST and \
                    rules.x2_from_history:
                problems.append(f"akumulasi x2 jenis {self.kind.value} selalu terakhir: x2 "
                                "adalah nilai tahun lalu, sama di setiap triwulan")
        if self.quarter_targets is not None and rules.met_only and not self.scale:
            problems.append(f"jenis {self.kind.value} tanpa skala tidak memakai "
                            "target_triwulan; tulis diukur_triwulan: [4] bila hanya diukur di "
                            "akhir tahun")
        if rules.labelled and any(r != Accumulation.LAST for r in self.rollup.values()):
            problems.append(f"jenis {self.kind.value} hanya dapat berakumulasi terakhir "
                            "(label tidak dapat dijumlahkan atau dirata-rata)")
        if self.quarter_targets is not None:
            probe = SimpleNamespace(scale=self.scale)
            for n, t in enumerate(self.quarter_targets, 1):
                problems += _target_problems(probe, rules, self.kind, f"target_triwulan TW {n}",
                                             t, self.allow_negative)
            last = self.quarter_targets[3]
            if not problems and _target_key(rules, self, last) != _target_key(
                    rules, self, self.target):
                problems.append("target_triwulan TW IV harus sama dengan target tahun ini "
                                "(angka s.d. TW IV adalah angka tahun itu); target_triwulan "
                                "ditulis kumulatif, mis. [25, 50, 75, 100]")
        return problems

    @property
    def rollup(self) -> dict[str, Accumulation]:
        """Input key (x1, x2) → how its quarterly figures roll up to the year so far."""
        rules = self.rules
        given = self.accumulation
        default = given if isinstance(given, Accumulation) else rules.default_accumulation
        out = {"x1": default}
        if rules.asks_x2:
            out["x2"] = Accumulation.LAST if rules.x2_from_history else default
        if isinstance(given, dict):
            out.update({k: v for k, v in given.items() if k in out})
        return out

    @property
    def measured_quarters(self) -> tuple[int, ...]:
        """The quarters in which the indicator is measured (``diukur_triwulan``; all four
        by default). TW IV is always one."""
        return self.measured or (1, 2, 3, 4)

    def measured_in(self, n: int) -> bool:
        return n in self.measured_quarters

    @property
    def measured_text(self) -> str:
        """``Diukur di TW IV``: what an unmeasured quarter shows in the indicator's place."""
        return measured_text(self.measured_quarters)

    @property
    def measured_phrase(self) -> str:
        """``diukur di TW IV``, inside a sentence."""
        return "d" + self.measured_text[1:]

    def quarter_target(self, n: int) -> Target | None:
        """The target of the year so far at the end of quarter n (``target_triwulan``);
        without it, the year's target for TW IV and None before; None in a quarter in
        which the indicator is not measured (``diukur_triwulan``)."""
        if not self.measured_in(n):
            return None
        if self.quarter_targets is not None:
            return self.quarter_targets[n - 1]
        return self.target if n == 4 else None

    @property
    def rules(self) -> KindRules:
        return rules_of(self.kind)

    @property
    def asks_x2(self) -> bool:
        return self.rules.asks_x2

    @property
    def renstra_title(self) -> str:
        return self.renstra_name or self.name

    @property
    def has_baseline(self) -> bool:
        """The master writes angka_awal_rpjmd (null/NA included: it prints NA)."""
        return "baseline" in self.model_fields_set

    def yearly_targets(self) -> dict[int, Target]:
        """The target of every year the master writes (``target: {2021: 90, 2022: 92}``),
        oldest first; {} when it writes only this year's."""
        if not self.targets_by_year:
            return {}
        out = {}
        for year, value in sorted(self.targets_by_year.items()):
            target = _target(value)
            if self.rules.labelled and isinstance(target, str) and target != NA:
                target = self.rules.label(self, target)
            out[year] = target
        return out

    def target_number(self, target: Target | None) -> float | tuple[float, float] | None:
        """The number (or range) a target stands for: a label's score, a threshold's
        bound; None for NA or an absent target."""
        if target is None or target == NA:
            return None
        if isinstance(target, str):
            if not self.rules.labelled:
                threshold = parse_threshold(target)
                return threshold.value if threshold is not None else None
            return self.rules.target_score(self, target)
        return target

    # --- the rules of % capaian (issue 20) ----------------------------------------------

    @property
    def rule(self) -> NegativeRule:
        """The negative-polarity rule against the year's target: the indicator's own
        ``rumus_negatif``, else the agency's."""
        return self.negative_rule or self.agency_rule

    @property
    def final_rule(self) -> NegativeRule:
        """The rule against the Target Akhir RPJMD: the indicator's own, else the agency's
        ``rumus_negatif_target_akhir``, else the rule of the year's target."""
        return self.final_negative_rule or self.agency_final_rule or self.rule

    # --- how its figures print --------------------------------------------------------------

    @property
    def fixed_realisation(self) -> bool:
        return FixedPart.REALISATION in self.fixed_decimals

    @property
    def fixed_target(self) -> bool:
        return FixedPart.TARGET in self.fixed_decimals

    @property
    def as_printed(self) -> bool:
        """The realisasi prints at exactly its decimals, by the master's rounding (no two
        significant digits for a small value): the decimals are fixed, the rounding is not
        half-up, or capaian is computed from the printed value."""
        return (self.fixed_realisation or self.rounding != Rounding.HALF_UP
                or self.achievement_base == AchievementBase.PRINTED)

    def printed(self, value: float) -> float:
        """A realisasi as printed: rounded to its decimals by the master's rounding."""
        return float(self.printed_decimal(value))

    def printed_decimal(self, value: float) -> Any:
        """The printed realisasi as a Decimal, to compare or subtract printed values."""
        return rounded(value, self.decimals, self.rounding.mode, rescue=not self.as_printed)

    def used_realisation(self, value: float) -> float:
        """The realisasi % capaian divides: the printed one where ``capaian_dari:
        realisasi_tercetak``, else the value itself."""
        if self.achievement_base == AchievementBase.PRINTED and not self.rules.labelled:
            return self.printed(value)
        return value

    def number_text(self, value: float | None, na: str = "-") -> str:
        """A realisasi as a bare number, printed as ``value_text`` prints it."""
        return fmt_number(value, na=na, decimals=self.decimals, fixed=self.fixed_realisation,
                          rounding=self.rounding.mode, rescue=not self.as_printed)

    def value_text(self, value: float | None, na: str = "-") -> str:
        """A realisasi-like number (realisasi, angka awal, standar) in its satuan, with its
        decimals and rounding."""
        return fmt_value(value, self.unit_of_measure, na=na, decimals=self.decimals,
                         fixed=self.fixed_realisation, rounding=self.rounding.mode,
                         rescue=not self.as_printed)

    @property
    def target_places(self) -> int:
        """The decimals of its targets: ``desimal_target``, else ``desimal``."""
        return self.decimals if self.target_decimals is None else self.target_decimals

    def target_text(self, target: Target | None, missing: str = "-") -> str:
        """A target (or target akhir) in its satuan and decimals (``numfmt.fmt_target``)."""
        return fmt_target(target, self.unit_of_measure, self.target_places, missing=missing,
                          fixed=self.fixed_target)


def _target_key(rules: KindRules, ind: Any, target: Any) -> Any:
    """A target compared as its meaning: a label by its scale's spelling."""
    if rules.labelled and isinstance(target, str) and target != NA:
        return rules.label(ind, target)
    return target


def _kinds_with(attribute: str) -> str:
    return ", ".join(k.value for k, r in REGISTRY.items() if getattr(r, attribute))


def _choice(enum: type[StrEnum], value: Any) -> bool:
    """``value`` is one of ``enum``'s values (as a master writes it)."""
    return isinstance(value, str) and value.strip() in {e.value for e in enum}


def _target_problems(probe: Any, rules: KindRules, kind: Kind, label: str, value: Any,
                     allow_negative: bool) -> list[str]:
    if value is None or value == NA:
        return []
    if rules.labelled:
        if not isinstance(value, str) or rules.target_score(probe, value) is None:
            choices = ", ".join(probe.scale) if probe.scale else "Ada"
            return [f"{label} jenis {kind.value} harus salah satu label: {choices}"]
        return []
    if isinstance(value, str):
        threshold = parse_threshold(value)
        if threshold is None:
            return [f"{label} '{value}' bukan angka; tulis mis. 100, 93,55, [80, 90], "
                    "\"≥ 95\" atau NA"]
        value = threshold.value
    low, high = value if isinstance(value, tuple) else (value, value)
    if low > high:
        return [f"rentang {label} harus [bawah, atas] dengan bawah <= atas"]
    if low < 0 and not allow_negative:
        return [f"{label} tidak boleh negatif"]
    return []


class BudgetLine(_Model):
    """The budget of a sasaran, or of one program under it: its pagu is the anggaran the
    Perjanjian Kinerja promises (``iku pk``, signed in January, before anything is spent),
    its realisasi what Bab III LKjIP compares at the year's end."""

    program: str = Field("", alias="program",
                         description="nama program (wajib bila anggaran berupa daftar; "
                                     "dicetak di lampiran Perjanjian Kinerja)")
    ceiling: Number = Field(alias="pagu", gt=0, description="pagu anggaran (rupiah)")
    spent: OptionalNumber = Field(
        None, alias="realisasi", ge=0,
        description="realisasi anggaran (rupiah); boleh tidak ditulis sebelum akhir tahun "
                    "(Perjanjian Kinerja), tetapi Bab III LKjIP memerlukannya")
    note: str = Field("", alias="keterangan",
                      description="keterangan program di lampiran Perjanjian Kinerja, mis. "
                                  "sumber dana APBD (boleh kosong)")

    @model_validator(mode="after")
    def _not_above_ceiling(self) -> BudgetLine:
        if self.spent is not None and self.spent > self.ceiling:
            raise ValueError("realisasi anggaran melebihi pagu; periksa kedua angka")
        return self


def _budget(v: Any) -> Any:
    """``anggaran: {pagu, realisasi}`` or a list of programs ``[{program, pagu, realisasi}]``."""
    if v is None:
        return []
    return [v] if isinstance(v, dict) else v


class Sasaran(_Model):
    number: int = Field(alias="no", ge=1, description="nomor sasaran")
    description: NonEmpty = Field(alias="uraian", description="uraian sasaran (tabel RPJMD)")
    renstra_description: str = Field("", alias="uraian_renstra",
                                     description="uraian sasaran di tabel Sasaran Renstra "
                                                 "(bawaan: uraian)")
    goal: str = Field("", alias="tujuan",
                      description="tujuan Renstra yang didukung sasaran ini, untuk Bab II "
                                  "LKjIP lengkap (opsional)")
    indicators: list[Indicator] = Field(alias="indikator", min_length=1,
                                        description="indikator sasaran ini")
    budget: Annotated[list[BudgetLine], BeforeValidator(_budget)] = Field(
        default_factory=list, alias="anggaran",
        description="anggaran sasaran untuk Perjanjian Kinerja (program dan pagu) dan Bab "
                    "III LKjIP (realisasi): {pagu, realisasi}, atau daftar program [{program, "
                    "pagu, realisasi, keterangan}]; tidak ditulis: bagian anggaran Bab III "
                    "tidak dicetak, tabel program PK dicetak titik-titik")

    @field_validator("budget")
    @classmethod
    def _programs_named(cls, v: list[BudgetLine]) -> list[BudgetLine]:
        if len(v) > 1 and any(not line.program for line in v):
            raise ValueError("anggaran berupa daftar: setiap butir memakai nama program, mis. "
                             "{program: \"Program Pembinaan Ormas\", pagu: 250000000, "
                             "realisasi: 231500000}")
        return v

    @property
    def renstra_title(self) -> str:
        return self.renstra_description or self.description


# Light fills, so the black text of a status cell stays readable (print and screen).
COLOURS = {
    "hijau": "A9D08E", "hijau_muda": "C6E0B4", "kuning": "FFE699", "jingga": "F4B183",
    "oranye": "F4B183", "merah": "FF7C80", "merah_muda": "F8CBAD", "biru": "9DC3E6",
    "abu_abu": "D9D9D9", "putih": "FFFFFF",
}


def _colour(v: Any) -> Any:
    """A colour name (``hijau``) or ``#RRGGBB`` → ``RRGGBB``; None: no shading."""
    if v is None:
        return None
    text = str(v).strip()
    name = re.sub(r"[\s-]+", "_", text.casefold())
    if name in COLOURS:
        return COLOURS[name]
    if re.fullmatch(r"#?[0-9A-Fa-f]{6}", text):
        return text.lstrip("#").upper()
    raise ValueError(f"warna '{text}' tidak dikenal; tulis nama ({', '.join(COLOURS)}) atau "
                     "kode \"#RRGGBB\", mis. \"#C6E0B4\"")


class GradeBand(_Model):
    grade: NonEmpty = Field(alias="predikat", description="predikat, mis. Sangat Baik")
    above: OptionalNumber = Field(None, alias="di_atas",
                                  description="% capaian lebih dari angka ini; kosong untuk "
                                              "baris terakhir")
    fill: Annotated[str | None, BeforeValidator(_colour)] = Field(
        None, alias="warna",
        description="warna sel status di laporan triwulan: " + ", ".join(COLOURS)
                    + " atau \"#RRGGBB\"; tidak ditulis: tanpa warna")


DEFAULT_GRADE_SCALE = (
    ("Sangat Baik", 90.0, "hijau"), ("Baik", 75.0, "hijau_muda"), ("Cukup", 65.0, "kuning"),
    ("Kurang", 50.0, "jingga"), ("Sangat Kurang", None, "merah"),
)


class Settings(_Model):
    # None = no cap; the DOMAIN notes list 100, 120 and 200 as caps used elsewhere.
    achievement_cap: OptionalNumber = Field(None, alias="batas_atas_capaian", gt=0,
                                            description="batas atas % capaian; null = "
                                                        "tanpa batas")
    negative_rule: Annotated[NegativeRule, BeforeValidator(_rule_text)] = Field(
        NegativeRule.TWO_T_MINUS_R, alias="rumus_negatif",
        description="rumus capaian polaritas negatif: \"(2T-R)/T\", \"T/R\" atau \"R/T\" "
                    "(dihitung seperti polaritas positif); satu indikator boleh memakai "
                    "rumusnya sendiri (indikator.rumus_negatif)")
    final_negative_rule: Annotated[NegativeRule | None, BeforeValidator(_rule_text)] = Field(
        None, alias="rumus_negatif_target_akhir",
        description="rumus capaian polaritas negatif terhadap target akhir RPJMD, bila "
                    "berbeda dari rumus_negatif")
    fixed_decimals: Annotated[tuple[FixedPart, ...], BeforeValidator(_fixed_parts(
        tuple(FixedPart)))] = Field(
        (), alias="desimal_tetap",
        description="angka yang dicetak dengan tepat sekian desimal, nol di belakang tetap "
                    "dicetak (84,10; 100,00%): true, false, atau daftar dari realisasi, "
                    "target, capaian; bawaan false (paling banyak sekian desimal: 84,1)")
    rounding: Rounding = Field(Rounding.HALF_UP, alias="pembulatan",
                               description="pembulatan realisasi yang dicetak: biasa atau "
                                           "potong (dipotong, tidak dibulatkan)")
    achievement_base: AchievementBase = Field(
        AchievementBase.EXACT, alias="capaian_dari",
        description="% capaian dihitung dari realisasi_penuh atau realisasi_tercetak")
    achievement_decimals: int = Field(2, alias="desimal_capaian", ge=0, le=4,
                                      description="jumlah desimal % capaian dan rata-rata "
                                                  "(0–4)")
    extra_columns: list[ExtraColumn] = Field(
        default_factory=list, alias="kolom_tambahan",
        description="kolom tambahan tabel capaian: " + ", ".join(c.value for c in ExtraColumn))
    grade_scale: list[GradeBand] = Field(
        default_factory=lambda: [GradeBand(predikat=g, di_atas=a, warna=w) for g, a, w in
                                 DEFAULT_GRADE_SCALE],
        alias="skala_predikat",
        description="predikat dari % capaian, dari tertinggi: [{predikat, di_atas, warna}, "
                    "…]")
    history_section: bool = Field(
        False, alias="bagian_riwayat",
        description="lampiran laporan: capaian lima tahun terakhir dari riwayat, dengan "
                    "grafik (true/false)")
    scales: dict[str, Any] = Field(default_factory=dict, alias="skala",
                                   description="skala bernama untuk jenis predikat, mis. "
                                               "opini_bpk: [WTP, WDP, TW, TMP]")

    @field_validator("grade_scale")
    @classmethod
    def _bands_descending(cls, v: list[GradeBand]) -> list[GradeBand]:
        bounds = [b.above for b in v]
        if not v or bounds[-1] is not None or any(b is None for b in bounds[:-1]):
            raise ValueError("skala_predikat: setiap baris memakai di_atas kecuali baris "
                             "terakhir, mis. {predikat: Sangat Kurang}")
        if any(a <= b for a, b in zip(bounds[:-2], bounds[1:-1], strict=True)):
            raise ValueError("skala_predikat ditulis dari batas tertinggi ke terendah")
        return v

    @property
    def fixed_achievement(self) -> bool:
        return FixedPart.ACHIEVEMENT in self.fixed_decimals

    def percent(self, value: float | None, na: str = "-") -> str:
        """A % capaian (or an average of them) as the agency prints it: ``desimal_capaian``
        decimals, trailing zeros kept when ``desimal_tetap`` lists capaian."""
        return fmt_percent(value, na=na, decimals=self.achievement_decimals,
                           fixed=self.fixed_achievement)

    def printed_percent(self, value: float) -> Any:
        """A % capaian rounded as printed (a Decimal), to compare printed values."""
        return rounded(value, self.achievement_decimals, rescue=not self.fixed_achievement)

    @property
    def cap_written(self) -> bool:
        """The master writes ``batas_atas_capaian`` (a number, or null: no cap, chosen)."""
        return "achievement_cap" in self.model_fields_set

    def grade_of(self, achievement: float | None) -> str | None:
        band = self.band_of(achievement)
        return band.grade if band is not None else None

    def band_of(self, achievement: float | None) -> GradeBand | None:
        """The band of the predikat scale a % capaian falls in (its predikat and colour)."""
        if achievement is None:
            return None
        for band in self.grade_scale:
            if band.above is None or achievement > band.above:
                return band
        return None


class Master(_Model):
    # The YAML text the master was read from: the history stores it with each recorded
    # year, so a signed report can be rebuilt exactly after the master changed.
    _source_text: str = PrivateAttr("")

    schema_version: int = Field(alias="versi_skema", description="versi skema master: 1")
    agency: Agency = Field(alias="instansi", description="identitas instansi")
    units: list[Unit] = Field(alias="unit", min_length=1,
                              description="Sekretariat dan bidang-bidang")
    sasaran: list[Sasaran] = Field(alias="sasaran", min_length=1,
                                   description="sasaran dan indikatornya")
    settings: Settings = Field(default_factory=Settings, alias="pengaturan",
                               description="setelan perhitungan dan kolom")

    @field_validator("schema_version")
    @classmethod
    def _known_schema(cls, v: int) -> int:
        if v != 1:
            raise ValueError("versi_skema yang dikenal hanya 1; tulis versi_skema: 1")
        return v

    @model_validator(mode="before")
    @classmethod
    def _resolve_year_and_scales(cls, data: Any) -> Any:
        """Per-year targets → the year's target; named scales → the scale itself."""
        if not isinstance(data, dict):
            return data
        agency = data.get("instansi")
        year = agency.get("tahun") if isinstance(agency, dict) else None
        settings = data.get("pengaturan")
        scales = settings.get("skala") if isinstance(settings, dict) else None
        defaults = _indicator_defaults(settings if isinstance(settings, dict) else {})
        sasaran = data.get("sasaran")
        if not isinstance(sasaran, list):
            return data
        new_sasaran = []
        for s in sasaran:
            inds = s.get("indikator") if isinstance(s, dict) else None
            if not isinstance(inds, list):
                new_sasaran.append(s)
                continue
            new_inds = []
            for ind in inds:
                if isinstance(ind, dict):
                    ind = {**defaults, **_resolve_indicator(ind, year, scales)}
                new_inds.append(ind)
            new_sasaran.append({**s, "indikator": new_inds})
        return {**data, "sasaran": new_sasaran}

    @model_validator(mode="after")
    def _cross_references(self) -> Master:
        """Codes that must be unique, and units an indicator names, checked across the
        master. Each mistake is reported at the key that holds it (its line, its cell in
        a workbook master), all of them at once."""
        found: list[tuple[tuple[Any, ...], str]] = []
        codes = [u.code for u in self.units]
        for n, code in enumerate(codes):
            if code in codes[:n]:
                found.append((("unit", n, "kode"), f"kode unit berulang: {code}"))
        seen: set[str] = set()
        numbers: set[int] = set()
        for s_index, sasaran in enumerate(self.sasaran):
            if sasaran.number in numbers:
                found.append((("sasaran", s_index, "no"),
                              f"nomor sasaran berulang: {sasaran.number}"))
            numbers.add(sasaran.number)
            for i_index, ind in enumerate(sasaran.indicators):
                at = ("sasaran", s_index, "indikator", i_index)
                if ind.code in seen:
                    found.append(((*at, "kode"), f"kode indikator berulang: {ind.code}"))
                seen.add(ind.code)
                unknown = [u for u in ind.reporting_units if u not in codes]
                if unknown:
                    found.append(((*at, "unit_pelapor"), (
                        f"indikator {ind.code}: unit_pelapor {', '.join(unknown)} tidak ada "
                        f"di daftar unit (kode yang ada: {', '.join(codes)})")))
        if found:
            raise ValidationError.from_exception_data("Master", [
                InitErrorDetails(type=PydanticCustomError("value_error", "{error}",
                                                          {"error": text}),
                                 loc=loc, input=None) for loc, text in found])
        return self

    @property
    def indicators(self) -> list[Indicator]:
        return [i for s in self.sasaran for i in s.indicators]

    def unit(self, code: str) -> Unit:
        return next(u for u in self.units if u.code == code)

    def indicators_of(self, unit_code: str) -> list[Indicator]:
        """The indicators a unit reports, in master order."""
        return [i for s in self.sasaran for i in s.indicators if unit_code in i.reporting_units]

    @property
    def reporting_units(self) -> list[Unit]:
        """Units with at least one indicator to report, in master order (one pass over the
        indicators, not one per unit)."""
        reporting = {code for s in self.sasaran for i in s.indicators
                     for code in i.reporting_units}
        return [u for u in self.units if u.code in reporting]

    @property
    def source_text(self) -> str:
        return self._source_text

    @property
    def output_name(self) -> str:
        """The folder name of this agency's default outputs: ``<kode>_<tahun>``."""
        return f"{self.agency.code}_{self.agency.year}"


def _indicator_defaults(settings: dict) -> dict:
    """What ``pengaturan`` gives every indicator that does not say otherwise: the
    negative-polarity rules, the decimals kept, the rounding and what capaian divides.
    Only valid values are passed on: a wrong one is reported once, at ``pengaturan``."""
    out: dict[str, Any] = {}
    for key, private in (("rumus_negatif", "__rumus_negatif"),
                         ("rumus_negatif_target_akhir", "__rumus_negatif_target_akhir")):
        if _choice(NegativeRule, _rule_text(settings.get(key))):
            out[private] = _rule_text(settings[key])
    for key, enum in (("pembulatan", Rounding), ("capaian_dari", AchievementBase)):
        if _choice(enum, settings.get(key)):
            out[key] = settings[key]
    if "desimal_tetap" in settings:
        try:
            parts = _fixed_parts(tuple(FixedPart))(settings["desimal_tetap"])
        except ValueError:
            parts = ()
        out["desimal_tetap"] = [p.value for p in parts if p != FixedPart.ACHIEVEMENT]
    return out


def _resolve_indicator(ind: dict, year: Any, scales: Any) -> dict:
    ind = dict(ind)
    target = ind.get("target")
    if isinstance(target, dict):
        by_year = {}
        for k, v in target.items():
            if not isinstance(k, int) or not 1900 <= k <= 2100 or v is None:
                by_year = None
                break
            by_year[k] = v
        if by_year is None:
            ind["target"] = _MissingYear("target per tahun ditulis {2021: 90, 2022: 92}: "
                                         "tahun 4 angka, lalu targetnya; angka desimal di "
                                         "dalam { } ditulis dengan tanda kutip, mis. "
                                         "{2021: \"92,5\"}")
        else:
            ind["__target_per_tahun"] = by_year
            if isinstance(year, int) and year in by_year:
                ind["target"] = by_year[year]
            else:
                years = ", ".join(str(y) for y in sorted(by_year))
                ind["target"] = _MissingYear(f"target untuk tahun {year} tidak ada (tahun "
                                             f"yang ada: {years}); tambahkan {year}: …")
    quarters = ind.get("target_triwulan")
    if isinstance(quarters, dict):
        if all(isinstance(k, int) and 1900 <= k <= 2100 for k in quarters):
            if isinstance(year, int) and year in quarters:
                ind["target_triwulan"] = quarters[year]
            else:
                years = ", ".join(str(y) for y in sorted(quarters))
                ind["target_triwulan"] = _MissingYear(
                    f"target_triwulan untuk tahun {year} tidak ada (tahun yang ada: {years}); "
                    f"tambahkan {year}: [..., ..., ..., ...]")
        else:
            ind["target_triwulan"] = _MissingYear(
                "target_triwulan per tahun ditulis {2021: [25, 50, 75, 100]}: tahun 4 angka, "
                "lalu empat target kumulatif")
    scale = ind.get("skala")
    if isinstance(scale, str):
        if isinstance(scales, dict) and scale in scales:
            ind["skala"] = scales[scale]
        else:
            known = ", ".join(scales) if isinstance(scales, dict) and scales else "(belum ada)"
            ind["skala"] = f"__unknown:{scale}:{known}"
    return ind


# --- loading ---------------------------------------------------------------------------


# libyaml's C loader is ~10x faster than the pure-Python one on a large master.
_BaseLoader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


_RESOLVED: dict[tuple[type, type, Any, Any], str] = {}  # ``_Loader.resolve``'s answers
_RESOLVED_SIZE = 20_000


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """YAML 1.1 reads yes/no/on/off as booleans, so `no: 1` would lose its key: only
    true/false are booleans here. A key given twice in one mapping is recorded (with
    both lines) instead of silently keeping the last value. ``1.234`` stays text."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = key_node.value
                line = key_node.start_mark.line + 1
                if key in seen:
                    self.duplicates.append((key, seen[key], line))
                else:
                    seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """A node's tag (PyYAML's ``resolve``, called by libyaml's composer for every
        node), kept per (loader class, kind, value, implicit): a function of these alone
        when the loader has no path resolvers, and a master repeats its keys and values."""
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        key = (type(self), kind, value, implicit)
        found = _RESOLVED.get(key)
        if found is None:
            found = super().resolve(kind, value, implicit)
            if len(_RESOLVED) >= _RESOLVED_SIZE:
                _RESOLVED.clear()
            _RESOLVED[key] = found
        return found

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:
        text = str(node.value).strip()
        if _AMBIGUOUS.match(text):
            return AmbiguousNumber(text)
        return super().construct_yaml_float(node)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)


_TAG = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _TAG + "str", _TAG + "seq", _TAG + "map"
# scalars built by the loader's own constructor for their tag (``_Loader``'s float)
_SCALARS = frozenset(_TAG + t for t in ("null", "bool", "int", "float", "timestamp"))


class _Unusual(Exception):
    """A document the fast construction leaves to PyYAML's (``_construct``)."""


def _construct(loader: _Loader, root: yaml.Node) -> Any:
    """The data of the composed document ``root``, as ``loader.construct_document(root)``
    gives it, built by a direct walk of the nodes: about three times faster than PyYAML's
    constructor, whose generators and state cost more than the building itself on a large
    master. Raise ``_Unusual`` for what only PyYAML's constructor does as it should: a tag
    other than text, null, bool, int, float, timestamp, list and mapping (merge keys
    ``<<`` among them), a node holding itself, a key given twice in a mapping (PyYAML's
    path records it with its lines, ``_Loader.construct_mapping``) or not hashable. A
    node reached twice (an alias) gives the same object, as in PyYAML."""
    constructors = loader.yaml_constructors
    done: dict[int, Any] = {}
    building: set[int] = set()

    def build(node: yaml.Node) -> Any:
        key = id(node)
        if key in done:
            return done[key]
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag == _STR:
                value: Any = node.value  # construct_yaml_str: the scalar as written
            elif tag in _SCALARS:
                value = constructors[tag](loader, node)
            else:
                raise _Unusual
        elif key in building:
            raise _Unusual
        elif isinstance(node, yaml.SequenceNode) and tag == _SEQ:
            building.add(key)
            value = [build(item) for item in node.value]
        elif isinstance(node, yaml.MappingNode) and tag == _MAP:
            building.add(key)
            value = {}
            written: set[str] = set()  # the keys as written (``_Loader.construct_mapping``)
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in written:
                        raise _Unusual
                    written.add(key_node.value)
                name = build(key_node)
                if name in value:  # two keys written differently, the same value
                    raise _Unusual
                value[name] = build(value_node)
        else:
            raise _Unusual
        done[key] = value
        return value

    try:
        return build(root)
    except (TypeError, RecursionError):  # an unhashable key; a very deep document
        raise _Unusual from None


def _document(loader: _Loader) -> Any:
    """``loader.get_single_data()``: the document composed by libyaml, then constructed
    by ``_construct``, or by PyYAML's constructor when that leaves it (``_Unusual``)."""
    node = loader.get_single_node()
    if node is None:
        return None
    try:
        return _construct(loader, node)
    except _Unusual:
        return loader.construct_document(node)


def load_master(path: Path) -> Master:
    """Read and validate a master YAML file; raise MasterError listing every mistake."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise MasterError(f"{path}: berkas master tidak ditemukan") from None
    except IsADirectoryError:
        raise MasterError(f"{path}: ini sebuah folder, bukan berkas master .yaml") from None
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
    data = master_data(text, source)
    try:
        master = Master.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=_Loader)  # node positions, only to name lines
        lines = [_describe(err, root, source) for err in exc.errors()]
        raise MasterError("\n".join(dict.fromkeys(lines))) from None
    master._source_text = text
    return master


def master_data(text: str, source: str = "<master>") -> dict[str, Any]:
    """The master's YAML text as the plain data it holds (Indonesian keys, values as
    written), before validation: what ``parse_master`` validates, and what
    ``iku master ke-xlsx`` writes into a workbook. Raise MasterError for text that is not
    YAML, a key written twice, or a document that is not a mapping."""
    loader = _Loader(text)
    try:
        data = _document(loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" baris {mark.line + 1}" if mark else ""
        problem = _yaml_problem(getattr(exc, "problem", None) or str(exc))
        lines = text.splitlines()
        hint = ""
        if mark and mark.line < len(lines) and "\t" in lines[mark.line]:
            hint = "; gunakan spasi untuk indentasi, bukan tab"
        dash = [n for n in range(max(0, (mark.line if mark else 0) - 2),
                                 min(len(lines), (mark.line if mark else 0) + 1))
                if re.search(r":\s+-\s*$", lines[n])]
        if dash:
            where = f" baris {dash[0] + 1}"
            hint = "; tanda - sendirian dibaca sebagai awal daftar: tulis NA, atau \"-\" " \
                   "dengan tanda kutip"
        raise MasterError(f"{source}{where}: format YAML tidak sah ({problem}){hint}") from None
    finally:
        loader.dispose()
    if loader.duplicates:
        raise MasterError("\n".join(
            f"{source} baris {second}: kunci '{key}' ditulis dua kali dalam satu bagian "
            f"(juga di baris {first}); hapus salah satu"
            for key, first, second in loader.duplicates))
    if not isinstance(data, dict):
        raise MasterError(f"{source}: isi master harus berupa pemetaan kunci: nilai, "
                          "mis. versi_skema: 1")
    return data


_YAML_PROBLEMS = {
    "mapping values are not allowed here": "tanda ':' di tempat yang tidak semestinya; "
    "beri tanda kutip pada teks yang memuat ': '",
    "could not find expected ':'": "tanda ':' tidak ditemukan setelah kunci",
    "found character '\\t' that cannot start any token": "ada karakter tab",
    "expected <block end>, but found '-'": "indentasi daftar tidak rata",
    "found undefined alias": "alias tidak dikenal",
    "while scanning a quoted scalar": "tanda kutip tidak ditutup",
    "found unexpected end of stream": "berkas berakhir sebelum tanda kutip/kurung ditutup",
}


def _yaml_problem(problem: str) -> str:
    for english, indonesian in _YAML_PROBLEMS.items():
        if english in problem:
            return indonesian
    return "susunan tidak dikenali; periksa indentasi, tanda ':' dan tanda kutip"


_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kunci tidak dikenal (periksa ejaan; daftar kunci: docs/MASTER.md)",
    "string_too_short": "tidak boleh kosong",
    "too_short": "tidak boleh kosong",
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "float_parsing": "harus angka",
    "float_type": "harus angka",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "date_from_datetime_parsing": "harus tanggal dengan format TTTT-BB-HH",
    "date_from_datetime_inexact": "harus tanggal dengan format TTTT-BB-HH",
    "date_parsing": "harus tanggal dengan format TTTT-BB-HH",
    "date_type": "harus tanggal dengan format TTTT-BB-HH",
    "enum": "nilai tidak dikenal",
    "literal_error": "nilai tidak dikenal",
    "string_pattern_mismatch": "format kode tidak sah (huruf besar, angka, garis bawah)",
    "list_type": "harus berupa daftar (baris diawali '- ')",
    "string_type": "harus berupa teks",
    "dict_type": "harus berupa bagian dengan kunci: nilai",
    "model_type": "harus berupa bagian dengan kunci: nilai",
    "model_attributes_type": "harus berupa bagian dengan kunci: nilai",
    "tuple_type": "harus berupa rentang [bawah, atas]",
    "greater_than": "harus lebih besar dari {gt}",
    "greater_than_equal": "paling kecil {ge}",
    "less_than": "harus lebih kecil dari {lt}",
    "less_than_equal": "paling besar {le}",
}

# What to write instead, by the key that is wrong: its path (list indexes left out), or
# its name alone.
EXAMPLES = {
    "instansi.kode": "kode: KESBANGPOL_JAMBI",
    "unit.kode": "kode: POLITIK",
    "sasaran.indikator.kode": "kode: S1.1",
    "sasaran.indikator.skala": "skala: [WTP, WDP, TW, TMP]",
    "sasaran.indikator.x1": "x1: \"Jumlah masalah yang diselesaikan\"",
    "sasaran.indikator.x2": "x2: \"Jumlah masalah\"",
    "pengaturan.skala": "skala: {opini_bpk: [WTP, WDP, TW, TMP]}",
    "tahun": "tahun: 2022",
    "tanggal_laporan": "tanggal_laporan: 2022-01-31",
    "jenis": "jenis: persentase",
    "polaritas": "polaritas: positif",
    "target": "target: 100 (atau 93,55; [80, 90]; \"≥ 95\"; NA)",
    "target_akhir_rpjmd": "target_akhir_rpjmd: 100",
    "angka_awal_rpjmd": "angka_awal_rpjmd: 75,5 (atau NA)",
    "capaian_tahun_lalu": "capaian_tahun_lalu: 98,5",
    "realisasi_tahun_lalu": "realisasi_tahun_lalu: 92",
    "desimal": "desimal: 2",
    "pengali": "pengali: 1000",
    "unit_pelapor": "unit_pelapor: [POLITIK]",
    "sumber_data": "sumber_data: [\"Laporan BPS\"]",
    "fungsi": "fungsi: [\"Perumusan kebijakan teknis;\"]",
    "gabung": "gabung: jumlah (atau sama)",
    "rumus_negatif": "rumus_negatif: \"(2T-R)/T\" (atau \"T/R\", \"R/T\")",
    "kolom_tambahan": "kolom_tambahan: [predikat]",
    "batas_atas_capaian": "batas_atas_capaian: 120 (atau null)",
    "jenis_daerah": "jenis_daerah: KABUPATEN",
    "zona_waktu": "zona_waktu: WITA",
    "versi_skema": "versi_skema: 1",
    "no": "no: 1",
    "boleh_negatif": "boleh_negatif: true",
    "isian_bulat": "isian_bulat: false",
    "akumulasi": "akumulasi: jumlah (atau terakhir, rata_rata, {x1: jumlah, x2: terakhir})",
    "target_triwulan": "target_triwulan: [25, 50, 75, 100]",
    "diukur_triwulan": "diukur_triwulan: [4] (atau [2, 4])",
    "warna": "warna: hijau (atau \"#C6E0B4\")",
    "standar_nasional": "standar_nasional: 80",
    "sumber_standar": "sumber_standar: \"SPM (Permendagri 59/2021)\"",
    "sasaran.anggaran": "anggaran: {pagu: 250000000, realisasi: 231500000}",
    "sasaran.anggaran.program": "program: \"Program Pembinaan dan Pengembangan Ormas\"",
    "pagu": "pagu: 250000000",
    "sasaran.anggaran.realisasi": "realisasi: 231500000",
    "sasaran.anggaran.keterangan": "keterangan: APBD",
    "tanggal_pk": "tanggal_pk: 2022-01-14",
    "pihak_kedua": "pihak_kedua: {nama: \"NAMA WALI KOTA\"}",
    "pihak_kedua.nama": "nama: \"NAMA WALI KOTA\"",
    "jenis_instansi": "jenis_instansi: pemerintah_daerah",
    "sebutan_daerah": "sebutan_daerah: KABUPATEN (atau \"\": baris tidak dicetak)",
    "sebutan_instansi": "sebutan_instansi: SKPD (atau \"\": baris tidak dicetak)",
    "tempat_laporan": "tempat_laporan: Jambi (atau tidak ditulis)",
    "desimal_tetap": "desimal_tetap: [realisasi] (atau true, false)",
    "pengaturan.desimal_tetap": "desimal_tetap: [realisasi, capaian] (atau true, false)",
    "pembulatan": "pembulatan: potong (atau biasa)",
    "capaian_dari": "capaian_dari: realisasi_tercetak (atau realisasi_penuh)",
    "sasaran.indikator.rumus_negatif": "rumus_negatif: \"T/R\" (atau \"(2T-R)/T\", \"R/T\")",
    "rumus_negatif_target_akhir": "rumus_negatif_target_akhir: \"(2T-R)/T\"",
    "ikut_rata_rata": "ikut_rata_rata: true",
    "desimal_capaian": "desimal_capaian: 2",
    "desimal_target": "desimal_target: 2",
    "kepala": "kepala: \"Drs. NAMA KEPALA BIDANG\"",
    "visi": "visi: \"Terwujudnya …\"",
    "misi": "misi: [\"Meningkatkan …\", \"Mewujudkan …\"]",
    "periode_renstra": "periode_renstra: 2021-2026",
    "pegawai": "pegawai: {golongan: {IV: 5, III: 20}, pendidikan: {S1: 15, SMA: 10}}",
    "golongan": "golongan: {IV: 5, III: 20, II: 8}",
    "pendidikan": "pendidikan: {S2: 3, S1: 15, SMA: 11}",
    "tujuan": "tujuan: \"Meningkatkan kerukunan umat beragama\"",
}


def example_for(path: str) -> str:
    """The example line for a key path such as ``sasaran.indikator.target``."""
    return EXAMPLES.get(path) or EXAMPLES.get(path.rsplit(".", 1)[-1], "")


def _describe(err: dict[str, Any], root: yaml.Node | None, source: str) -> str:
    loc = error_location(err)
    path = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[")
    line = _line_of(root, loc)
    where = f" baris {line}" if line else ""
    keys = [p for p in loc if isinstance(p, str)]
    example = example_for(".".join(keys)) if keys else None
    field = f" › {path}" if path else ""
    return f"{source}{where}{field}: {error_message(err, example)}"


def error_location(err: dict[str, Any]) -> list[Any]:
    """A pydantic error's location as master keys and list indexes (``["sasaran", 0,
    "indikator", 1, "target"]``), without pydantic's own steps (union members, validators)."""
    return [p for p in err["loc"] if not (isinstance(p, str) and (
        p.startswith(("float", "tuple", "str", "int", "function-")) or p in {"list[str]"}))]


def error_message(err: dict[str, Any], example: str | None) -> str:
    """A pydantic error in Indonesian (no English text from pydantic), with ``example``
    (what to write instead) appended unless the message already gives one."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        msg = str(ctx.get("error", "nilai tidak sah"))
    elif kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " atau ")
        msg = f"nilai tidak dikenal; pilihan: {expected}"  # pydantic joins them in English
    elif kind in _MESSAGES:
        msg = _MESSAGES[kind].format(**{k: _plain(v) for k, v in ctx.items()})
    else:
        msg = "nilai tidak sah"
    if example and "contoh" not in msg and " mis. " not in msg:
        msg += f"; contoh: {example}"
    return msg


def _plain(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).replace(".", ",") if isinstance(v, float) else str(v)


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


# --- what the master leaves out ----------------------------------------------------------


def missing_texts(master: Master) -> list[str]:
    """The optional texts this master leaves out, each saying what the report does instead
    (Indonesian). ``iku validate`` and ``iku templates`` show them as PERINGATAN, once per
    command and apart from the count of the workbooks' problems, so the secretariat decides
    whether something was forgotten; nothing is invented. One line per key: a key every
    unit leaves out is said once, naming the units."""
    out = []
    for key, attr in (("tugas", "duties"), ("fungsi", "functions"), ("iku", "iku")):
        # one line per key, naming every organisation without it (not one per unit)
        units = [u.code for u in master.units if not getattr(u, attr)]
        who = ["instansi"] if not getattr(master.agency, attr) else []
        if units:
            who.append("unit " + ", ".join(units))
        if who:
            out.append(f"{key} tidak diisi untuk {' dan '.join(who)}; bagian itu tidak "
                       "dicetak di Bagian I laporan")
    inds = master.indicators
    for key, attr, what in (
        ("penanggung_jawab", "responsible", "kolom Penanggung Jawab"),
        ("sumber_data", "data_sources", "kolom Sumber Data"),
    ):
        lacking = [i.code for i in inds if not getattr(i, attr)]
        if lacking:
            whole = len(lacking) == len(inds)
            out.append(f"{key} tidak diisi untuk {', '.join(lacking)}; "
                       + (f"{what} tidak dicetak" if whole else "selnya dibiarkan kosong"))
    if not any(i.has_baseline for i in inds):
        out.append("angka_awal_rpjmd tidak ditulis untuk indikator mana pun; kolom Angka Awal "
                   "RPJMD tidak dicetak (tulis NA bila memang tidak tersedia)")
    signatory = master.agency.signatory
    gaps = [name for name, value in (("nama", signatory.name), ("pangkat", signatory.rank),
                                     ("nip", signatory.nip)) if not value]
    if gaps:
        out.append(f"penandatangan: {', '.join(gaps)} tidak diisi; baris itu tidak dicetak")
    agency = master.agency
    blank = [key for key, value in (("tempat_laporan", agency.report_place),
                                    ("tanggal_laporan", agency.report_date)) if not value]
    if blank:
        out.append(f"{' dan '.join(blank)} tidak diisi; di atas tanda tangan dicetak "
                   "titik-titik untuk diisi tangan saat laporan ditandatangani")
    if master.agency.region_guessed:
        out.append(f"jenis_daerah tidak ditulis dan tidak dapat ditebak dari "
                   f"'{master.agency.city}'; dicetak KOTA (tulis jenis_daerah: KABUPATEN atau "
                   "PROVINSI bila perlu)")
    return out


# --- a master from its data, and its data as YAML text ---------------------------------------

YAML_HEADER = """\
# Master IKU {name} tahun {year}.
# Ditulis oleh iku dari buku kerja master; arti setiap kunci, dengan contoh: docs/MASTER.md.
# Kembali ke buku kerja: `iku master ke-xlsx`.
"""


class _Dumper(yaml.SafeDumper):
    """Block style, except a list of short values on one line (``unit_pelapor: [POLITIK]``)."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(x, int | float | str | bool) and len(str(x)) <= 30
                              for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)


def master_text(data: dict[str, Any]) -> str:
    """The master's data as YAML text that ``parse_master`` reads back to the same master:
    what ``iku master ke-yaml`` writes, and the text the history records for a master
    read from a workbook (so a recorded year rebuilds from it as from any YAML)."""
    agency = data.get("instansi") if isinstance(data.get("instansi"), dict) else {}
    header = YAML_HEADER.format(name=agency.get("nama", ""), year=agency.get("tahun", ""))
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096,
                     default_flow_style=False)
    return header + "\n" + body


def master_from_data(data: dict[str, Any], text: str) -> Master:
    """Validate a master's data (raise pydantic's ValidationError, for the caller to say
    where each mistake is); ``text``: its YAML text, kept as ``source_text``."""
    master = Master.model_validate(data)
    master._source_text = text
    return master
