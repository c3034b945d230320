"""From a returned workbook to checked values: the input edge of every run.

In the order a submission meets them:

* ``safety``: the gate: inspect an untrusted .xlsx/.ods (zip directory, sizes, entities,
  macros, encryption) before any reader opens it (``odf`` measures .ods content,
  ``cellscan`` what calamine does not tell: formulas, percent formats, merges);
* ``reader``: read the bidang's workbooks into plain records (python-calamine);
* ``validate``: check every submission against the master and gather every problem in
  one pass (``check_inputs``: a folder read and validated, the one call the runner, the
  collection page and the template trials use);
* ``feedback``: the problem list and highlighted copies sent back to the units;
* ``master``: a master workbook through the same gate, read cell by cell into the master's
  data and validated by the master's model, every mistake at its sheet and cell; and
  ``load_master_file``, the one way every command loads ``-c`` (a workbook or YAML).
"""
