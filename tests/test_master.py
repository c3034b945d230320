"""Loading the master: the sample loads; every mistake names file, line and field."""

import re
from pathlib import Path

import pytest
import yaml

from pipeline import paths
from pipeline.domain.master import Kind, load_master, parse_master
from pipeline.errors import MasterError

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


# --- natural input, duplicates, and Indonesian-only messages (issue 8 §6) -----------------


TARGET_LINE = ("        target: 100\n        angka_awal_rpjmd: null\n"
               "        capaian_tahun_lalu: 100\n")


def _with_target(value: str) -> str:
    assert TARGET_LINE in SAMPLE
    return SAMPLE.replace(TARGET_LINE, TARGET_LINE.replace("target: 100", f"target: {value}"), 1)


@pytest.mark.parametrize(
    ("written", "target"),
    [
        ("93,55", 93.55),
        ('"93,55"', 93.55),
        ("100%", 100.0),
        ('"1.234,5"', 1234.5),
        ("1.234.567", 1234567.0),
        ("12.5", 12.5),
        ("0.381", 0.381),
        ("NA", "NA"),
        ('"-"', "NA"),
        ("[80, 90]", (80.0, 90.0)),
        ('["80,5", 90]', (80.5, 90.0)),
    ],
)
def test_targets_as_a_secretariat_writes_them(written, target):
    assert parse_master(_with_target(written)).indicators[0].target == target


@pytest.mark.parametrize(
    ("written", "fragment"),
    [
        ("1.234", "angka '1.234' bermakna ganda; tulis 1234 bila maksudnya ribuan"),
        ("sembilan puluh", "bukan angka; tulis mis. 100, 93,55, [80, 90], \"≥ 95\" atau NA"),
        ("[90, 80]", "rentang target harus [bawah, atas] dengan bawah <= atas"),
        ("[80, 85, 90]", "rentang target ditulis [bawah, atas], mis. [80, 90]"),
        ("-5", "target tidak boleh negatif"),
        ("{2022: 90, 2023: 95}", "target untuk tahun 2021 tidak ada (tahun yang ada: 2022, "
                                 "2023); tambahkan 2021: …"),
    ],
)
def test_wrong_targets_are_explained(written, fragment):
    text = _with_target(written)
    msg = _err(text)
    line = _line_of(text, f"target: {written}")
    assert f"m.yaml baris {line} › sasaran[0].indikator[0]" in msg, msg
    assert fragment in msg, msg


def test_target_per_year_takes_the_masters_year():
    m = parse_master(_with_target('{2020: 90, 2021: "92,5", 2022: 95}'))
    assert m.indicators[0].target == 92.5
    assert m.indicators[0].targets_by_year == {2020: 90, 2021: "92,5", 2022: 95}


@pytest.mark.parametrize(("written", "fragment"), [
    ("{2020: 90, 2021: 92,5}", "angka desimal di dalam { } ditulis dengan tanda kutip"),
    ("[80,5, 90]", "angka desimal di dalam [ ] ditulis dengan tanda kutip"),
])
def test_a_decimal_comma_inside_brackets_is_not_silently_split(written, fragment):
    """YAML splits `92,5` inside { } or [ ] at the comma: refused, never read as 92."""
    assert fragment in _err(_with_target(written))


def test_a_bare_dash_is_explained():
    msg = _err(_with_target("-"))
    assert "tulis NA, atau \"-\" dengan tanda kutip" in msg, msg


def test_a_key_given_twice_names_both_lines():
    text = SAMPLE.replace("        target: 100\n", "        target: 100\n        target: 90\n", 1)
    msg = _err(text)
    first = _line_of(text, "target: 100")
    assert msg == (f"m.yaml baris {first + 1}: kunci 'target' ditulis dua kali dalam satu "
                   f"bagian (juga di baris {first}); hapus salah satu")


ENGLISH = re.compile(r"\b(Input|should|valid|field|required|Value error|Extra inputs|"
                     r"must|string|integer|number|greater|less|type|expected)\b")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("tahun: 2021", "tahun: [2021]"),
        ("tahun: 2021", "tahun: 2021.5"),
        ("tahun: 2021", "tahun: 1900"),
        ("\nversi_skema: 1", "\nversi_skema: 2"),
        ("  kota: \"Kota Jambi\"", "  kota: [Kota Jambi]"),
        ("        jenis: persentase", "        jenis: indeks"),
        ("        jenis: persentase", "        jenis: predikat"),
        ("        polaritas: positif", "        polaritas: 3"),
        ("        unit_pelapor: [KETAHANAN]", "        unit_pelapor: KETAHANAN"),
        ("        unit_pelapor: [KETAHANAN]", "        unit_pelapor: []"),
        ("        satuan: \"%\"", "        satuan: {a: 1}"),
        ("        satuan: \"%\"", "        desimal: 7"),
        ("        satuan: \"%\"", "        pengali: 1000"),
        ("        satuan: \"%\"", "        boleh_negatif: ya"),
        ("        satuan: \"%\"", "        boleh_negatif: true"),
        ("        satuan: \"%\"", "        gabung: rata"),
        ("  batas_atas_capaian: null", "  batas_atas_capaian: -5"),
        ("  batas_atas_capaian: null", "  batas_atas_capaian: 100\n  rumus_negatif: R/T"),
        ("  kolom_tambahan: []", "  kolom_tambahan: [grafik]"),
        ("  kolom_tambahan: []", "  kolom_tambahan: []\n  skala_predikat: [{predikat: Baik}, "
                                 "{predikat: Kurang, di_atas: 50}]"),
        ("penandatangan:", "penandatangan: Kepala\n  lain:"),
        ("    nama: \"DRS. RADEN JUFRI. ME\"", "    nama: \"DRS. RADEN JUFRI. ME\"\n"
                                               "    gelar: ME"),
        ("instansi:", "instansi: 5\nx:"),
    ],
)
def test_no_english_reaches_the_user(old, new):
    """Every message is Indonesian and says what to write instead (pydantic's English
    never leaks, whatever the mistake)."""
    assert old in SAMPLE, old
    msg = _err(SAMPLE.replace(old, new, 1))
    for line in msg.splitlines():
        assert not ENGLISH.search(line), line
        assert line.startswith("m.yaml"), line


# --- the master's YAML built by a direct walk of libyaml's nodes (issue 25) ---------------

_MASTERS = [paths.SAMPLE_MASTER, *sorted(paths.EXAMPLE_MASTERS.glob("*.yaml"))]


def _pyyaml_data(text: str):
    """The data as PyYAML's own constructor builds it with the master's loader."""
    from pipeline.domain.master import _Loader

    loader = _Loader(text)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _typed(value):
    """The value with every type spelled out (True == 1 == 1.0 in Python)."""
    if isinstance(value, dict):
        return ("dict", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", _MASTERS, ids=lambda p: p.stem)
def test_the_masters_data_is_pyyamls_built_without_its_constructor(path, monkeypatch):
    """The bundled masters are built by the direct walk (PyYAML's constructor is never
    called: on the code before, ``master_data`` went through it), into the very data
    PyYAML's constructor gives."""
    from pipeline.domain import master as module

    text = path.read_text(encoding="utf-8")
    expected, _ = _pyyaml_data(text)

    def refused(self, node):
        raise AssertionError("PyYAML's constructor used for a plain master")

    monkeypatch.setattr(module._Loader, "construct_document", refused)
    data = module.master_data(text, str(path))
    assert _typed(data) == _typed(expected)


@pytest.mark.parametrize("text", [
    "a: 1\nb: 1.5\nc: 1.234\nd: yes\ne: true\nf: ~\ng: 2021-01-31\nh: '1'\ni: 0x1f\n"
    "j: 1_000\nk: .inf\nl: [1, 'x', null]\nm: {n: o}\n",
    "a: &x {b: 1}\nc: *x\n",  # an alias: the same object twice
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",  # a merge key: PyYAML's path
    "a: 1\na: 2\n",  # a key twice: recorded by PyYAML's path
    "'1': a\n1: b\n",  # the same key as written, text and number: recorded
    "1: a\n01: b\n",  # two keys written differently, the same number
    "a: !!binary aGVsbG8=\n",  # another tag
    "a: !!set {x, y}\n",
    "? [1, 2]\n: x\n",  # an unhashable key: PyYAML's error
    "- 1\n- 2\n",
    "a: &r [1, *r]\n",  # a list holding itself
])
def test_direct_construction_is_pyyamls(text):
    """Every document gives what PyYAML's constructor gives, or its error, or is left to
    it (merge keys, other tags, keys twice, a node holding itself)."""
    from pipeline.domain.master import _document, _Loader

    try:
        expected, duplicates = _pyyaml_data(text)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)):
            _document(_Loader(text))
        return
    loader = _Loader(text)
    data = _document(loader)
    if isinstance(expected, dict) and "a" in expected and isinstance(expected["a"], list) \
            and expected["a"] and expected["a"][-1] is expected["a"]:
        assert data["a"][-1] is data["a"]  # the recursive list, rebuilt by PyYAML
    else:
        assert _typed(data) == _typed(expected)
    assert loader.duplicates == duplicates
    if "&x" in text:
        assert data["a"] is data["c"]


def test_a_key_given_twice_is_still_named_with_its_lines():
    with pytest.raises(MasterError) as err:
        parse_master("versi_skema: 1\ninstansi:\n  nama: A\n  nama: B\n", source="m.yaml")
    assert "m.yaml baris 4: kunci 'nama' ditulis dua kali" in str(err.value)
    assert "(juga di baris 3)" in str(err.value)
