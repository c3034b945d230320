"""An indicator measured differently in an earlier year is not compared with this year
(issue 18 §6): a count of cases (``jumlah``, kasus) in 2020 that became a percentage in
2021 prints 2020's figures in cases, draws no 2020 point in the chart, and says why instead
of "meningkat … poin"."""

from __future__ import annotations

import openpyxl
from docx import Document

from pipeline.compute import IndicatorResult, Status
from pipeline.domain.master import Indicator
from pipeline.history import Figure, IndicatorRecord
from pipeline.lkjip import sentences as say
from pipeline.lkjip.history import Earlier
from pipeline.lkjip.model import build_chapter
from pipeline.paths import SAMPLE_MASTER

from conftest import run_cli

AGENCY = "Badan Kesatuan Bangsa dan Politik Kota Jambi"
HEADER = ["Instansi", "Tahun", "Kode", "Indikator", "Jenis", "Satuan", "Target", "Realisasi",
          "Capaian"]


def test_a_count_that_became_a_percentage_is_not_compared(tmp_path, fill):
    history = tmp_path / "riwayat.sqlite"
    master = tmp_path / "master.yaml"  # last year's capaian from the history, not typed
    text = SAMPLE_MASTER.read_text(encoding="utf-8")
    assert text.count("        capaian_tahun_lalu: 100\n") == 4
    master.write_text(text.replace("        capaian_tahun_lalu: 100\n", ""), encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append([AGENCY, 2020, "S1.1", "Jumlah permasalahan keagamaan yang selesai",
                        "jumlah", "kasus", 12, 9, 75])
    book.save(tmp_path / "2020.xlsx")
    assert run_cli("riwayat", "impor", tmp_path / "2020.xlsx", "--riwayat",
                   history).exit_code == 0
    out = tmp_path / "bab3.docx"
    result = run_cli("lkjip", "-c", master, "-i", fill(), "--riwayat", history, "--out", out)
    assert result.exit_code == 0, result.output
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs]
    (sentence,) = [p for p in paragraphs if p.startswith("Pada tahun 2020 indikator")]
    assert sentence.endswith("diukur dengan cara yang berbeda (jenis jumlah menjadi "
                             "persentase, satuan kasus menjadi %), sehingga angkanya tidak "
                             "dapat dibandingkan dengan tahun 2021.")
    assert not any("dibandingkan dengan tahun 2020" in p for p in paragraphs)
    (years,) = [rows[1:] for t in doc.tables  # rows[0]: the caption
                if len(t.rows) > 2
                and (rows := [[c.text.strip() for c in r.cells] for r in t.rows])[1][-2:] == [
                    "2020", "2021"] and "keagamaan" in rows[2][1]]
    assert [(r[2], r[-2], r[-1]) for r in years[1:]] == [
        ("Target", "12 kasus", "100%"), ("Realisasi", "9 kasus", "100%"),
        ("% Capaian", "75%", "100%")]
    # no line of the sasaran's chart joins 2020's capaian to 2021's: one point is no line
    assert not any(c.text.startswith("Gambar 3.1") for t in doc.tables for r in t.rows
                   for c in r.cells)


def _indicator(**extra) -> Indicator:
    return Indicator.model_validate({"kode": "A1", "nama": "Angka X", "jenis": "persentase",
                                     "x1": "a", "x2": "b", "target": 100,
                                     "unit_pelapor": ["U"], **extra})


def test_a_changed_polarity_from_the_recorded_master_is_a_changed_formula():
    from pipeline.domain.master import parse_master

    master = parse_master(SAMPLE_MASTER.read_text(encoding="utf-8"))
    ind = master.indicators[0]
    record = IndicatorRecord(key=ind.code, code=ind.code, kind=ind.kind.value, name=ind.name,
                             unit_of_measure=ind.unit_of_measure, target=100, realisation=80,
                             achievement=80)
    earlier = Earlier(figures={ind.code: (Figure(2019, "tahunan", 1, record),
                                          Figure(2020, "tahunan", 1, record))},
                      formulas={(2019, ind.code): ("positif", 1.0),
                                (2020, ind.code): ("negatif", 1.0)})
    results = type("R", (), {})()
    results.indicators = {i.code: IndicatorResult(i.code, Status.OK, realisation=90,
                                                  achievement=90) for i in master.indicators}
    results.previous = {}
    chapter = build_chapter(master, results, earlier)
    view = chapter.sasaran[0].indicators[0]
    assert [(p.year, p.changed) for p in view.points] == [
        (2019, ""), (2020, "polaritas negatif menjadi positif"), (2021, "")]
    lines = say.against_years(master, view)
    assert lines[0].startswith(f"Capaian indikator “{ind.renstra_title}” tahun 2021 sebesar "
                               "90%, meningkat 10 poin persen dibandingkan dengan tahun 2019 "
                               "(80%).")
    assert lines[-1] == (f"Pada tahun 2020 indikator “{ind.renstra_title}” diukur dengan cara "
                         "yang berbeda (polaritas negatif menjadi positif), sehingga angkanya "
                         "tidak dapat dibandingkan dengan tahun 2021.")
