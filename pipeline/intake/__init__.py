"""From a returned workbook to checked values: the input edge of every run.

In the order a submission meets them:

* ``safety``: the gate: inspect an untrusted .xlsx/.ods (zip directory, sizes, entities,
  macros, encryption) before any reader opens it (``odf`` measures .ods content,
  ``cellscan`` what calamine does not tell: formulas, percent formats, merges);
* ``reader``: read the bidang's workbooks into plain records (python-calamine);
* ``validate``: check every submission against the master and gather every problem in
  one pass (``check_inputs``: a folder read and validated, the one call the runner, the
  collection page and the template trials use);
* ``feedback``: the problem list and highlighted copies sent back to the units.
"""
