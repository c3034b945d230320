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
        (view(ind(), 112.5, 112.5), "Indikator “Angka X” ditargetkan 100% dan terealisasi "
         "112,5%, sehingga capaiannya 112,5% (predikat Sangat Baik): target terlampaui."),
        (view(ind(), 99.996, 99.996), "Indikator “Angka X” ditargetkan 100% dan terealisasi "
         "100%, sehingga capaiannya 100% (predikat Sangat Baik): target tercapai."),
        # below target with a high predikat: the verdict first, the predikat as a grade of
        # the capaian, so that the two never read as a contradiction (issue 21)
        (view(ind(), 99.35, 99.35), "Indikator “Angka X” ditargetkan 100% dan terealisasi "
         "99,35%, sehingga capaiannya 99,35% dan target belum tercapai; menurut skala "
         "predikat, capaian 99,35% termasuk Sangat Baik."),
        (view(ind(), 87.5, 87.5), "Indikator “Angka X” ditargetkan 100% dan terealisasi 87,5%, "
         "sehingga capaiannya 87,5% dan target belum tercapai; menurut skala predikat, capaian "
         "87,5% termasuk Baik."),
        (view(ind(), 150.0, 120.0, capped=True), "Indikator “Angka X” ditargetkan 100% dan "
         "terealisasi 150%, sehingga capaiannya 120%* (predikat Sangat Baik): target "
         "terlampaui."),
        (view(ind(polaritas="negatif", target=3, satuan="kasus", jenis="jumlah"), 2.0, 133.33),
         "Indikator “Angka X” (makin rendah makin baik) ditargetkan 3 kasus dan terealisasi 2 "
         "kasus, sehingga capaiannya 133,33% (predikat Sangat Baik): target terlampaui."),
        # scored R/T, as published tables score some lower-is-better indicators: worded as its
        # capaian reads, without "makin rendah makin baik" beside a capaian above 100%
        (view(ind(polaritas="negatif", rumus_negatif="R/T"), 120.0, 120.0),
         "Indikator “Angka X” ditargetkan 100% dan terealisasi 120%, sehingga capaiannya 120% "
         "(predikat Sangat Baik): target terlampaui."),
        (view(ind(target="NA"), 40.0, None), "Target indikator “Angka X” tahun 2021 belum "
         "ditetapkan (NA); realisasinya 40%, sehingga capaiannya tidak dihitung."),
        (view(ind(), None, None, status=Status.MISSING), "Realisasi indikator “Angka X” tahun "
         "2021 belum dapat dihitung (belum diisi); capaiannya belum dapat dinilai."),
    ],
    ids=["melampaui", "dibulatkan 100", "belum, Sangat Baik", "belum", "dibatasi", "negatif",
         "negatif R/T", "target NA", "belum diisi"],
)
def test_this_year(v, expected):
    assert say.this_year(MASTER, v) == expected


@pytest.mark.parametrize(
    ("earlier", "now", "expected"),
    [
        (((2020, 75.0),), 87.5, ["Capaian indikator “Angka X” tahun 2021 sebesar 87,5%, "
                                 "meningkat 12,5 poin persen dibandingkan dengan tahun 2020 "
                                 "(75%)."]),
        # the change is the difference of the printed values: 87,46 - 75 = 12,46
        (((2020, 75.004),), 87.455, ["Capaian indikator “Angka X” tahun 2021 sebesar 87,46%, "
                                     "meningkat 12,46 poin persen dibandingkan dengan tahun "
                                     "2020 (75%)."]),
        (((2019, 90.0), (2020, 100.0)), 100.0, [
            "Capaian indikator “Angka X” tahun 2021 sebesar 100%, sama dengan capaian tahun "
            "2020.",
            "Dalam tiga tahun yang tercatat (2019–2021), capaian tertinggi sebesar 100% pada "
            "tahun 2021 dan terendah 90% pada tahun 2019."]),
        ((), 90.0, ["Capaian indikator “Angka X” pada tahun-tahun sebelumnya belum tercatat, "
                    "sehingga belum dapat dibandingkan."]),
    ],
    ids=["naik", "dari angka tercetak", "sama, tiga tahun", "tanpa riwayat"],
)
def test_against_years(earlier, now, expected):
    assert say.against_years(MASTER, view(ind(), now, now, earlier)) == expected


@pytest.mark.parametrize(
    ("indicator", "real", "final", "expected"),
    [
        # a gap between two percentages is in percentage points (issue 21)
        (ind(target_akhir_rpjmd=95), 79.5, 83.68, ("15,5 poin persen", "Target akhir "
         "Renstra/RPJMD indikator “Angka X” adalah 95%; realisasi tahun 2021 sebesar 79,5% "
         "atau 83,68% dari target akhir tersebut; untuk mencapainya, realisasi masih perlu "
         "ditingkatkan 15,5 poin persen.")),
        (ind(target_akhir_rpjmd=95), 96.0, 101.05, ("tercapai", "Target akhir Renstra/RPJMD "
         "indikator “Angka X” adalah 95%; realisasi tahun 2021 sebesar 96% atau 101,05% dari "
         "target akhir tersebut, sehingga target akhir telah tercapai.")),
        # lower is better: no "setara 75% dari target akhir" (a share of the target means
        # nothing there), the distance to it instead
        (ind(jenis="rasio", pengali=1000, satuan="per 1.000 penduduk", polaritas="negatif",
             target=3, target_akhir_rpjmd=2), 2.5, 75.0, ("0,5 per 1.000 penduduk",
         "Target akhir Renstra/RPJMD indikator “Angka X” (makin rendah makin baik) adalah 2 "
         "per 1.000 penduduk; realisasi tahun 2021 sebesar 2,5 per 1.000 penduduk; untuk "
         "mencapainya, realisasi masih perlu diturunkan 0,5 per 1.000 penduduk.")),
        (ind(jenis="rasio", pengali=1000, satuan="per 1.000 penduduk", polaritas="negatif",
             target=3, target_akhir_rpjmd=2), 7.0, 0.0, ("5 per 1.000 penduduk",
         "Target akhir Renstra/RPJMD indikator “Angka X” (makin rendah makin baik) adalah 2 "
         "per 1.000 penduduk; realisasi tahun 2021 sebesar 7 per 1.000 penduduk; untuk "
         "mencapainya, realisasi masih perlu diturunkan 5 per 1.000 penduduk.")),
        (ind(jenis="rasio", pengali=1000, satuan="per 1.000 penduduk", polaritas="negatif",
             target=3, target_akhir_rpjmd=2), 1.5, 125.0, ("tercapai",
         "Target akhir Renstra/RPJMD indikator “Angka X” (makin rendah makin baik) adalah 2 "
         "per 1.000 penduduk; realisasi tahun 2021 sebesar 1,5 per 1.000 penduduk tidak "
         "melebihi target akhir tersebut, sehingga target akhir telah tercapai.")),
        (ind(target_akhir_rpjmd=[80, 90]), 75.0, 93.75, ("5 poin persen", "Target akhir "
         "Renstra/RPJMD indikator “Angka X” adalah 80–90%; realisasi tahun 2021 sebesar 75% "
         "atau 93,75% dari target akhir tersebut; untuk mencapainya, realisasi masih perlu "
         "ditingkatkan 5 poin persen.")),
        (ind(target_akhir_rpjmd="NA"), 75.0, None, ("-", "Target akhir Renstra/RPJMD "
         "indikator “Angka X” belum ditetapkan (NA).")),
    ],
    ids=["kurang", "tercapai", "negatif", "negatif 0%", "negatif tercapai", "rentang", "NA"],
)
def test_against_final(indicator, real, final, expected):
    f = say.against_final(MASTER, view(indicator, real, real, final=final))
    assert (f.remaining, f.sentence) == expected


@pytest.mark.parametrize(
    ("extra", "real", "expected"),
    [
        ({}, 87.5, "Realisasi indikator “Angka X” sebesar 87,5%, 7,5 poin persen di atas "
                   "standar 80% menurut SPM; bagi indikator yang makin tinggi makin baik, "
                   "realisasi ini lebih baik daripada standar."),
        ({}, 80.004, "Realisasi indikator “Angka X” sebesar 80%, sama dengan standar 80% "
                     "menurut SPM, sehingga memenuhi standar."),
        ({}, 70.0, "Realisasi indikator “Angka X” sebesar 70%, 10 poin persen di bawah "
                   "standar 80% menurut SPM; bagi indikator yang makin tinggi makin baik, "
                   "realisasi ini belum memenuhi standar."),
        ({"polaritas": "negatif"}, 70.0, "Realisasi indikator “Angka X” sebesar 70%, 10 poin "
         "persen di bawah standar 80% menurut SPM; bagi indikator yang makin rendah makin "
         "baik, realisasi ini lebih baik daripada standar."),
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
        "Anggaran sasaran ini terserap 80% (Rp120.000.000 dari pagu Rp150.000.000), sedangkan "
        "rata-rata capaian indikatornya 87,5%, atau 7,5 poin persen lebih tinggi daripada "
        "penyerapan anggarannya.")
    assert say.budget_summary([(1, b) for b in s.budget]) == (
        "Dari pagu anggaran seluruh program sebesar Rp150.000.000, terealisasi Rp120.000.000 "
        "atau 80%, sehingga terdapat sisa anggaran Rp30.000.000.")
    assert say.programs_text(s.budget) == (
        "Sasaran ini didukung oleh dua program dalam Perjanjian Kinerja, yaitu program “A” "
        "(pagu Rp100.000.000, terealisasi Rp90.000.000 atau 90%); dan program “B” (pagu "
        "Rp50.000.000, terealisasi Rp30.000.000 atau 60%).")
    # a line without its realisasi (a master written for the PK): named, no total absorption
    pagu_only = [(1, b) for b in s.budget] + [(2, BudgetLine.model_validate(
        {"program": "Program Kewaspadaan", "pagu": 25_000_000})), (3, BudgetLine.model_validate(
            {"pagu": 5_000_000}))]
    assert say.budget_summary(pagu_only) == (
        "Pagu anggaran seluruh program sebesar Rp180.000.000; realisasi “Program "
        "Kewaspadaan” dan anggaran sasaran 3 belum tersedia, sehingga persentase penyerapan "
        "anggaran secara keseluruhan belum dapat dihitung.")
    assert say.slot("x") == "[Diisi Sekretariat: x]"
