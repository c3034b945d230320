"""The Word report, read back with python-docx and as raw XML (and as PDF via LibreOffice)."""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.annual.context import build_context
from pipeline.annual.report import render_report
from pipeline.annual.texts import numbered, spans
from pipeline.compute import Results, compute
from pipeline.domain.master import Master, load_master
from pipeline.errors import OutputError, TemplateError
from pipeline.office.libreoffice import convert_to_pdf, find_soffice
from pipeline.paths import SAMPLE_MASTER, WORD_TEMPLATE
from pipeline.word.columns import MERGE_UP
from pipeline.word.render import jinja_env

from conftest import logical_tables

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NS = {"w": W, "m": M}
NASTY = "R&D <Divisi A> \"kutip\" 'tunggal' {{ x }} {% if %} \U0001f389"


# --- masters and results -----------------------------------------------------------------


def mini_master_data() -> dict:
    """Two units, merged cells in both IKU columns, a sasaran with two indicators, and the
    three kinds of indicator (persentase, rasio, jumlah)."""
    indicator = {
        "jenis": "persentase",
        "y": "Arti y",
        "x1": "Arti x1",
        "x2": "Arti x2",
        "target": 100,
        "penanggung_jawab": "Penanggung jawab uji",
    }
    return {
        "versi_skema": 1,
        "instansi": {
            "nama": "Badan Uji Kota Contoh",
            "nama_singkat": "Badan Uji",
            "kota": "Kota Contoh",
            "tahun": 2024,
            "tempat_laporan": "Contoh",
            "tanggal_laporan": "2025-01-31",
            "tugas": "Tugas badan uji.",
            "fungsi": ["Fungsi badan satu;", "Fungsi badan dua."],
            "iku": [
                {"uraian": "IKU badan pertama", "alasan": "Alasan bersama badan"},
                {"uraian": "IKU badan kedua"},
            ],
            "penandatangan": {
                "jabatan": "KEPALA BADAN UJI KOTA CONTOH",
                "nama": "NAMA PEJABAT UJI",
                "pangkat": "Pembina Utama Muda",
                "nip": "19700101 199001 1 001",
            },
        },
        "unit": [
            {
                "kode": "A",
                "nama": "Bidang A",
                "tugas": "Tugas bidang A.",
                "fungsi": ["Fungsi A satu;", "Fungsi A dua."],
                "iku": [
                    {
                        "uraian": "IKU A1",
                        "alasan": "Alasan A1",
                        "sumber_data": ["Sumber 1", "Sumber 2"],
                    },
                    {"uraian": "IKU A2", "alasan": "Alasan A2"},
                    {"uraian": "IKU A3"},
                    {"uraian": "IKU A4", "alasan": "Alasan A4", "sumber_data": ["Sumber tunggal"]},
                ],
            },
            {
                "kode": "B",
                "nama": "Bidang B",
                "tugas": "Tugas bidang B.",
                "fungsi": ["Fungsi B."],
                "iku": [{"uraian": "IKU B1", "alasan": "Alasan B1", "sumber_data": ["Sumber B"]}],
            },
        ],
        "sasaran": [
            {
                "no": 1,
                "uraian": "Sasaran pertama",
                "indikator": [
                    {
                        **indicator,
                        "kode": "S1.1",
                        "nama": "Persentase pertama",
                        "capaian_tahun_lalu": 80,
                        "sumber_data": ["Bidang A"],
                        "unit_pelapor": ["A"],
                    },
                    {
                        **indicator,
                        "kode": "S1.2",
                        "nama": "Rasio kedua",
                        "jenis": "rasio",
                        "satuan": "",
                        "target": 1,
                        "sumber_data": ["Bidang A", "Bidang B"],
                        "unit_pelapor": ["A", "B"],
                    },
                ],
            },
            {
                "no": 2,
                "uraian": "Sasaran kedua",
                "indikator": [
                    {
                        **indicator,
                        "kode": "S2.1",
                        "nama": "Jumlah dokumen",
                        "jenis": "jumlah",
                        "x2": None,
                        "satuan": "dokumen",
                        "target": 10,
                        "angka_awal_rpjmd": 5,
                        "sumber_data": ["Bidang B"],
                        "unit_pelapor": ["B"],
                    }
                ],
            },
        ],
    }


def mini_master(data: dict | None = None) -> Master:
    return Master.model_validate(data or mini_master_data())


# S1.1: 3/4 = 75% → capaian 75; S1.2: (1+1)/(2+2) = 0.5 vs 1 → 50; S2.1: 10 vs 10 → 100.
MINI_VALUES = [
    ("A", "S1.1", 3, 4, "Satu kasus masih berjalan"),
    ("A", "S1.2", 1, 2, ""),
    ("B", "S1.2", 1, 2, ""),
    ("B", "S2.1", 10, None, ""),
]


def results_of(master: Master, values, draft: bool = False) -> Results:
    frame = pd.DataFrame(values, columns=["unit", "code", "x1", "x2", "note"])
    return compute(master, frame, draft=draft)


def sample_values(master: Master, skip: str | None = None):
    return [
        (u, i.code, 1, 1, "")
        for i in master.indicators
        for u in i.reporting_units
        if i.code != skip
    ]


@pytest.fixture(scope="module")
def sample() -> Master:
    return load_master(SAMPLE_MASTER)


@pytest.fixture(scope="module")
def sample_docx(sample, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("laporan") / "Laporan_IKU_2021.docx"
    return render_report(sample, results_of(sample, sample_values(sample)), out)


@pytest.fixture(scope="module")
def mini_docx(tmp_path_factory) -> Path:
    master = mini_master()
    out = tmp_path_factory.mktemp("mini") / "mini.docx"
    return render_report(master, results_of(master, MINI_VALUES), out)


# --- reading the document back -----------------------------------------------------------


def part_xml(path: Path, name: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read(name))


def paragraph_texts(path: Path) -> list[str]:
    """Every paragraph of the body, table cells included, as plain text."""
    root = part_xml(path)
    return ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in root.iter(f"{{{W}}}p")]


def body_text(path: Path) -> str:
    return "\n".join(paragraph_texts(path))


def body_tables(path: Path) -> list[etree._Element]:
    return logical_tables(part_xml(path).find("w:body", NS))


def data_rows(tbl: etree._Element) -> list[etree._Element]:
    return [tr for tr in tbl.findall("w:tr", NS) if tr.find("w:trPr/w:tblHeader", NS) is None]


def cell_text(tc: etree._Element) -> str:
    return "".join(tc.xpath(".//w:t/text()", namespaces=NS))


def grid_cells(tr: etree._Element):
    col = 0
    for tc in tr.findall("w:tc", NS):
        yield col, tc
        span = tc.find("w:tcPr/w:gridSpan", NS)
        col += int(span.get(f"{{{W}}}val")) if span is not None else 1


def merges(tbl: etree._Element) -> tuple[set, set]:
    """(restart, continue) cells of a table's data rows as (row, grid column)."""
    restart, cont = set(), set()
    for r, tr in enumerate(data_rows(tbl)):
        for col, tc in grid_cells(tr):
            vm = tc.find("w:tcPr/w:vMerge", NS)
            if vm is None:
                continue
            val = vm.get(f"{{{W}}}val", "continue")
            (restart if val == "restart" else cont).add((r, col))
    return restart, cont


def expected_column_merges(values: list[object | None], col: int) -> tuple[set, set]:
    """From the master's None = "continue the cell above" rule, independently of context."""
    restart, cont = set(), set()
    for i, v in enumerate(values):
        if v is None:
            cont.add((i, col))
            start = i
            while values[start] is None:
                start -= 1
            restart.add((start, col))
    return restart, cont


def expected_org_merges(org, with_sources: bool) -> tuple[set, set]:
    r1, c1 = expected_column_merges([row.reason for row in org.iku], 2)
    if not with_sources:
        return r1, c1
    r2, c2 = expected_column_merges([row.data_sources for row in org.iku], 3)
    return r1 | r2, c1 | c2


def expected_sasaran_merges(master: Master) -> tuple[set, set]:
    firsts = [s if j == 0 else None for s in master.sasaran for j in range(len(s.indicators))]
    r0, c0 = expected_column_merges(firsts, 0)
    r1, c1 = expected_column_merges(firsts, 1)
    return r0 | r1, c0 | c1


def expected_all_merges(master: Master) -> list[tuple[set, set]]:
    """Per table in document order: Part I organisations, Part II agency, RPJMD, Renstra."""
    agency = master.agency
    out = [expected_org_merges(agency, False)]
    out += [expected_org_merges(u, True) for u in master.units]
    out.append(expected_org_merges(agency, False))
    out += [expected_sasaran_merges(master)] * 2
    return out


# --- content -----------------------------------------------------------------------------


def test_every_master_text_appears(sample, sample_docx):
    text = body_text(sample_docx)
    missing = []

    def need(s: str) -> None:
        if s not in text:
            missing.append(s)

    for org in [sample.agency, *sample.units]:
        need(org.name)
        need(org.duties)
        for f in org.functions:
            need(f)
        for row in org.iku:
            need(row.description)
            if row.reason:
                need(row.reason)
            for src in row.data_sources or []:
                need(src)
    for s in sample.sasaran:
        need(s.description)
        for ind in s.indicators:
            for t in (ind.name, ind.y_meaning, ind.x1_meaning, ind.x2_meaning, ind.responsible):
                need(t)
            for src in ind.data_sources:
                need(src)
    sig = sample.agency.signatory
    for t in (sig.name, sig.rank, f"NIP. {sig.nip}", "KEPALA BADAN KESBANG DAN POLITIK"):
        need(t)
    need("Jambi, 31 Januari 2022")
    need("INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021")
    need("CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021")
    need("BADAN KESATUAN BANGSA DAN POLITIK KOTA JAMBI")  # SKPD line
    assert not missing, f"tidak muncul di laporan: {missing}"
    assert MERGE_UP not in text


def test_part_one_lists_every_organisation_in_order(sample, sample_docx):
    texts = paragraph_texts(sample_docx)
    names = [t.split(":", 1)[1] for t in texts if t.startswith("1.Nama Organisasi")]
    agency = sample.agency.name
    assert names == [agency] + [u.name for u in sample.units] + [agency]


def test_functions_are_lettered_as_text(sample_docx, sample):
    texts = paragraph_texts(sample_docx)
    for i, f in enumerate(sample.units[0].functions):
        assert f"{'abcdefgh'[i]}.{f}" in texts  # the tab between letter and text has no w:t


def test_averages_are_computed_from_results(mini_docx):
    rpjmd = body_tables(mini_docx)[-2]
    last = data_rows(rpjmd)[-1]
    cells = [cell_text(tc) for _, tc in grid_cells(last)]
    assert cells[0] == "RATA-RATA % CAPAIAN"
    assert "75%" in cells  # (75 + 50 + 100) / 3
    assert "80%" in cells  # previous year: only S1.1 has a value


def test_sample_average_is_not_copied_from_the_original(sample_docx):
    rpjmd = body_tables(sample_docx)[-2]
    cells = [cell_text(tc) for tc in data_rows(rpjmd)[-1].findall("w:tc", NS)]
    assert "60%" not in cells and cells.count("100%") == 2


def test_worked_examples_use_summed_counts(mini_docx):
    text = body_text(mini_docx)
    assert "y = 3/4 × 100% = 75%" in text
    assert "y = 2/4 = 0,5" in text  # two units: x1 and x2 summed before dividing
    assert "y = x\u2081 = 10 dokumen" in text
    assert "Catatan Bidang A: Satu kasus masih berjalan" in text
    assert "- Bidang B: x\u2081 = 1; x\u2082 = 2" in text


def test_rpjmd_row_values(mini_docx):
    rows = data_rows(body_tables(mini_docx)[-2])
    texts = [[cell_text(tc) for tc in r.findall("w:tc", NS)] for r in rows]
    # No indicator has a Target Akhir RPJMD: that column is left out, not filled with "-".
    assert texts[0] == ["1", "Sasaran pertama", "Persentase pertama", "NA", "80%", "100%",
                        "75%", "75%"]
    assert texts[1][2:] == ["Rasio kedua", "NA", "-", "1", "0,5", "50%"]
    assert texts[2] == ["2", "Sasaran kedua", "Jumlah dokumen", "5 dokumen", "-",
                        "10 dokumen", "10 dokumen", "100%"]


# --- merged cells and equations ----------------------------------------------------------


@pytest.mark.parametrize("which", ["sample", "mini"])
def test_vmerge_exactly_on_the_merged_cells(which, sample, sample_docx, mini_docx):
    master, path = (sample, sample_docx) if which == "sample" else (mini_master(), mini_docx)
    tables = body_tables(path)
    expected = expected_all_merges(master)
    assert len(tables) == len(expected)
    for i, (tbl, want) in enumerate(zip(tables, expected, strict=True)):
        assert merges(tbl) == want, f"tabel ke-{i + 1}"


def test_mini_master_merges_are_the_intended_ones():
    want = expected_all_merges(mini_master())
    assert want[0] == ({(0, 2)}, {(1, 2)})  # agency: one Alasan for both rows
    assert want[1] == ({(1, 2), (0, 3)}, {(2, 2), (1, 3), (2, 3)})  # unit A
    assert want[-1] == ({(0, 0), (0, 1)}, {(1, 0), (1, 1)})  # sasaran 1 has two indicators


def test_continued_cells_are_emptied(mini_docx):
    unit_a = body_tables(mini_docx)[1]
    for r, tr in enumerate(data_rows(unit_a)):
        for col, tc in grid_cells(tr):
            vm = tc.find("w:tcPr/w:vMerge", NS)
            if vm is not None and vm.get(f"{{{W}}}val") == "continue":
                assert tc.xpath(".//w:t/text()", namespaces=NS) == [], (r, col)
                assert tc.find("w:p", NS) is not None


def test_keterangan_holds_office_math(sample, sample_docx):
    renstra = body_tables(sample_docx)[-1]
    rows = data_rows(renstra)
    assert len(rows) == len(sample.indicators)
    for tr in rows:
        keterangan = tr.findall("w:tc", NS)[-1]
        maths = keterangan.findall(".//m:oMath", NS)
        assert len(maths) == 1
        assert maths[0].find(".//m:f/m:num/m:sSub", NS) is not None
        subs = [s.xpath("string(m:sub)", namespaces=NS) for s in maths[0].iter(f"{{{M}}}sSub")]
        assert subs == ["1", "2"]
    assert len(part_xml(sample_docx).findall(".//m:oMath", NS)) == len(sample.indicators)


def test_formula_kinds(mini_docx):
    renstra = body_tables(mini_docx)[-1]
    maths = [tr.findall("w:tc", NS)[-1].find(".//m:oMath", NS) for tr in data_rows(renstra)]
    texts = ["".join(m.xpath(".//m:t/text()", namespaces=NS)) for m in maths]
    assert texts == ["y=x1x2×100%", "y=x1x2", "y=x1"]
    assert [m.find(".//m:f", NS) is not None for m in maths] == [True, True, False]


# --- escaping ----------------------------------------------------------------------------


def test_special_characters_appear_literally(tmp_path):
    data = mini_master_data()
    unit = data["unit"][0]
    unit["nama"] = f"Bidang {NASTY}"
    unit["fungsi"][0] = NASTY
    unit["iku"][0]["uraian"] = NASTY
    unit["iku"][0]["alasan"] = NASTY
    unit["iku"][3]["sumber_data"] = [NASTY]
    data["sasaran"][1]["uraian"] = NASTY
    data["sasaran"][1]["indikator"][0]["y"] = NASTY
    data["instansi"]["penandatangan"]["nama"] = NASTY
    master = mini_master(data)
    values = [(*v[:4], NASTY) for v in MINI_VALUES]
    out = render_report(master, results_of(master, values), tmp_path / "aneh.docx")

    Document(str(out))  # still a valid document
    texts = paragraph_texts(out)
    assert texts.count(NASTY) >= 6  # function, uraian, alasan, sumber, sasaran ×2, nama
    assert f"1.Nama Organisasi:Bidang {NASTY}" in texts  # tabs have no w:t
    assert f"y = {NASTY}" in texts
    assert f"Catatan Bidang {NASTY}: {NASTY}" in texts


def test_control_characters_are_dropped(tmp_path):
    data = mini_master_data()
    data["unit"][0]["iku"][0]["alasan"] = "Alasan\x07 dengan\x0b kendali\ue000"
    master = mini_master(data)
    out = render_report(master, results_of(master, MINI_VALUES), tmp_path / "k.docx")
    assert "Alasan dengan kendali" in paragraph_texts(out)


# --- the template against the context ----------------------------------------------------


def test_template_names_are_exactly_the_context_keys(sample):
    used = DocxTemplate(str(WORD_TEMPLATE)).get_undeclared_template_variables(jinja_env())
    context = build_context(sample, results_of(sample, sample_values(sample)))
    assert used == set(context)


def _template_with(tmp_path: Path, text: str) -> Path:
    doc = Document(str(WORD_TEMPLATE))
    doc.paragraphs[0].insert_paragraph_before(text)
    path = tmp_path / "templat_ubahan.docx"
    doc.save(str(path))
    return path


def test_unknown_template_name_fails_in_indonesian(sample, tmp_path):
    template = _template_with(tmp_path, "{{ nama_yang_tidak_ada }}")
    with pytest.raises(TemplateError, match="nama_yang_tidak_ada") as err:
        render_report(sample, results_of(sample, sample_values(sample)), tmp_path / "x.docx",
                      template)
    assert "tidak disediakan program" in str(err.value)
    assert not (tmp_path / "x.docx").exists()


def test_missing_attribute_fails(sample, tmp_path):
    template = _template_with(tmp_path, "{{ agency.tidak_ada }}")
    with pytest.raises(TemplateError, match="tidak disediakan program"):
        render_report(sample, results_of(sample, sample_values(sample)), tmp_path / "x.docx",
                      template)


def test_broken_template_syntax_fails(sample, tmp_path):
    template = _template_with(tmp_path, "{% if draft %} tanpa penutup")
    with pytest.raises(TemplateError, match="tidak pernah ditutup"):
        render_report(sample, results_of(sample, sample_values(sample)), tmp_path / "x.docx",
                      template)


# --- draft -------------------------------------------------------------------------------


def test_draft_marks_missing_values(sample, tmp_path):
    results = results_of(sample, sample_values(sample, skip="S4.1"), draft=True)
    out = render_report(sample, results, tmp_path / "draft.docx")
    text = body_text(out)
    assert "(belum diisi)" in text
    assert "DRAFT" in text
    assert "RATA-RATA % CAPAIAN (rata-rata dari 3 dari 4 indikator)" in text
    assert "Belum diisi: Bidang Politik dan Kewaspadaan Daerah" in text
    with zipfile.ZipFile(out) as z:
        headers = [n for n in z.namelist() if n.startswith("word/header")]
        assert any(b"DRAFT" in z.read(n) for n in headers)


def test_final_report_has_no_draft_mark(sample_docx):
    assert "DRAFT" not in body_text(sample_docx)
    with zipfile.ZipFile(sample_docx) as z:
        assert not any(b"DRAFT" in z.read(n) for n in z.namelist() if n.startswith("word/header"))


# --- determinism and atomic writing ------------------------------------------------------


def test_two_renders_give_identical_bytes(sample, tmp_path):
    results = results_of(sample, sample_values(sample))
    a = render_report(sample, results, tmp_path / "a.docx").read_bytes()
    b = render_report(sample, results, tmp_path / "b.docx").read_bytes()
    assert a == b


def test_package_metadata_is_fixed(sample_docx):
    with zipfile.ZipFile(sample_docx) as z:
        infos = z.infolist()
        core = z.read("docProps/core.xml").decode()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2022, 1, 31, 0, 0, 0)}
    assert "2022-01-31T00:00:00Z" in core
    assert "python-docx" not in core


def test_failed_render_leaves_existing_report_untouched(sample, tmp_path):
    out = tmp_path / "laporan.docx"
    out.write_bytes(b"laporan lama")
    results = results_of(sample, sample_values(sample))
    with pytest.raises(TemplateError, match="tidak ditemukan"):
        render_report(sample, results, out, tmp_path / "tidak_ada.docx")
    broken = tmp_path / "rusak.docx"
    broken.write_bytes(b"bukan zip")
    with pytest.raises(TemplateError, match="bukan berkas .docx"):
        render_report(sample, results, out, broken)
    assert out.read_bytes() == b"laporan lama"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.docx", "rusak.docx"]


def test_output_path_that_is_a_folder(sample, tmp_path):
    with pytest.raises(OutputError, match="folder"):
        render_report(sample, results_of(sample, sample_values(sample)), tmp_path)


def test_render_creates_the_output_folder(sample, tmp_path):
    out = tmp_path / "baru" / "laporan.docx"
    assert render_report(sample, results_of(sample, sample_values(sample)), out) == out
    assert out.is_file()


# --- context details ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "lines"),
    [([], [""]), (["Satu"], ["Satu"]), (["Satu", "Dua"], ["1. Satu", "2. Dua"])],
)
def test_numbered_lines(items, lines):
    assert numbered(items) == lines


@pytest.mark.parametrize(
    ("continues", "expected"),
    [
        ([False, True, True, False], [[0, 3], [3, 1]]),
        ([False, False], [[0, 1], [1, 1]]),
        ([False, True, False, True], [[0, 2], [2, 2]]),
    ],
)
def test_spans(continues, expected):
    assert spans(continues) == expected


def test_context_spans_follow_the_master(sample):
    context = build_context(sample, results_of(sample, sample_values(sample)))
    politik = next(o for o in context["organisations"] if o["name"].startswith("Bidang Politik"))
    assert politik["reason_spans"] == [[0, 1], [1, 2], [3, 1], [4, 1], [5, 1], [6, 1]]
    assert politik["source_spans"] == [[0, 3], [3, 1], [4, 1], [5, 1], [6, 1]]
    assert context["organisations"][0]["reason_spans"] == [[0, 9]]
    assert context["organisations"][0]["name"] == context["agency"]["name"]


def test_context_notes_explain_rules_in_force():
    data = mini_master_data()
    data["sasaran"][1]["indikator"][0]["polaritas"] = "negatif"
    data["pengaturan"] = {"batas_atas_capaian": 60}
    master = mini_master(data)
    context = build_context(master, results_of(master, MINI_VALUES))
    notes = "\n".join(context["notes"])
    assert "polaritas negatif" in notes and "S2.1" in notes
    assert "dibatasi paling tinggi 60%" in notes and "S1.1" in notes
    assert "dijumlahkan" in notes
    assert context["rpjmd"]["rows"][0]["achievement"] == "60%*"


def test_context_is_plain_data(sample):
    context = build_context(sample, results_of(sample, sample_values(sample)))
    copy.deepcopy(context)  # no live objects (documents, models) inside
    assert context["place_date"] == "Jambi, 31 Januari 2022"
    assert context["signatory"]["title"] == "KEPALA BADAN KESBANG DAN POLITIK\nKOTA JAMBI"
    assert context["cover"]["agency_lines"] == ["BADAN KESATUAN BANGSA DAN POLITIK", "KOTA JAMBI"]


# --- PDF through LibreOffice -------------------------------------------------------------


def test_pdf_without_libreoffice_says_how_to_install(sample_docx, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OutputError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf(sample_docx)


needs_pdf_tools = pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice (soffice) atau poppler-utils (pdfinfo/pdftotext) tidak terpasang: "
    "apt-get install libreoffice-writer-nogui poppler-utils",
)


@pytest.mark.libreoffice
@needs_pdf_tools
def test_pdf_has_landscape_tables_and_key_text(sample, sample_docx):
    pdf = convert_to_pdf(sample_docx)
    assert pdf == sample_docx.with_suffix(".pdf")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = [line.split(":", 1)[1].split("pts")[0] for line in info.splitlines()
             if line.startswith("Page") and "size" in line]
    dims = [tuple(float(v) for v in s.split(" x ")) for s in sizes]
    assert len(dims) > 2
    assert any(w > h for w, h in dims), "tidak ada halaman lanskap"
    assert any(w < h for w, h in dims), "tidak ada halaman tegak"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for needle in (
        "INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021",
        "CAPAIAN INDIKATOR KINERJA UTAMA (IKU) TAHUN 2021",
        "RATA-RATA % CAPAIAN",
        "Jambi, 31 Januari 2022",
        "NIP. 19671125 198908 1 001",
        "Bidang Politik dan Kewaspadaan Daerah",
        "y = 1/1 × 100% = 100%",
    ):
        assert needle in text, needle


# --- a marked cell with no cell above it: where it is, and in which template ----------------

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tables_body(*tables: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{_W}">{"".join(tables)}<w:p/></w:body>')


def _table(*rows: int, marked: tuple[int, int]) -> str:
    """A table of rows with the given numbers of cells; ``marked``: (row, cell), 0-based,
    holding the merge-up marker."""
    out = []
    for r, cells in enumerate(rows):
        tcs = "".join(
            f"<w:tc><w:p><w:r><w:t>{MERGE_UP if (r, c) == marked else 'x'}</w:t></w:r></w:p>"
            "</w:tc>" for c in range(cells))
        out.append(f"<w:tr>{tcs}</w:tr>")
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{''.join(out)}</w:tbl>"


def test_a_marked_cell_without_a_cell_above_is_named_by_table_row_and_column():
    from pipeline.word.render import merge_marked_cells

    first_row = _tables_body(_table(2, 2, marked=(0, 1)))
    with pytest.raises(TemplateError) as err:
        merge_marked_cells(first_row, source="templat_saya.docx")
    assert str(err.value).startswith(
        "templat Word templat_saya.docx: sel tabel yang melanjutkan sel di atasnya (tabel "
        "ke-1, baris ke-1, kolom ke-2) tidak punya sel di atasnya")
    # the second table's third row, under a row one cell shorter
    shorter = _tables_body(_table(2, 2, marked=(1, 0)), _table(3, 1, 3, marked=(2, 2)))
    with pytest.raises(TemplateError, match=r"\(tabel ke-2, baris ke-3, kolom ke-3\)"):
        merge_marked_cells(shorter)


def test_a_template_whose_marked_cell_has_no_cell_above_is_named(sample, tmp_path):
    """Through the report: the message names the template file and the table's place."""
    doc = Document(str(WORD_TEMPLATE))
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 1).text = MERGE_UP
    template = tmp_path / "templat_sel.docx"
    doc.save(str(template))
    with pytest.raises(TemplateError) as err:
        render_report(sample, results_of(sample, sample_values(sample)), tmp_path / "x.docx",
                      template)
    message = str(err.value)
    assert message.startswith(f"templat Word {template}: sel tabel yang melanjutkan")
    assert ", baris ke-1, kolom ke-2)" in message and "tabel ke-" in message
    assert not (tmp_path / "x.docx").exists()
    # the same through docxtpl's own render (a template the prepared path does not take)
    from pipeline.annual.report import IKU
    from pipeline.word.render import render_document

    context = build_context(sample, results_of(sample, sample_values(sample)))
    with pytest.raises(TemplateError) as err:
        render_document(context, template, IKU)
    assert str(err.value) == message
