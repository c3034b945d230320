"""The yearly report: *Indikator Kinerja Utama (IKU) dan Capaian IKU*.

* ``texts``: how the documents word a figure (shared with the quarterly report and the
  LKjIP chapter);
* ``context``: everything the yearly template shows, worded and formatted;
* ``lampiran``: the history appendix (the last years of each indicator, with charts);
* ``report``: the family's template spec (``IKU``), its bytes through the Word engine, and
  the bundled sample rendered with a template.
"""
