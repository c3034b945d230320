"""Writing Office files without ever destroying one: the I/O edge of every output.

* ``ooxml``: verify an Office Open XML package (.docx, .xlsx) before it replaces anything;
* ``packaging``: normalised zips (fixed times and order) and the ``iku_sidik`` stamp that
  tells our own report from an edited one;
* ``atomic``: ``write_atomically``: verified, temporary file, fsync, rename;
* ``publish``: put a report (and its PDF) in place: outputs never among the inputs,
  edited reports kept as backups, PDF pairs, stale PDFs retired;
* ``libreoffice``: find LibreOffice and convert a document to PDF, leaving nothing behind.
"""
