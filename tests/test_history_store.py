"""The history store: what is recorded comes back unchanged, versions, series across
renames, locks, the file's schema and migrations.

Every check reads the database back through the API and, where the storage itself is the
point (dedup, schema, pragmas), with plain ``sqlite3`` queries.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import HistoryError, YearLocked
from pipeline.history import (
    IndicatorRecord,
    RunSnapshot,
    UnitFigure,
    agency_key,
    open_history,
    resolve_path,
    schema,
)
from pipeline.history.store import join_series

T0 = dt.datetime(2022, 1, 31, 2, 30, tzinfo=dt.UTC)
AGENCY = "badan-x"


def rec(key, real=87.5, *, old=None, target=100, name=None, units=(("A", 7.0, 8.0),)):
    return IndicatorRecord(
        key=key, code=key, kind="persentase", name=name or f"Indikator {key}",
        unit_of_measure="%", target=target, realisation=real, achievement=real,
        kode_lama=(old,) if isinstance(old, str) else tuple(old or ()),
        contributions=tuple(UnitFigure(u, x1, x2, "", f"fp-{u}") for u, x1, x2 in units))


def snap(year, records, *, master="versi_skema: 1\n", period="tahunan", at=T0,
         source="report", name="Badan X"):
    return RunSnapshot(agency_key=AGENCY, agency_name=name, year=year,
                       indicators=tuple(records), period=period, source=source,
                       recorded_at=at, master_text=master, master_fingerprint="m" + master[:3],
                       template=b"PK\x03\x04 template", template_fingerprint="t1")


@pytest.fixture
def db(tmp_path):
    with open_history(tmp_path / "riwayat.sqlite") as h:
        yield h


# --- what goes in comes out --------------------------------------------------------------

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
targets = st.one_of(st.none(), st.integers(0, 10**6), finite,
                    st.tuples(finite, finite), st.sampled_from(["NA", "WTP", "ya", "A"]))
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
units = st.builds(UnitFigure, unit=st.from_regex(r"[A-Z]{1,8}", fullmatch=True),
                  x1=st.none() | finite, x2=st.none() | finite, note=texts,
                  submission_fingerprint=st.sampled_from(["", "a" * 64, "b" * 64]))
records = st.builds(
    IndicatorRecord, key=st.just("K"), code=texts, kind=st.sampled_from(["persentase", ""]),
    name=texts, unit_of_measure=texts, target=targets, realisation=st.none() | finite,
    realisation_label=st.none() | texts, achievement=st.none() | finite,
    predikat=st.none() | texts, status=texts,
    kode_lama=st.lists(st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,5}", fullmatch=True),
                       max_size=2).map(tuple),
    contributions=st.lists(units, max_size=4).map(tuple))


@settings(max_examples=40, deadline=None)
@given(recs=st.lists(records, max_size=5), master=texts, template=st.binary(max_size=50),
       period=st.sampled_from(["tahunan", "TW1", "TW4"]))
def test_a_snapshot_comes_back_exactly(tmp_path_factory, recs, master, template, period):
    recs = [r.__class__(**{**r.__dict__, "key": f"K{i}"}) for i, r in enumerate(recs)]
    original = RunSnapshot(AGENCY, "Badan X", 2021, tuple(recs), period, "impor", T0, master,
                           "mfp", template, "tfp", "sfp")
    path = tmp_path_factory.mktemp("h") / "r.sqlite"
    with open_history(path) as h:
        assert h.record(original) == 1
    with open_history(path, create=False) as h:  # another connection, as another process
        stored = h.current(AGENCY, 2021, period)
    assert stored.snapshot == original
    assert stored.info.version == 1 and stored.info.is_current
    assert stored.info.indicators == len(recs)


def test_recorded_at_none_means_now_in_utc(db):
    before = dt.datetime.now(dt.UTC)
    db.record(snap(2021, [rec("S1.1")], at=None))
    at = db.current(AGENCY, 2021).info.recorded_at
    assert at.tzinfo is not None and before <= at <= dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("change, message", [
    ({"period": "TW5"}, "periode tidak dikenal"),
    ({"year": 99}, "tahun tidak sah"),
    ({"agency_key": ""}, "agency_key kosong"),
    ({"indicators": (rec("A"), rec("A"))}, "kunci indikator berulang"),
    ({"indicators": (rec("A", target=[1, 2]),)}, "target tidak dikenal"),
    ({"indicators": (rec("A", target=(1, float("nan"))),)}, "target tidak dikenal"),
    ({"recorded_at": dt.datetime(2022, 1, 1)}, "zona waktu"),
])
def test_a_malformed_snapshot_is_a_bug_and_records_nothing(db, change, message):
    bad = RunSnapshot(**{**snap(2021, [rec("A")]).__dict__, **change})
    with pytest.raises(ValueError, match=message):
        db.record(bad)
    assert db.conn.execute("SELECT count(*) FROM run").fetchone() == (0,)


# --- versions -------------------------------------------------------------------------------


def test_recording_again_makes_a_new_current_version_and_keeps_the_old(db):
    first = snap(2021, [rec("S1.1", 50.0)], at=T0)
    second = snap(2021, [rec("S1.1", 75.0)], at=T0 + dt.timedelta(days=1), source="impor")
    assert [db.record(first), db.record(second)] == [1, 2]
    assert db.current(AGENCY, 2021).snapshot == second
    assert db.version(AGENCY, 2021, 1).snapshot == first
    infos = db.versions(AGENCY, 2021)
    assert [(i.version, i.is_current, i.source, i.recorded_at) for i in infos] == [
        (1, False, "report", T0), (2, True, "impor", T0 + dt.timedelta(days=1))]
    # periods are numbered apart; versions() of all periods lists the year-end first
    assert db.record(snap(2021, [rec("S1.1")], period="TW2")) == 1
    assert [(i.period, i.version) for i in db.versions(AGENCY, 2021)] == [
        ("tahunan", 1), ("tahunan", 2), ("TW2", 1)]
    assert db.current(AGENCY, 2020) is None and db.current("lain", 2021) is None


def test_same_master_text_is_stored_once(db):
    for n in range(3):
        db.record(snap(2021 + n, [rec("S1.1")], master="sama\n" * 500))
    db.record(snap(2024, [rec("S1.1")], master="lain\n"))
    blobs = db.conn.execute("SELECT size, length(zdata) FROM blob ORDER BY size").fetchall()
    # the template (same bytes every run) once, each distinct master once, compressed
    assert [size for size, _ in blobs] == [5, 13, 2500]
    assert blobs[2][1] < 100
    assert db.current(AGENCY, 2023).snapshot.master_text == "sama\n" * 500


def test_record_many_is_all_or_nothing(db):
    db.record(snap(2020, [rec("S1.1")]))
    db.lock(AGENCY, 2020)
    with pytest.raises(YearLocked):
        db.record_many([snap(2019, [rec("S1.1")]), snap(2020, [rec("S1.1")])])
    assert db.current(AGENCY, 2019) is None
    assert [i.version for i in db.versions(AGENCY, 2020)] == [1]


def test_agencies_lists_names_and_years(db):
    db.record(snap(2021, [rec("A")], name="Badan X"))
    db.record(snap(2019, [rec("A")], name="Badan X (nama baru)"))
    db.record(snap(2020, [rec("A")], period="TW1", name="Badan X (nama baru)"))
    (info,) = db.agencies()
    assert (info.key, info.name, info.years) == (AGENCY, "Badan X (nama baru)", (2019, 2021))


# --- series ----------------------------------------------------------------------------------


def test_series_joins_years_and_renames(db):
    db.record(snap(2019, [rec("A", 10.0), rec("B", 11.0), rec("GONE", 12.0)]))
    db.record(snap(2020, [rec("A", 20.0), rec("B2", 21.0, old="B")]))
    db.record(snap(2021, [rec("NEW", 30.0), rec("A", 31.0), rec("B3", 32.0, old="B2")]))
    s = db.series(AGENCY)
    assert s.years == (2019, 2020, 2021) and s.agency_name == "Badan X"
    got = {i.key: [(f.year, f.record.code, f.record.realisation) for f in i.figures]
           for i in s.indicators}
    assert list(got) == ["NEW", "A", "B3", "GONE"]
    assert got == {
        "NEW": [(2021, "NEW", 30.0)],
        "A": [(2019, "A", 10.0), (2020, "A", 20.0), (2021, "A", 31.0)],
        "B3": [(2019, "B", 11.0), (2020, "B2", 21.0), (2021, "B3", 32.0)],
        "GONE": [(2019, "GONE", 12.0)],
    }
    assert s.indicators[1].at(2020).record.realisation == 20.0
    assert s.indicators[1].at(2018) is None
    assert [y for y in db.series(AGENCY, last=2).years] == [2020, 2021]
    assert db.series(AGENCY, years=[2019, 2021]).years == (2019, 2021)
    assert db.series(AGENCY, last=0).indicators == ()
    assert db.series("tidak-ada").years == ()


def _fig(year, key, old=None):
    from pipeline.history import Figure
    return Figure(year, "tahunan", 1, rec(key, old=old))


@pytest.mark.parametrize("years, expected", [
    # the same key wins over kode_lama when both exist the year before
    ({2020: [("A", None), ("B", None)], 2021: [("A", "B")]},
     [["2020:A", "2021:A"], ["2020:B"]]),
    # a year without the indicator is skipped, the chain goes on
    ({2019: [("A", None)], 2020: [("X", None)], 2021: [("A", None)]},
     [["2019:A", "2021:A"], ["2020:X"]]),
    # a kode_lama kept in later masters still finds the renamed code first
    ({2020: [("A", None)], 2021: [("B", "A")], 2022: [("B", "A")]},
     [["2020:A", "2021:B", "2022:B"]]),
])
def test_join_series_rules(years, expected):
    by_year = {y: [_fig(y, k, o) for k, o in figs] for y, figs in years.items()}
    chains = join_series(by_year)
    assert [[f"{f.year}:{f.record.code}" for f in c.figures] for c in chains] == expected


def test_previous_year_figure_by_key_then_kode_lama(db):
    db.record(snap(2020, [rec("A", 40.0), rec("OLD", 41.0)]))
    db.record(snap(2020, [rec("A", 50.0), rec("OLD", 51.0)]))  # version 2 is current
    db.record(snap(2020, [rec("A", 60.0)], period="TW4"))
    fig = db.previous_year_figure(AGENCY, 2021, "A")
    assert (fig.year, fig.period, fig.version, fig.record.realisation) == (
        2020, "tahunan", 2, 50.0)
    assert fig.record.contributions == (UnitFigure("A", 7.0, 8.0, "", "fp-A"),)
    assert db.previous_year_figure(AGENCY, 2021, "NEW", ("X", "OLD")).record.realisation == 51.0
    assert db.previous_year_figure(AGENCY, 2021, "NEW") is None
    assert db.previous_year_figure(AGENCY, 2022, "A") is None


# --- locks --------------------------------------------------------------------------------


def test_lock_refuses_new_versions_unless_unlocked(db):
    db.record(snap(2021, [rec("A", 1.0)]))
    assert not db.is_locked(AGENCY, 2021)
    info = db.lock(AGENCY, 2021)
    assert (info.year, info.version) == (2021, 1) and db.is_locked(AGENCY, 2021)
    assert db.lock(AGENCY, 2021) == info  # locking again changes nothing
    for period in ("tahunan", "TW3"):
        with pytest.raises(YearLocked, match=r"riwayat tahun 2021 Badan X sudah dikunci "
                           r"\(ditandatangani\) pada .*--buka-kunci"):
            db.record(snap(2021, [rec("A", 2.0)], period=period))
    assert [v.version for v in db.versions(AGENCY, 2021)] == [1]
    assert db.record(snap(2021, [rec("A", 3.0)]), unlock=True) == 2
    versions = db.versions(AGENCY, 2021)
    assert [(v.version, v.over_lock, v.locked, v.is_current) for v in versions] == [
        (1, False, False, False), (2, True, True, True)]
    assert db.lock_info(AGENCY, 2021).version == 2
    assert not db.is_locked(AGENCY, 2022)
    db.record(snap(2022, [rec("A")]))  # other years are free


def test_lock_of_an_unrecorded_year_is_refused(db):
    db.record(snap(2021, [rec("A")], period="TW1"))
    with pytest.raises(HistoryError, match="tahun 2021 instansi 'badan-x' belum tercatat"):
        db.lock(AGENCY, 2021)


# --- agency keys ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, code, key", [
    ("Badan Kesatuan Bangsa dan Politik Kota Jambi", None,
     "badan-kesatuan-bangsa-dan-politik-kota-jambi"),
    ("  BADAN Kesatuan  Bangsa dan Politik, Kota Jambi. ", None,
     "badan-kesatuan-bangsa-dan-politik-kota-jambi"),
    ("Dinas Pekerjaan Umum & Penataan Ruang (PUPR)", None,
     "dinas-pekerjaan-umum-penataan-ruang-pupr"),
    ("Dinas Kebudayaan dan Pariwisata Kota Banda Aceh", None,
     "dinas-kebudayaan-dan-pariwisata-kota-banda-aceh"),
    ("Café Ｄｉｎａｓ_2", None, "cafe-dinas-2"),
    ("Badan X", "KESBANG 01", "kesbang-01"),
])
def test_agency_key(name, code, key):
    assert agency_key(name, code) == key


def test_agency_key_refuses_a_name_without_letters():
    with pytest.raises(ValueError, match="tidak dapat dijadikan kunci"):
        agency_key(" -- ")


def test_resolve_path_option_then_env_then_output(monkeypatch, tmp_path):
    from pipeline import paths

    monkeypatch.setattr(paths, "OUTPUT", tmp_path / "out")
    monkeypatch.delenv("IKU_RIWAYAT", raising=False)
    assert resolve_path(None) == tmp_path / "out" / "riwayat.sqlite"
    monkeypatch.setenv("IKU_RIWAYAT", str(tmp_path / "env.sqlite"))
    assert resolve_path(None) == tmp_path / "env.sqlite"
    assert resolve_path(tmp_path / "opt.sqlite") == tmp_path / "opt.sqlite"


# --- the file ----------------------------------------------------------------------------------


def test_a_new_file_is_migrated_and_set_up(tmp_path):
    path = tmp_path / "sub" / "r.sqlite"
    open_history(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,)
    assert conn.execute("PRAGMA application_id").fetchone() == (schema.APPLICATION_ID,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    assert tables == {"agency", "blob", "run", "figure", "submission", "contribution",
                      "year_lock", "run_source", "pk"}
    conn.close()
    with open_history(path, create=False) as h:  # re-opening migrates nothing
        assert h.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
        assert h.conn.execute("PRAGMA busy_timeout").fetchone() == (schema.BUSY_TIMEOUT_MS,)
        assert h.conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert schema.migrate(h.conn) == schema.SCHEMA_VERSION


def test_an_empty_existing_file_is_migrated(tmp_path):
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"")
    with open_history(path) as h:
        h.record(snap(2021, [rec("A")]))
    with open_history(path, create=False) as h:
        assert h.current(AGENCY, 2021).info.version == 1


def test_every_migration_step_is_one_transaction(tmp_path, monkeypatch):
    """A migration that fails half way leaves the file at the version before it."""
    path = tmp_path / "r.sqlite"
    first = schema.MIGRATIONS[0]
    run = next(i for i, s in enumerate(first) if s.startswith("CREATE TABLE run"))
    broken = (first[:run + 1] + ("CREATE TABLE run (x)",),)
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        schema.connect(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM sqlite_schema").fetchone() == (0,)
    conn.close()
    monkeypatch.undo()
    open_history(path).close()  # the real migrations then run on it


def test_a_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "r.sqlite"
    open_history(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(HistoryError) as exc:
        open_history(path)
    assert str(exc.value) == (
        f"berkas riwayat {path} dibuat oleh versi iku yang lebih baru (skema "
        f"{schema.SCHEMA_VERSION + 1}; program ini mengenal sampai skema "
        f"{schema.SCHEMA_VERSION}); perbarui iku, jangan mengubah berkas ini dengan versi lama")
    assert path.read_bytes() == before


@pytest.mark.parametrize("content, message", [
    (b"nama,tahun\nBadan X,2021\n", "bukan berkas riwayat iku (bukan basis data SQLite)"),
    ("sqlite-other", "basis data SQLite milik program lain"),
])
def test_a_file_that_is_not_a_history_is_refused_untouched(tmp_path, content, message):
    path = tmp_path / "r.sqlite"
    if content == "sqlite-other":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(HistoryError, match=re.escape(message)):
        open_history(path)
    assert path.read_bytes() == before


def test_missing_file_without_create(tmp_path):
    with pytest.raises(HistoryError, match="belum ada: riwayat terisi oleh `iku riwayat impor`"):
        open_history(tmp_path / "tidak_ada.sqlite", create=False)
    assert not (tmp_path / "tidak_ada.sqlite").exists()


def test_a_damaged_file_gives_a_message(tmp_path):
    path = tmp_path / "r.sqlite"
    with open_history(path) as h:
        for year in range(2000, 2040):
            h.record(snap(year, [rec(f"K{i}") for i in range(30)]))
        h.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page but the first (the schema)
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="rusak atau bukan berkas riwayat iku"):
        with open_history(path) as h:
            h.series(AGENCY)


def test_measure_script_runs_small(tmp_path, capsys):
    """The measuring script of docs/RIWAYAT.md, at a tiny size, so that it cannot rot."""
    from dev import history_measure as measure

    db = tmp_path / "ukur.sqlite"
    assert measure.main(["--agencies", "3", "--years", "2", "--city", "2", "--out",
                         str(db)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("3 instansi x 2 tahun = 6 runs, ")
    assert "record one city year (2 instansi) into it: " in out
    conn = sqlite3.connect(db)
    # 6 runs built, then 3 rounds x 2 years x 2 agencies timed
    assert conn.execute("SELECT count(*) FROM run").fetchone() == (6 + 12,)
    assert conn.execute("SELECT count(DISTINCT master_sha256) FROM run").fetchone() == (18,)
    conn.close()


def test_an_agency_filed_by_name_is_found_and_adopted_by_its_code(db):
    db.record(snap(2020, [rec("A")]))  # filed by name: agency_key("Badan X") == AGENCY
    assert db.find_agency("kode-x", "Badan X") == AGENCY
    assert db.find_agency("kode-x") is None  # without the name, only the key counts
    coded = RunSnapshot(**{**snap(2021, [rec("A")]).__dict__, "agency_key": "kode-x"})
    db.record(coded)  # a master with `instansi.kode` takes the agency over
    assert [a.key for a in db.agencies()] == ["kode-x"]
    assert db.series("kode-x").years == (2020, 2021)
    assert db.find_agency(AGENCY, "Badan X") == "kode-x"  # the only one with that name
    db.record(snap(2022, [rec("A")]))  # a run filed by name again joins it
    assert db.series("kode-x").years == (2020, 2021, 2022)
    assert [a.key for a in db.agencies()] == ["kode-x"]
    assert db.find_agency("lain", "Dinas Lain") is None


def test_a_version_1_file_is_migrated_with_its_figures(tmp_path):
    """A file written by the first schema keeps every figure when opened by this one; the
    new columns read as empty."""
    path = tmp_path / "r.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("BEGIN")
    for statement in schema.MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("INSERT INTO agency VALUES (1, ?, 'Dinas Contoh', ?)", (AGENCY, AGENCY))
    conn.execute("INSERT INTO run VALUES (1, 1, 2021, 'tahunan', 1, 1, "
                 "'2022-01-31T00:00:00+00:00', 'Dinas Contoh', 'report', NULL, '', NULL, "
                 "'', '', 0)")
    conn.execute("INSERT INTO figure VALUES (1, 0, 'A', 'A', NULL, 'persentase', 'Ind A', "
                 "'%', '100', 87.5, NULL, 87.5, NULL, 'ok')")
    conn.execute("INSERT INTO contribution VALUES (1, 0, 0, 'U', 7, 8, '', NULL)")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    with open_history(path, create=False) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,)
        (record,) = h.current(AGENCY, 2021).snapshot.indicators
        assert (record.key, record.realisation, record.previous_achievement) == ("A", 87.5,
                                                                                 None)
        assert [(u.unit, u.x1, u.x2, u.analysis) for u in record.contributions] == [
            ("U", 7, 8, "")]
        h.record(snap(2022, [replace(rec("A"), previous_achievement=87.5,
                                     previous_realisation="WDP")]))
        (again,) = h.current(AGENCY, 2022).snapshot.indicators
        assert (again.previous_achievement, again.previous_realisation) == (87.5, "WDP")


def test_a_file_another_process_is_creating_is_not_taken_for_a_stranger(tmp_path, monkeypatch):
    """Two processes create the history at once: while one checks whose file it is (the
    application id, then the tables), the other commits the tables and the id together.
    Read apart, the id came before that commit and the tables after it: "milik program
    lain" (seen under load in test_history_faults). Read in one snapshot, it is ours."""
    from pipeline.history import schema

    path = tmp_path / "riwayat.sqlite"
    other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    real_connect = sqlite3.connect
    done = []

    def meanwhile(statement: str) -> None:
        if "sqlite_schema" in statement and not done:
            done.append(statement)
            try:
                schema.migrate(other)  # the other process commits right now
            except sqlite3.OperationalError:
                pass  # it waits for this read to end, as a real process would

    def connect(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.set_trace_callback(meanwhile)
        return conn

    monkeypatch.setattr(schema.sqlite3, "connect", connect)
    conn = schema.connect(path)
    try:
        assert done and schema.user_version(conn) == schema.SCHEMA_VERSION
    finally:
        conn.close()
        other.close()
