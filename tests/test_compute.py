"""Computation rules, table-driven (see pipeline/compute.py for the rules)."""

import math

import pandas as pd
import pytest

from pipeline.compute import Status, achievement, compute, realisation
from pipeline.domain.master import (
    Indicator,
    Kind,
    NegativeRule,
    Polarity,
    Settings,
    parse_master,
)

P, N = Polarity.POSITIVE, Polarity.NEGATIVE


@pytest.mark.parametrize(
    ("r", "target", "polarity", "expected"),
    [
        (100, 100, P, 100),
        (87.5, 100, P, 87.5),
        (120, 100, P, 120),  # no cap by default
        (0, 100, P, 0),
        (50, 100, N, 150),  # lower is better: (2 - R/T) * 100
        (100, 100, N, 100),
        (150, 100, N, 50),
        (300, 100, N, 0),  # floored at 0
        (0, 100, N, 200),
        (85, (80, 90), P, 100),  # inside the range
        (95, (80, 90), P, 95 / 90 * 100),  # above: upper bound
        (40, (80, 90), P, 50),  # below: lower bound
        (95, (80, 90), N, (2 - 95 / 90) * 100),
        (5, 0, P, 100),  # target 0, positive: met
        (0, 0, N, 100),  # target 0, negative: met only at 0
        (3, 0, N, 0),
    ],
)
def test_achievement(r, target, polarity, expected):
    assert achievement(r, target, polarity) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("r", "target", "expected"),
    [
        (5, 10, 200),  # T/R: target 10, realised 5 → 200%
        (20, 10, 50),
        (4.88, 32, 32 / 4.88 * 100),
        (0, 10, 200),  # R = 0: the value (2T−R)/T gives
        (0, 0, 100),  # target 0 keeps its rule
        (3, 0, 0),
    ],
)
def test_achievement_negative_t_over_r(r, target, expected):
    got = achievement(r, target, Polarity.NEGATIVE, NegativeRule.T_OVER_R)
    assert got == pytest.approx(expected)


def test_lampung_infant_mortality_example():
    """LKj Provinsi Lampung 2015 (DOMAIN.md): infant mortality 4,88 against a target of 32
    per 1.000 live births, lower is better, (2T − R)/T → 184,75%."""
    got = achievement(4.88, 32, Polarity.NEGATIVE, NegativeRule.TWO_T_MINUS_R)
    assert round(got, 2) == 184.75


def test_negative_realisation_gives_negative_capaian():
    assert achievement(-1.5, 5, Polarity.POSITIVE) == pytest.approx(-30)


def _indicator(kind: Kind, **extra) -> Indicator:
    return Indicator.model_validate({"kode": "K1", "nama": "Uji", "jenis": kind.value,
                                     "x1": "a", "x2": "b", "target": 100,
                                     "unit_pelapor": ["A"], **extra})


@pytest.mark.parametrize(
    ("kind", "extra", "x1", "x2", "expected"),
    [
        (Kind.PERCENTAGE, {}, 1, 1, 100),
        (Kind.PERCENTAGE, {}, 2, 3, 200 / 3),
        (Kind.RATIO, {}, 3, 4, 0.75),
        (Kind.RATIO, {"pengali": 1000}, 12, 45_000, 12 / 45_000 * 1000),
        (Kind.COUNT, {}, 7, None, 7),
        (Kind.VALUE, {"boleh_negatif": True}, -1.25, None, -1.25),
        (Kind.GROWTH, {}, 120, 100, 20),
        (Kind.GROWTH, {}, 80, 100, -20),
        (Kind.DECREASE, {}, 8, 10, 20),
        (Kind.PERCENTAGE, {}, 1, 0, None),
        (Kind.GROWTH, {}, 5, 0, None),
        (Kind.GRADE, {"skala": ["WTP", "WDP", "TW", "TMP"], "target": "WTP"}, "wdp", None, 3),
        (Kind.YES_NO, {"target": "Ada"}, "Ada", None, 100),
        (Kind.YES_NO, {"target": "Ada"}, "tidak ada", None, 0),
    ],
)
def test_realisation(kind, extra, x1, x2, expected):
    got = realisation(_indicator(kind, **extra), x1, x2)
    assert got == (pytest.approx(expected) if expected is not None else None)


MASTER = """
versi_skema: 1
instansi:
  nama: Badan Contoh
  nama_singkat: Contoh
  kota: Kota Contoh
  tahun: 2024
  tempat_laporan: Contoh
  tanggal_laporan: 2025-01-31
  tugas: Tugas instansi
  fungsi: [Fungsi satu]
  iku: [{uraian: Uraian, alasan: Alasan}]
  penandatangan: {jabatan: KEPALA, nama: NAMA}
unit:
  - {kode: A, nama: Unit A, tugas: T, fungsi: [F], iku: [{uraian: U, alasan: A, sumber_data: [S]}]}
  - {kode: B, nama: Unit B, tugas: T, fungsi: [F], iku: [{uraian: U, alasan: A, sumber_data: [S]}]}
pengaturan: {batas_atas_capaian: CAP}
sasaran:
  - no: 1
    uraian: Sasaran satu
    indikator:
      - {kode: I1, nama: Ind 1, y: y, x1: a, x2: b, target: 80, penanggung_jawab: PJ,
         sumber_data: [S], unit_pelapor: [A, B]}
      - {kode: I2, nama: Ind 2, y: y, x1: a, x2: b, target: 10, polaritas: negatif,
         capaian_tahun_lalu: 90, penanggung_jawab: PJ, sumber_data: [S], unit_pelapor: [B]}
"""


def _master(cap="null"):
    return parse_master(MASTER.replace("CAP", cap))


def _values(rows):
    return pd.DataFrame(rows, columns=["unit", "code", "x1", "x2", "note"])


def test_units_are_summed_before_dividing():
    res = compute(_master(), _values([
        ("A", "I1", 1, 4, ""), ("B", "I1", 5, 6, "catatan B"), ("B", "I2", 5, 100, ""),
    ]))
    i1 = res.indicators["I1"]
    assert (i1.x1, i1.x2) == (6, 10)  # not the mean of 25% and 83%
    assert i1.realisation == pytest.approx(60)
    assert i1.achievement == pytest.approx(75)  # 60 / 80
    i2 = res.indicators["I2"]
    assert i2.realisation == pytest.approx(5)
    assert i2.achievement == pytest.approx(150)  # negative polarity, (2 - 5/10)
    assert res.average_achievement == pytest.approx((75 + 150) / 2)
    assert res.average_previous == pytest.approx(90)  # only I2 has a previous value
    assert (res.averaged, res.total) == (2, 2)
    assert i1.contributions[1].note == "catatan B"


def test_cap_is_applied_and_flagged():
    res = compute(_master("120"), _values([
        ("A", "I1", 1, 1, ""), ("B", "I1", 1, 1, ""), ("B", "I2", 0, 10, ""),
    ]))
    assert res.indicators["I1"].achievement == pytest.approx(120)  # 125 capped
    assert res.indicators["I1"].capped
    assert res.indicators["I2"].achievement == pytest.approx(120)  # 200 capped
    assert res.cap == 120


def test_missing_and_invalid_are_not_averaged():
    res = compute(_master(), _values([("A", "I1", 1, 1, ""), ("B", "I2", 5, 10, "")]),
                  invalid=frozenset({("B", "I2")}), draft=True)
    assert res.indicators["I1"].status == Status.MISSING  # unit B sent no I1 row
    assert res.indicators["I2"].status == Status.INVALID
    assert res.average_achievement is None
    assert (res.averaged, res.total) == (0, 2)


def test_average_is_computed_not_copied():
    """The 2021 original printed 60% as the mean of four rows of 100%."""
    res = compute(_master(), _values([
        ("A", "I1", 4, 5, ""), ("B", "I1", 4, 5, ""), ("B", "I2", 1, 10, ""),
    ]))
    assert res.indicators["I1"].achievement == pytest.approx(100)
    assert res.average_achievement == pytest.approx(100)
    assert not math.isnan(res.average_achievement)


@pytest.mark.parametrize(("achievement", "grade"), [
    (100.0, "Sangat Baik"), (90.01, "Sangat Baik"),
    (90.0, "Baik"), (75.01, "Baik"),  # "76-90 Baik": 90 itself is not above 90
    (75.0, "Cukup"), (65.01, "Cukup"),
    (65.0, "Kurang"), (50.01, "Kurang"),
    (50.0, "Sangat Kurang"), (0.0, "Sangat Kurang"), (-12.5, "Sangat Kurang"),
    (184.75, "Sangat Baik"),  # above 100 (uncapped): the top band
    (None, None),
])
def test_default_predikat_band_edges(achievement, grade):
    """The default scale (DOMAIN: 91-100 Sangat Baik, 76-90 Baik, 66-75 Cukup, 51-65
    Kurang, <=50 Sangat Kurang), each edge on both sides: a band takes what is strictly
    above its ``di_atas``."""
    assert Settings().grade_of(achievement) == grade
