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
from pipeline.domain.master import Master, example_for

DOC = Path(__file__).resolve().parent.parent / "docs" / "MASTER.md"

INTRO = """\
# Master YAML: setiap kunci

Berkas master (mis. `input_templates/master/kesbangpol_kota_jambi_2021.yaml`) memuat
semua yang dicetak laporan. Dokumen ini dibuat dari model program
(`python tests/test_master_doc.py > docs/MASTER.md`); sebuah uji memastikan isinya
sama dengan model, sehingga tidak ada kunci yang terlewat.

- **Wajib**: harus ditulis. **Opsional**: boleh tidak ditulis; bagian laporan yang
  memakainya tidak dicetak (tidak pernah diganti teks karangan), dan `iku validate`
  menyebutkannya sebagai PERINGATAN.
- Angka boleh ditulis `93,55`, `1.234.567`, `100%`; `NA` atau `-` berarti belum
  ditetapkan. `1.234` ditolak karena bermakna ganda (ribuan atau desimal?).
- Satu kunci hanya boleh ditulis satu kali dalam satu bagian.
- Contoh lengkap per situasi: `input_templates/master/contoh/`.
"""


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
        rows.append((key, _default(field), field.description or "", example))
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
        lines.append("| kunci | wajib/bawaan | keterangan | contoh |")
        lines.append("| --- | --- | --- | --- |")
        for key, default, description, example in rows:
            cells = [f"`{key}`", default, description, f"`{example}`" if example else ""]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        lines.append("")
    return "\n".join(lines)


def test_master_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/MASTER.md is stale: python tests/test_master_doc.py > docs/MASTER.md")


def test_every_key_is_described():
    for path, rows in sections():
        for key, _, description, _ in rows:
            assert description, f"{path}.{key} has no description"


def test_sample_header_names_every_key():
    text = paths.SAMPLE_MASTER.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines() if line.startswith("#"))
    words = set(re.findall(r"[a-z_0-9]+", header))
    missing = sorted(all_keys() - words)
    assert not missing, f"keys not named in the sample's header comments: {missing}"


if __name__ == "__main__":
    sys.stdout.write(render())
