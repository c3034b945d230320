"""A whole city at once: the synthetic city, ``report_all``, the rekap and their CLI.

The city has three agencies; the second is broken on purpose (one unit's file removed, one
count typed as text), so its row must show exactly those two errors while the other two
reports are written. Everything written is read back with another library: python-docx
for the reports, openpyxl for the rekap, the project's reader for the workbooks.
"""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from pipeline.batch import INPUTS_DIR, MASTER_NAME, find_agencies, report_all
from pipeline.compute import compute
from pipeline.domain.master import Kind, load_master
from pipeline.errors import UsageError
from pipeline.intake.reader import read_folder, read_workbook
from pipeline.intake.validate import check_inputs
from pipeline.rekap import COLUMNS, PREVIOUS_COLUMNS
from pipeline.workbook.sample import fill_workbook
from pipeline.workbook.synth import fill_template, unit_values, write_city
from pipeline.workbook.templates import template_filename, write_template

from conftest import run_cli

SEED = 7
BROKEN = 1  # index of the agency broken on purpose


def _city(root: Path, seed: int = SEED, agencies: int = 3, jobs: int = 1):
    return write_city(root, agencies=agencies, units=3, indicators=4, seed=seed, jobs=jobs)


def _break(folder: Path) -> tuple[str, str]:
    """Remove one unit's file and type text into another's x1: two errors."""
    master = load_master(folder / MASTER_NAME)
    units = [u.code for u in master.reporting_units]
    removed, edited = units[0], units[1]
    (folder / INPUTS_DIR / template_filename(master, removed)).unlink()
    blank = io.BytesIO()
    write_template(master, edited, blank)
    values = unit_values(random.Random(0), master, edited)
    first = next(iter(values))
    values[first] = ("sepuluh", values[first][1])
    fill_workbook(blank, values, folder / INPUTS_DIR / template_filename(master, edited))
    return removed, first


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    city = _city(tmp_path_factory.mktemp("kota"))
    removed, text_code = _break(city.agencies[BROKEN])
    return city, removed, text_code


@pytest.fixture(scope="module")
def outcome(city, tmp_path_factory):
    return report_all(city[0].root, tmp_path_factory.mktemp("hasil"), jobs=2, progress=False)


# --- synthetic city ------------------------------------------------------------------------


def _cell_values(root: Path) -> dict[str, list[tuple]]:
    out = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        read = read_folder(folder / INPUTS_DIR)
        assert not read.problems
        for sub in read.submissions:
            out[f"{folder.name}/{sub.file}"] = [(r.code, r.x1, r.x2, r.note) for r in sub.rows]
    return out


def test_synth_same_seed_same_masters_and_cells(tmp_path):
    a, b = _city(tmp_path / "a", jobs=1), _city(tmp_path / "b", jobs=2)
    c = _city(tmp_path / "c", seed=SEED + 1)
    assert [p.name for p in a.agencies] == [p.name for p in b.agencies]
    for fa, fb in zip(a.agencies, b.agencies, strict=True):
        assert (fa / MASTER_NAME).read_text("utf-8") == (fb / MASTER_NAME).read_text("utf-8")
    assert _cell_values(a.root) == _cell_values(b.root)
    assert _cell_values(a.root) != _cell_values(c.root)
    assert (a.agencies[0] / MASTER_NAME).read_text("utf-8") != (
        c.agencies[0] / MASTER_NAME
    ).read_text("utf-8")


def test_synth_layout_counts_and_plausible_values(tmp_path):
    city = write_city(tmp_path, agencies=2, units=4, indicators=6, seed=3)
    assert (city.workbooks, city.rows) == (8, 48)
    shared = 0
    for folder in city.agencies:
        master = load_master(folder / MASTER_NAME)
        assert len(master.reporting_units) == 4
        shared += sum(len(i.reporting_units) > 1 for i in master.indicators)
        checked = check_inputs(master, folder / INPUTS_DIR)
        assert checked.ok and checked.files == 4 and not checked.problems
        for sub in checked.submissions:
            assert len(sub.rows) == 6
        for rec in checked.values.itertuples():
            ind = next(i for i in master.indicators if i.code == rec.code)
            assert rec.x1 >= 0 and float(rec.x1).is_integer()
            if ind.asks_x2:
                assert rec.x2 >= 1 and rec.x1 <= rec.x2
    assert shared > 0  # some indicators are reported by several units


def test_fill_template_types_what_fill_workbook_types(tmp_path):
    city = _city(tmp_path / "kota", agencies=1)
    master = load_master(city.agencies[0] / MASTER_NAME)
    unit = master.reporting_units[0].code
    values = unit_values(random.Random(1), master, unit)
    code = next(iter(values))
    values[code] = (values[code][0], None) if values[code][1] is not None else values[code]
    note = {code: "=catatan & <teks> \"kutip\""}
    blank = io.BytesIO()
    write_template(master, unit, blank)
    fast = tmp_path / "fast.xlsx"
    fast.write_bytes(fill_template(blank.getvalue(), values, note))
    slow = tmp_path / "slow.xlsx"
    blank.seek(0)
    fill_workbook(blank, values, slow, note=note)
    (sub_fast, p1), (sub_slow, p2) = read_workbook(fast), read_workbook(slow)
    assert p1 == p2 == []
    rows = [(r.code, r.x1, r.x2, r.note) for r in sub_fast.rows]
    assert rows == [(r.code, r.x1, r.x2, r.note) for r in sub_slow.rows]
    assert rows[0][3] == note[code] and rows[0][2] == ""
    assert not sub_fast.facts  # values typed, no formulas in input cells


def test_fill_template_refuses_unknown_code_and_locked_cells(tmp_path):
    city = write_city(tmp_path, agencies=3, units=3, indicators=5, seed=11)
    for folder in city.agencies:
        master = load_master(folder / MASTER_NAME)
        count = next((i for i in master.indicators if i.kind == Kind.COUNT), None)
        if count is not None:
            break
    assert count is not None
    blank = io.BytesIO()
    write_template(master, count.reporting_units[0], blank)
    with pytest.raises(ValueError, match="Kode not in sheet"):
        fill_template(blank.getvalue(), {"ZZ.9": (1, 1)})
    with pytest.raises(ValueError, match="G"):  # x2 of a count is locked and shows "—"
        fill_template(blank.getvalue(), {count.code: (1, 1)})


# --- report_all --------------------------------------------------------------------------


def test_summary_rows_count_errors_per_agency(city, outcome):
    city, removed, text_code = city
    assert [r.folder for r in outcome.rows] == [p.name for p in city.agencies]
    assert [r.files for r in outcome.rows] == [3, 2, 3]
    assert [r.errors for r in outcome.rows] == [0, 2, 0]
    assert [r.warnings for r in outcome.rows] == [0, 0, 0]
    broken = outcome.rows[BROKEN]
    codes = sorted(p.code for p in broken.problems)
    assert codes == ["text", "unit_missing"]
    assert any(p.unit == removed for p in broken.problems if p.code == "unit_missing")
    assert broken.report is None and not outcome.ok
    assert outcome.jobs == 2


def test_other_reports_written_and_valid(city, outcome):
    city = city[0]
    out_dir = outcome.rekap.parent
    written = sorted(p.name for p in out_dir.glob("*.docx"))
    expected = sorted(f"Laporan_IKU_2021_{city.agencies[i].name}.docx" for i in (0, 2))
    assert written == expected
    for i in (0, 2):
        row = outcome.rows[i]
        assert row.report == out_dir / f"Laporan_IKU_2021_{city.agencies[i].name}.docx"
        document = docx.Document(str(row.report))
        text = "\n".join(p.text for p in document.paragraphs)
        cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        master = load_master(city.agencies[i] / MASTER_NAME)
        assert master.agency.name.upper() in (text + cells).upper()
        for ind in master.indicators:
            assert ind.code in cells or ind.name in cells


def test_rekap_numbers_are_computed_numbers(city, outcome):
    city = city[0]
    book = openpyxl.load_workbook(outcome.rekap)
    sheet = book["Rekap"]
    header = [c.value for c in sheet[4]]
    assert header == [label for label, _ in COLUMNS + PREVIOUS_COLUMNS]
    col = {label: i for i, label in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=5))
    checked_cells = 0
    for folder in city.agencies:
        master = load_master(folder / MASTER_NAME)
        checked = check_inputs(master, folder / INPUTS_DIR)
        results = compute(master, checked.values, checked.invalid, draft=not checked.ok)
        mine = [r for r in rows if r[col["Instansi"]].value == master.agency.name]
        by_code = {r[col["Kode"]].value: r for r in mine if r[col["Kode"]].value}
        assert list(by_code) == [i.code for i in master.indicators]
        for code, res in results.indicators.items():
            line = by_code[code]
            previous = {i.code: i for i in master.indicators}[code].previous_achievement
            change = None if res.achievement is None else res.achievement - previous
            for label, expected in (("Realisasi", res.realisation),
                                    ("% Capaian", res.achievement),
                                    ("Capaian tahun lalu", previous),
                                    ("Perubahan (poin)", change)):
                cell = line[col[label]]
                if expected is None:
                    assert cell.value is None
                    assert line[col["Keterangan"]].value in ("belum diisi", "tidak sah")
                else:
                    assert cell.data_type == "n" and isinstance(cell.value, int | float)
                    assert cell.value == pytest.approx(expected, rel=1e-14)
                    assert "#,##0" in cell.number_format
                    checked_cells += 1
        (average,) = [r for r in mine if not r[col["Kode"]].value]
        assert average[col["% Capaian"]].value == pytest.approx(
            results.average_achievement, rel=1e-14
        )
    assert checked_cells >= 40  # realisasi and capaian of some 27 indicators
    summary = book["Ringkasan"]
    reports = [r[6].value for r in summary.iter_rows(min_row=4) if r[0].value]
    assert reports[BROKEN] == "(tidak dibuat: ada galat)"
    assert reports[0] == outcome.rows[0].report.name
    # a native chart of the averages, drawn from the Ringkasan sheet's cells
    with zipfile.ZipFile(outcome.rekap) as z:
        chart = z.read("xl/charts/chart1.xml").decode()
    assert "Ringkasan!$B$4:$B$6" in chart and "Ringkasan!$F$4:$F$6" in chart
    assert "Ringkasan!$H$4:$H$6" in chart  # last year's averages beside this year's


def test_broken_master_is_reported_and_the_rest_goes_on(tmp_path):
    city = _city(tmp_path / "kota", agencies=2)
    bad = city.agencies[0] / MASTER_NAME
    bad.write_text(bad.read_text("utf-8").replace("versi_skema: 1", "versi_skema: 9"), "utf-8")
    (tmp_path / "kota" / "99_tanpa_master").mkdir()
    out = report_all(city.root, tmp_path / "hasil", jobs=1, progress=False)
    assert [r.errors for r in out.rows] == [1, 0, 1]
    assert "versi_skema" in out.rows[0].message
    assert "master instansi tidak ada" in out.rows[2].message
    assert out.rows[1].report is not None and out.rows[1].report.is_file()
    assert not out.internal


def test_find_agencies_skips_hidden_and_output_folder(tmp_path):
    for name in ("b_dinas", "a_dinas", ".git", "hasil"):
        (tmp_path / name).mkdir()
    (tmp_path / "catatan.txt").write_text("x")
    found = find_agencies(tmp_path, exclude=tmp_path / "hasil")
    assert [p.name for p in found] == ["a_dinas", "b_dinas"]
    with pytest.raises(UsageError, match="tidak berisi folder instansi"):
        find_agencies(tmp_path / "a_dinas")


# --- CLI -------------------------------------------------------------------------------------


def test_cli_synth_then_report_all_passes(tmp_path):
    root = tmp_path / "kota"
    res = run_cli("synth", "--agencies", 2, "--units", 2, "--indicators", 3, "--seed", 5,
                  "--out", root)
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(
        f"2 instansi, 4 berkas isian, 12 baris indikator ditulis ke {root}"
    )
    again = run_cli("synth", "--agencies", 1, "--out", root)
    assert again.exit_code == 2
    assert "tidak kosong" in again.stderr
    out = tmp_path / "hasil"
    res = run_cli("report", "--all", root, "--out", out, "--jobs", 1)
    assert res.exit_code == 0, res.output
    assert "2 dari 2 laporan ditulis" in res.stdout
    for folder in sorted(p.name for p in root.iterdir()):
        assert folder in res.stdout
        assert (out / f"Laporan_IKU_2021_{folder}.docx").is_file()
    assert (out / "Rekap_Capaian_IKU_2021.xlsx").is_file()


def test_cli_report_all_exits_1_but_renders_the_others(city, outcome, tmp_path):
    city = city[0]
    out = tmp_path / "hasil"
    res = run_cli("report", "--all", city.root, "--out", out, "--jobs", 1)
    assert res.exit_code == 1
    assert f"== {city.agencies[BROKEN].name} ==" in res.stderr
    assert "belum mengirim isian" in res.stderr and "berisi teks 'sepuluh'" in res.stderr
    assert "2 dari 3 laporan ditulis" in res.stdout
    for i in (0, 2):  # the same bytes with and without the process pool
        name = outcome.rows[i].report.name
        assert (out / name).read_bytes() == outcome.rows[i].report.read_bytes()
    assert not list(out.glob(f"*{city.agencies[BROKEN].name}*"))


def test_cli_all_refuses_inputs_and_a_missing_template(city, tmp_path):
    res = run_cli("report", "--all", tmp_path, "--inputs", tmp_path)
    assert res.exit_code == 2
    assert "--all tidak dapat dipakai bersama --inputs" in res.stderr
    res = run_cli("report", "--all", city[0].root, "--out", tmp_path / "hasil",
                  "--template", tmp_path / "tidak_ada.docx")
    assert res.exit_code == 1
    assert res.stderr.startswith("GALAT: templat Word tidak ditemukan")
    assert not (tmp_path / "hasil").exists()


# --- benchmark ------------------------------------------------------------------------------


def test_bench_measures_every_stage_and_writes_the_targets(tmp_path):
    from dev import bench

    sizes = []
    for n in (1, 2):
        city = write_city(tmp_path / f"kota{n}", agencies=n, units=2, indicators=2, seed=n)
        size = bench.Size(n, city.workbooks, city.rows)
        bench.measure_stages(city.root, list(city.agencies), tmp_path / f"tahap{n}", 1, size)
        assert set(size.stages) == set(bench.STAGES)
        assert all(t > 0 for t in size.stages.values()) and size.floor > 0
        assert set(size.cpu) == set(bench.FAST) and size.floor_cpu > 0
        assert size.read_pool > 0
        assert list((tmp_path / f"tahap{n}" / "laporan").glob("*.docx"))
        size.runs = {j: bench.Run(10.0 * n / j, 100.0, 150.0, 90.0, 1.9) for j in (1, 2)}
        sizes.append(size)
    run = bench.run_measured([*bench.iku_command(), "--help"])
    assert run.seconds > 0 and run.pss_mb > 0 and run.hwm_mb > 0
    # the stage worker, run on this code's tree, as it is run on the baseline's
    worker = bench._stage_worker(bench.ROOT, city.root, tmp_path / "pekerja", 1)
    assert worker["render_cpu"] > 0 and worker["rvc_cpu"] > 0 and len(worker["hashes"]) == 2
    startup = {"python": 0.03, "help": 0.1, "report": 1.2, "imports": 0.9, "report_cpu": 1.1,
               "imports_cpu": 0.85, "modules": ["yaml"]}
    args = type("Args", (), {"units": 2, "indicators": 2, "seed": 0, "repeat": 1,
                             "e2e_repeat": 1, "baseline": bench.BASELINE, "versus_repeat": 1,
                             "memory_sizes": "50,100", "memory_jobs": 2, "rounds": 3})()
    versus = bench.Versus(bench.BASELINE, 2, {"render_cpu": 1.0, "render_wall": 1.2,
                                              "rvc_cpu": 0.1, "rvc_wall": 0.12},
                          {"render_cpu": 0.5, "render_wall": 0.7, "rvc_cpu": 0.05,
                           "rvc_wall": 0.06}, 2, 2)
    memory = [bench.Memory(50, 400, 2, 30.0, 104.0, 300.0),
              bench.Memory(100, 800, 2, 60.0, 108.0, 310.0)]
    head = bench.Head(bench.BASELINE, 2, [(10.0, 12.0), (11.0, 12.5), (9.0, 11.0)],
                      [(5.0, 6.0), (6.6, 6.5), (4.5, 6.6)])
    sizes[-1].ratios = [3.5, 3.9, 4.4]
    text = bench.render_markdown(sizes, startup, (1.9, 1.8), args, 0.5, versus, memory, head)
    assert ("| `report --all` on the 2-agency city in at most 0.6x the wall time of `2f05cb3`, "
            "same run | 0.50x (0.50\u20130.60, 3 rounds; CPU 0.52x) | **tercapai / met** |") in text
    assert ("| read + validate + compute at most 4x the calamine floor, every check kept | "
            "3.9x CPU (3.5\u20134.4, 3 passes) | **tercapai / met** |") in text
    assert ("| the parent under 150 MB and flat for 50, 100 agencies (flat: within 15 MiB) | "
            "50: 104 MiB, 100: 108 MiB (range 4 MiB) | **tercapai / met** |") in text
    assert "--rounds 3" in text
    assert "make bench" in text and "--sizes 1,2 --units 2 --indicators 2" in text
    assert "--memory-sizes 50,100 --memory-jobs 2" in text
    assert "| `iku --help` < 0.3 s | 0.100 s | **tercapai / met** |" in text
    assert "| sample `iku report` within 0.5 s of its bare imports | 1.10 s - 0.85 s = 0.25 s " \
        "(wall 1.20 s - 0.90 s = 0.30 s) | **tercapai / met** |" in text
    assert "| one agency's report renders in at most 0.6x the baseline's time | 0.50x" in text
    assert "against main, by the tests) | 2 of 2 | \u2014 |" in text
    assert ("| `report --all` for 400 agencies: the parent stays under 150 MB | 132 MiB "
            "(extrapolated from 50, 100 agencies: 8.0 MiB per 100 agencies) |") in text
    assert "| 2-agency city (4 workbooks, 8 rows) end to end < 30 s | 10.0 s" in text
    assert "national case" in text and "22,000 agencies" in text


def test_bench_times_the_floor_and_the_stages_agency_by_agency(tmp_path, monkeypatch):
    """Issue 25: the ratio to the floor is measured agency by agency (the floor of an
    agency's workbooks, then their read), so that a busy moment weighs on both sides; each
    step runs with the collector paused, as ``report --all`` runs an agency."""
    import gc

    import python_calamine

    from dev import bench
    from pipeline.intake import reader

    city = write_city(tmp_path / "kota", agencies=2, units=2, indicators=2, seed=5)
    events = []
    real_book, real_read = python_calamine.CalamineWorkbook, reader.read_folder

    class Book:
        @staticmethod
        def from_path(path):
            events.append(("floor", Path(path).parent.parent.name, gc.isenabled()))
            return real_book.from_path(path)

    def read_folder(folder):
        events.append(("read", folder.parent.name, gc.isenabled()))
        return real_read(folder)

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Book)
    monkeypatch.setattr(reader, "read_folder", read_folder)
    size = bench.Size(2, city.workbooks, city.rows)
    bench.measure_stages(city.root, list(city.agencies), tmp_path / "tahap", 2, size)
    first, second = (a.name for a in city.agencies)
    one_pass = [("floor", first, False)] * 2 + [("read", first, False)] + \
        [("floor", second, False)] * 2 + [("read", second, False)]
    passes = len(one_pass) * 2  # then the ideal pipeline reads with calamine again
    assert events[:passes] == one_pass * 2
    assert not [e for e in events[passes:] if e[0] == "read"]
    assert len(size.ratios) == 2 and all(r > 0 for r in size.ratios)


def test_bench_runs_report_all_against_a_commit(tmp_path):
    """Issue 25: the baseline's ``report --all`` against this code's, alternating; here
    the baseline is this code's own commit, so both sides run and write reports."""
    from dev import bench

    city = write_city(tmp_path / "kota", agencies=1, units=2, indicators=2, seed=3)
    head = bench.measure_head("HEAD", city.root, 1, 1, tmp_path / "kepala")
    assert head is not None and len(head.base) == len(head.now) == 1
    assert all(w > 0 and c > 0 for w, c in head.base + head.now)
    assert (tmp_path / "kepala" / "baseline" / "pipeline" / "__main__.py").is_file()


def test_bench_measures_the_parents_memory(tmp_path):
    from dev import bench

    args = type("Args", (), {"units": 2, "indicators": 2, "seed": 0, "memory_jobs": 2})()
    memory = bench.measure_memory(2, args, tmp_path)
    assert memory.agencies == 2 and memory.workbooks == 4
    assert 20 < memory.parent_mb < memory.pss_mb + 200  # the parent alone, a real process
    assert not (tmp_path / "kota_memori_2").exists()  # the city is removed after the run


def test_cli_report_all_draft_renders_every_agency(city, tmp_path):
    city = city[0]
    res = run_cli("report", "--all", city.root, "--out", tmp_path, "--draft", "--jobs", 1)
    assert res.exit_code == 0, res.output
    assert "3 dari 3 laporan ditulis" in res.stdout
    assert "PERHATIAN: laporan DRAFT dibuat" in res.stderr
    draft = tmp_path / f"Laporan_IKU_2021_{city.agencies[BROKEN].name}.docx"
    text = "\n".join(p.text for p in docx.Document(str(draft)).paragraphs)
    assert "DRAFT" in text


def test_rekap_is_byte_identical_on_rerun(city, outcome, tmp_path):
    """Serially (agencies done in order) and with the pool (in any order), the same
    bytes; the rows were streamed into the rekap, not kept."""
    again = report_all(city[0].root, tmp_path / "ulang", jobs=1, progress=False)
    assert again.rekap.read_bytes() == outcome.rekap.read_bytes()
    assert all(r.rekap is None for r in outcome.rows + again.rows)


def test_rekap_writer_orders_agencies_by_position(tmp_path):
    """Agencies added in any order are written in the order of their positions, the same
    bytes as a list in that order."""
    import random

    from pipeline.rekap import AgencyRekap, RekapRow, RekapWriter, write_rekap

    agencies = [AgencyRekap(f"Instansi {i}", f"{i:02d}_instansi", 2021, tuple(
        RekapRow(1, "Sasaran", f"S1.{k}", f"Indikator {k}", "%", 100.0, 90.0 + k, 90.0 + k)
        for k in range(1, 4)), 91.0, 3, f"Laporan_{i}.docx") for i in range(12)]
    in_order = write_rekap(agencies, tmp_path / "urut").read_bytes()
    shuffled = list(enumerate(agencies))
    random.Random(3).shuffle(shuffled)
    with RekapWriter() as writer:
        for position, agency in shuffled:
            writer.add(agency, position)
        assert writer.write(tmp_path / "acak").read_bytes() == in_order


def test_a_batch_freezes_what_is_imported_without_a_full_collection(tmp_path, monkeypatch):
    """The collector during a batch (issue 25): what is imported frozen after collecting
    the young generations only (a full collection walks every object the imports made and
    found nothing to free), the batch's thresholds; as before afterwards."""
    import gc

    from pipeline import batch

    city = write_city(tmp_path / "kota", agencies=2, units=1, indicators=2, seed=5)
    calls: list[object] = []
    seen: dict[str, object] = {}
    real_collect, real_freeze = gc.collect, gc.freeze
    monkeypatch.setattr(gc, "collect", lambda *g: calls.append(g) or real_collect(*g))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze") or real_freeze())
    real_process = batch.process_agency

    def process(*args, **kwargs):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
        return real_process(*args, **kwargs)

    monkeypatch.setattr(batch, "process_agency", process)
    before = gc.get_threshold()
    try:
        outcome = report_all(city.root, tmp_path / "out", jobs=1, progress=False)
        after = gc.get_threshold(), gc.get_freeze_count()
    finally:
        gc.unfreeze()  # whatever happened, not left frozen for the other tests
    assert outcome.ok and len(outcome.reports) == 2
    assert calls[:2] == [(1,), "freeze"]  # the young generations, then frozen
    assert () not in calls and (2,) not in calls  # never a full collection
    assert seen["threshold"] == batch.GC_THRESHOLDS and seen["frozen"] > 0
    assert after == (before, 0)  # as before the batch


def test_each_worker_keeps_the_memory_it_frees(monkeypatch):
    """A pool's worker keeps the heap it frees for the next agency (issue 25;
    ``system.keep_freed_memory``, tested in tests/test_system.py); the parent is left as it
    is: a run with the pool never asks for it in the parent."""
    import gc

    from pipeline import batch, system

    asked: list[int] = []
    monkeypatch.setattr(system, "keep_freed_memory", lambda: asked.append(1) or True)
    monkeypatch.setattr(batch, "hold_connections", lambda: None)
    monkeypatch.setattr(system, "at_worker_exit", lambda action: None)
    monkeypatch.setattr(gc, "set_threshold", lambda *t: None)
    batch._worker_start()
    assert asked == [1]


def test_the_parent_of_a_pool_keeps_its_heap_as_it_is(tmp_path, monkeypatch):
    from pipeline import system

    city = write_city(tmp_path / "kota", agencies=2, units=1, indicators=2, seed=7)
    asked: list[int] = []
    monkeypatch.setattr(system, "keep_freed_memory", lambda: asked.append(1) or True)
    outcome = report_all(city.root, tmp_path / "out", jobs=2, progress=False)
    assert outcome.ok and len(outcome.reports) == 2
    assert asked == []  # the workers' calls happen in the workers, not here


def test_an_agency_is_processed_without_automatic_collections(tmp_path, collector_log):
    """While one agency is processed the collector waits; the young generations are
    collected once when it is done, also when it fails; the collector is then as before
    (issue 25)."""
    import gc

    from pipeline import batch

    city = write_city(tmp_path / "kota", agencies=1, units=1, indicators=2, seed=6)
    folder = city.agencies[0]
    seen = collector_log.seen
    collector_log.watch(batch, "_process")
    row = batch.process_agency(folder, tmp_path / "out")
    assert row.report is not None and not row.message
    assert seen == [False, (1,)] and gc.isenabled()

    seen.clear()
    collector_log.watch(batch, "_process", fails=True)
    row = batch.process_agency(folder, tmp_path / "out")
    assert "GALAT INTERNAL" in row.message and seen == [False, (1,)] and gc.isenabled()

    seen.clear()  # a caller that had it off keeps it off, and collects when it wants
    collector_log.off_around(lambda: batch.process_agency(folder, tmp_path / "out"))
    assert seen == [False]


def test_a_command_starts_without_the_network_modules():
    """``iku`` imports nothing of the network: xml.sax.saxutils (an escape function)
    imports urllib.request, and with it http.client and ssl, about 20 ms of every
    command's start and of ``report --all``'s serial start before its workers (issue 25)."""
    import subprocess
    import sys

    network = ("urllib.request", "http.client", "ssl", "xml.sax.saxutils")
    code = ("import sys, pipeline.cli, pipeline.batch, pipeline.workbook.sample; "
            f"print(sorted(m for m in {network!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]"
