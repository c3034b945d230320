"""The history stages' fast paths (issue 25) are the slow paths they replace.

* ``history.report.snapshot`` and ``History._records`` make their records with
  ``frozen.made``: held here to the dataclasses' constructors, field by field and in field
  order (equal, the same repr, hash and pickle), for random records of every shape;
* ``History._records`` decodes a JSON text repeated within a run once: held to decoding
  each row (the reading below is the code before the change, on the same connection);
* ``packaging.stamp_value`` of the bytes ``stamp_parts`` just returned answers from what it
  wrote instead of reading the zip again: held to the reading for packages with no custom
  properties part and with every kind of existing one.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
import zipfile
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.history import IndicatorRecord, RunSnapshot, UnitFigure, open_history, store
from pipeline.history.model import fingerprint
from pipeline.history.report import snapshot
from pipeline.office import packaging

T0 = dt.datetime(2022, 1, 31, 2, 30, tzinfo=dt.UTC)

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
# a few values each, so that runs repeat their JSON texts (the decoding's memo)
targets = st.one_of(st.none(), st.sampled_from([100, 0, 2.5, (80.0, 90.0), "NA", "WTP", "ya"]),
                    st.integers(0, 10**6), finite, st.tuples(finite, finite))
previous = st.one_of(st.none(), st.sampled_from([108.9, 0.0]), finite)
labels = st.one_of(st.none(), st.sampled_from(["", "WTP", "ya"]), texts)


def _same(got: list, wanted: list) -> None:
    """Equal, and the same instances as far as anything can tell: type, repr, hash, the
    fields in their order (nested contributions too), pickling."""
    assert got == wanted
    assert [type(x) for x in got] == [type(x) for x in wanted]
    assert [repr(x) for x in got] == [repr(x) for x in wanted]
    assert [list(vars(x).items()) for x in got] == [list(vars(x).items()) for x in wanted]
    for a, b in zip(got, wanted, strict=True):
        assert [list(vars(u).items()) for u in a.contributions] == \
            [list(vars(u).items()) for u in b.contributions]
        assert all(type(u) is UnitFigure for u in a.contributions)
    assert [hash(x) for x in got if _hashable(x)] == [hash(x) for x in wanted if _hashable(x)]
    assert pickle.loads(pickle.dumps(got)) == wanted


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return True


# --- snapshot: the records of a run ------------------------------------------------------

contribution = st.builds(SimpleNamespace, unit=st.sampled_from(["A", "B", "C"]),
                         x1=st.none() | finite | texts, x2=st.none() | finite, note=texts,
                         analysis=texts)
# compute's Contribution has ``analysis``; an older shape without it gives ""
plain_contribution = st.builds(SimpleNamespace, unit=st.sampled_from(["A", "D"]),
                               x1=st.none() | finite, x2=st.none() | finite, note=texts)
indicator = st.fixed_dictionaries({
    "kind": st.sampled_from(["persentase", "jumlah", "predikat"]), "name": texts,
    "unit_of_measure": texts, "target": targets,
    "old_codes": st.lists(st.sampled_from(["X1", "X2", "Y"]), max_size=2),
    "realisation": st.none() | finite, "label": labels, "achievement": st.none() | finite,
    "grade": labels, "status": st.sampled_from(["ok", "kurang", "draft"]),
    "contributions": st.lists(contribution | plain_contribution, max_size=4),
    "previous": st.none() | st.tuples(previous, st.none() | finite | texts),
    "source": st.none() | texts,
})


def _fake(inds: list[dict], text: str):
    """A master and results as ``snapshot`` reads them (only the attributes it uses)."""
    master_inds, results, prev, sources = [], {}, {}, {}
    for i, d in enumerate(inds):
        code = f"K{i}"
        master_inds.append(SimpleNamespace(
            code=code, kind=SimpleNamespace(value=d["kind"]), name=d["name"],
            unit_of_measure=d["unit_of_measure"], target=d["target"],
            old_codes=list(d["old_codes"])))
        results[code] = SimpleNamespace(
            realisation=d["realisation"], label=d["label"], achievement=d["achievement"],
            grade=d["grade"], status=SimpleNamespace(value=d["status"]),
            contributions=tuple(d["contributions"]))
        if d["previous"] is not None:
            prev[code] = d["previous"]
        if d["source"] is not None:
            sources[code] = d["source"]
    master = SimpleNamespace(indicators=master_inds, source_text=text,
                             agency=SimpleNamespace(name="Badan X", year=2021, code=None))
    return master, SimpleNamespace(indicators=results, previous=prev, sources=sources)


def _reference_snapshot(master, results, submissions, template, source="report"):
    """``snapshot`` as it was written with the constructors (before issue 25's change)."""
    records = []
    for ind in master.indicators:
        r = results.indicators[ind.code]
        prev = results.previous.get(ind.code, (None, None))
        records.append(IndicatorRecord(
            key=ind.code, code=ind.code, kind=ind.kind.value, name=ind.name,
            unit_of_measure=ind.unit_of_measure, target=ind.target,
            realisation=r.realisation, realisation_label=r.label,
            achievement=r.achievement, predikat=r.grade, status=r.status.value,
            kode_lama=tuple(ind.old_codes),
            contributions=tuple(
                UnitFigure(c.unit, c.x1, c.x2, c.note, submissions.get(c.unit, ""),
                           getattr(c, "analysis", ""))
                for c in r.contributions),
            previous_achievement=prev[0], previous_realisation=prev[1],
            derivation=results.sources.get(ind.code, "")))
    text = master.source_text
    return RunSnapshot(
        agency_key="badan-x", agency_name=master.agency.name, year=master.agency.year,
        indicators=tuple(records), period="tahunan", source=source, master_text=text,
        master_fingerprint=fingerprint(text) if text else "", template=template,
        template_fingerprint=fingerprint(template) if template else "")


@settings(max_examples=150, deadline=None)
@given(st.lists(indicator, max_size=6), texts,
       st.dictionaries(st.sampled_from(["A", "B", "D"]), st.sampled_from(["a" * 64, ""])),
       st.binary(max_size=20))
def test_snapshot_records_are_the_constructors(inds, text, submissions, template):
    """The records ``snapshot`` makes with ``frozen.made`` are those the constructors
    make. Fails when a field is dropped, swapped or left out of order (tried: the
    ``obstacles`` default left out; ``previous_achievement`` and
    ``previous_realisation`` swapped)."""
    master, results = _fake(inds, text)
    got = snapshot(master, results, submissions, template)  # type: ignore[arg-type]
    wanted = _reference_snapshot(master, results, submissions, template)
    assert got == wanted
    _same(list(got.indicators), list(wanted.indicators))


# --- History._records: the records read back ---------------------------------------------

unit = st.builds(UnitFigure, unit=st.sampled_from(["A", "B", "C"]),
                 x1=st.none() | finite, x2=st.none() | finite, note=texts,
                 submission_fingerprint=st.sampled_from(["", "a" * 64, "b" * 64]),
                 analysis=texts, obstacles=texts, follow_up=texts)
record = st.builds(
    IndicatorRecord, key=st.just("K"), code=texts, kind=st.sampled_from(["persentase", ""]),
    name=texts, unit_of_measure=texts, target=targets, realisation=st.none() | finite,
    realisation_label=labels, achievement=st.none() | finite, predikat=labels,
    status=texts, kode_lama=st.lists(st.sampled_from(["X1", "X.2", "Y-3"]), max_size=2,
                                     unique=True).map(tuple),
    contributions=st.lists(unit, max_size=3).map(tuple),
    previous_achievement=previous, previous_realisation=st.none() | previous | labels,
    derivation=st.sampled_from(["", "jumlah TW I–IV"]) | texts)


def _reference_records(conn, run_id: int) -> list[IndicatorRecord]:
    """``History._records`` as it was (constructors, every JSON text decoded)."""
    extra_names = ("previous_achievement", "previous_realisation", "derivation")

    def extra_fields(text):
        return {k: v for k, v in json.loads(text).items() if k in extra_names} if text else {}

    def target_value(text):
        if text is None:
            return None
        value = json.loads(text)
        return tuple(value) if isinstance(value, list) else value

    prints = dict(conn.execute("SELECT n, fingerprint FROM submission WHERE run_id = ?",
                               (run_id,)).fetchall())
    units: dict[int, list[UnitFigure]] = {}
    for pos, u, x1, x2, note, n, analysis, obstacles, follow_up in conn.execute(
            "SELECT position, unit, x1, x2, note, submission, analysis, obstacles, "
            "follow_up FROM contribution WHERE run_id = ? ORDER BY position, seq", (run_id,)):
        units.setdefault(pos, []).append(
            UnitFigure(u, x1, x2, note, prints.get(n, "") if n is not None else "",
                       analysis, obstacles, follow_up))
    return [
        IndicatorRecord(
            key=key, code=code, kind=kind, name=name, unit_of_measure=uom,
            target=target_value(target), realisation=real, realisation_label=label,
            achievement=ach, predikat=pred, status=status,
            kode_lama=tuple(old.split(",")) if old else (),
            contributions=tuple(units.get(pos, ())), **extra_fields(extra))
        for pos, key, code, old, kind, name, uom, target, real, label, ach, pred, status,
        extra in conn.execute(
            "SELECT position, key, code, kode_lama, kind, name, unit_of_measure, target, "
            "realisation, realisation_label, achievement, predikat, status, extra "
            "FROM figure WHERE run_id = ? ORDER BY position", (run_id,))]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(record, min_size=1, max_size=8))
def test_records_read_back_are_the_constructors(tmp_path_factory, recs):
    """What ``History.current`` reads (records made with ``frozen.made``) is what the
    constructors and a decoding per row give. Fails when
    the extra fields come in another order or a record's extra fields leak into the next
    (tried: ``{**_extra_fields(extra), **_NO_EXTRA}``; an extras' memo keyed on the
    target instead of the extra text)."""
    recs = [IndicatorRecord(**{**vars(r), "key": f"K{i}"}) for i, r in enumerate(recs)]
    original = RunSnapshot("badan-x", "Badan X", 2021, tuple(recs), "tahunan", "report", T0,
                           "m", "mfp", b"t", "tfp")
    path = tmp_path_factory.mktemp("h") / "r.sqlite"
    with open_history(path) as h:
        h.record(original)
        stored = h.current("badan-x", 2021)
        (run_id,) = h.conn.execute("SELECT id FROM run").fetchone()
        wanted = _reference_records(h.conn, run_id)
    _same(list(stored.snapshot.indicators), wanted)


def test_a_mutable_target_is_not_shared(tmp_path):
    """A target read back as something mutable (only a foreign or damaged file holds one:
    ``check_target`` refuses them) is decoded for each record, never shared between two."""
    recs = [IndicatorRecord(f"K{i}", f"K{i}", "persentase", "n", target=1) for i in range(3)]
    with open_history(tmp_path / "r.sqlite") as h:
        h.record(RunSnapshot("badan-x", "Badan X", 2021, tuple(recs)))
        h.conn.execute("UPDATE figure SET target = '[[1, 2], 3]'")
        h.conn.commit()
        got = [r.target for r in h.current("badan-x", 2021).snapshot.indicators]
    assert got == [([1, 2], 3)] * 3
    assert got[0][0] is not got[1][0] and got[1][0] is not got[2][0]


# --- the stamp of the package just written -------------------------------------------------

NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def _prop(name: str, value: str, pid: int = 2, ns: str = NS) -> str:
    return (f'<property xmlns="{ns}" fmtid="{FMTID}" pid="{pid}" name="{name}">'
            f'<vt:lpwstr xmlns:vt="{VT}">{value}</vt:lpwstr></property>')


# existing custom properties parts: none, others kept, an old stamp replaced, a stamp-named
# property in another namespace (read first, not replaced), one too large to be read
CUSTOM = [None, b"", f'<Properties xmlns="{NS}">{_prop("author", "x")}</Properties>',
          f'<Properties xmlns="{NS}">{_prop("iku_sidik", " old ")}</Properties>',
          f'<Properties xmlns="{NS}">{_prop("iku_sidik", "other", 3, "urn:x")}</Properties>',
          f'<Properties xmlns="{NS}">{_prop("pad", "x" * (1024 * 1024))}</Properties>']


def _parts(custom, body: bytes) -> dict[str, bytes]:
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.'
                               b'openxmlformats.org/package/2006/content-types"></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                       b'openxmlformats.org/package/2006/relationships"></Relationships>',
        "word/document.xml": body}
    if custom is not None:
        parts[packaging.CUSTOM_PART] = custom.encode() if isinstance(custom, str) else custom
    return parts


def _read_stamp(data: bytes) -> str | None:
    """The stamp read from the zip (a copy of the bytes: never the remembered object)."""
    copy = bytes(bytearray(data))
    assert copy is not data
    return packaging.stamp_value(copy)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CUSTOM), st.binary(max_size=200))
def test_stamp_of_the_bytes_just_stamped_is_the_stamp_read(custom, body):
    """``stamp_value`` of the bytes ``stamp_parts`` returned is what reading their zip
    says, whatever custom properties the package had. Fails when the remembered value
    is taken as the stamp written even when the part existed (tried: ``_last_stamped =
    (data, value)``: the property of another namespace, read first, and the part too
    large to read tell them apart)."""
    data = packaging.stamp_parts(_parts(custom, body), dt.date(2022, 1, 31))
    assert packaging._last_stamped is not None and packaging._last_stamped[0] is data
    assert packaging.stamp_value(data) == _read_stamp(data)


def test_stamp_of_other_bytes_is_read():
    """Only the very object just stamped is answered from memory: equal bytes in
    another object, and other bytes, are read (an edited report keeps its stamp)."""
    first = packaging.stamp_parts(_parts(None, b"<a/>"), dt.date(2022, 1, 31))
    stamp = _read_stamp(first)
    assert stamp and len(stamp) == 64
    second = packaging.stamp_parts(_parts(None, b"<b/>"), dt.date(2022, 1, 31))
    assert packaging.stamp_value(first) == stamp != packaging.stamp_value(second)
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert packaging.read_custom_property(z.read(packaging.CUSTOM_PART),
                                              "iku_sidik") == stamp


@pytest.mark.parametrize("custom", CUSTOM[2:5])
def test_stamps_differ_from_reading_when_the_part_existed(custom):
    """The case the fast path must not assume: with a part that existed, the written
    value and the stamp read can differ (another namespace's ``iku_sidik`` comes first),
    so the remembered stamp is the one read from the part written."""
    data = packaging.stamp_parts(_parts(custom, b"<a/>"), dt.date(2022, 1, 31))
    read = _read_stamp(data)
    assert packaging.stamp_value(data) == read
    if "urn:x" in custom:
        assert read == "other"


# --- History: blobs -------------------------------------------------------------------------


def _snap(n: int, template: bytes) -> RunSnapshot:
    return RunSnapshot(f"badan-{n}", f"Badan {n}", 2021, (), "tahunan", "report", T0,
                       f"master {n}", f"m{n}", template, f"t{n}")


def test_blobs_read_again_are_the_blobs(tmp_path):
    """A History keeps the blobs it read (a batch's template, once), and whatever it keeps
    or drops, each run reads back its own master text and template, as a History that
    keeps nothing does. Fails when a blob is kept under another key or a kept one is
    handed out for the wrong key (tried: the read blob stored under the previous key)."""
    path = tmp_path / "r.sqlite"
    templates = [b"template A" * 50, b"template B" * 50, b"template A" * 50]
    with open_history(path) as h:
        for n in range(store.BLOBS_KEPT * 3):
            h.record(_snap(n, templates[n % 3]))
    with open_history(path, create=False) as h:
        order = [*range(store.BLOBS_KEPT * 3), 0, 5, 0, 1, 1, 7, 2, 0]
        got = [h.current(f"badan-{n}", 2021).snapshot for n in order]
        assert len(h._blobs) <= store.BLOBS_KEPT
    for n, snap in zip(order, got, strict=True):
        assert (snap.master_text, snap.template) == (f"master {n}", templates[n % 3])
        with open_history(path, create=False) as fresh:  # keeps nothing yet
            assert fresh.current(f"badan-{n}", 2021).snapshot == snap


def test_blobs_of_a_version_being_recorded_are_not_kept(tmp_path):
    """A blob read while a version is being recorded (it may yet roll back) is not kept."""
    path = tmp_path / "r.sqlite"
    with open_history(path) as h:
        with h.recording(_snap(1, b"template T")):
            assert h.current("badan-1", 2021).snapshot.template == b"template T"
            assert h._blobs == {}
        assert h.current("badan-1", 2021).snapshot.template == b"template T"
        assert list(h._blobs.values()) == [b"master 1", b"template T"]
