"""The unit templates and the sample submissions, read back with openpyxl and calamine.

openpyxl (an independent reader of what xlsxwriter wrote) checks cell metadata: locks,
validation, print setup; LibreOffice, when installed, checks that the live formulas give
the numbers ``compute`` gives.
"""

from __future__ import annotations

import io
import random
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from pipeline.compute import achievement, realisation
from pipeline.domain import spec
from pipeline.domain.kinds import InputRule, Kind, rules_of
from pipeline.domain.master import Indicator, Master, Polarity, Settings, load_master, parse_master
from pipeline.domain.spec import definition_fingerprint
from pipeline.errors import OutputError, UsageError
from pipeline.paths import SAMPLE_MASTER
from pipeline.workbook.sample import fill_workbook, seed_values, write_sample_inputs
from pipeline.workbook.templates import (
    NOT_ASKED_TEXT,
    achievement_formula,
    input_message,
    target_text,
    template_filename,
    write_all_templates,
    write_template,
)

from conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "libreoffice_saved_KETAHANAN.xlsx"
HEADER = spec.HEADER_ROW + 1  # openpyxl rows are 1-based
FIRST = spec.FIRST_DATA_ROW + 1
COL = {key: index + 1 for key, index in spec.COLUMN_INDEX.items()}  # 1-based columns

MASTER_YAML = """\
versi_skema: 1
instansi:
  nama: Badan Kesatuan Bangsa dan Politik Kota Jambi
  nama_singkat: Kesbangpol
  kota: Jambi
  tahun: 2021
  tempat_laporan: Jambi
  tanggal_laporan: 2022-01-31
  tugas: Melaksanakan urusan pemerintahan daerah.
  fungsi: [Perumusan kebijakan teknis]
  iku:
    - uraian: Jumlah kebijakan teknis
      alasan: Mengukur kinerja organisasi
  penandatangan: {jabatan: KEPALA BADAN, nama: Nama Kepala}
unit:
  - kode: SEKRETARIAT
    nama: Sekretariat
    tugas: Membantu Kepala Badan.
    fungsi: [Penyusunan rencana]
    iku: [{uraian: Laporan, alasan: Kinerja, sumber_data: [Sekretariat]}]
  - kode: POLITIK
    nama: Bidang Politik dan Kewaspadaan Daerah
    tugas: Membantu Kepala Badan.
    fungsi: [Penyusunan rencana]
    iku: [{uraian: Konflik, alasan: Kinerja, sumber_data: [Bidang Politik]}]
  - kode: IDEOLOGI
    nama: Bidang Bina Ideologi dan Wawasan Kebangsaan
    tugas: Membantu Kepala Badan.
    fungsi: [Penyusunan rencana]
    iku: [{uraian: Ideologi, alasan: Kinerja, sumber_data: [Bidang Ideologi]}]
  - kode: KETAHANAN
    nama: Bidang Ketahanan Seni Budaya, Agama, Kemasyarakatan dan Ekonomi
    tugas: Membantu Kepala Badan.
    fungsi: [Penyusunan rencana]
    iku: [{uraian: Ormas, alasan: Kinerja, sumber_data: [Bidang Ketahanan]}]
sasaran:
  - no: 1
    uraian: Terselesainya masalah agama
    indikator:
      - kode: S1.1
        nama: Persentase penyelesaian permasalahan keagamaan
        y: Persentase penyelesaian masalah keagamaan
        x1: Jumlah permasalahan keagamaan yang diselesaikan
        x2: Jumlah permasalahan keagamaan
        target: 100
        penanggung_jawab: Badan Kesbangpol Kota Jambi dan Tim
        sumber_data: [FKUB]
        unit_pelapor: [KETAHANAN]
  - no: 2
    uraian: Menurunnya angka konflik
    indikator:
      - kode: S2.1
        nama: Persentase konflik yang diatasi
        y: Persentase konflik yang diatasi
        x1: Jumlah konflik
        x2: Jumlah konflik yang diatasi
        target: 100
        penanggung_jawab: Badan Kesbangpol
        sumber_data: [PAKEM]
        unit_pelapor: [KETAHANAN, POLITIK]
      - kode: S2.2
        nama: '=HYPERLINK("http://contoh.invalid","klik")'
        y: Rasio temuan
        x1: "+Jumlah temuan"
        x2: "@Jumlah pemeriksaan"
        jenis: rasio
        polaritas: negatif
        target: [80, 90]
        penanggung_jawab: Badan Kesbangpol
        sumber_data: [PAKEM]
        unit_pelapor: [POLITIK]
  - no: 3
    uraian: Meningkatkan ormas aktif
    indikator:
      - kode: S3.1
        nama: Persentase organisasi kemasyarakatan yang aktif
        y: Persentase ormas aktif
        x1: Jumlah ormas aktif
        x2: Jumlah ormas terdaftar
        target: 87.5
        penanggung_jawab: Badan Kesbangpol
        sumber_data: [Ketahanan]
        unit_pelapor: [KETAHANAN]
      - kode: S3.2
        nama: Jumlah ormas yang mendaftar
        jenis: jumlah
        y: Jumlah ormas yang mendaftar
        x1: Jumlah ormas yang mendaftar pada tahun berjalan
        target: 12
        penanggung_jawab: Badan Kesbangpol
        sumber_data: [Ketahanan]
        unit_pelapor: [KETAHANAN, SEKRETARIAT]
"""

UNIT_CODES = {
    "SEKRETARIAT": ["S3.2"],
    "POLITIK": ["S2.1", "S2.2"],
    "KETAHANAN": ["S1.1", "S2.1", "S3.1", "S3.2"],
}


@pytest.fixture(scope="module")
def master() -> Master:
    return parse_master(MASTER_YAML)


@pytest.fixture(scope="module")
def written(master: Master, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = write_all_templates(master, tmp_path_factory.mktemp("templat"))
    return {p.name.removesuffix(".xlsx").split("_")[-1]: p for p in paths}


def _sheet(path: Path | io.BytesIO, name: str = spec.SHEET):
    return openpyxl.load_workbook(path)[name]


def _has_soffice() -> bool:
    return shutil.which("soffice") is not None


def _libreoffice_resave(src: Path, out_dir: Path) -> Path:
    """Open and save src with LibreOffice (it computes every formula on the way)."""
    profile = out_dir / "lo_profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir / "lo"),
            str(src),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out_dir / "lo" / src.name


# --- files and sheets -------------------------------------------------------------------


def test_one_file_per_reporting_unit_named_by_year_and_code(written: dict[str, Path]) -> None:
    assert [p.name for p in written.values()] == [
        "Isian_IKU_2021_SEKRETARIAT.xlsx",
        "Isian_IKU_2021_POLITIK.xlsx",
        "Isian_IKU_2021_KETAHANAN.xlsx",
    ]  # IDEOLOGI reports nothing: no template


def test_sheet_names(written: dict[str, Path]) -> None:
    assert openpyxl.load_workbook(written["POLITIK"]).sheetnames == [spec.SHEET, spec.META_SHEET]


def test_heading_rows(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    assert ws["A1"].value == "ISIAN CAPAIAN INDIKATOR KINERJA UTAMA TAHUN 2021"
    assert str(ws["A2"].value) == "Instansi: Badan Kesatuan Bangsa dan Politik Kota Jambi"
    assert (
        str(ws["A3"].value)
        == "Unit: Bidang Ketahanan Seni Budaya, Agama, Kemasyarakatan dan Ekonomi"
    )
    instructions = ws["A5"].value
    for phrase in (
        "Isi hanya sel berwarna kuning",
        "tanpa pemisah ribuan",
        "tanpa satuan, tanpa tanda %",
        "Jangan mengubah kolom Kode",
        "menyisipkan",
        "terhitung otomatis",
        "(.xlsx)",
        "kirim kembali ke sekretariat",
        "Nama berkas boleh diubah",
    ):
        assert phrase in instructions
    assert all(ws.cell(row=r, column=1).value is None for r in range(7, HEADER))


@pytest.mark.parametrize("unit", sorted(UNIT_CODES))
def test_header_row_holds_exactly_the_spec_labels(written: dict[str, Path], unit: str) -> None:
    ws = _sheet(written[unit])
    labels = [ws.cell(row=HEADER, column=c).value for c in range(1, ws.max_column + 1)]
    assert labels == [c.label for c in spec.COLUMNS]


@pytest.mark.parametrize(("unit", "codes"), sorted(UNIT_CODES.items()))
def test_one_row_per_indicator_in_master_order(
    written: dict[str, Path], unit: str, codes: list[str]
) -> None:
    ws = _sheet(written[unit])
    rows = list(ws.iter_rows(min_row=FIRST, values_only=True))
    assert [r[COL["code"] - 1] for r in rows] == codes
    assert [r[COL["no"] - 1] for r in rows] == list(range(1, len(codes) + 1))
    assert ws.max_row == FIRST + len(codes) - 1


def test_row_contents(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    row = [c.value for c in ws[FIRST + 2]]  # S3.1
    assert row == [
        3,
        "S3.1",
        "Persentase organisasi kemasyarakatan yang aktif\ny = Persentase ormas aktif",
        "Jumlah ormas aktif",
        None,
        "Jumlah ormas terdaftar",
        None,
        '=IF(AND(ISNUMBER(E11),ISNUMBER(G11),G11<>0),E11/G11*100,"")',
        87.5,
        '=IF(ISNUMBER(H11),H11/I11*100,"")',
        None,
        None,
    ]


def test_count_indicator_does_not_ask_x2(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    x2 = ws.cell(row=FIRST + 3, column=COL["x2"])  # S3.2, jenis jumlah
    assert x2.value == NOT_ASKED_TEXT
    assert x2.protection.locked is True
    assert x2.fill.fgColor.rgb == "FFD9D9D9"
    assert ws.cell(row=FIRST + 3, column=COL["realisation"]).value == '=IF(ISNUMBER(E12),E12,"")'


def test_range_target_is_text(written: dict[str, Path]) -> None:
    ws = _sheet(written["POLITIK"])
    assert ws.cell(row=FIRST + 1, column=COL["target"]).value == "80–90"


# --- protection and validation ----------------------------------------------------------


@pytest.mark.parametrize("unit", sorted(UNIT_CODES))
def test_only_input_cells_are_unlocked(master: Master, written: dict[str, Path], unit: str) -> None:
    ws = _sheet(written[unit])
    unlocked = {
        (cell.row, cell.column)
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=len(spec.COLUMNS))
        for cell in row
        if not cell.protection.locked
    }
    expected = set()
    for offset, ind in enumerate(master.indicators_of(unit)):
        expected |= {(FIRST + offset, COL["x1"]), (FIRST + offset, COL["note"]),
                     (FIRST + offset, COL["analysis"])}
        if ind.asks_x2:
            expected.add((FIRST + offset, COL["x2"]))
    assert unlocked == expected
    for row, col in expected:
        assert ws.cell(row=row, column=col).fill.fgColor.rgb == "FFFFF200"


def test_sheet_protected_without_password(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    assert ws.protection.insertRows is True  # True means "forbidden" in OOXML
    assert ws.protection.deleteRows is True
    assert ws.protection.formatColumns is False  # widening columns is allowed


X1_COUNT = InputRule("x1", "")
X2_COUNT = InputRule("x2", "", nonzero=True)


@pytest.mark.parametrize(
    ("unit", "ranges"),
    [
        ("KETAHANAN", [("E9:E12", X1_COUNT), ("G9:G11", X2_COUNT)]),
        ("POLITIK", [("E9:E10", X1_COUNT), ("G9:G10", X2_COUNT)]),
        ("SEKRETARIAT", [("E9", X1_COUNT)]),
    ],
)
def test_validation_on_x1_and_asked_x2(written: dict[str, Path], unit: str, ranges) -> None:
    rules = _sheet(written[unit]).data_validations.dataValidation
    assert [str(r.sqref) for r in rules] == [r for r, _ in ranges]
    for rule, (_, input_rule) in zip(rules, ranges, strict=True):
        assert (rule.type, rule.operator or "between") == ("whole", "between")
        assert (rule.formula1, rule.formula2) == ("0", str(spec.MAX_COUNT))
        assert rule.allow_blank is True
        assert (rule.showInputMessage, rule.showErrorMessage) == (True, True)
        assert (rule.prompt, rule.error) == input_message(input_rule)


@pytest.mark.parametrize("rule", [
    X1_COUNT, X2_COUNT, InputRule("x1", "", negative=True, whole=False),
    InputRule("x1", "", choices=("AA", "A", "BB", "B", "CC", "C", "D")),
])
def test_validation_messages_fit_excel_limit(rule: InputRule) -> None:
    for message in input_message(rule):
        assert 0 < len(message) <= 255


# --- formulas ---------------------------------------------------------------------------


def _indicator(kind: str = "persentase", target=100, polarity: str = "positif", **extra):
    return Indicator.model_validate({
        "kode": "K1", "nama": "Uji", "jenis": kind, "x1": "a", "x2": "b", "target": target,
        "polaritas": polarity, "unit_pelapor": ["A"], **extra})


@pytest.mark.parametrize(
    ("kind", "extra", "formula"),
    [
        (Kind.PERCENTAGE, {}, '=IF(AND(ISNUMBER(E9),ISNUMBER(G9),G9<>0),E9/G9*100,"")'),
        (Kind.RATIO, {}, '=IF(AND(ISNUMBER(E9),ISNUMBER(G9),G9<>0),E9/G9,"")'),
        (Kind.RATIO, {"pengali": 1000},
         '=IF(AND(ISNUMBER(E9),ISNUMBER(G9),G9<>0),E9/G9*1000,"")'),
        (Kind.COUNT, {}, '=IF(ISNUMBER(E9),E9,"")'),
        (Kind.GROWTH, {},
         '=IF(AND(ISNUMBER(E9),ISNUMBER(G9),G9<>0),(E9-G9)/G9*100,"")'),
        (Kind.DECREASE, {},
         '=IF(AND(ISNUMBER(E9),ISNUMBER(G9),G9<>0),(G9-E9)/G9*100,"")'),
    ],
)
def test_realisation_formula(kind: Kind, extra: dict, formula: str) -> None:
    ind = _indicator(kind.value, **extra)
    assert rules_of(kind).excel_realisation(ind, "E9", "G9") == formula


@pytest.mark.parametrize(
    ("target", "polarity", "cap", "formula"),
    [
        (100.0, Polarity.POSITIVE, None, '=IF(ISNUMBER(H9),H9/I9*100,"")'),
        (10.0, Polarity.NEGATIVE, None, '=IF(ISNUMBER(H9),MAX(0,(2-H9/I9)*100),"")'),
        (0.0, Polarity.POSITIVE, None, '=IF(ISNUMBER(H9),100,"")'),
        (0.0, Polarity.NEGATIVE, None, '=IF(ISNUMBER(H9),IF(H9=0,100,0),"")'),
        (100.0, Polarity.POSITIVE, 120.0, '=IF(ISNUMBER(H9),MIN(120,H9/I9*100),"")'),
        (
            (80.0, 90.5),
            Polarity.POSITIVE,
            None,
            '=IF(ISNUMBER(H9),IF(AND(H9>=80,H9<=90.5),100,IF(H9>90.5,H9/90.5*100,H9/80*100)),"")',
        ),
        (
            (0.0, 5.0),
            Polarity.NEGATIVE,
            None,
            "=IF(ISNUMBER(H9),IF(AND(H9>=0,H9<=5),100,"
            'IF(H9>5,MAX(0,(2-H9/5)*100),IF(H9=0,100,0))),"")',
        ),
        ("NA", Polarity.POSITIVE, None, '=IF(ISNUMBER(H9),"NA","")'),
    ],
)
def test_achievement_formula(target, polarity: Polarity, cap, formula: str) -> None:
    ind = _indicator(target=list(target) if isinstance(target, tuple) else target,
                     polarity=polarity.value)
    settings = Settings(batas_atas_capaian=cap)
    assert achievement_formula(ind, "H9", "I9", settings) == formula


def test_achievement_formula_t_over_r() -> None:
    ind = _indicator(target=10, polarity="negatif")
    settings = Settings(rumus_negatif="T/R")
    assert achievement_formula(ind, "H9", "I9", settings) == (
        '=IF(ISNUMBER(H9),IF(H9=0,200,I9/H9*100),"")')


@pytest.mark.parametrize(("target", "decimals", "fixed", "text"), [
    ((80.0, 90.0), 2, False, "80–90"), ((87.5, 90.0), 2, False, "87,5–90"),
    ((87.55, 90.0), 1, False, "87,6–90"),
    ((1000.0, 2500.5), 2, False, "1.000–2.500,5"),  # Indonesian thousands, as everywhere else
    ((80.0, 90.5), 2, True, "80,00–90,50"),  # desimal_tetap: [target]
    ("≥ 95", 2, False, "≥ 95"), ("maksimal 5,5", 2, True, "maksimal 5,50"),  # thresholds
])
def test_target_text(target, decimals: int, fixed: bool, text: str) -> None:
    """A range or a threshold in the Target cell: the indicator's decimals (exactly them
    where the master fixes them), no unit (Satuan has its own column); the same text as
    ``numfmt.fmt_target`` gives the report."""
    assert target_text(SimpleNamespace(target_places=decimals, fixed_target=fixed), target) == text


@pytest.mark.parametrize("unit", sorted(UNIT_CODES))
def test_formulas_in_every_row(written: dict[str, Path], unit: str) -> None:
    ws = _sheet(written[unit])
    for row in range(FIRST, ws.max_row + 1):
        for key in ("realisation", "achievement"):
            cell = ws.cell(row=row, column=COL[key])
            assert cell.data_type == "f"
            assert cell.value.startswith("=IF(")


# --- formula injection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("indicator", '=HYPERLINK("http://contoh.invalid","klik")\ny = Rasio temuan'),
        ("x1_meaning", "+Jumlah temuan"),
        ("x2_meaning", "@Jumlah pemeriksaan"),
    ],
)
def test_master_text_that_looks_like_a_formula_stays_text(
    written: dict[str, Path], key: str, text: str
) -> None:
    cell = _sheet(written["POLITIK"]).cell(row=FIRST + 1, column=COL[key])  # S2.2
    assert cell.value == text
    assert cell.data_type == "s"
    assert cell.quotePrefix is True  # retyping the cell keeps it text
    with zipfile.ZipFile(written["POLITIK"]) as z:
        assert "HYPERLINK" not in z.read("xl/worksheets/sheet1.xml").decode()


# --- view and print ---------------------------------------------------------------------


def test_freeze_panes_and_print_setup(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (None, 0)  # None = 1
    assert ws.print_title_rows == f"${HEADER}:${HEADER}"


def test_column_widths_from_spec(written: dict[str, Path]) -> None:
    ws = _sheet(written["KETAHANAN"])
    for index, column in enumerate(spec.COLUMNS):
        width = ws.column_dimensions[spec.col_letter(index)].width
        assert width == pytest.approx(column.width, abs=0.72)  # xlsxwriter adds padding


# --- metadata ---------------------------------------------------------------------------


def _expected_meta(master: Master, unit: str) -> dict[str, str]:
    return {
        "jenis_dokumen": "iku-isian",
        "versi_template": spec.TEMPLATE_VERSION,
        "instansi": "Badan Kesatuan Bangsa dan Politik Kota Jambi",
        "tahun": "2021",
        "kode_unit": unit,
        "nama_unit": master.unit(unit).name,
        "sidik_definisi": definition_fingerprint(master, unit),
        "periode": "tahunan",
    }


@pytest.mark.parametrize("unit", sorted(UNIT_CODES))
def test_metadata_sheet_hidden_with_values(
    master: Master, written: dict[str, Path], unit: str
) -> None:
    book = openpyxl.load_workbook(written[unit])
    meta = book[spec.META_SHEET]
    assert meta.sheet_state == "veryHidden"
    pairs = [(r[0].value, r[1].value) for r in meta.iter_rows(max_col=2)]
    assert pairs == list(_expected_meta(master, unit).items())
    assert all(isinstance(value, str) for _, value in pairs)


@pytest.mark.parametrize("unit", sorted(UNIT_CODES))
def test_custom_properties_mirror_metadata(
    master: Master, written: dict[str, Path], unit: str
) -> None:
    book = openpyxl.load_workbook(written[unit])
    props = {p.name: p.value for p in book.custom_doc_props.props}
    assert props == _expected_meta(master, unit)


def test_document_properties(master: Master, written: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(written["POLITIK"])
    assert book.properties.title == (
        "Isian Capaian IKU 2021 - Bidang Politik dan Kewaspadaan Daerah"
    )
    assert book.properties.created.year == 2021
    with zipfile.ZipFile(written["POLITIK"]) as z:
        app = z.read("docProps/app.xml").decode()
    assert "<Company>Badan Kesatuan Bangsa dan Politik Kota Jambi</Company>" in app


def test_fingerprint_is_short_hex_and_differs_per_unit(master: Master) -> None:
    prints = {u: definition_fingerprint(master, u) for u in UNIT_CODES}
    assert all(len(p) == 16 and int(p, 16) >= 0 for p in prints.values())
    assert len(set(prints.values())) == len(prints)


@pytest.mark.parametrize(
    ("old", "new", "changes"),
    [
        ("x1: Jumlah ormas aktif", "x1: Jumlah ormas yang aktif", True),
        ("target: 87.5", "target: 90", True),
        ("y: Persentase ormas aktif", "y: Persentase ormas yang aktif", True),
        ("nama: Persentase organisasi", "nama: Persentase ormas", True),
        (
            "sumber_data: [Ketahanan]\n        unit_pelapor: [KETAHANAN]",
            "sumber_data: [Lain]\n        unit_pelapor: [KETAHANAN]",
            False,
        ),
        ("penanggung_jawab: Badan Kesbangpol Kota Jambi dan Tim", "penanggung_jawab: Tim", False),
    ],
)
def test_fingerprint_follows_the_shown_definitions(
    master: Master, old: str, new: str, changes: bool
) -> None:
    assert old in MASTER_YAML
    edited = parse_master(MASTER_YAML.replace(old, new, 1))
    before, after = (definition_fingerprint(m, "KETAHANAN") for m in (master, edited))
    assert (before != after) is changes


# --- determinism and errors -------------------------------------------------------------


def test_two_writes_give_identical_bytes(master: Master, tmp_path: Path) -> None:
    first, second = io.BytesIO(), io.BytesIO()
    write_template(master, "KETAHANAN", first)
    write_template(master, "KETAHANAN", second)
    write_template(master, "KETAHANAN", tmp_path / "x.xlsx")
    assert first.getvalue() == second.getvalue() == (tmp_path / "x.xlsx").read_bytes()
    assert list(tmp_path.iterdir()) == [tmp_path / "x.xlsx"]  # no temporary file left


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (
            "HUKUM",
            "unit 'HUKUM' tidak ada di master (kode yang ada: "
            "SEKRETARIAT, POLITIK, IDEOLOGI, KETAHANAN)",
        ),
        ("IDEOLOGI", "unit 'IDEOLOGI' tidak melaporkan indikator apa pun"),
    ],
)
def test_unknown_or_silent_unit_is_refused(master: Master, unit: str, message: str) -> None:
    with pytest.raises(UsageError) as exc:
        write_template(master, unit, io.BytesIO())
    assert str(exc.value) == message


def test_unwritable_folder_is_an_output_error(master: Master, tmp_path: Path) -> None:
    (tmp_path / "berkas").write_text("bukan folder")
    with pytest.raises(OutputError, match="tidak dapat menulis"):
        write_template(master, "POLITIK", tmp_path / "berkas" / "x.xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["berkas"]  # nothing half-written


def test_template_filename(master: Master) -> None:
    assert template_filename(master, "POLITIK") == "Isian_IKU_2021_POLITIK.xlsx"


# --- filling ----------------------------------------------------------------------------


def _read_by_code(path: Path) -> dict[str, tuple]:
    """x1, x2 and Catatan per Kode, read with calamine, columns found by label."""
    book = CalamineWorkbook.from_path(str(path))
    grid = book.get_sheet_by_name(spec.SHEET).to_python(skip_empty_area=False)
    header = next(i for i, r in enumerate(grid) if "Kode" in r and "x1" in r and "x2" in r)
    col = {label: grid[header].index(label) for label in ("Kode", "x1", "x2", "Catatan")}
    return {
        r[col["Kode"]]: (r[col["x1"]], r[col["x2"]], r[col["Catatan"]])
        for r in grid[header + 1 :]
        if r[col["Kode"]]
    }


def test_fill_writes_by_code_not_position(written: dict[str, Path], tmp_path: Path) -> None:
    # A template whose rows were reordered (S3.1 and S1.1 swapped, values only).
    book = openpyxl.load_workbook(written["KETAHANAN"])
    ws = book[spec.SHEET]
    a, b = FIRST, FIRST + 2
    for col in range(1, len(spec.COLUMNS) + 1):
        top, bottom = ws.cell(row=a, column=col), ws.cell(row=b, column=col)
        top.value, bottom.value = bottom.value, top.value
    reordered = tmp_path / "reordered.xlsx"
    book.save(reordered)

    out = tmp_path / "filled.xlsx"
    fill_workbook(
        reordered,
        {"S1.1": (3, 4), "S3.1": (7, 8), "S3.2": (9, None)},
        out,
        note={"S1.1": "=1+1 bukan rumus"},
    )
    assert _read_by_code(out) == {
        "S3.1": (7.0, 8.0, ""),
        "S2.1": ("", "", ""),
        "S1.1": (3.0, 4.0, "=1+1 bukan rumus"),
        "S3.2": (9.0, NOT_ASKED_TEXT, ""),
    }
    cell = openpyxl.load_workbook(out)[spec.SHEET].cell(row=b, column=COL["note"])
    assert (cell.value, cell.data_type) == ("=1+1 bukan rumus", "s")


def test_fill_keeps_template_features(written: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "filled.xlsx"
    fill_workbook(written["KETAHANAN"], {"S1.1": (1, 1)}, out)
    book = openpyxl.load_workbook(out)
    ws = book[spec.SHEET]
    assert ws.protection.sheet is True
    assert book[spec.META_SHEET].sheet_state == "veryHidden"
    assert [str(r.sqref) for r in ws.data_validations.dataValidation] == ["E9:E12", "G9:G11"]
    assert {p.name for p in book.custom_doc_props.props} == set(spec.META_KEYS)
    assert ws.freeze_panes == f"A{FIRST}"


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"S9.9": (1, 1)}, "Kode not in sheet Isian: S9.9"),
        ({"S3.2": (1, 1)}, "S3.2: the x2 cell is locked (not asked for)"),
    ],
)
def test_fill_refuses_what_a_person_could_not_type(
    written: dict[str, Path], tmp_path: Path, values: dict, error: str
) -> None:
    with pytest.raises(ValueError) as exc:
        fill_workbook(written["KETAHANAN"], values, tmp_path / "x.xlsx")
    assert str(exc.value) == error


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fill_random_counts_round_trip(
    master: Master, written: dict[str, Path], tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    values = {
        ind.code: (
            rng.randint(0, spec.MAX_COUNT),
            rng.randint(0, 500) if ind.asks_x2 else None,
        )
        for ind in master.indicators_of("KETAHANAN")
    }
    out = tmp_path / "random.xlsx"
    fill_workbook(written["KETAHANAN"], values, out)
    got = _read_by_code(out)
    for code, (x1, x2) in values.items():
        assert got[code][0] == x1
        assert got[code][1] == (NOT_ASKED_TEXT if x2 is None else x2)


def test_sample_inputs_reproduce_the_seed(master: Master, tmp_path: Path) -> None:
    paths = write_sample_inputs(master, tmp_path)
    assert [p.name for p in paths] == [
        template_filename(master, u) for u in ("SEKRETARIAT", "POLITIK", "KETAHANAN")
    ]
    totals: dict[str, list[float]] = {}
    for unit, path in zip(UNIT_CODES, paths, strict=True):
        meta = dict(openpyxl.load_workbook(path)[spec.META_SHEET].iter_rows(values_only=True))
        assert meta["kode_unit"] == unit
        for code, (x1, x2, _) in _read_by_code(path).items():
            total = totals.setdefault(code, [0, 0])
            total[0] += x1
            total[1] += 0 if x2 == NOT_ASKED_TEXT else x2
    assert totals == {
        "S1.1": [1, 1],
        "S2.1": [2, 2],
        "S2.2": [1, 1],
        "S3.1": [1, 1],
        "S3.2": [2, 0],
    }


@pytest.mark.skipif(not SAMPLE_MASTER.exists(), reason="sample master not written yet")
def test_sample_inputs_of_the_bundled_master(tmp_path: Path) -> None:
    sample = load_master(SAMPLE_MASTER)
    paths = write_sample_inputs(sample, tmp_path)
    assert len(paths) == len(sample.reporting_units)
    totals: dict[str, list[float]] = {}
    for path in paths:
        for code, (x1, x2, _) in _read_by_code(path).items():
            total = totals.setdefault(code, [0, 0])
            total[0], total[1] = total[0] + x1, total[1] + x2
    for ind in sample.indicators:
        n = len(ind.reporting_units)
        assert totals[ind.code] == [n, n]  # y = 100% everywhere, as in the 2021 document
    assert totals["S2.1"] == [3, 3]


def test_seed_values(master: Master) -> None:
    assert seed_values(master, "KETAHANAN") == {
        "S1.1": (1, 1),
        "S2.1": (1, 1),
        "S3.1": (1, 1),
        "S3.2": (1, None),
    }


# --- LibreOffice ------------------------------------------------------------------------

FORMULA_CASES = [  # (jenis, polaritas, target, x1, x2)
    ("persentase", "positif", "100", 3, 4),
    ("persentase", "positif", "87.5", 7, 7),
    ("persentase", "negatif", "10", 3, 20),
    ("persentase", "negatif", "10", 30, 20),  # floored at 0
    ("rasio", "positif", "2", 5, 2),
    ("jumlah", "positif", "12", 9, None),
    ("jumlah", "negatif", "0", 0, None),
    ("jumlah", "negatif", "0", 4, None),
    ("jumlah", "positif", "0", 4, None),
    ("persentase", "positif", "[80, 90]", 17, 20),  # inside
    ("persentase", "positif", "[80, 90]", 19, 20),  # above
    ("persentase", "positif", "[80, 90]", 3, 4),  # below
    ("persentase", "negatif", "[80, 90]", 19, 20),
    ("persentase", "negatif", "[0, 5]", 1, 10),
    ("persentase", "positif", "100", 1, 0),  # x2 = 0: no realisasi
]


def _formula_master() -> Master:
    indicators = []
    for i, (kind, polarity, target, _, _) in enumerate(FORMULA_CASES):
        x2 = "" if kind == "jumlah" else "\n        x2: penyebut"
        indicators.append(
            f"""      - kode: F{i}
        nama: Kasus {i}
        jenis: {kind}
        polaritas: {polarity}
        y: hasil
        x1: pembilang{x2}
        target: {target}
        penanggung_jawab: Tim
        sumber_data: [Tim]
        unit_pelapor: [KETAHANAN]"""
        )
    head = MASTER_YAML.split("sasaran:")[0]
    body = "\n".join(indicators)
    return parse_master(f"{head}sasaran:\n  - no: 1\n    uraian: Uji\n    indikator:\n{body}\n")


@pytest.mark.libreoffice
@pytest.mark.skipif(not _has_soffice(), reason="LibreOffice (soffice) not installed")
def test_live_formulas_agree_with_compute(tmp_path: Path) -> None:
    master = _formula_master()
    template = tmp_path / "template.xlsx"
    write_template(master, "KETAHANAN", template)
    filled = tmp_path / "Isian_uji.xlsx"
    fill_workbook(template, {f"F{i}": (c[3], c[4]) for i, c in enumerate(FORMULA_CASES)}, filled)
    ws = openpyxl.load_workbook(_libreoffice_resave(filled, tmp_path), data_only=True)[spec.SHEET]
    for offset, ind in enumerate(master.indicators):
        _, _, _, x1, x2 = FORMULA_CASES[offset]
        y = realisation(ind, x1, x2)
        shown_y = ws.cell(row=FIRST + offset, column=COL["realisation"]).value
        shown_c = ws.cell(row=FIRST + offset, column=COL["achievement"]).value
        if y is None:
            assert shown_y in ("", None) and shown_c in ("", None), ind.code  # shown blank
            continue
        assert shown_y == pytest.approx(y), ind.code
        assert shown_c == pytest.approx(achievement(y, ind.target, ind.polarity)), ind.code


@pytest.mark.skipif(not FIXTURE.exists(), reason="fixture not generated")
def test_libreoffice_saved_fixture_still_reads() -> None:
    """A filled template saved by LibreOffice 7.4: how tests/fixtures/README.md made it."""
    book = openpyxl.load_workbook(FIXTURE, data_only=True)
    ws = book[spec.SHEET]
    assert book[spec.META_SHEET].sheet_state == "hidden"  # veryHidden does not survive
    meta = dict(book[spec.META_SHEET].iter_rows(max_col=2, values_only=True))
    assert meta["kode_unit"] == "KETAHANAN"
    assert meta["jenis_dokumen"] == spec.DOC_KIND
    assert {p.name: p.value for p in book.custom_doc_props.props} == meta
    assert ws.protection.sheet is True
    unlocked = [
        c.coordinate for row in ws.iter_rows(min_row=1) for c in row if not c.protection.locked
    ]
    assert unlocked == ["E9", "G9", "K9", "E10", "G10", "K10", "E11", "G11", "K11"]
    assert [str(r.sqref) for r in ws.data_validations.dataValidation] == ["E9:E11", "G9:G11"]
    assert (ws.print_title_rows, ws.page_setup.orientation, ws.page_setup.paperSize) == (
        f"${HEADER}:${HEADER}",
        "landscape",
        9,
    )
    # made before the Analisis column existed: an older workbook without it still reads
    assert [c.value for c in ws[HEADER]] == [
        c.label for c in spec.COLUMNS if c.key != "analysis"]
    assert _read_by_code(FIXTURE) == {
        "S1.1": (3.0, 4.0, ""),
        "S2.1": (5.0, 8.0, ""),
        "S3.1": (7.0, 7.0, ""),
    }
    cached = [
        (
            ws.cell(row=r, column=COL["realisation"]).value,
            ws.cell(row=r, column=COL["achievement"]).value,
        )
        for r in range(FIRST, FIRST + 3)
    ]
    assert cached == [(75, 75), (62.5, 62.5), (100, 100)]


@pytest.mark.parametrize("extra", [[], ["--triwulan", "2"]], ids=["tahunan", "triwulan"])
def test_an_output_folder_that_cannot_be_made_is_named_in_indonesian(tmp_path, extra):
    """A file where the folder should be: both kinds of unit workbook say so, exit 1, and
    the file stays as it was."""
    blocker = tmp_path / "templat"
    blocker.write_text("bukan folder", encoding="utf-8")
    res = run_cli("templates", "--out", blocker / "sub", "--riwayat",
                  tmp_path / "riwayat.sqlite", *extra)
    assert res.exit_code == 1, res.output
    assert "folder keluaran tidak dapat dibuat" in res.output
    assert "sub" in res.output and "Traceback" not in res.output
    assert blocker.read_text(encoding="utf-8") == "bukan folder"
