"""What a report is about: the agency's master and the vocabulary every stage shares.

Pure definitions, no file is written here:

* ``master``: the master definition of one agency and year (YAML → pydantic models:
  agency, units, IKU rows, sasaran, indicators, settings), ``load_master``;
* ``kinds``: the registry of indicator kinds (``jenis``): input rules, Excel formula,
  Word equation, display, capaian rule, quarterly roll-up default; the one place a kind
  is known;
* ``periods``: the rounds of a year (``tahunan``, ``TW1`` … ``TW4``) and their names;
* ``spec``: the layout of a unit's workbook, defined once for the writer (``workbook``)
  and the reader (``intake``): sheets, columns, labels, metadata, how the header is found
  and how the definitions shown to a unit are fingerprinted;
* ``numfmt``: Indonesian number, percent and date formats (Babel, half-up rounding);
* ``masterbook``: the master as a workbook: sheets, the master key of each cell, how a
  value is written in a cell, the master's data as rows and back (one spec for the writer
  in ``workbook`` and the reader in ``intake``).
"""
