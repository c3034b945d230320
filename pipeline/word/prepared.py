"""What rendering derives from a template alone, kept per process (``PREPARED``).

Shared by the renderer (``render``) and the template check (``template_check``): the check
prepares each part's XML the way docxtpl will for rendering, and the first report of a
process then finds it prepared. A module of its own so that neither imports the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


class Bounded:
    """A per-process cache of at most ``size`` entries, the oldest dropped first: the
    shape of each of the engine's caches (``PreparedCache``, the prepared templates and
    headers of ``direct``, the template check's analyses, a ``ColumnPlan``'s bodies)."""

    def __init__(self, size: int):
        self.size = size
        self._store: dict[Any, Any] = {}

    def fetch(self, key, make: Callable[[], Any], enabled: bool = True):
        """The value kept for ``key``, made by ``make()`` (and kept) when there is none;
        without ``enabled``, made every time and not kept."""
        if not enabled:
            return make()
        found = self._store.get(key, _MISSING)
        if found is _MISSING:
            if len(self._store) >= self.size:
                self._store.pop(next(iter(self._store)))
            found = self._store[key] = make()
        return found

    def clear(self) -> None:
        self._store.clear()


_MISSING = object()


class PreparedCache(Bounded):
    """What rendering derives from the template alone, per process, by content: docxtpl's
    patched XML of each part, its one-paragraph-a-line form and the compiled Jinja
    template. A batch renders the same template for every agency; docxtpl mutates its
    document, so each report still opens a fresh one from the template's bytes and only
    these strings and compiled templates (never mutated by rendering) are shared.
    ``enabled = False`` turns it off, and the other caches of rendered parts with it
    (the tests compare the bytes both ways)."""

    def __init__(self, size: int = 48):
        super().__init__(size)
        self.enabled = True

    def get(self, kind, key: str, make):
        return self.fetch((kind, key), lambda: make(key), self.enabled)


PREPARED = PreparedCache()
