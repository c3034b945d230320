"""Quarterly (triwulan) measurement (issue 10): the same master, workbooks, validation
and history as the year-end round, four times a year, and the year from the quarters.

The stages of a quarter run through the one runner (``pipeline.run``, ``ReportJob.period``);
this sub-package holds what only quarters need, pure functions unless said otherwise:

* ``rollup``: the ``akumulasi`` rules: a quarter's figures and the earlier quarters' →
  the year so far (and, to TW IV, the year);
* ``figures``: ``compute_quarter``: the quarter's own figures, the year so far, capaian
  against the quarter's and the year's target, predikat and colour;
* ``history``: the quarters in the history database (figures of a recorded quarter, what
  a quarter records, the year's inputs from the four quarters for ``--dari-triwulan``);
* ``context`` and ``report``: the quarterly report's text and its rendering through the
  Word engine (``input_templates/laporan_triwulan.docx``, built by
  ``dev/triwulan_template.py``).

A quarter's workbook is a workbook like the others: ``pipeline.workbook.quarter``.

The rules and defaults, with reasons: docs/TRIWULAN.md.
"""
