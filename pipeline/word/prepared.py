"""What rendering derives from a template alone, kept per process (``PREPARED``).

Shared by the renderer (``render``) and the template check (``template_check``): the check
prepares each part's XML the way docxtpl will for rendering, and the first report of a
process then finds it prepared. A module of its own so that neither imports the other.
"""

from __future__ import annotations

import re
from typing import Any

from .strict import in_order_xml


def patched_xml(src_xml: str) -> str:
    """docxtpl's preparation of a part's XML for Jinja (``DocxTemplate.patch_xml``, which
    uses nothing of the template object), with the cells' properties in the schema's
    order: docxtpl's cell tags put the ``w:tcPr`` child they write where Word refuses it
    ({% cellbg %} its ``w:shd`` and {% colspan %} its ``w:gridSpan`` first, {% vm %} its
    ``w:vMerge`` and {% hm %} its ``w:gridSpan`` last; issue 21). The template check and
    the renderer share it through ``PREPARED``."""
    from docxtpl import DocxTemplate

    return in_order_xml(DocxTemplate(None).patch_xml(src_xml), "w:tcPr")


def one_paragraph_a_line(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


class PreparedCache:
    """What rendering derives from the template alone, per process, by content: docxtpl's
    patched XML of each part, its one-paragraph-a-line form and the compiled Jinja
    template. A batch renders the same template for every agency; docxtpl mutates its
    document, so each report still opens a fresh one from the template's bytes and only
    these strings and compiled templates (never mutated by rendering) are shared.
    ``enabled = False`` turns it off (the tests compare the bytes both ways)."""

    def __init__(self, size: int = 48):
        self.enabled = True
        self.size = size
        self._store: dict[tuple, Any] = {}

    def get(self, kind, key: str, make):
        if not self.enabled:
            return make(key)
        slot = (kind, key)
        if slot not in self._store:
            if len(self._store) >= self.size:
                self._store.pop(next(iter(self._store)))
            self._store[slot] = make(key)
        return self._store[slot]

    def clear(self) -> None:
        self._store.clear()


PREPARED = PreparedCache()
