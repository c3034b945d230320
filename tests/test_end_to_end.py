"""End to end through the CLI: templates → filled with random counts → report, and every
figure checked in the Word document against an independent computation in this test."""

from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import docx
import pytest

from pipeline.workbook.sample import fill_workbook

from conftest import run_cli, table_texts

ROOT = Path(__file__).resolve().parent.parent


def id_percent(value: float) -> str:
    """Independent Indonesian formatting: half-up to 2 decimals, decimal comma."""
    q = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{q:f}".rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}".replace(",", ".")
    return f"{whole},{frac}%" if frac else f"{whole}%"


def table_rows(document, header_text):
    for texts in table_texts(document):
        if any(header_text.casefold() in c.casefold() for row in texts[:3] for c in row):
            return texts
    raise AssertionError(f"no table with {header_text!r}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_fill_is_merged_and_computed(master, tmp_path, seed):
    rng = random.Random(seed)
    blank = tmp_path / "templat"
    assert run_cli("templates", "--out", blank).exit_code == 0
    inputs = tmp_path / "isian"
    inputs.mkdir()
    sums: dict[str, list[int]] = {i.code: [0, 0] for i in master.indicators}
    for unit in master.reporting_units:
        values = {}
        for ind in master.indicators_of(unit.code):
            x2 = rng.randint(1, 400)
            x1 = rng.randint(0, x2)
            values[ind.code] = (x1, x2)
            sums[ind.code][0] += x1
            sums[ind.code][1] += x2
        (template,) = blank.glob(f"*_{unit.code}.xlsx")
        fill_workbook(template, values, inputs / f"isi {unit.code}.xlsx")

    out = tmp_path / "laporan.docx"
    res = run_cli("report", "-i", inputs, "--out", out)
    assert res.exit_code == 0, res.output
    document = docx.Document(out)

    rpjmd = table_rows(document, "ANGKA AWAL")
    renstra = table_rows(document, "KETERANGAN")
    achievements = []
    for ind in master.indicators:
        x1, x2 = sums[ind.code]
        y = x1 / x2 * 100
        achievement = y / ind.target * 100  # positive polarity, target 100 in the sample
        achievements.append(achievement)
        (row,) = [r for r in rpjmd if r[2] == ind.name]
        assert row[6] == id_percent(y), (ind.code, row)
        assert row[7] == id_percent(achievement), (ind.code, row)
        example = f"y = {x1}/{x2} × 100% = {id_percent(y)}"
        (keterangan,) = [r[-1] for r in renstra if r[2].endswith(ind.renstra_title)]
        assert example in keterangan, keterangan
    (average,) = [r for r in rpjmd if r[0].upper().startswith("RATA-RATA")]
    assert id_percent(sum(achievements) / len(achievements)) in average


def test_sample_report_carries_all_of_the_seed_text(master, tmp_path):
    """Every tugas, fungsi, IKU row, alasan, sumber data item, sasaran, indicator and the
    signature of the sample master appear in the report `make report` builds."""
    out = tmp_path / "laporan.docx"
    res = run_cli("report", "--out", out)
    assert res.exit_code == 0, res.output
    document = docx.Document(out)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    text = " ".join(" ".join(parts).split())

    def norm(s):
        return " ".join(s.split())

    expected = [master.agency.duties, *master.agency.functions]
    for org in [master.agency, *master.units]:
        expected += [org.name, org.duties, *org.functions]
        for row in org.iku:
            expected += [row.description, row.reason or "", *(row.data_sources or [])]
    for s in master.sasaran:
        expected.append(s.description)
        for ind in s.indicators:
            expected += [ind.name, ind.y_meaning, ind.x1_meaning, ind.x2_meaning or "",
                         ind.responsible, *ind.data_sources]
    sig = master.agency.signatory
    expected += [sig.title, sig.name, sig.rank, sig.nip]
    missing = [e for e in expected if e and norm(e) not in text]
    assert not missing, missing
    # the 2021 figures: every realisasi 100%, y = 1/1 × 100% where one unit reports,
    # 3/3 for the indicator three units report, and an average computed, not copied
    assert "y = 1/1 × 100% = 100%" in text and "y = 3/3 × 100% = 100%" in text
    rpjmd = table_rows(document, "ANGKA AWAL")
    (average,) = [r for r in rpjmd if r[0].upper().startswith("RATA-RATA")]
    assert "100%" in average and "60%" not in average


def test_other_kinds_polarity_and_ranges_end_to_end(tmp_path):
    """A master the secretariat edited: a rasio with a range target, a jumlah (no x2 asked)
    with negative polarity. Templates → filled → report, through the CLI."""
    text = (ROOT / "input_templates/master/kesbangpol_kota_jambi_2021.yaml").read_text()
    s3 = text.index("kode: S3.1")
    s4 = text.index("kode: S4.1")
    part3 = (text[s3:s4].replace("jenis: persentase", "jenis: rasio", 1)
             .replace('satuan: "%"', 'satuan: ""', 1)
             .replace("target: 100", "target: [0.8, 0.9]", 1))
    part4 = (text[s4:].replace("jenis: persentase", "jenis: jumlah", 1)
             .replace('satuan: "%"', 'satuan: "kegiatan"', 1)
             .replace("polaritas: positif", "polaritas: negatif", 1)
             .replace("target: 100", "target: 10", 1))
    master_file = tmp_path / "master.yaml"
    master_file.write_text(text[:s3] + part3 + part4, encoding="utf-8")

    blank = tmp_path / "templat"
    assert run_cli("templates", "-c", master_file, "--out", blank).exit_code == 0
    inputs = tmp_path / "isian"
    inputs.mkdir()
    values = {"KETAHANAN": {"S1.1": (1, 1), "S2.1": (1, 1), "S3.1": (19, 20)},
              "POLITIK": {"S2.1": (1, 1), "S4.1": (8, None)}, "IDEOLOGI": {"S2.1": (1, 1)}}
    for unit, vals in values.items():
        (template,) = blank.glob(f"*_{unit}.xlsx")
        fill_workbook(template, vals, inputs / f"{unit}.xlsx")
    out = tmp_path / "laporan.docx"
    res = run_cli("report", "-c", master_file, "-i", inputs, "--out", out)
    assert res.exit_code == 0, res.output
    rpjmd = table_rows(docx.Document(out), "ANGKA AWAL")
    (s3_row,) = [r for r in rpjmd if r[0] == "3"]
    assert s3_row[5:8] == ["0,8–0,9", "0,95", id_percent(0.95 / 0.9 * 100)]  # above: upper
    (s4_row,) = [r for r in rpjmd if r[0] == "4"]
    assert s4_row[5:8] == ["10 kegiatan", "8 kegiatan", "120%"]  # (2 - 8/10) x 100
