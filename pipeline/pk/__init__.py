"""The Perjanjian Kinerja (PK, issue 22 §1): ``iku pk``, the year's performance agreement
between the head of the agency (pihak pertama) and the head of the region (pihak kedua),
signed in January; ``iku pk --perubahan`` the mid-year PK Perubahan with the changed rows
marked. Each revision is recorded in the history, so the LKjIP knows which PK it
measures against (``history.pk_of``).

* ``model``: the PK a master describes (``revision_of``), its blanks (``gaps``), what
  changed between two revisions (``changes``);
* ``context``: what the template shows, under the one key ``pk`` (``pk_part``: reusable
  as a part of another document);
* ``render``: the template spec (``PK``, ``PK_BLOCKS``) and the bytes;
* ``history``: the PK in force (``pk_of``), what a run prints and records (``plan``);
* ``run``: ``iku pk`` as a library call (``build_pk``).
"""
