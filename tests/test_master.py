"""Loading the master: the sample loads; every mistake names file, line and field."""

from pathlib import Path

import pytest

from pipeline import paths
from pipeline.errors import MasterError
from pipeline.master import Kind, load_master, parse_master

SAMPLE = paths.SAMPLE_MASTER.read_text(encoding="utf-8")


def test_sample_master_loads_completely():
    m = load_master(paths.SAMPLE_MASTER)
    assert m.agency.year == 2021
    assert [u.code for u in m.units] == ["SEKRETARIAT", "POLITIK", "IDEOLOGI", "KETAHANAN"]
    assert [len(u.iku) for u in m.units] == [4, 7, 7, 6]
    assert len(m.agency.iku) == 9 and len(m.agency.functions) == 8
    assert [s.number for s in m.sasaran] == [1, 2, 3, 4]
    assert [i.code for i in m.indicators] == ["S1.1", "S2.1", "S3.1", "S4.1"]
    assert all(i.kind == Kind.PERCENTAGE and i.baseline is None for i in m.indicators)
    assert m.indicators_of("KETAHANAN") == [m.indicators[0], m.indicators[1], m.indicators[2]]
    assert [u.code for u in m.reporting_units] == ["POLITIK", "IDEOLOGI", "KETAHANAN"]
    assert m.agency.signatory.nip == "19671125 198908 1 001"


def _err(text: str) -> str:
    with pytest.raises(MasterError) as exc:
        parse_master(text, source="m.yaml")
    return str(exc.value)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("tahun: 2021", "tahun: duaribu", "instansi.tahun", "harus bilangan bulat"),
        ("tanggal_laporan: 2022-01-31", "tanggal_laporan: 31/01/2022",
         "instansi.tanggal_laporan", "harus tanggal dengan format TTTT-BB-HH"),
        ("        polaritas: positif", "        polaritas: naik",
         "sasaran[0].indikator[0].polaritas", "nilai tidak dikenal"),
        ("kode: POLITIK", "kode: politik", "unit[1].kode", "format kode tidak sah"),
        ("  tempat_laporan:", "  tempat_lapor:", "instansi.tempat_lapor",
         "kunci tidak dikenal"),
    ],
)
def test_mistakes_name_file_line_and_field(old, new, field, expected):
    assert old in SAMPLE, old
    text = SAMPLE.replace(old, new, 1)
    msg = _err(text)
    line = _line_of(text, new.strip())
    assert f"m.yaml baris {line} › {field}: {expected}" in msg, msg


def test_all_mistakes_reported_at_once():
    text = SAMPLE.replace("tahun: 2021", "tahun: x", 1).replace("        polaritas: positif",
                                                                  "        polaritas: naik", 1)
    assert len(_err(text).splitlines()) == 2


def test_unknown_reporting_unit_is_named():
    msg = _err(SAMPLE.replace("unit_pelapor: [KETAHANAN]", "unit_pelapor: [KETAHANANN]", 1))
    assert "unit_pelapor KETAHANANN tidak ada di daftar unit" in msg


def test_broken_yaml_and_missing_file():
    assert "format YAML tidak sah" in _err("instansi: [unclosed")
    with pytest.raises(MasterError, match="tidak ditemukan"):
        load_master(Path("/nonexistent/master.yaml"))


def test_yes_no_are_text_not_booleans():
    """YAML 1.1 would read `no:` as false; the loader keeps it a key."""
    m = parse_master(SAMPLE)
    assert m.sasaran[0].number == 1


def test_files_saved_by_windows_editors(tmp_path):
    """Notepad adds a BOM and CRLF, or saves as UTF-16 ("Unicode"): all read the same."""
    for name, data in {
        "bom_crlf.yaml": b"\xef\xbb\xbf" + SAMPLE.replace("\n", "\r\n").encode("utf-8"),
        "utf16.yaml": SAMPLE.encode("utf-16"),
    }.items():
        (tmp_path / name).write_bytes(data)
        assert load_master(tmp_path / name).agency.year == 2021


def test_wrong_encoding_and_tabs_say_how_to_fix(tmp_path):
    path = tmp_path / "ansi.yaml"
    path.write_bytes(SAMPLE.replace("Jambi", "Jambi \u2014", 1).encode("cp1252"))
    with pytest.raises(MasterError, match="harus disimpan dengan pengodean UTF-8"):
        load_master(path)
    assert "bukan tab" in _err(SAMPLE.replace("  tahun: 2021", "\ttahun: 2021", 1))
