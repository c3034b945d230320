"""`iku pk`: the Perjanjian Kinerja (issue 22 §1), read back with python-docx and plain
PyYAML, never with the code that wrote it.

For the sample agency and every example master: every target, satuan and anggaran of the
PK is the master's and the IKU report's; the statement is the chosen standard text with
the parties in their places (pihak kedua left, pihak pertama right); what the master
leaves out is a PERINGATAN and dots in the document. `--perubahan` marks exactly the rows
that changed against the PK recorded before, and the history knows which PK is in force
(`pk.history.pk_of`). Reruns are byte-identical; an edited PK is kept."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
import yaml

from dev.pk_template import FIRST_CLAUSE, OPENING, PROMISE, SECOND_CLAUSE, SUPERVISION
from pipeline import paths
from pipeline.domain.master import load_master
from pipeline.history import open_history
from pipeline.history.model import PkParty, PkProgram, PkRevision, PkTarget
from pipeline.office.libreoffice import find_soffice
from pipeline.pk.context import BLANK
from pipeline.pk.history import pk_of
from pipeline.pk.model import changes
from pipeline.workbook.sample import write_sample_inputs

from conftest import cli, folder_digest, table_texts

EXAMPLES_DIR = paths.INPUT_TEMPLATES / "master" / "contoh"
MASTERS = [paths.SAMPLE_MASTER, *sorted(EXAMPLES_DIR.glob("*.yaml"))]
HEADS = {"KOTA": "WALI KOTA", "KABUPATEN": "BUPATI", "PROVINSI": "GUBERNUR"}
BENGKULU = EXAMPLES_DIR / "kesbangpol_kota_bengkulu_2022.yaml"



def raw(master: Path) -> dict:
    """The master as plain PyYAML reads it (not the project's loader)."""
    return yaml.safe_load(master.read_text(encoding="utf-8"))


def tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text.strip() for c in row.cells] for row in t.rows]
            for t in docx.Document(str(path)).tables]


def table_with(path: Path, heading: str) -> list[list[str]]:
    (found,) = [t for t in tables(path) if heading in t[0]]
    return found


def pk_targets(path: Path) -> list[list[str]]:
    """The lampiran's rows: NO, SASARAN STRATEGIS, INDIKATOR KINERJA, SATUAN, TARGET (,
    KETERANGAN), below the heading and the column numbers."""
    rows = table_with(path, "SASARAN STRATEGIS")
    assert rows[1][:5] == ["(1)", "(2)", "(3)", "(4)", "(5)"]
    return rows[2:]


def pk_programs(path: Path) -> list[list[str]]:
    rows = table_with(path, "PROGRAM")
    assert rows[0] == ["NO", "PROGRAM", "ANGGARAN (Rp)", "KETERANGAN"]
    return rows[2:]


def signatures(path: Path) -> list[list[list[str]]]:
    return [t for t in tables(path) if ["PIHAK KEDUA,", "PIHAK PERTAMA,"] in t]


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def rupiah(x: float) -> str:
    whole = f"{x:,.2f}".rstrip("0").rstrip(".")
    return whole.replace(",", "_").replace(".", ",").replace("_", ".")


def with_unit(target: str, unit: str) -> str:
    """A PK's Target and Satuan as one text, as the IKU report prints a target (a threshold
    too: "≥ 95" and "%" print "≥ 95%")."""
    if unit in ("", "-") or not re.match(r"(?:\u2265 |\u2264 |minimal |maksimal )?-?\d", target):
        return target
    return f"{target}{unit}" if unit == "%" else f"{target} {unit}"


@pytest.fixture(scope="module", params=MASTERS, ids=lambda p: p.stem)
def built(request, tmp_path_factory):
    """The master's IKU report (the sample figures typed in) and its PK."""
    master = request.param
    tmp = tmp_path_factory.mktemp(master.stem)
    history = tmp / "riwayat.sqlite"
    inputs = tmp / "isian"
    write_sample_inputs(load_master(master), inputs)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("IKU_DEBUG", "1")
        cli("report", "-c", master, "-i", inputs, "--out", tmp / "laporan.docx", "--draft",
            "--riwayat", history)
        result = cli("pk", "-c", master, "--out", tmp / "pk.docx", "--riwayat", history)
    return {"master": master, "report": tmp / "laporan.docx", "pk": tmp / "pk.docx",
            "result": result, "history": history}


# --- every figure ---


def test_every_target_and_satuan_is_the_masters_and_the_iku_reports(built):
    data = raw(built["master"])
    inds = [(s, i) for s in data["sasaran"] for i in s["indikator"]]
    rows = pk_targets(built["pk"])
    assert len(rows) == len(inds)
    (report,) = [t for t in table_texts(docx.Document(str(built["report"])))
                 if "Sasaran Renstra" in t[0]]  # its last row held with the signature
    head = report[0]
    printed = {}  # the Renstra table: indicator → target as the IKU report prints it
    for r in report[1:]:
        name = re.sub(r"^\d+\. ", "", r[head.index("Indikator Kinerja Utama")])
        printed[name] = r[head.index("Target")]
    for row, (s, ind) in zip(rows, inds, strict=True):
        no, sasaran, indicator, unit, target = row[:5]
        assert no == str(s[False])  # YAML 1.1: PyYAML reads the key `no` as false
        assert sasaran == s.get("uraian_renstra", s["uraian"])
        assert indicator == ind.get("nama_renstra", ind["nama"])
        if "satuan" in ind:
            assert unit == ind["satuan"]
        assert with_unit(target, unit) == printed[indicator], indicator
    assert len(printed) == len(rows)


def test_every_program_and_anggaran_is_the_masters(built):
    data = raw(built["master"])
    expected: dict[str, list] = {}  # program → [pagu, keterangan]; same name: one row
    unnamed = []
    for s in data["sasaran"]:
        lines = s.get("anggaran") or []
        for line in [lines] if isinstance(lines, dict) else lines:
            pagu = float(str(line["pagu"]).replace(".", "").replace(",", "."))
            name = line.get("program", "")
            if not name:
                unnamed.append((pagu, line.get("keterangan", "")))
                continue
            row = expected.setdefault(name, [0.0, line.get("keterangan", "")])
            row[0] += pagu
    rows = pk_programs(built["pk"])
    *lines, total = rows
    assert total[0] == total[1] == "JUMLAH"
    if not expected and not unnamed:
        assert lines == [["1", BLANK, BLANK, ""]]
        assert total[2] == BLANK
        return
    shown = {r[1]: (r[2], r[3]) for r in lines if r[1] != BLANK}
    assert shown == {name: (rupiah(p), note) for name, (p, note) in expected.items()}
    assert [(r[2], r[3]) for r in lines if r[1] == BLANK] == [
        (rupiah(p), note) for p, note in unnamed]
    assert [r[0] for r in lines] == [str(n) for n in range(1, len(lines) + 1)]
    everything = sum(p for p, _ in expected.values()) + sum(p for p, _ in unnamed)
    assert total[2] == rupiah(everything)


def test_the_statement_the_parties_and_their_places(built):
    data = raw(built["master"])
    agency = data["instansi"]
    head = f"{HEADS[agency['jenis_daerah']]} {agency['kota'].split(' ', 1)[1].upper()}"
    texts = paragraphs(built["pk"])
    year = agency["tahun"]
    assert texts[:3] == [f"PEMERINTAH {agency['kota'].upper()}", agency["nama"].upper(),
                         f"PERJANJIAN KINERJA TAHUN {year}"]
    second = agency.get("pihak_kedua", {})
    name = agency["penandatangan"].get("nama", BLANK)
    assert texts[3:12] == [
        OPENING, f"Nama\t:\t{name}", f"Jabatan\t:\t{agency['penandatangan']['jabatan']}",
        FIRST_CLAUSE, f"Nama\t:\t{second.get('nama', BLANK)}", f"Jabatan\t:\t{head}",
        SECOND_CLAUSE, PROMISE, SUPERVISION]
    assert f"LAMPIRAN PERJANJIAN KINERJA TAHUN {year}" in texts
    date = agency.get("tanggal_pk")
    months = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember"]
    when = f"{date.day} {months[date.month - 1]} {date.year}" if date else BLANK
    pages = signatures(built["pk"])
    assert len(pages) == 2  # under the statement and under the lampiran
    for table in pages:
        assert table[0] == ["", f"{agency.get('tempat_laporan', BLANK)}, {when}"]
        assert table[1] == ["PIHAK KEDUA,", "PIHAK PERTAMA,"]  # pihak kedua on the left
        assert table[2] == [head, agency["penandatangan"]["jabatan"]]
        assert table[4] == [second.get("nama", BLANK), name]
        nip = agency["penandatangan"].get("nip")
        assert (["", f"NIP. {nip}"] in table) == bool(nip)


def test_what_the_master_leaves_out_is_a_peringatan_and_dots(built):
    data = raw(built["master"])
    agency = data["instansi"]
    stderr = built["result"].stderr
    name = built["master"].name
    said = {
        "pihak_kedua.nama": "nama" not in agency.get("pihak_kedua", {}),
        "tanggal_pk tidak diisi": "tanggal_pk" not in agency,
        "penandatangan.nama": "nama" not in agency["penandatangan"],
        "anggaran tidak ditulis": not any(s.get("anggaran") for s in data["sasaran"]),
    }
    for key, missing in said.items():
        assert (f"PERINGATAN: {name}: {key}" in stderr) == missing, key
    assert stderr.count("PERINGATAN") == sum(said.values()) + (
        "tanpa nama program" in stderr)
    assert "Perjanjian Kinerja ditulis" in built["result"].stdout


def test_a4_portrait_with_the_lampiran_on_its_own_page(built):
    document = docx.Document(str(built["pk"]))
    (section,) = document.sections
    assert (section.page_width.mm, section.page_height.mm) == pytest.approx((210, 297), abs=1)
    lampiran = next(p for p in document.paragraphs if p.text.startswith("LAMPIRAN "))
    assert lampiran.style.paragraph_format.page_break_before


# --- the sample: a missing second signatory ---


def test_missing_second_signatory_date_and_anggaran_are_blanks_never_invented(tmp_path):
    """The sample master has no pihak_kedua, tanggal_pk or anggaran: three PERINGATAN
    lines (reason pk_blank) and dots where they go; the Wali Kota's title from the
    region."""
    out = tmp_path / "pk.docx"
    result = cli("pk", "--out", out, "--riwayat", tmp_path / "r.sqlite")
    lines = [x for x in result.stderr.splitlines() if x.startswith("PERINGATAN")]
    assert lines == [
        "PERINGATAN: kesbangpol_kota_jambi_2021.yaml: pihak_kedua.nama tidak diisi; nama "
        "pihak kedua (WALI KOTA JAMBI) dicetak titik-titik untuk diisi tangan (tulis mis. "
        "pihak_kedua: {nama: \"…\"} di bagian instansi)",
        "PERINGATAN: kesbangpol_kota_jambi_2021.yaml: tanggal_pk tidak diisi; tanggal "
        "Perjanjian Kinerja dicetak titik-titik (tulis mis. tanggal_pk: 2021-01-14 di bagian "
        "instansi)",
        "PERINGATAN: kesbangpol_kota_jambi_2021.yaml: anggaran tidak ditulis untuk sasaran "
        "mana pun; tabel program dan anggaran di lampiran Perjanjian Kinerja dicetak "
        "titik-titik (tulis anggaran: [{program, pagu}] di tiap sasaran)"]
    assert set(BLANK) == {"\u2026"}
    assert "Nama\t:\t" + BLANK in paragraphs(out)
    for table in signatures(out):
        assert table[0][1] == "Jambi, " + BLANK
        assert table[4] == [BLANK, "DRS. RADEN JUFRI. ME"]
        assert table[2][0] == "WALI KOTA JAMBI"


def test_a_named_second_party_with_its_own_title_and_nip(tmp_path):
    """A unit under another office: the superior's title and NIP, as the master gives
    them; a date outside the PK's year is said."""
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8").replace(
        '    nip: "19671125 198908 1 001"\n',
        '    nip: "19671125 198908 1 001"\n'
        '  tanggal_pk: 2020-12-30\n'
        '  pihak_kedua:\n'
        '    jabatan: "SEKRETARIS DAERAH KOTA JAMBI"\n'
        '    nama: "NAMA SEKDA"\n'
        '    pangkat: "Pembina Utama Madya"\n'
        '    nip: "19700101 199001 1 001"\n')
    master = tmp_path / "master.yaml"
    master.write_text(text, encoding="utf-8")
    out = tmp_path / "pk.docx"
    result = cli("pk", "-c", master, "--out", out, "--riwayat", tmp_path / "r.sqlite")
    assert ("PERINGATAN: master.yaml: tanggal_pk 30 Desember 2020 tidak di tahun 2021; "
            "Perjanjian Kinerja ditandatangani pada tahun kinerjanya (Januari): periksa "
            "tanggalnya") in result.stderr
    assert "pihak_kedua" not in result.stderr
    (first, _) = signatures(out)
    assert first[0][1] == "Jambi, 30 Desember 2020"
    assert first[2] == ["SEKRETARIS DAERAH KOTA JAMBI",
                        "KEPALA BADAN KESBANG DAN POLITIK KOTA JAMBI"]
    assert first[4] == ["NAMA SEKDA", "DRS. RADEN JUFRI. ME"]
    assert ["Pembina Utama Madya", "Pembina TK. I"] in first
    assert ["NIP. 19700101 199001 1 001", "NIP. 19671125 198908 1 001"] in first


# --- reruns and edits ---


def test_a_rerun_is_byte_identical_and_an_edited_pk_is_kept(tmp_path):
    out = tmp_path / "hasil" / "pk.docx"
    history = tmp_path / "r.sqlite"
    cli("pk", "-c", BENGKULU, "--out", out, "--riwayat", history)
    first = out.read_bytes()
    again = cli("pk", "-c", BENGKULU, "--out", out, "--riwayat", history)
    assert out.read_bytes() == first
    assert f"Perjanjian Kinerja ditulis: {out} (isinya sama, berkas tidak diubah)" in \
        again.stdout
    assert "Riwayat" not in again.stdout  # nothing new to record
    edited = docx.Document(str(out))
    edited.paragraphs[0].text = "PEMERINTAH KOTA BENGKULU (disunting)"
    edited.save(str(out))
    kept = out.read_bytes()
    result = cli("pk", "-c", BENGKULU, "--out", out, "--riwayat", history)
    (backup,) = [p for p in out.parent.iterdir() if ".diedit-" in p.name]
    assert backup.read_bytes() == kept
    assert out.read_bytes() == first
    assert "disimpan sebagai cadangan" in result.stderr


def test_the_template_is_never_the_output(tmp_path):
    template = tmp_path / "templat.docx"
    template.write_bytes(paths.PK_TEMPLATE.read_bytes())
    result = cli("pk", "-c", BENGKULU, "--template", template, "--out", template,
                 "--riwayat", tmp_path / "r.sqlite", code=2)
    assert "menunjuk ke berkas masukan" in result.stderr
    assert template.read_bytes() == paths.PK_TEMPLATE.read_bytes()
    assert not (tmp_path / "r.sqlite").exists()


# --- PK Perubahan ---


def changed_master(tmp_path: Path, **edits: tuple[str, str]) -> Path:
    text = BENGKULU.read_text(encoding="utf-8")
    for old, new in edits.values():
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "master_perubahan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


TARGET_S21 = ("        target: 20\n", "        target: 25\n")
PAGU = ("        pagu: 185000000\n", "        pagu: 210000000\n")
DATE = ("  tanggal_pk: 2022-01-14\n", "  tanggal_pk: 2022-08-01\n")
NEW_PROGRAM = ('    uraian: "Meningkatnya keamanan dan ketertiban masyarakat"\n',
               '    uraian: "Meningkatnya keamanan dan ketertiban masyarakat"\n'
               '    anggaran:\n'
               '      - program: "Program Pencegahan Kriminalitas"\n'
               '        pagu: 75000000\n')


def test_perubahan_marks_exactly_the_changed_rows(tmp_path):
    history = tmp_path / "r.sqlite"
    original = tmp_path / "pk.docx"
    cli("pk", "-c", BENGKULU, "--out", original, "--riwayat", history)
    before = pk_targets(original)
    assert all(len(r) == 5 for r in before)  # no Keterangan column in the PK itself
    master = changed_master(tmp_path, target=TARGET_S21, pagu=PAGU, date=DATE,
                            program=NEW_PROGRAM)
    out = tmp_path / "pk_perubahan.docx"
    result = cli("pk", "-c", master, "--out", out, "--riwayat", history, "--perubahan")
    assert result.stdout.splitlines()[-1] == (
        f"Riwayat: PK Perubahan tahun 2022 dicatat sebagai perubahan ke-1 di {history}")
    texts = paragraphs(out)
    assert texts[2] == "PERJANJIAN KINERJA PERUBAHAN TAHUN 2022"
    assert "LAMPIRAN PERJANJIAN KINERJA PERUBAHAN TAHUN 2022" in texts
    assert table_with(out, "SASARAN STRATEGIS")[0][5] == "KETERANGAN"
    rows = pk_targets(out)
    marks = {r[2]: r[5] for r in rows}
    assert marks == {
        "Angka kriminalitas per 1.000 penduduk": "",
        "Persentase penurunan jumlah konflik sosial": "Diubah: target semula 20%",
        "Tersedianya Peraturan Daerah tentang Penanganan Konflik Sosial": "",
        "Persentase pertumbuhan jumlah ormas yang terdaftar": "",
        "Indeks Demokrasi Indonesia (IDI) Provinsi Bengkulu": "",
    }
    assert [r[:5] for r in rows] == [
        b if b[2] != "Persentase penurunan jumlah konflik sosial" else [*b[:4], "25"]
        for b in before]
    programs = {r[1]: (r[2], r[3]) for r in pk_programs(out)}
    assert programs == {
        "Program Pencegahan Kriminalitas": ("75.000.000", "Baru"),
        "Program Peningkatan Kewaspadaan Nasional dan Penanganan Konflik Sosial": (
            "440.000.000", "APBD"),
        "Program Pemberdayaan dan Pengawasan Organisasi Kemasyarakatan": (
            "210.000.000", "APBD\nDiubah: anggaran semula Rp185.000.000"),
        "JUMLAH": ("725.000.000", ""),
    }
    assert ("- Kolom Keterangan membandingkan dengan Perjanjian Kinerja Tahun 2022 tertanggal "
            "14 Januari 2022 yang tercatat di riwayat: «Diubah» menyebut isi semula, «Baru» "
            "baris yang sebelumnya tidak ada.") in texts
    assert signatures(out)[0][0][1] == "Bengkulu, 1 Agustus 2022"
    # the history: the PK Perubahan is in force
    with open_history(history, create=False) as h:
        pk = pk_of(h, load_master(master))
    assert (pk.revision, pk.signed_on.isoformat()) == (1, "2022-08-01")
    assert {t.code: t.target for t in pk.targets}["S2.1"] == 25
    # a rerun prints the same bytes; `iku pk` reprints the PK signed in January
    first = out.read_bytes()
    cli("pk", "-c", master, "--out", out, "--riwayat", history, "--perubahan")
    assert out.read_bytes() == first
    reprint = tmp_path / "pk_lagi.docx"
    again = cli("pk", "-c", master, "--out", reprint, "--riwayat", history)
    assert reprint.read_bytes() == original.read_bytes()
    assert "PK awal dicetak seperti tercatat, bukan dari master" in again.stderr


def test_a_rebuilt_perubahan_replaces_its_draft_still_against_the_pk(tmp_path):
    history = tmp_path / "r.sqlite"
    cli("pk", "-c", BENGKULU, "--out", tmp_path / "pk.docx", "--riwayat", history)
    first = changed_master(tmp_path, target=TARGET_S21, date=DATE)
    cli("pk", "-c", first, "--out", tmp_path / "p1.docx", "--riwayat", history, "--perubahan")
    second = changed_master(tmp_path, target=("        target: 20\n", "        target: 30\n"),
                            date=DATE)
    result = cli("pk", "-c", second, "--out", tmp_path / "p2.docx", "--riwayat", history,
                 "--perubahan")
    assert ("Perjanjian Kinerja Perubahan Tahun 2022 tertanggal 1 Agustus 2022 yang tercatat "
            "di riwayat diganti dengan isi master sekarang (S2.1: target semula 25%)"
            ) in result.stderr
    marks = {r[2]: r[5] for r in pk_targets(tmp_path / "p2.docx")}
    assert marks["Persentase penurunan jumlah konflik sosial"] == "Diubah: target semula 20%"
    with open_history(history, create=False) as h:
        revisions = h.pk_revisions(h.agency_of(load_master(second)), 2022)
    assert [(r.revision, {t.code: t.target for t in r.targets}["S2.1"]) for r in revisions
            ] == [(0, 20), (1, 30)]


def test_perubahan_with_the_date_unchanged_is_said(tmp_path):
    history = tmp_path / "r.sqlite"
    cli("pk", "-c", BENGKULU, "--out", tmp_path / "pk.docx", "--riwayat", history)
    master = changed_master(tmp_path, target=TARGET_S21)
    result = cli("pk", "-c", master, "--out", tmp_path / "p.docx", "--riwayat", history,
                 "--perubahan")
    assert ("PERINGATAN: master_perubahan.yaml: tanggal_pk PK Perubahan sama dengan atau "
            "sebelum tanggal PK yang diubahnya (2022-01-14); tulis tanggal PK Perubahan di "
            "tanggal_pk") in result.stderr


def test_perubahan_is_refused_without_a_pk_or_without_a_change(tmp_path):
    history = tmp_path / "r.sqlite"
    out_dir = tmp_path / "hasil"
    out_dir.mkdir()
    result = cli("pk", "-c", BENGKULU, "--out", out_dir / "p.docx", "--riwayat", history,
                 "--perubahan", code=2)
    assert result.stderr.startswith(
        "GALAT: belum ada Perjanjian Kinerja tahun 2022 yang tercatat di riwayat")
    assert list(out_dir.iterdir()) == [] and not history.exists()
    cli("pk", "-c", BENGKULU, "--out", out_dir / "pk.docx", "--riwayat", history)
    before = folder_digest(out_dir)
    result = cli("pk", "-c", BENGKULU, "--out", out_dir / "p.docx", "--riwayat", history,
                 "--perubahan", code=2)
    assert ("GALAT: target, anggaran dan para pihak di master sama dengan Perjanjian Kinerja "
            "Tahun 2022 tertanggal 14 Januari 2022 yang tercatat di riwayat") in result.stderr
    assert folder_digest(out_dir) == before


def test_a_pk_rebuilt_before_any_perubahan_replaces_the_recorded_one(tmp_path):
    history = tmp_path / "r.sqlite"
    cli("pk", "-c", BENGKULU, "--out", tmp_path / "pk.docx", "--riwayat", history)
    master = changed_master(tmp_path, target=TARGET_S21)
    result = cli("pk", "-c", master, "--out", tmp_path / "pk.docx", "--riwayat", history)
    assert ("PERHATIAN: Perjanjian Kinerja Tahun 2022 tertanggal 14 Januari 2022 yang "
            "tercatat di riwayat diganti dengan isi master sekarang (S2.1: target semula "
            "20%). Bila PK itu sudah ditandatangani, perubahan dibuat sebagai PK Perubahan: "
            "`iku pk --perubahan`.") in result.stderr
    with open_history(history, create=False) as h:
        (only,) = h.pk_revisions(h.agency_of(load_master(master)), 2022)
    assert only.revision == 0 and {t.code: t.target for t in only.targets}["S2.1"] == 25


def test_pk_of_is_the_pk_in_force(tmp_path):
    master = load_master(BENGKULU)
    history = tmp_path / "r.sqlite"
    with open_history(history) as h:
        assert pk_of(h, master) is None
    cli("pk", "-c", BENGKULU, "--out", tmp_path / "pk.docx", "--riwayat", history)
    with open_history(history, create=False) as h:
        pk = pk_of(h, master)
    assert (pk.year, pk.revision, pk.revised) == (2022, 0, False)
    assert [t.code for t in pk.targets] == [i.code for i in master.indicators]
    assert {t.code: t.target for t in pk.targets}["S3.1"] == (5.0, 10.0)  # a range
    assert pk.second_party == PkParty("WALI KOTA BENGKULU", "NAMA WALI KOTA BENGKULU")
    assert [(p.program, p.ceiling) for p in pk.programs] == [
        ("Program Peningkatan Kewaspadaan Nasional dan Penanganan Konflik Sosial", 440e6),
        ("Program Pemberdayaan dan Pengawasan Organisasi Kemasyarakatan", 185e6)]


def test_changes_name_removed_rows_and_parties():
    party = PkParty("KEPALA", "A")
    row = PkTarget("S1", 1, "Sasaran", "Indikator", "%", 90.0)
    base = PkRevision(2022, 0, None, party, PkParty("WALI KOTA"), (
        row, PkTarget("S2", 1, "Sasaran", "Dihapus", "dokumen", 3.0, 0)),
        (PkProgram("P1", 100.0), PkProgram("P2", 50.0)))
    new = PkRevision(2022, 1, None, PkParty("KEPALA", "B"), PkParty("WALI KOTA"), (
        PkTarget("S1", 1, "Sasaran", "Indikator baru", "%", 90.0),
        PkTarget("S3", 2, "Lain", "Tambahan", "%", 10.0)), (PkProgram("P1", 100.0),))
    diff = changes(base, new)
    assert diff.targets == {"S1": ["indikator semula «Indikator»"]}
    assert diff.added_targets == {"S3"}
    assert [t.code for t in diff.removed_targets] == ["S2"]
    assert [p.program for p in diff.removed_programs] == ["P2"]
    assert diff.parties == ["pihak pertama semula A, KEPALA"]
    assert not diff.programs and not diff.added_programs


# --- LibreOffice ---


@pytest.mark.libreoffice
@pytest.mark.skipif(find_soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) atau poppler-utils tidak terpasang")
def test_libreoffice_opens_it_as_a_two_page_pdf(tmp_path):
    out = tmp_path / "pk.docx"
    cli("pk", "-c", BENGKULU, "--out", out, "--pdf", "--riwayat", tmp_path / "r.sqlite")
    pdf = out.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    flat = " ".join(pages[0].split())
    for needle in ("PERJANJIAN KINERJA TAHUN 2022", OPENING, SUPERVISION,
                   "Bengkulu, 14 Januari 2022", "NAMA WALI KOTA BENGKULU"):
        assert needle in flat, needle
    lampiran = " ".join(pages[1].split())
    for needle in ("LAMPIRAN PERJANJIAN KINERJA TAHUN 2022", "440.000.000", "625.000.000",
                   "SASARAN STRATEGIS", "JUMLAH"):
        assert needle in lampiran, needle
    line = next(x for x in pages[0].splitlines() if "PIHAK KEDUA," in x)
    assert line.index("PIHAK KEDUA,") < line.index("PIHAK PERTAMA,")  # side by side


def test_a_version_4_history_gains_the_pk_table(tmp_path):
    """The migration: a file of the previous schema opens, keeps its runs and records
    PKs; the PK's content comes back as it was recorded."""
    import sqlite3

    from pipeline.history import schema
    from pipeline.history.model import IndicatorRecord, RunSnapshot

    path = tmp_path / "r.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("BEGIN")
    for version in schema.MIGRATIONS[:4]:
        for statement in version:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    conn.close()
    with open_history(path) as h:
        h.record(RunSnapshot("a", "Dinas A", 2021, (IndicatorRecord("S1", "S1", "persentase",
                                                                    "Ind", target=90.0),)))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE pk")  # back to version 4, a run recorded
    conn.execute("PRAGMA user_version = 4")
    conn.close()
    pk = PkRevision(2021, 0, None, PkParty("KEPALA DINAS A", "A", "Pembina", "1970"),
                    PkParty("WALI KOTA X"), (
                        PkTarget("S1", 1, "Sasaran", "Ind", "%", (80.0, 90.0)),
                        PkTarget("S2", 1, "Sasaran", "Opini", "", "WTP", 0)),
                    (PkProgram("", 1_500_000.5, "APBD"),))
    with open_history(path) as h:
        assert h.conn.execute("PRAGMA user_version").fetchone() == (schema.SCHEMA_VERSION,)
        assert h.current("a", 2021).snapshot.indicators[0].target == 90.0
        h.record_pk("a", "Dinas A", pk)
        (back,) = h.pk_revisions("a", 2021)
    assert back.recorded_at is not None
    assert back == PkRevision(**{**pk.__dict__, "recorded_at": back.recorded_at})
