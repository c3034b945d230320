"""The generated sentences of the LKjIP chapter, case by case (pipeline/lkjip/sentences.py):
the wording follows the printed values, derived numbers come from the printed values."""

from __future__ import annotations

import pytest

from pipeline.compute import IndicatorResult, Status
from pipeline.domain.master import BudgetLine, Indicator, parse_master
from pipeline.lkjip import sentences as say
from pipeline.lkjip.model import IndicatorView, SasaranView, YearPoint
from pipeline.paths import SAMPLE_MASTER

MASTER = parse_master(SAMPLE_MASTER.read_text(encoding="utf-8"))


def ind(**extra) -> Indicator:
    data = {"kode": "A1", "nama": "Angka X", "jenis": "persentase", "x1": "a", "x2": "b",
            "target": 100, "unit_pelapor": ["U"], **extra}
    return Indicator.model_validate(data)


def view(indicator: Indicator, real, ach, earlier=(), status=Status.OK, capped=False,
         final=None, label=None) -> IndicatorView:
    grade = MASTER.settings.grade_of(ach)
    r = IndicatorResult(indicator.code, status, realisation=real, achievement=ach,
                        capped=capped, grade=grade, final_achievement=final, label=label)
    now = YearPoint(MASTER.agency.year, indicator.target, real, label, ach,
                    "ok" if status == Status.OK else status.value, "isian")
    points = tuple(YearPoint(y, 100, None, None, a) for y, a in earlier) + (now,)
    return IndicatorView(indicator, r, points, (), ())


@pytest.mark.parametrize(
    ("v", "expected"),
    [
        (view(ind(), 112.5, 112.5), "Indikator «Angka X» ditargetkan 100% dan terealisasi "
         "112,5%, sehingga capaiannya 112,5% dengan predikat Sangat Baik: melampaui target."),
        (view(ind(), 99.996, 99.996), "Indikator «Angka X» ditargetkan 100% dan terealisasi "
         "100%, sehingga capaiannya 100% dengan predikat Sangat Baik: mencapai target."),
        (view(ind(), 87.5, 87.5), "Indikator «Angka X» ditargetkan 100% dan terealisasi 87,5%, "
         "sehingga capaiannya 87,5% dengan predikat Baik: belum mencapai target."),
        (view(ind(), 150.0, 120.0, capped=True), "Indikator «Angka X» ditargetkan 100% dan "
         "terealisasi 150%, sehingga capaiannya 120%* dengan predikat Sangat Baik: melampaui "
         "target."),
        (view(ind(target="NA"), 40.0, None), "Target indikator «Angka X» tahun 2021 belum "
         "ditetapkan (NA); realisasinya 40%, sehingga % capaian tidak dihitung."),
        (view(ind(), None, None, status=Status.MISSING), "Realisasi indikator «Angka X» tahun "
         "2021 belum dapat dihitung (belum diisi); capaiannya belum dapat dinilai."),
    ],
    ids=["melampaui", "dibulatkan 100", "belum", "dibatasi", "target NA", "belum diisi"],
)
def test_this_year(v, expected):
    assert say.this_year(MASTER, v) == expected


@pytest.mark.parametrize(
    ("earlier", "now", "expected"),
    [
        (((2020, 75.0),), 87.5, ["Capaian indikator «Angka X» tahun 2021 sebesar 87,5% atau "
                                 "meningkat 12,5 poin dibanding tahun 2020 (75%)."]),
        # the change is the difference of the printed values: 87,46 - 75 = 12,46
        (((2020, 75.004),), 87.455, ["Capaian indikator «Angka X» tahun 2021 sebesar 87,46% "
                                     "atau meningkat 12,46 poin dibanding tahun 2020 (75%)."]),
        (((2019, 90.0), (2020, 100.0)), 100.0, [
            "Capaian indikator «Angka X» tahun 2021 sebesar 100%, sama dengan capaian tahun "
            "2020 (100%).",
            "Selama 3 tahun yang tercatat (2019–2021), capaian tertinggi 100% (tahun 2021) "
            "dan terendah 90% (tahun 2019)."]),
        ((), 90.0, ["Indikator «Angka X» belum memiliki capaian tahun sebelumnya dalam "
                    "riwayat."]),
    ],
    ids=["naik", "dari angka tercetak", "sama, tiga tahun", "tanpa riwayat"],
)
def test_against_years(earlier, now, expected):
    assert say.against_years(MASTER, view(ind(), now, now, earlier)) == expected


@pytest.mark.parametrize(
    ("indicator", "real", "final", "expected"),
    [
        (ind(target_akhir_rpjmd=95), 79.5, 83.68, ("15,5%", "Target akhir Renstra/RPJMD "
         "indikator «Angka X» adalah 95%; realisasi tahun 2021 (79,5%) setara 83,68% dari "
         "target akhir; untuk mencapainya realisasi masih perlu ditingkatkan 15,5%.")),
        (ind(target_akhir_rpjmd=95), 96.0, 101.05, ("tercapai", "Target akhir Renstra/RPJMD "
         "indikator «Angka X» adalah 95%; realisasi tahun 2021 (96%) setara 101,05% dari "
         "target akhir, sehingga target akhir telah tercapai.")),
        (ind(jenis="rasio", pengali=1000, satuan="per 1.000 penduduk", polaritas="negatif",
             target=3, target_akhir_rpjmd=2), 2.5, 75.0, ("0,5 per 1.000 penduduk",
         "Target akhir Renstra/RPJMD indikator «Angka X» adalah 2 per 1.000 penduduk; "
         "realisasi tahun 2021 (2,5 per 1.000 penduduk) setara 75% dari target akhir; untuk "
         "mencapainya realisasi masih perlu diturunkan 0,5 per 1.000 penduduk.")),
        (ind(target_akhir_rpjmd=[80, 90]), 75.0, 93.75, ("5%", "Target akhir Renstra/RPJMD "
         "indikator «Angka X» adalah 80–90%; realisasi tahun 2021 (75%) setara 93,75% dari "
         "target akhir; untuk mencapainya realisasi masih perlu ditingkatkan 5%.")),
        (ind(target_akhir_rpjmd="NA"), 75.0, None, ("-", "Target akhir Renstra/RPJMD "
         "indikator «Angka X» belum ditetapkan (NA).")),
    ],
    ids=["kurang", "tercapai", "negatif", "rentang", "NA"],
)
def test_against_final(indicator, real, final, expected):
    f = say.against_final(MASTER, view(indicator, real, real, final=final))
    assert (f.remaining, f.sentence) == expected


@pytest.mark.parametrize(
    ("extra", "real", "expected"),
    [
        ({}, 87.5, "Realisasi indikator «Angka X» (87,5%) berada 7,5% di atas standar 80% "
                   "menurut SPM: lebih baik dari standar."),
        ({}, 80.004, "Realisasi indikator «Angka X» (80%) sama dengan standar 80% menurut "
                     "SPM: memenuhi standar."),
        ({}, 70.0, "Realisasi indikator «Angka X» (70%) berada 10% di bawah standar 80% "
                   "menurut SPM: belum memenuhi standar."),
        ({"polaritas": "negatif"}, 70.0, "Realisasi indikator «Angka X» (70%) berada 10% di "
         "bawah standar 80% menurut SPM: lebih baik dari standar."),
    ],
    ids=["di atas", "sama", "di bawah", "negatif, di bawah"],
)
def test_against_standard(extra, real, expected):
    indicator = ind(standar_nasional=80, sumber_standar="SPM", **extra)
    assert say.against_standard(MASTER, view(indicator, real, real))[2] == expected


def test_efficiency_and_budget():
    s = MASTER.sasaran[0].model_copy(update={"budget": [
        BudgetLine.model_validate({"program": "A", "pagu": 100_000_000, "realisasi": 90_000_000}),
        BudgetLine.model_validate({"program": "B", "pagu": 50_000_000, "realisasi": 30_000_000}),
    ]})
    sv = SasaranView(s, (view(ind(), 87.5, 87.5),))
    assert say.efficiency(sv, "87,5%") == (
        "Anggaran sasaran ini terserap 80% (Rp120.000.000 dari pagu Rp150.000.000), dengan "
        "rata-rata capaian indikator 87,5%: capaian 7,5 poin lebih tinggi daripada penyerapan "
        "anggaran.")
    assert say.budget_summary(list(s.budget)) == (
        "Dari pagu anggaran seluruh sasaran Rp150.000.000, terealisasi Rp120.000.000 atau 80%, "
        "sehingga sisa anggaran Rp30.000.000.")
    assert say.slot("x") == "[Diisi Sekretariat: x]"
