"""The workbooks this product hands out (xlsxwriter), on the layout of ``domain.spec``.

* ``templates``: the blank yearly workbook of a unit (input cells, validation, formulas,
  protection, metadata), and the style vocabulary the other workbooks share;
* ``quarter``: quarter N's workbook (earlier quarters read-only, the year so far);
* ``sample``: the sample agency's workbooks filled with the 2021 figures;
* ``synth``: a synthetic city of agencies and filled workbooks for tests and benchmarks;
* ``master``: the master itself as a workbook (``domain.masterbook``'s layout), for
  ``iku master ke-xlsx``, ``iku master baru``, ``iku init`` and ``iku tahun-baru``.
"""
