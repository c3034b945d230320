"""The example masters of input_templates/master/contoh/, each through the real CLI.

For every example: ``iku templates`` → each unit's workbook filled with the figures
defined here (typed as a person types them; labels as text) → ``iku validate`` →
``iku report`` → the Word document read back with python-docx. Every printed Target,
Realisasi and Capaian of both Capaian tables, the worked example in Keterangan, the
optional columns, the labels and the notes are compared with what THIS test computes from
the typed figures with the formulas written below and formats in Indonesian; nothing here
asks ``pipeline.compute`` or ``pipeline.kinds`` for an expected number.

Then wrong inputs per kind through ``iku validate``: exact Indonesian messages and cells.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from test_published import PUBLISHED

from pipeline.workbook.sample import fill_workbook

from conftest import cli, closing_texts, table_texts

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES_DIR = ROOT / "input_templates" / "master" / "contoh"
TIMES, MINUS, DASH = "\u00d7", "\u2212", "\u2013"
NA = "NA"


# --- the examples, restated: what each master says and what the units type ----------------


@dataclass(frozen=True)
class Ind:
    code: str
    name: str
    kind: str
    target: float | tuple[float, float] | str  # a number, (low, high), "NA" or a label
    typed: dict[str, tuple]  # unit → (x1, x2) as the unit types it
    unit: str = ""  # satuan, printed as written
    decimals: int = 2
    multiplier: float = 1
    negative: bool = False  # polaritas: negatif
    scale: tuple[str, ...] = ()  # predikat labels, best first
    same: bool = False  # gabung: sama
    baseline: float | None = None  # angka_awal_rpjmd (None: printed NA)
    previous: float | None = None  # capaian_tahun_lalu
    previous_realisation: float | None = None  # realisasi_tahun_lalu
    final_target: float | None = None  # target_akhir_rpjmd


@dataclass(frozen=True)
class Example:
    file: str
    agency: str
    city: str
    region: str  # KOTA / KABUPATEN / PROVINSI
    label: str  # sebutan_instansi as printed
    year: int
    rule: str | None  # the negative-polarity rule printed, None when no indicator is negative
    indicators: tuple[Ind, ...]
    duties: bool = True  # the agency has a tugas
    responsible: bool = True
    sources: bool = True
    baseline: bool = False
    previous: bool = False
    final_target: bool = False
    extra_columns: bool = False
    grade_scale: tuple[tuple[str, float | None], ...] = ()  # (predikat, di_atas)
    nip: bool = True
    units: tuple[str, ...] = field(default_factory=tuple)  # every unit, for Part I


DEFAULT_GRADES = (("Sangat Baik", 90), ("Baik", 75), ("Cukup", 65), ("Kurang", 50),
                  ("Sangat Kurang", None))
BPK = ("WTP", "WDP", "TW", "TMP")
SAKIP = ("AA", "A", "BB", "B", "CC", "C", "D")

EXAMPLES = (
    Example(
        file="kesbangpol_kota_bengkulu_2022.yaml",
        agency="Badan Kesatuan Bangsa dan Politik Kota Bengkulu",
        city="Kota Bengkulu", region="KOTA", label="SKPD", year=2022, rule="T/R",
        baseline=True, previous=True, final_target=True,
        units=("SEKRETARIAT", "POLITIK", "IDEOLOGI"),
        indicators=(
            # crime per 1.000 residents, typed by the Sekretariat from Polresta's figures
            Ind("S1.1", "Angka kriminalitas per 1.000 penduduk", "rasio", 2.1,
                {"SEKRETARIAT": (752, 381217)}, unit="per 1.000 penduduk", multiplier=1000,
                negative=True, baseline=2.45, previous=98.5, final_target=2.0),
            Ind("S2.1", "Persentase penurunan jumlah konflik sosial", "penurunan", 20,
                {"POLITIK": (9, 12)}, unit="%", previous=110, final_target=25),
            Ind("S2.2", "Tersedianya Peraturan Daerah tentang Penanganan Konflik Sosial",
                "ya_tidak", "Ada", {"POLITIK": ("Tidak ada", None)}),
            Ind("S3.1", "Persentase pertumbuhan jumlah ormas yang terdaftar", "pertumbuhan",
                (5, 10), {"IDEOLOGI": (214, 198)}, unit="%", previous=100),
            Ind("S3.2", "Indeks Demokrasi Indonesia (IDI) Provinsi Bengkulu", "nilai", NA,
                {"POLITIK": (78.04, None), "IDEOLOGI": (78.04, None)}, unit="poin", same=True),
        ),
    ),
    Example(
        file="dinkes_provinsi_lampung_2015.yaml",
        agency="Dinas Kesehatan Provinsi Lampung",
        city="Provinsi Lampung", region="PROVINSI", label="SKPD", year=2015,
        rule="(2T-R)/T", final_target=True, extra_columns=True,
        grade_scale=(("Sangat Tinggi", 90), ("Tinggi", 75), ("Sedang", 65), ("Rendah", 50),
                     ("Sangat Rendah", None)),
        units=("SEKRETARIAT", "KESMAS"),
        indicators=(
            # LKj Provinsi Lampung 2015: 4,88 per 1.000 kelahiran hidup against 32 → 184,75%
            Ind("S1.1", "Angka Kematian Bayi (AKB) per 1.000 kelahiran hidup", "rasio", 32,
                {"KESMAS": (732, 150000)}, unit="per 1.000 kelahiran hidup", multiplier=1000,
                negative=True, previous_realisation=5.23, final_target=24),
            Ind("S1.2", "Angka Kematian Ibu (AKI) per 100.000 kelahiran hidup", "rasio", 112,
                {"KESMAS": (234, 150000)}, unit="per 100.000 kelahiran hidup",
                multiplier=100000, negative=True, previous_realisation=98.4,
                final_target=102),
            Ind("S2.1", "Cakupan kunjungan ibu hamil K4", "persentase", (90, 95),
                {"KESMAS": (130000, 163520)}, unit="%", previous_realisation=86.1,
                final_target=95),
            Ind("S2.2", "Persentase dokumen perencanaan dan pelaporan yang tepat waktu",
                "persentase", 100, {"SEKRETARIAT": (9, 12)}, unit="%",
                previous_realisation=80, final_target=100),
        ),
    ),
    Example(
        file="inspektorat_kabupaten_sampang_2019.yaml",
        agency="Inspektorat Kabupaten Sampang",
        city="Kabupaten Sampang", region="KABUPATEN", label="Perangkat Daerah", year=2019,
        rule=None, duties=False, responsible=False, sources=False, nip=False,
        units=("SEKRETARIAT", "IRBAN_I"),
        indicators=(
            Ind("S1.1", "Opini BPK atas Laporan Keuangan Pemerintah Daerah", "predikat",
                "WTP", {"SEKRETARIAT": ("WDP", None)}, scale=BPK),
            Ind("S1.2", "Nilai evaluasi SAKIP Kabupaten", "predikat", "BB",
                {"SEKRETARIAT": ("B", None)}, scale=SAKIP),
            Ind("S2.1", "Persentase rekomendasi hasil pemeriksaan yang ditindaklanjuti",
                "persentase", 85, {"IRBAN_I": (412, 530)}, unit="%"),
        ),
    ),
    Example(
        file="bappeda_kota_pekanbaru_2020.yaml",
        agency="Badan Perencanaan Pembangunan Daerah Kota Pekanbaru",
        city="Kota Pekanbaru", region="KOTA", label="OPD", year=2020, rule="(2T-R)/T",
        baseline=True, previous=True,
        units=("SEKRETARIAT", "EKONOMI", "SOSBUD"),
        indicators=(
            # BPS: Indonesia's 2020 growth −2,07%; Gini March 2020 0,381; IPM 2020 71,94
            Ind("S1.1", "Laju pertumbuhan ekonomi", "nilai", 5.5, {"EKONOMI": (-2.07, None)},
                unit="%", baseline=5.41, previous=102.3),
            Ind("S1.2", "Gini Ratio", "nilai", 0.375, {"EKONOMI": (0.381, None)}, decimals=3,
                negative=True, baseline=0.384, previous=99.2),
            Ind("S2.1", "Indeks Pembangunan Manusia (IPM)", "nilai", 72,
                {"SOSBUD": (71.94, None)}, baseline=70.18, previous=100.1),
            Ind("S3.1", "Jumlah dokumen perencanaan daerah yang ditetapkan tepat waktu",
                "jumlah", 4, {"SEKRETARIAT": (3, None)}, unit="dokumen", decimals=0,
                baseline=3, previous=100),
            Ind("S3.2", "Tersedianya Perda tentang Perubahan RPJMD Kota Pekanbaru 2017-2022",
                "ya_tidak", "Ada", {"SEKRETARIAT": ("Ada", None)}),
        ),
    ),
)


# --- independent arithmetic and Indonesian formatting -------------------------------------


def id_number(x: float, decimals: int = 2) -> str:
    """Half-up to ``decimals`` places (two significant digits if that would print a
    non-zero value as 0), trailing zeros dropped, thousands dot, decimal comma."""
    d = Decimal(repr(float(x)))
    q = d.quantize(Decimal(10) ** -decimals, rounding=ROUND_HALF_UP)
    if q == 0 and d != 0:
        q = d.quantize(Decimal(10) ** (d.adjusted() - 1), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    frac = frac.rstrip("0")
    whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + frac if frac else "")


def id_percent(x: float) -> str:
    return id_number(x) + "%"


def id_value(x: float, unit: str, decimals: int) -> str:
    if unit == "%":
        return id_number(x, decimals) + "%"
    return f"{id_number(x, decimals)} {unit}".rstrip()


def score(scale: tuple[str, ...], label: str) -> float:
    return float(len(scale) - scale.index(label))  # best label = number of labels, worst 1


def combined(ind: Ind) -> tuple:
    """x1, x2 over the reporting units: one figure for gabung: sama, else the sums."""
    typed = list(ind.typed.values())
    if ind.same or len(typed) == 1:
        return typed[0]
    x2s = [x2 for _, x2 in typed]
    return sum(x1 for x1, _ in typed), (None if x2s[0] is None else sum(x2s))


def realisation(ind: Ind) -> float:
    x1, x2 = combined(ind)
    formulas = {
        "persentase": lambda: x1 / x2 * 100,
        "rasio": lambda: x1 / x2 * ind.multiplier,
        "jumlah": lambda: x1,
        "nilai": lambda: x1,
        "pertumbuhan": lambda: (x1 - x2) / x2 * 100,
        "penurunan": lambda: (x2 - x1) / x2 * 100,
        "predikat": lambda: score(ind.scale, x1),
        "ya_tidak": lambda: 100.0 if x1 == "Ada" else 0.0,
    }
    return formulas[ind.kind]()


def target_number(ind: Ind, target) -> float | tuple[float, float] | None:
    if target is None or target == NA:
        return None
    if ind.kind == "predikat":
        return score(ind.scale, target)
    if ind.kind == "ya_tidak":
        return 100.0 if target == "Ada" else 0.0
    return target


def capaian(ind: Ind, r: float, target, rule: str | None) -> float | None:
    t = target_number(ind, target)
    if t is None:
        return None
    if isinstance(t, tuple):
        low, high = t
        if low <= r <= high:
            return 100.0
        t = high if r > high else low
    if not ind.negative:
        return r / t * 100
    if rule == "T/R":
        return t / r * 100
    return max(0.0, (2 * t - r) / t * 100)  # (2T − R)/T


def grade(example: Example, value: float | None) -> str:
    for label, above in example.grade_scale:
        if value is not None and (above is None or value > above):
            return label
    return "-"


def value_text(ind: Ind, r: float) -> str:
    if ind.kind in ("predikat", "ya_tidak"):
        return combined(ind)[0]
    return id_value(r, ind.unit, ind.decimals)


def target_text(ind: Ind, target) -> str:
    if target == NA or isinstance(target, str):
        return target
    if isinstance(target, tuple):
        low, high = target
        return f"{id_number(low, ind.decimals)}{DASH}{id_value(high, ind.unit, ind.decimals)}"
    return id_value(target, ind.unit, ind.decimals)


def worked_example(ind: Ind, r: float) -> str:
    x1, x2 = combined(ind)
    shown = value_text(ind, r)
    if ind.kind == "persentase":
        return f"y = {id_number(x1)}/{id_number(x2)} {TIMES} 100% = {shown}"
    if ind.kind == "rasio":
        return f"y = {id_number(x1)}/{id_number(x2)} {TIMES} {id_number(ind.multiplier)} = {shown}"
    if ind.kind in ("jumlah", "nilai"):
        return f"y = x\u2081 = {shown}"
    if ind.kind in ("pertumbuhan", "penurunan"):
        a, b = (x1, x2) if ind.kind == "pertumbuhan" else (x2, x1)
        change = f"({id_number(a)} {MINUS} {id_number(b)})"
        return f"y = {change}/{id_number(x2)} {TIMES} 100% = {shown}"
    if ind.kind == "predikat":
        return f"y = x\u2081 = {x1} (skor {id_number(r)} dari {len(ind.scale)})"
    return f"y = x\u2081 = {x1} ({id_percent(r)})"


# --- running the CLI ------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _tracebacks_fail(monkeypatch):
    """With IKU_DEBUG the CLI re-raises instead of printing GALAT INTERNAL (exit 3), so an
    unexpected exception surfaces in ``result.exception`` and fails the test."""
    monkeypatch.setenv("IKU_DEBUG", "1")



def figures(example: Example) -> dict[str, dict[str, tuple]]:
    """unit → {Kode: (x1, x2)}: what each unit types."""
    out: dict[str, dict[str, tuple]] = {}
    for ind in example.indicators:
        for unit, values in ind.typed.items():
            out.setdefault(unit, {})[ind.code] = values
    return out


def fill(example: Example, blank: Path, inputs: Path, changes=None) -> dict[str, Path]:
    """Type every unit's figures (``changes``: unit → {Kode: (x1, x2)} typed instead);
    return unit → the filled workbook."""
    inputs.mkdir(parents=True, exist_ok=True)
    filled = {}
    for unit, values in figures(example).items():
        values = {**values, **(changes or {}).get(unit, {})}
        (template,) = blank.glob(f"Isian_IKU_{example.year}_{unit}.xlsx")
        filled[unit] = inputs / f"Isian {unit}.xlsx"
        fill_workbook(template, values, filled[unit])
    return filled


def templates(example: Example, tmp_path: Path) -> Path:
    blank = tmp_path / "templat"
    cli("templates", "-c", EXAMPLES_DIR / example.file, "--out", blank)
    return blank


@dataclass
class Built:
    example: Example
    document: docx.document.Document
    validate_output: str


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda e: e.file.removesuffix(".yaml"))
def built(request, tmp_path_factory) -> Built:
    example = request.param
    tmp_path = tmp_path_factory.mktemp(example.file.removesuffix(".yaml"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKU_DEBUG", "1")
        blank = templates(example, tmp_path)
        inputs = tmp_path / "isian"
        fill(example, blank, inputs)
        master = EXAMPLES_DIR / example.file
        checked = cli("validate", "-c", master, "-i", inputs)
        out = tmp_path / "laporan.docx"
        cli("report", "-c", master, "-i", inputs, "--out", out)
    return Built(example, docx.Document(out), checked.output)


# --- reading the report -------------------------------------------------------------------


def table(document, first_headers: set[str]) -> list[list[str]]:
    for rows in table_texts(document):
        if first_headers <= set(rows[0]):
            return rows
    raise AssertionError(f"no table with headers {first_headers}")


def rpjmd(document) -> tuple[dict[str, int], list[list[str]]]:
    """The RPJMD table: column label → index (the year's sub-headings from row 2), and the
    rows below the two heading rows."""
    rows = table(document, {"Sasaran", "Indikator Kinerja"})
    head = {text: i for i, text in reversed(list(enumerate(rows[1])))}
    for i, text in reversed(list(enumerate(rows[0]))):
        head.setdefault(text, i)
    return head, rows[2:]


def renstra(document) -> tuple[dict[str, int], list[list[str]]]:
    rows = table(document, {"Sasaran Renstra", "Keterangan"})
    return {text: i for i, text in reversed(list(enumerate(rows[0])))}, rows[1:]


def paragraphs(document) -> list[str]:
    """Body paragraphs outside the data tables, in order; the notes and the signature that
    the report keeps in the closing row of its last table (pipeline/word/pagination.py)
    included."""
    return [p.text for p in document.paragraphs] + closing_texts(document)


def row_of(rows, column: int, name: str) -> list[str]:
    (row,) = [r for r in rows if r[column] == name or r[column].endswith(". " + name)]
    return row


# --- the tests: every figure ----------------------------------------------------------------


def test_every_example_master_is_tested():
    """The folder holds exactly these masters, each with exactly these indicators (read
    with plain PyYAML, not the project's loader), and the masters built from published
    tables, checked against their sources in tests/test_published.py."""
    assert sorted(p.name for p in EXAMPLES_DIR.glob("*.yaml")) == sorted(
        [e.file for e in EXAMPLES] + list(PUBLISHED))
    for example in EXAMPLES:
        data = yaml.safe_load((EXAMPLES_DIR / example.file).read_text(encoding="utf-8"))
        codes = [i["kode"] for s in data["sasaran"] for i in s["indikator"]]
        assert codes == [i.code for i in example.indicators], example.file
        assert data["instansi"]["nama"] == example.agency


def test_validate_accepts_the_figures(built):
    assert "0 galat" in built.validate_output
    assert "Semua isian sah" in built.validate_output


def test_rpjmd_table_figures(built):
    example = built.example
    head, rows = rpjmd(built.document)
    for ind in example.indicators:
        r = realisation(ind)
        row = row_of(rows, head["Indikator Kinerja"], ind.name)
        c = capaian(ind, r, ind.target, example.rule)
        got = [row[head[k]] for k in ("Target", "Realisasi", "% Capaian")]
        expected = [target_text(ind, ind.target), value_text(ind, r),
                    NA if c is None else id_percent(c)]
        assert got == expected, ind.code
        if example.extra_columns:
            final = capaian(ind, r, ind.final_target, example.rule)
            assert row[head["Predikat"]] == grade(example, c), ind.code
            assert row[head[f"Realisasi {example.year - 1} (Kondisi Awal)"]] == id_value(
                ind.previous_realisation, ind.unit, ind.decimals), ind.code
            assert row[head["% Capaian thd Target Akhir RPJMD"]] == (
                "-" if final is None else id_percent(final)), ind.code
        if example.baseline:
            assert row[head["Angka Awal RPJMD"]] == (
                NA if ind.baseline is None else id_value(ind.baseline, ind.unit, ind.decimals))
        if example.previous:
            assert row[head[f"% Capaian {example.year - 1}"]] == (
                "-" if ind.previous is None else id_percent(ind.previous))
        if example.final_target:
            assert row[head["Target Akhir RPJMD"]] == (
                "-" if ind.final_target is None else target_text(ind, ind.final_target))


def test_renstra_table_figures_and_worked_examples(built):
    example = built.example
    head, rows = renstra(built.document)
    for ind in example.indicators:
        r = realisation(ind)
        c = capaian(ind, r, ind.target, example.rule)
        row = row_of(rows, head["Indikator Kinerja Utama"], ind.name)
        got = [row[head[k]] for k in ("Target", "Realisasi", "Capaian")]
        assert got == [target_text(ind, ind.target), value_text(ind, r),
                       NA if c is None else id_percent(c)], ind.code
        if example.extra_columns:
            assert row[head["Predikat"]] == grade(example, c), ind.code
        lines = row[head["Keterangan"]].splitlines()
        assert worked_example(ind, r) in lines, (ind.code, lines)


def test_average_leaves_out_na_targets(built):
    example = built.example
    head, rows = rpjmd(built.document)
    (average,) = [r for r in rows if r[0].startswith("RATA-RATA")]
    values = [capaian(i, realisation(i), i.target, example.rule) for i in example.indicators]
    counted = [v for v in values if v is not None]
    mean = sum(counted) / len(counted)
    assert average[head["% Capaian"]] == id_percent(mean)
    if len(counted) < len(values):
        assert f"rata-rata dari {len(counted)} dari {len(values)} indikator" in average[0]
        na = [i.code for i in example.indicators if i.target == NA]
        (note,) = [p for p in paragraphs(built.document) if p.startswith("- Target NA")]
        assert f"(belum ditetapkan: {', '.join(na)})" in note
        assert "tidak ikut dihitung dalam rata-rata" in note
    else:
        assert average[0] == "RATA-RATA % CAPAIAN"
    if example.previous:
        previous = [i.previous for i in example.indicators if i.previous is not None]
        assert average[head[f"% Capaian {example.year - 1}"]] == id_percent(
            sum(previous) / len(previous))
    if example.extra_columns:
        assert average[head["Predikat"]] == grade(example, mean)


# --- the tests: what is printed around the figures ------------------------------------------


def test_optional_columns_present_only_when_the_master_has_them(built):
    example = built.example
    head, _ = rpjmd(built.document)
    renstra_head, _ = renstra(built.document)
    previous_year = example.year - 1
    expected = {
        "Angka Awal RPJMD": example.baseline,
        f"% Capaian {previous_year}": example.previous,
        "Target Akhir RPJMD": example.final_target,
        f"Realisasi {previous_year} (Kondisi Awal)": example.extra_columns,
        "% Capaian thd Target Akhir RPJMD": example.extra_columns,
        "Predikat": example.extra_columns,
    }
    assert {k: k in head for k in expected} == expected
    expected = {"Penanggung Jawab": example.responsible, "Sumber Data": example.sources,
                "Predikat": example.extra_columns}
    assert {k: k in renstra_head for k in expected} == expected


def test_part_one_prints_only_what_the_master_has(built):
    example = built.example
    text = paragraphs(built.document)
    names = [p for p in text if p.startswith("1.\tNama Organisasi\t:\t")]
    # Part I: the agency then every unit; Part II names the agency again
    assert names[0] == f"1.\tNama Organisasi\t:\t{example.agency}"
    assert len(names) == len(example.units) + 2
    duties = [p for p in text if p.startswith("2.\tTugas\t:\t")]
    assert bool(duties) == example.duties
    if not example.duties:  # no tugas, fungsi or IKU anywhere: only the names are printed
        numbered = [p for p in text if "\t:" in p and p[:1].isdigit()]
        assert numbered == names
    assert any(p.startswith("NIP. ") for p in text) == example.nip


def test_region_and_agency_labels(built):
    example = built.example
    text = paragraphs(built.document)
    assert f"{example.region}\t: {example.city.upper()}" in text
    assert f"{example.label.upper()}\t: {example.agency.upper()}" in text
    others = {"KOTA", "KABUPATEN", "PROVINSI"} - {example.region}
    assert not any(p.startswith(f"{o}\t:") for o in others for p in text)


NEGATIVE_RULES = {
    "(2T-R)/T": f"% capaian = (2 {MINUS} realisasi/target) {TIMES} 100%",
    "T/R": f"% capaian = target/realisasi {TIMES} 100%",
}


def test_notes_state_the_negative_rule_and_the_scales(built):
    example = built.example
    notes = [p for p in paragraphs(built.document) if p.startswith("- ")]
    negative = [i.code for i in example.indicators if i.negative]
    rule_notes = [n for n in notes if "berpolaritas negatif" in n]
    if example.rule is None:
        assert not negative and not rule_notes
    else:
        (note,) = rule_notes
        assert f"({'makin rendah makin baik: ' + ', '.join(negative)})" in note
        assert NEGATIVE_RULES[example.rule] in note
        (other,) = set(NEGATIVE_RULES) - {example.rule}
        assert NEGATIVE_RULES[other] not in note
    for ind in example.indicators:
        if ind.kind == "predikat":
            scores = ", ".join(f"{lab} = {len(ind.scale) - i}" for i, lab in
                               enumerate(ind.scale))
            assert any(f"Indikator {ind.code} berupa predikat" in n and f"(skor: {scores})"
                       in n for n in notes), ind.code
    grade_notes = [n for n in notes if n.startswith("- Predikat capaian: ")]
    if example.extra_columns:
        bands, upper = [], None
        for label, above in example.grade_scale:
            if above is None:
                bands.append(f"\u2264 {upper}% {label}")
            elif upper is None:
                bands.append(f"> {above}% {label}")
            else:
                bands.append(f"> {above}%{DASH}{upper}% {label}")
            upper = above
        assert grade_notes == [f"- Predikat capaian: {'; '.join(bands)}."]
    else:
        assert grade_notes == []


# --- the workbooks, as a spreadsheet program shows them -----------------------------------


def header_and_rows(sheet) -> tuple[dict[str, int], dict[str, int]]:
    """Header label → 1-based column and Kode → 1-based row, found by the labels."""
    for row in sheet.iter_rows():
        labels = {c.value: c.column for c in row if isinstance(c.value, str)}
        if {"Kode", "x1", "x2"} <= set(labels):
            header_row = row[0].row
            break
    codes = {}
    for row in sheet.iter_rows(min_row=header_row + 1):
        value = row[labels["Kode"] - 1].value
        if value:
            codes[str(value)] = row[0].row
    return labels, codes


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda e: e.file.removesuffix(".yaml"))
def test_filled_workbooks_show_the_same_figures_in_libreoffice(ex, tmp_path):
    """Staff see live Realisasi and % Capaian while typing: recalculated by LibreOffice, they
    are the figures this test computes (the agency's negative rule, the year's target, a
    label's score, NA for an NA target)."""
    filled = fill(ex, templates(ex, tmp_path), tmp_path / "isian")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'lo_profile').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
                    *map(str, filled.values())], check=True, capture_output=True, timeout=300)
    by_code = {i.code: i for i in ex.indicators}
    for unit, path in filled.items():
        sheet = openpyxl.load_workbook(tmp_path / "lo" / path.name, data_only=True)["Isian"]
        columns, rows = header_and_rows(sheet)
        for code in figures(ex)[unit]:
            ind = by_code[code]
            r = realisation(ind)
            c = capaian(ind, r, ind.target, ex.rule)
            shown_r = sheet.cell(rows[code], columns["Realisasi (y)"]).value
            shown_c = sheet.cell(rows[code], columns["% Capaian"]).value
            if ind.kind in ("predikat", "ya_tidak"):
                assert shown_r == combined(ind)[0], (unit, code)
            else:
                assert shown_r == pytest.approx(r), (unit, code)
            assert shown_c == (NA if c is None else pytest.approx(c)), (unit, code)


# --- wrong inputs, per kind -----------------------------------------------------------------


def cell_of(workbook: Path, code: str, column: str) -> str:
    """The A1 address of Kode ``code``'s ``column`` ("x1"/"x2") cell, found with openpyxl
    by the header labels, as a person would find it."""
    columns, rows = header_and_rows(openpyxl.load_workbook(workbook)["Isian"])
    return f"{openpyxl.utils.get_column_letter(columns[column])}{rows[code]}"


def example(file: str) -> Example:
    (found,) = [e for e in EXAMPLES if file in e.file]
    return found


WRONG = [
    # (example, unit, Kode, typed (x1, x2), the cell, the message after "file › Isian!cell: ")
    ("inspektorat", "SEKRETARIAT", "S1.1", ("Wajar", None), "x1",
     "x1 berisi 'Wajar', bukan salah satu pilihan; pilih dari daftar: WTP, WDP, TW, TMP"),
    ("inspektorat", "SEKRETARIAT", "S1.2", ("BBB", None), "x1",
     "x1 berisi 'BBB', bukan salah satu pilihan; pilih dari daftar: AA, A, BB, B, CC, C, D"),
    ("inspektorat", "SEKRETARIAT", "S1.1", (None, None), "x1",
     "x1 belum diisi; pilih salah satu: WTP, WDP, TW, TMP"),
    ("inspektorat", "IRBAN_I", "S2.1", (412, 530.5), "x2",
     "x2 berisi 530,5, bukan bilangan bulat; x2 adalah jumlah (cacah)."),
    ("inspektorat", "IRBAN_I", "S2.1", (-3, 530), "x1",
     "x1 tidak boleh negatif; isi dengan angka 0 atau lebih"),
    ("bappeda", "SOSBUD", "S2.1", (-71.94, None), "x1",  # IPM: an index, 0 is no figure
     "x1 tidak boleh negatif; isi dengan nilai hasil pengukuran, tanpa tanda minus"),
    ("bappeda", "SEKRETARIAT", "S3.1", (3.5, None), "x1",
     "x1 berisi 3,5, bukan bilangan bulat; x1 adalah jumlah (cacah)."),
    ("bappeda", "SEKRETARIAT", "S3.2", ("Sudah", None), "x1",
     "x1 berisi 'Sudah', bukan salah satu pilihan; pilih dari daftar: Ada, Tidak ada"),
    ("bappeda", "EKONOMI", "S1.1", ("-2,07%", None), "x1",
     "x1 berisi persen '-2,07%'; ketik angkanya saja tanpa tanda %, mis. 5,25"),
    ("bengkulu", "SEKRETARIAT", "S1.1", (752, 0), "x2",
     "x2 tidak boleh 0; x2 adalah pembagi dan harus lebih dari 0"),
    ("bengkulu", "IDEOLOGI", "S3.1", (214, 0), "x2",
     "x2 tidak boleh 0; x2 adalah pembagi dan harus lebih dari 0"),
    ("bengkulu", "POLITIK", "S2.1", (9.5, 12), "x1",
     "x1 berisi 9,5, bukan bilangan bulat; x1 adalah jumlah (cacah)."),
    ("lampung", "KESMAS", "S1.1", (-732, 150000), "x1",
     "x1 tidak boleh negatif; isi dengan angka 0 atau lebih"),
]


@pytest.mark.parametrize(("file", "unit", "code", "typed", "column", "message"), WRONG,
                         ids=[f"{w[0]}-{w[2]}-{w[4]}-{w[3][0] if w[4] == 'x1' else w[3][1]}"
                              for w in WRONG])
def test_wrong_input_is_refused_with_its_cell(tmp_path, file, unit, code, typed, column,
                                              message):
    ex = example(file)
    blank = templates(ex, tmp_path)
    filled = fill(ex, blank, tmp_path / "isian", {unit: {code: typed}})
    result = cli("validate", "-c", EXAMPLES_DIR / ex.file, "-i", tmp_path / "isian", code=1)
    where = f"GALAT: {filled[unit].name} › Isian!{cell_of(filled[unit], code, column)}: "
    errors = [line for line in result.output.splitlines() if line.startswith("GALAT")]
    assert len(errors) == 1, result.output
    assert errors[0].startswith(where + message), errors[0]


def test_gabung_sama_units_that_disagree_get_one_error_naming_both_cells(tmp_path):
    ex = example("kesbangpol")
    blank = templates(ex, tmp_path)
    filled = fill(ex, blank, tmp_path / "isian", {"IDEOLOGI": {"S3.2": (78.4, None)}})
    result = cli("validate", "-c", EXAMPLES_DIR / ex.file, "-i", tmp_path / "isian", code=1)
    errors = [line for line in result.output.splitlines() if line.startswith("GALAT")]
    politik, ideologi = (f"{filled[u].name} › Isian!{cell_of(filled[u], 'S3.2', 'x1')}"
                         for u in ("POLITIK", "IDEOLOGI"))
    (error,) = errors
    # one GALAT, placed at one of the two cells, naming both with what each unit typed
    # (decimal comma: 78.04 would read as 7804 to an Indonesian reader)
    assert error.startswith((f"GALAT: {politik}: ", f"GALAT: {ideologi}: ")), error
    assert error.split(": ", 2)[2].startswith(
        "x1 indikator S3.2 harus sama di semua unit pelapor (gabung: sama: satu angka untuk "
        "seluruh daerah), tetapi berbeda: "), error
    assert f"{politik} = 78,04" in error and f"{ideologi} = 78,4" in error, error
    assert error.endswith("; samakan angkanya"), error
    # the report is refused, and says why
    result = cli("report", "-c", EXAMPLES_DIR / ex.file, "-i", tmp_path / "isian",
                 "--out", tmp_path / "laporan.docx", code=1)
    assert "Laporan TIDAK dibuat" in result.output
    assert not (tmp_path / "laporan.docx").exists()



def test_label_targets_print_as_the_scale_writes_them(tmp_path):
    """`target: wtp` (any case or spacing) is the scale's WTP: the report and the workbook
    print WTP, as they print the realisasi, not the text as typed."""
    ex = example("sampang")
    text = (EXAMPLES_DIR / ex.file).read_text(encoding="utf-8")
    assert "target: WTP" in text and "target: BB" in text
    master = tmp_path / ex.file
    master.write_text(text.replace("target: WTP", "target: wtp").replace(
        "target: BB", 'target: " bb "'), encoding="utf-8")
    blank = tmp_path / "templat"
    cli("templates", "-c", master, "--out", blank)
    filled = fill(ex, blank, tmp_path / "isian")
    out = tmp_path / "laporan.docx"
    cli("report", "-c", master, "-i", tmp_path / "isian", "--out", out)
    document = docx.Document(out)
    for head, rows in (rpjmd(document), renstra(document)):
        column = head.get("Indikator Kinerja", head.get("Indikator Kinerja Utama"))
        for code, name, target in (("S1.1", ex.indicators[0].name, "WTP"),
                                   ("S1.2", ex.indicators[1].name, "BB")):
            assert row_of(rows, column, name)[head["Target"]] == target, code
    sheet = openpyxl.load_workbook(filled["SEKRETARIAT"])["Isian"]
    columns, rows = header_and_rows(sheet)
    assert sheet.cell(rows["S1.1"], columns["Target"]).value == "WTP"
    assert sheet.cell(rows["S1.2"], columns["Target"]).value == "BB"
