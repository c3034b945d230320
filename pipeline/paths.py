"""Where the bundled files live, and where outputs go by default.

The bundled files (the sample master, the example masters, the Word templates) are the
repository's ``input_templates/`` folder, shipped inside the package as the data package
``pipeline.input_templates`` (setup.py maps the one to the other) and found here through
``importlib.resources``: the same code reads them from a wheel installed anywhere, from an
editable install and from the tests in the checkout, never through a path relative to the
repository. pip installs a wheel as plain files, so the package is a real folder; a zipped
install has none, and the commands that need a file would say so.

Outputs go by default to ``output/`` in the folder ``iku`` is run from (``OUTPUT`` is
relative on purpose): in the repository that is its ``output/`` (``make report``), in a
working folder made by ``iku init`` that folder's ``output/``, and never the installed
package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

BUNDLED_PACKAGE = "pipeline.input_templates"

try:
    _bundled = files(BUNDLED_PACKAGE)
except ModuleNotFoundError as exc:  # the checkout on sys.path without an install
    raise ImportError(
        f"{BUNDLED_PACKAGE} is missing: install iku (`pip install -e .` in the repository, "
        "or a wheel) instead of putting the checkout on sys.path") from exc

INPUT_TEMPLATES = Path(str(_bundled))
SAMPLE_MASTER = INPUT_TEMPLATES / "master" / "kesbangpol_kota_jambi_2021.yaml"
EXAMPLE_MASTERS = INPUT_TEMPLATES / "master" / "contoh"
WORD_TEMPLATE = INPUT_TEMPLATES / "laporan_iku.docx"
QUARTER_TEMPLATE = INPUT_TEMPLATES / "laporan_triwulan.docx"
LKJIP_TEMPLATE = INPUT_TEMPLATES / "lkjip_bab3.docx"
LKJIP_COMPLETE_TEMPLATE = INPUT_TEMPLATES / "lkjip_lengkap.docx"
PK_TEMPLATE = INPUT_TEMPLATES / "perjanjian_kinerja.docx"
OUTPUT = Path("output")
