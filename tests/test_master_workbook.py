"""The master as a workbook (issue 24): every key has a cell, both ways without loss, every
mistake named with its sheet and cell.

Workbooks are read back with openpyxl (comments, drop-downs, conditional formats, sheet
names) and, for the round trips, with the product's own reader behind the safety gate;
the masters are compared as models (every field, the excluded ones too) and by the
reports they build, byte for byte.
"""

from __future__ import annotations

import ast
import datetime as dt
import random
import re
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import Field as PydanticField
from pydantic import ValidationError

from pipeline import paths
from pipeline.domain import master as master_module
from pipeline.domain import masterbook as mb
from pipeline.domain.master import Master, load_master, master_data, parse_master
from pipeline.errors import MasterError
from pipeline.intake.master import read_master_workbook, workbook_master
from pipeline.workbook import synth
from pipeline.workbook.master import example_data, write_master_workbook

from conftest import folder_digest, run_cli

MASTERS = [paths.SAMPLE_MASTER, *sorted(paths.EXAMPLE_MASTERS.glob("*.yaml"))]


def same_master(a: Master, b: Master) -> bool:
    """Model equality, the YAML text aside; and what the model asks of the keys written
    (an angka awal written null, a cap written null)."""
    return a.__dict__ == b.__dict__ and _written(a) == _written(b)


def _written(m: Master) -> tuple:
    return (m.settings.cap_written, tuple(i.has_baseline for i in m.indicators))


def as_workbook(data: dict, path: Path) -> Master:
    write_master_workbook(data, path)
    return read_master_workbook(path)


# --- every key has its place --------------------------------------------------------------


def test_every_model_key_has_a_cell_in_the_workbook():
    missing = sorted(set(mb.model_paths()) - mb.covered_paths())
    assert not missing, f"master keys without a place in the workbook: {missing}"
    assert not mb.covered_paths() - set(mb.model_paths()), "a Field names no model key"
    for sheet in mb.SHEETS:
        for f in sheet.fields:
            assert mb.form_of(f) in mb.FORMS, f.path


def test_the_enumeration_sees_a_new_key():
    """A key added to the model (an LKjIP engineer's optional key) fails the test above
    until it gets its one Field line."""

    class Extended(master_module.Indicator):
        new_key: str = PydanticField("", alias="kunci_baru", description="kunci baru")

    paths_ = set(mb.model_paths(Extended, "sasaran.indikator."))
    assert paths_ - mb.covered_paths() == {"sasaran.indikator.kunci_baru"}


def test_a_written_null_is_kept_exactly_where_the_model_asks_whether_it_was_written():
    """The model reads ``model_fields_set`` for some keys (written null ≠ absent): those
    keys, and only those that take None, write (kosong) for a null."""
    source = Path(master_module.__file__).read_text(encoding="utf-8")
    attrs = set(re.findall(r'"(\w+)"\s+(?:not\s+)?in\s+self\.model_fields_set', source))
    aliases = {}
    for model in (master_module.Agency, master_module.Indicator, master_module.Settings):
        for name, info in model.model_fields.items():
            if name in attrs and type(None) in getattr(info.annotation, "__args__", ()):
                aliases[info.alias] = name
    kept = {f.key for s in mb.SHEETS for f in s.fields if f.kept_null}
    assert kept == set(aliases), (kept, aliases)


# --- both ways, without loss ------------------------------------------------------------------


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_yaml_to_workbook_to_yaml_is_the_same_master(path, tmp_path):
    yaml_master = load_master(path)
    book = tmp_path / "master.xlsx"
    res = run_cli("master", "ke-xlsx", path, "--out", book)
    assert res.exit_code == 0, res.output
    from_book = read_master_workbook(book)
    assert same_master(from_book, yaml_master)
    res = run_cli("master", "ke-yaml", book, "--out", tmp_path / "kembali.yaml")
    assert res.exit_code == 0, res.output
    back = load_master(tmp_path / "kembali.yaml")
    assert same_master(back, yaml_master)
    assert back.source_text == from_book.source_text  # what the history records
    # and once more: the YAML written converts to the same workbook, byte for byte
    run_cli("master", "ke-xlsx", tmp_path / "kembali.yaml", "--out", tmp_path / "lagi.xlsx")
    assert (tmp_path / "lagi.xlsx").read_bytes() == book.read_bytes()


def test_a_number_beyond_a_spreadsheets_digits_is_kept_as_its_text(tmp_path):
    """Float arithmetic leaves 0.47250000000000003 in a generated YAML master; a number cell
    keeps 15-16 significant digits (xlsxwriter writes 16, Excel and Calc keep 15), so the cell
    holds the number's text and the reader gives back the same float (found by CI's run of
    the generated masters below)."""
    data = master_data(paths.SAMPLE_MASTER.read_text(encoding="utf-8"))
    ind = data["sasaran"][0]["indikator"][0]
    quarters = [0.63 / 4, 0.63 / 2, 3 * 0.63 / 4, 0.63]
    assert quarters[2] == 0.47250000000000003
    ind["target"], ind["target_triwulan"] = 0.63, quarters
    ind["angka_awal_rpjmd"] = 0.1 + 0.2
    yaml_master = Master.model_validate(data)
    from_book = as_workbook(data, tmp_path / "m.xlsx")
    assert same_master(from_book, yaml_master)
    assert same_master(parse_master(from_book.source_text), yaml_master)
    cells = [c.value for ws in openpyxl.load_workbook(tmp_path / "m.xlsx").worksheets
             for row in ws.iter_rows() for c in row]
    assert "0,47250000000000003" in cells and "0,30000000000000004" in cells
    assert 0.1575 in cells  # a number that fits stays a number


@pytest.mark.parametrize("path", MASTERS, ids=lambda p: p.stem)
def test_a_workbook_master_builds_the_same_report_and_pk_bytes(path, tmp_path):
    book = tmp_path / "master.xlsx"
    write_master_workbook(master_data(path.read_text(encoding="utf-8")), book)
    (tmp_path / "kosong").mkdir()
    out = {}
    for name, config in (("yaml", path), ("xlsx", book)):
        history = tmp_path / f"riwayat_{name}.sqlite"
        args = ["-c", config, "--riwayat", history]
        if path == paths.SAMPLE_MASTER:
            inputs = tmp_path / f"isian_{name}"
            assert run_cli("sample", "-c", config, "--out", inputs).exit_code == 0
            res = run_cli("report", *args, "-i", inputs, "--out", tmp_path / f"{name}.docx")
        else:  # every part the master prints; no figures
            res = run_cli("report", *args, "-i", tmp_path / "kosong", "--draft",
                          "--out", tmp_path / f"{name}.docx")
        assert res.exit_code == 0, res.output
        res = run_cli("pk", *args, "--out", tmp_path / f"pk_{name}.docx")
        assert res.exit_code == 0, res.output
        out[name] = ((tmp_path / f"{name}.docx").read_bytes(),
                     (tmp_path / f"pk_{name}.docx").read_bytes())
    assert out["yaml"] == out["xlsx"]


# Generated masters: the synthetic city's masters, with optional keys drawn on top.

TEXTS = st.sampled_from(["Laporan BPS, 2021", "=SUM(A1)", "-tanda hubung", "+plus", "@at",
                         "Teks; dengan: tanda", "Baris satu\nbaris dua", "\u2265 teks",
                         "1.234", "NA", "ya", "0123"])


@st.composite
def masters(draw) -> dict:
    rng = random.Random(draw(st.integers(0, 10**6)))
    data = synth.master_data(rng, draw(st.integers(1, 40)), draw(st.integers(1, 3)),
                             draw(st.integers(1, 3)), 2021)
    agency = data["instansi"]
    for key, strategy in (
        ("sebutan_instansi", st.sampled_from(["", None, "OPD"])),
        ("sebutan_daerah", st.sampled_from(["", None, "KABUPATEN"])),
        ("zona_waktu", st.sampled_from(["WIB", "WITA", "WIT"])),
        ("jenis_instansi", st.sampled_from(["perangkat_daerah", "rsud", "kecamatan"])),
        ("tanggal_pk", st.dates(dt.date(2021, 1, 1), dt.date(2021, 12, 31))),
        ("pihak_kedua", st.fixed_dictionaries({"nama": TEXTS})),
        ("tugas", TEXTS),
        ("tanggal_laporan", st.none()),
    ):
        if draw(st.booleans()):
            agency[key] = draw(strategy)
    if draw(st.booleans()):
        agency["iku"].append({"uraian": draw(TEXTS), "alasan": "", "sumber_data": []})
    settings_ = data["pengaturan"]
    for key, strategy in (
        ("batas_atas_capaian", st.sampled_from([None, 100, 120.5])),
        ("desimal_tetap", st.sampled_from([True, False, ["realisasi", "capaian"]])),
        ("pembulatan", st.sampled_from(["biasa", "potong"])),
        ("kolom_tambahan", st.sampled_from([[], ["predikat"], ["predikat",
                                                               "realisasi_tahun_lalu"]])),
        ("skala", st.just({"opini": ["WTP", "WDP", "TW", "TMP"], "nilai": {"A": 4, "B": 3}})),
        ("skala_predikat", st.just([{"predikat": "Tinggi", "di_atas": 80, "warna": "#C6E0B4"},
                                    {"predikat": "Rendah"}])),
        ("bagian_riwayat", st.booleans()),
    ):
        if draw(st.booleans()):
            settings_[key] = draw(strategy)
    if not draw(st.booleans()):
        del settings_["batas_atas_capaian"]
    for sasaran in data["sasaran"]:
        if draw(st.booleans()):
            sasaran["anggaran"] = draw(st.sampled_from([
                {"pagu": 250000000, "realisasi": 231500000.5},
                [{"program": "Program A, dan B", "pagu": "1.500.000", "keterangan": "APBD"},
                 {"program": "=Program C", "pagu": 20, "realisasi": None}]]))
        for ind in sasaran["indikator"]:
            _draw_indicator(draw, ind)
    return data


def _draw_indicator(draw, ind: dict) -> None:
    percentage = ind["jenis"] == "persentase"
    choice = draw(st.integers(0, 6))
    if choice == 1:
        ind["target"] = "93,55"
    elif choice == 2 and percentage:
        ind["target"] = draw(st.sampled_from(["\u2265 95", "minimal 80", "\u2264 5"]))
        ind.pop("polaritas", None)
    elif choice == 3:
        ind["target"] = "NA"
    elif choice == 4:
        ind["target"] = {2020: 80, 2021: "92,5", 2022: [90, 95]}
    elif choice == 5 and percentage:
        ind["target"] = [80.5, 90]
    if isinstance(ind["target"], int | float) and draw(st.booleans()):
        t = ind["target"]
        quarters = [t / 4, t / 2, 3 * t / 4, t]
        ind["target_triwulan"] = draw(st.sampled_from([quarters, {2021: quarters,
                                                                  2022: [1, 2, 3, 4]}]))
    for key, strategy in (
        ("angka_awal_rpjmd", st.sampled_from([None, "NA", 75.5, "70,18"])),
        ("desimal_tetap", st.sampled_from([True, False, ["realisasi"]])),
        ("akumulasi", st.sampled_from(["jumlah", "terakhir"] + (
            [{"x1": "jumlah", "x2": "terakhir"}] if percentage else []))),
        ("kode_lama", st.sampled_from(["X1.1", ["A1", "B.2"]])),
        ("diukur_triwulan", st.sampled_from([[4], [2, 4]])),
        ("sumber_data", st.lists(TEXTS.filter(lambda t: "," not in t and "\n" not in t),
                                 min_size=1, max_size=2)),
        ("penanggung_jawab", TEXTS),
        ("nama_renstra", TEXTS),
        ("desimal_target", st.integers(0, 4)),
        ("pembulatan", st.sampled_from(["biasa", "potong"])),
        ("isian_bulat", st.booleans()),
        ("realisasi_tahun_lalu", st.sampled_from([None, 92, "5,23"])),
    ):
        if draw(st.booleans()):
            ind[key] = draw(strategy)
    if draw(st.booleans()) and percentage:
        ind["standar_nasional"] = 80
        ind["sumber_standar"] = draw(TEXTS)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.filter_too_much])
@given(data=masters())
def test_generated_masters_go_both_ways_without_loss(data, tmp_path_factory):
    try:
        yaml_master = Master.model_validate(data)
    except ValidationError:
        assume(False)
    folder = tmp_path_factory.mktemp("terbangkit")
    from_book, book_data = _both(data, folder)
    assert same_master(from_book, yaml_master)
    assert same_master(parse_master(from_book.source_text), yaml_master)


def _both(data: dict, folder: Path):
    write_master_workbook(data, folder / "m.xlsx")
    return workbook_master(folder / "m.xlsx")


# --- a workbook a clerk can fill ---------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("buku") / "master.xlsx"
    write_master_workbook(master_data(paths.SAMPLE_MASTER.read_text(encoding="utf-8")), path)
    return path


def _header_cells(ws, sheet: mb.Sheet):
    if sheet.form:
        return [ws.cell(mb.FIRST_ROW + 1 + n, 1) for n in range(len(sheet.fields))]
    return [ws.cell(mb.HEADER_ROW + 1, c + 1) for c in range(len(sheet.fields))]


def test_every_header_names_its_field_with_a_comment_and_an_example(sample_book):
    book = openpyxl.load_workbook(sample_book)
    assert book.sheetnames[0] == "Petunjuk"
    for sheet in mb.SHEETS:
        ws = book[sheet.name]
        cells = _header_cells(ws, sheet)
        assert [c.value for c in cells] == [f.label for f in sheet.fields]
        for cell, f in zip(cells, sheet.fields, strict=True):
            assert cell.comment is not None, (sheet.name, f.label)
            text = cell.comment.text
            assert text.startswith(f"{f.label}: ")
            example = re.search(r"^Contoh: (.+)$", text, re.M)
            assert example and example.group(1).strip() not in ("", "-"), (f.label, text)
            if not f.is_link:
                description = mb.model_field(f.path).description
                assert description and description in text
    assert book["Daftar"].sheet_state == "hidden"


def test_closed_choices_are_drop_downs_from_the_registries(sample_book):
    book = openpyxl.load_workbook(sample_book)
    lists = book["Daftar"]
    checked = set()
    for sheet in mb.SHEETS:
        ws = book[sheet.name]
        for n, f in enumerate(sheet.fields):
            values = mb.choices(f)
            if not values:
                continue
            ref = (f"B{mb.FIRST_ROW + 1 + n}" if sheet.form
                   else f"{openpyxl.utils.get_column_letter(n + 1)}{mb.FIRST_ROW + 1}")
            found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
            assert len(found) == 1, (sheet.name, f.label)
            dv = found[0]
            assert dv.type == "list"
            source = re.fullmatch(r"Daftar!\$([A-Z]+)\$1:\$\1\$(\d+)", dv.formula1)
            assert source, dv.formula1
            listed = [lists[f"{source.group(1)}{r}"].value
                      for r in range(1, int(source.group(2)) + 1)]
            assert tuple(listed) == values
            checked.add(f.path)
    kinds = {k.value for k in master_module.Kind}
    assert set(mb.choices(mb.INDIKATOR.field("sasaran.indikator.jenis"))) == kinds
    for path in ("sasaran.indikator.polaritas", "sasaran.indikator.gabung",
                 "sasaran.indikator.akumulasi", "instansi.jenis_daerah", "instansi.jenis_instansi",
                 "instansi.zona_waktu", "pengaturan.rumus_negatif", "pengaturan.pembulatan",
                 "sasaran.indikator.rumus_negatif", "pengaturan.capaian_dari",
                 "sasaran.indikator.boleh_negatif", "pengaturan.skala_predikat.warna"):
        assert path in checked, path


def test_columns_of_some_kinds_are_greyed_by_the_rows_kind_and_explained(sample_book):
    ws = openpyxl.load_workbook(sample_book)["Indikator"]
    rules = {str(r.sqref): r for r in ws.conditional_formatting}
    kind_col = openpyxl.utils.get_column_letter(
        mb.INDIKATOR.fields.index(mb.INDIKATOR.field("sasaran.indikator.jenis")) + 1)
    for n, f in enumerate(mb.INDIKATOR.fields):
        kinds = mb.kinds_of(f)
        letter = openpyxl.utils.get_column_letter(n + 1)
        ranged = [k for k in rules if k.startswith(f"{letter}{mb.FIRST_ROW + 1}:")]
        if not kinds:
            assert not ranged, f.label
            continue
        (rule,) = rules[ranged[0]].rules
        formula = rule.formula[0]
        for kind in kinds:
            assert f'${kind_col}{mb.FIRST_ROW + 1}="{kind}"' in formula
        assert "Hanya untuk jenis: " + ", ".join(kinds) in ws.cell(
            mb.HEADER_ROW + 1, n + 1).comment.text
    assert mb.kinds_of(mb.INDIKATOR.field("sasaran.indikator.pengali")) == ("rasio",)


def test_master_baru_is_one_example_row_per_sheet_and_a_valid_master(tmp_path):
    out = tmp_path / "master.xlsx"
    res = run_cli("master", "baru", "--out", out)
    assert res.exit_code == 0, res.output
    book = openpyxl.load_workbook(out)
    for sheet in mb.SHEETS:
        if sheet.form:
            continue
        ws = book[sheet.name]
        rows = [r for r in ws.iter_rows(min_row=mb.FIRST_ROW + 1, values_only=True)
                if any(v is not None for v in r)]
        # the default predikat scale; a function and an IKU row of the agency and the unit
        expected = {"Predikat": 5, "Fungsi": 2, "IKU": 2}.get(sheet.name, 1)
        assert len(rows) == expected, sheet.name
    master = read_master_workbook(out)
    assert same_master(master, Master.model_validate(example_data()))
    assert master.agency.name == load_master(paths.SAMPLE_MASTER).agency.name
    res = run_cli("templates", "-c", out, "--out", tmp_path / "templat")
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "templat").glob("*.xlsx"))) == 1
    again = run_cli("master", "baru", "--out", out)
    assert again.exit_code == 2 and "sudah ada" in again.stderr


def test_ke_yaml_and_ke_xlsx_refuse_their_input_and_a_wrong_suffix(tmp_path, sample_book):
    before = folder_digest(sample_book.parent)
    res = run_cli("master", "ke-yaml", sample_book, "--out", sample_book, "--timpa")
    assert res.exit_code == 2 and "--out" in res.stderr
    res = run_cli("master", "ke-xlsx", paths.SAMPLE_MASTER, "--out", tmp_path / "m.yaml")
    assert res.exit_code == 2 and ".xlsx" in res.stderr
    assert folder_digest(sample_book.parent) == before


# --- every mistake at its cell ---------------------------------------------------------------


def _edited(sample_book: Path, tmp_path: Path, edit) -> Path:
    book = openpyxl.load_workbook(sample_book)
    edit(book)
    out = tmp_path / "salah.xlsx"
    book.save(out)
    return out


def _errors(path: Path) -> list[str]:
    with pytest.raises(MasterError) as exc:
        read_master_workbook(path)
    return str(exc.value).splitlines()


def _cell(sheet: mb.Sheet, path: str, row: int = 0, part=None) -> str:
    col = sheet.fields.index(sheet.field(path, part))
    return f"{openpyxl.utils.get_column_letter(col + 1)}{mb.FIRST_ROW + 1 + row}"


def test_the_classic_mistakes_one_message_each_at_its_cell(sample_book, tmp_path):
    kind = _cell(mb.INDIKATOR, "sasaran.indikator.jenis", 1)
    target = _cell(mb.TARGET, "sasaran.indikator.target", 2)
    reporter = _cell(mb.INDIKATOR, "sasaran.indikator.unit_pelapor", 0)

    def edit(book):
        book["Indikator"][kind] = "persen"
        book["Target"][target] = 0.95
        book["Target"][target].number_format = "0%"
        book["Indikator"][reporter] = "HUKUM"
        book["IKU"].merge_cells("C4:C5")
        book["Anggaran"].title = "Anggaran 2021"

    lines = _errors(_edited(sample_book, tmp_path, edit))
    name = "salah.xlsx"
    assert len(lines) == 5, lines
    expected = [
        ("› IKU!C4: ", "sel C4:C5 digabung (merge)"),
        (f"› Indikator!{reporter}: Unit pelapor: ", "unit_pelapor HUKUM tidak ada di daftar unit"),
        (f"› Indikator!{kind}: Jenis: ", "nilai tidak dikenal; pilihan: persentase, rasio"),
        (f"› Target!{target}: Target: ", "angka berformat persen"),
        ("› Anggaran: ", "lembar 'Anggaran' tidak ditemukan (lembar yang tidak dikenal: "
                         "'Anggaran 2021')"),
    ]
    for (where, what), line in zip(sorted(expected), sorted(lines, key=_sort_key), strict=True):
        assert where in line and what in line, line
        assert line.startswith(str(tmp_path / name))


def _sort_key(line: str) -> str:
    return line.split(" › ", 1)[1]


@pytest.mark.parametrize(("edit", "where", "text"), [
    (lambda b: b["Unit"].cell(mb.HEADER_ROW + 1, 2, "Nama bidang"), "Unit!B3",
     "judul kolom 'Nama bidang' tidak dikenal"),
    (lambda b: b["Target"].append(["S9.9", None, 100]), "Target!A", "indikator 'S9.9' tidak ada "
     "di lembar Indikator"),
    (lambda b: b["Indikator"].cell(mb.FIRST_ROW + 1, 1, 7), "Indikator!A4",
     "sasaran nomor '7' tidak ada di lembar Sasaran"),
    (lambda b: b["Indikator"].cell(mb.FIRST_ROW + 1, 17, "mungkin"), "Indikator!Q4",
     "Boleh negatif: tulis ya atau tidak, bukan 'mungkin'"),
    (lambda b: b["Fungsi"].cell(mb.FIRST_ROW + 1, 1, "HUKUM"), "Fungsi!A4",
     "unit 'HUKUM' tidak ada di lembar Unit"),
    (lambda b: b["Instansi"].cell(mb.FIRST_ROW + 10, 2, "=2020+1"), "Instansi!B13",
     "Tahun: sel berisi rumus"),
    (lambda b: setattr(b["Instansi"].cell(mb.FIRST_ROW + 10, 2), "value", None), "Instansi!B13",
     "Tahun: wajib diisi; contoh: 2021"),
    (lambda b: b["Sasaran"].cell(mb.FIRST_ROW + 2, 1, 1), "Sasaran!A5",
     "No: nomor sasaran berulang: 1"),
])
def test_each_mistake_is_named_at_its_cell(sample_book, tmp_path, edit, where, text):
    lines = _errors(_edited(sample_book, tmp_path, edit))
    assert any(f"› {where}" in line and text in line for line in lines), lines


def test_a_unit_workbook_given_as_the_master_is_named_as_such(tmp_path, blank_dir):
    unit_book = next(blank_dir.glob("*.xlsx"))
    lines = _errors(unit_book)
    assert lines == [f"{unit_book} › Metadata: berkas ini templat isian unit (dari `iku "
                     "templates`), bukan master; master dibuat dengan `iku master baru` atau "
                     "`iku master ke-xlsx`"]


def test_the_safety_gate_guards_the_master_too(tmp_path):
    fake = tmp_path / "master.xlsx"
    fake.write_text("versi_skema: 1\n", encoding="utf-8")
    res = run_cli("validate", "-c", fake)
    assert res.exit_code == 1
    assert res.stderr.startswith(f"GALAT: {fake}: ") and "bukan" in res.stderr


def test_every_command_takes_the_workbook_master(tmp_path, sample_book):
    (tmp_path / "kosong").mkdir()
    res = run_cli("validate", "-c", sample_book, "-i", tmp_path / "kosong")
    assert res.exit_code == 1 and "tidak berisi berkas .xlsx" in res.stdout
    res = run_cli("sample", "-c", sample_book, "--out", tmp_path / "isian")
    assert res.exit_code == 0, res.output
    res = run_cli("validate", "-c", sample_book, "-i", tmp_path / "isian")
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1].startswith("Semua isian sah")


# --- the new year and the city -------------------------------------------------------------


@pytest.mark.parametrize("path", [paths.SAMPLE_MASTER,
                                  paths.EXAMPLE_MASTERS / "kesbangpol_kota_bengkulu_2022.yaml"],
                         ids=lambda p: p.stem)
def test_tahun_baru_on_a_workbook_writes_next_years_workbook(path, tmp_path):
    book = tmp_path / "master.xlsx"
    write_master_workbook(master_data(path.read_text(encoding="utf-8")), book)
    res_book = run_cli("tahun-baru", "-c", book, "--out", tmp_path / "baru.xlsx")
    res_yaml = run_cli("tahun-baru", "-c", path, "--out", tmp_path / "baru.yaml")
    assert res_book.exit_code == res_yaml.exit_code == 0, res_book.output
    assert openpyxl.load_workbook(tmp_path / "baru.xlsx").sheetnames[1] == "Instansi"
    try:
        yaml_next = load_master(tmp_path / "baru.yaml")
    except MasterError:  # a per-year target without the new year: said at its cell
        assert "master baru belum dapat dipakai sebelum diperbaiki" in res_book.stderr
        assert f"{tmp_path / 'baru.xlsx'} › Target!" in res_book.stderr
        with pytest.raises(MasterError, match="Target!"):
            read_master_workbook(tmp_path / "baru.xlsx")
        return
    book_next = read_master_workbook(tmp_path / "baru.xlsx")
    assert book_next.agency.year == yaml_next.agency.year == load_master(path).agency.year + 1
    assert same_master(book_next, yaml_next)


def test_report_all_reads_a_workbook_master_and_refuses_two(tmp_path):
    city = synth.write_city(tmp_path / "kota", agencies=2, units=2, indicators=2, seed=3)
    first = city.agencies[0]
    data = master_data((first / "master.yaml").read_text(encoding="utf-8"))
    write_master_workbook(data, first / "master.xlsx")
    res = run_cli("report", "--all", tmp_path / "kota", "--out", tmp_path / "hasil")
    assert res.exit_code == 1
    assert "ada lebih dari satu master (master.yaml, master.xlsx)" in res.stderr
    (first / "master.yaml").unlink()
    res = run_cli("report", "--all", tmp_path / "kota", "--out", tmp_path / "hasil")
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "hasil").glob("Laporan_IKU_*.docx"))) == 2


def test_the_domain_layout_imports_no_reader_or_writer():
    tree = ast.parse(Path(mb.__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not any(m and ("workbook" in m or "intake" in m) for m in imported)


def test_the_collection_page_serves_a_workbook_master(tmp_path, sample_book):
    """`iku serve -c master.xlsx`: the real command, its links, a unit's page."""
    import html

    import httpx2 as httpx

    from web_support import ServeProcess

    master = read_master_workbook(sample_book)
    with ServeProcess("-c", str(sample_book), "--data", str(tmp_path / "data")) as served:
        assert list(served.units) == [u.code for u in master.reporting_units]
        page = httpx.get(served.units["POLITIK"])
        name = master.indicators_of("POLITIK")[0].name
        assert page.status_code == 200 and html.escape(name, quote=False) in page.text
        code, _, err = served.stop()
    assert code == 0, err


def test_yaml_cross_reference_mistakes_are_all_named_at_their_lines():
    """Located by the model itself (issue 24): each at its key's line, all at once."""
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    text = text.replace("unit_pelapor: [KETAHANAN]", "unit_pelapor: [KETAHANANN]", 1)
    text = text.replace("kode: S1.1", "kode: S2.1", 1)
    with pytest.raises(MasterError) as exc:
        parse_master(text, "m.yaml")
    lines = str(exc.value).splitlines()
    assert len(lines) == 2, lines
    assert re.match(r"m\.yaml baris \d+ › sasaran\[\d\]\.indikator\[0\]\.unit_pelapor: "
                    r"indikator S\d\.1: unit_pelapor KETAHANANN tidak ada di daftar unit", lines[0])
    assert re.match(r"m\.yaml baris \d+ › sasaran\[1\]\.indikator\[0\]\.kode: kode indikator "
                    r"berulang: S2\.1", lines[1])


def test_validate_without_inputs_checks_the_master_alone(tmp_path, sample_book):
    res = run_cli("validate", "-c", sample_book)
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[-1] == (
        "Master sah: Badan Kesatuan Bangsa dan Politik Kota Jambi tahun 2021, 4 unit, "
        "4 sasaran, 4 indikator. Periksa isian dengan `iku validate -c master.xlsx -i "
        "FOLDER_ISIAN`.")
    broken = _edited(sample_book, tmp_path, lambda b: setattr(
        b["Instansi"].cell(mb.FIRST_ROW + 10, 2), "value", "dua ribu"))
    res = run_cli("validate", "-c", broken)
    assert res.exit_code == 1
    assert res.stderr.startswith(f"GALAT: {broken} › Instansi!B13: Tahun: harus bilangan bulat")
