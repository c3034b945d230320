"""Chapter III of the LKjIP (*Akuntabilitas Kinerja*): ``iku lkjip`` (issue 13).

A family of small stages, I/O at the edges (docs/LKJIP.md says what the chapter holds):

* ``history``: the earlier years and this year's quarters, read from the history file
  (read only; the one place this package touches it);
* ``model``: ``build_chapter(master, results, earlier)``, the chapter's data per sasaran
  and indicator (pure);
* ``sentences``: how every figure prints and the generated sentences, derived from the
  printed values so that no sentence contradicts a table; judgements are left as marked
  slots;
* ``charts``: deterministic PNG line charts (matplotlib, Agg);
* ``context``: the Word template's data (stable shape, parts shown or left out);
* ``render``: the template checked and filled (the Word engine, ``pipeline.word``), charts
  placed, the package normalised and stamped; bytes only; the family's spec ``LKJIP``;
* ``run``: ``build_lkjip``, the report's first stages (``pipeline.run``), then the
  chapter, published by ``pipeline.office.publish``.
"""
