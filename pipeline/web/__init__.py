"""``iku serve``: a small local collection page (issue 12).

The bidang upload their workbook through a private link and see at once what
``iku validate`` would say about it; the secretariat watches every unit's status, the
combined check of the current set, and builds the report. Library first, I/O at the
edges, the CLI's own stages underneath (no second copy of the validation):

* ``store``: the data folder: tokens (0600), every upload as a new version, results;
* ``upload``: receive one upload, streamed, size limit enforced while receiving;
* ``checks``: ``intake.validate.check_inputs`` on one upload and on the current set, figures through
  the kinds registry, cells in context, the corrected copy (``intake.feedback``);
* ``reports``: ``run.build_report`` on the current set (draft while incomplete), the
  quarterly seam;
* ``site``: one collection (master, folder, period, tokens);
* ``csrf``: one middleware that refuses every unsafe request without the form's token;
* ``app``: the Starlette pages (Jinja2 templates in ``templates/``, no JavaScript),
  error pages, security headers;
* ``server``: bind, print the links, uvicorn until Ctrl+C.
"""
