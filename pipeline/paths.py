"""Where the bundled files live (the repository is installed in editable mode)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INPUT_TEMPLATES = ROOT / "input_templates"
SAMPLE_MASTER = INPUT_TEMPLATES / "master" / "kesbangpol_kota_jambi_2021.yaml"
WORD_TEMPLATE = INPUT_TEMPLATES / "laporan_iku.docx"
OUTPUT = ROOT / "output"
QUARTER_TEMPLATE = INPUT_TEMPLATES / "laporan_triwulan.docx"
LKJIP_TEMPLATE = INPUT_TEMPLATES / "lkjip_bab3.docx"
