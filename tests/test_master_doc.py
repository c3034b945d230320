"""docs/MASTER.md is generated from the master model, so it cannot drift from it.

Regenerate with ``python tests/test_master_doc.py > docs/MASTER.md``. The tests check that
the committed file is current and that the sample master's header names every key.
"""

from __future__ import annotations

import re
import sys
import typing
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from pipeline import paths
from pipeline.domain import masterbook as mb
from pipeline.domain.master import Master, example_for

DOC = Path(__file__).resolve().parent.parent / "docs" / "MASTER.md"

INTRO = """\
# Master: setiap kunci

Master memuat semua yang dicetak laporan. Bentuk utamanya **buku kerja** (`master.xlsx`,
dibuat dengan `iku master baru`, diisi di Excel atau LibreOffice; `.ods` juga dibaca);
bentuk lainnya **teks YAML** (mis. `input_templates/master/kesbangpol_kota_jambi_2021.yaml`).
Keduanya memuat kunci yang sama dan saling dapat diubah tanpa kehilangan isi:
`iku master ke-xlsx MASTER.yaml --out master.xlsx` dan
`iku master ke-yaml master.xlsx --out MASTER.yaml`. Dokumen ini dibuat dari model program
dan tata letak buku kerja (`python tests/test_master_doc.py > docs/MASTER.md`); sebuah uji
memastikan isinya sama dengan keduanya, sehingga tidak ada kunci yang terlewat.

- **Wajib**: harus ditulis (di buku kerja: judul kolom berwarna jingga). **Opsional**: boleh
  tidak ditulis (sel kosong); bagian laporan yang memakainya tidak dicetak (tidak pernah
  diganti teks karangan), dan `iku validate` menyebutkannya sebagai PERINGATAN.
- Kolom **buku kerja** menyebut lembar dan judul kolom (atau baris, di lembar Instansi dan
  Pengaturan) tempat kunci itu diisi. Catatan pada setiap judul kolom memuat keterangan
  dan contoh yang sama dengan tabel di bawah.
- Angka boleh ditulis `93,55`, `1.234.567`, `100%` (di buku kerja: angka biasa, tanpa
  format persen); `NA` atau `-` berarti belum ditetapkan. `1.234` ditolak karena bermakna
  ganda (ribuan atau desimal?).
- Buku kerja: sel kosong berarti kunci tidak ditulis; `(kosong)` berarti ditulis tanpa isi
  (YAML `null` atau `""`). Daftar dalam satu sel dipisah koma (sumber data: satu per baris
  sel); ya/tidak untuk true/false; rentang `80–90`; target per tahun: satu baris per tahun
  di lembar Target.
- Satu kunci hanya boleh ditulis satu kali dalam satu bagian.
- Contoh lengkap per situasi: `input_templates/master/contoh/` (jadikan buku kerja dengan
  `iku master ke-xlsx`).
"""


def workbook_place(path: str) -> str:
    """Where a key is filled in the workbook: ``Indikator › Satuan``; a section: its
    sheets."""
    for sheet in mb.SHEETS:
        for f in sheet.fields:
            if path in (f.path, *f.also):
                return f"{sheet.name} › {f.label}"
    sheets = [s.name for s in mb.SHEETS if any(
        p.startswith(path + ".") for f in s.fields for p in (f.path, *f.also))]
    return ", ".join(sheets)


def _nested(annotation) -> type[BaseModel] | None:
    """The model inside an annotation such as ``list[Unit]`` or ``Signatory | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = _nested(arg)
        if inner:
            return inner
    return None


def _default(field) -> str:
    if field.is_required():
        return "wajib"
    value = field.default
    if value is PydanticUndefined or value is None:
        if field.default_factory is not None:
            value = field.default_factory()
            if isinstance(value, list | dict) and not value:
                return "opsional"
            return "opsional (ada bawaan)"
        return "opsional"
    if hasattr(value, "value"):
        value = value.value
    if value in ("", [], {}):
        return "opsional"
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"opsional, bawaan `{value}`"


def sections(model: type[BaseModel] = Master, prefix: str = "") -> list[tuple[str, list]]:
    """(section path, [(key, required/default, description, example)]) in model order."""
    rows, children = [], []
    for field in model.model_fields.values():
        key = field.alias
        if key is None or key.startswith("__"):
            continue
        example = example_for(f"{prefix}{key}")
        rows.append((key, _default(field), workbook_place(f"{prefix}{key}"),
                     field.description or "", example))
        nested = _nested(field.annotation)
        if nested is not None:
            children.append((f"{prefix}{key}", nested))
    out = [(prefix.rstrip(".") or "(akar berkas)", rows)]
    seen = {model}
    for path, nested in children:
        if nested in seen:
            continue
        out += sections(nested, f"{path}.")
    return out


def all_keys() -> set[str]:
    return {key for _, rows in sections() for key, *_ in rows}


def render() -> str:
    lines = [INTRO]
    for path, rows in sections():
        lines.append(f"## `{path}`\n")
        lines.append("| kunci | wajib/bawaan | buku kerja | keterangan | contoh (YAML) |")
        lines.append("| --- | --- | --- | --- | --- |")
        for key, default, place, description, example in rows:
            cells = [f"`{key}`", default, place, description,
                     f"`{example}`" if example else ""]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def test_master_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/MASTER.md is stale: python tests/test_master_doc.py > docs/MASTER.md")


def test_every_key_is_described():
    for path, rows in sections():
        for key, _, place, description, _ in rows:
            assert description, f"{path}.{key} has no description"
            assert place, f"{path}.{key} has no place in the workbook"


def test_sample_header_names_every_key():
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    words = set(re.findall(r"[a-z_0-9]+", header))
    missing = sorted(all_keys() - words)
    assert not missing, f"keys not named in the sample's header comments: {missing}"


if __name__ == "__main__":
    sys.stdout.write(render())
