"""The Word engine: every document family renders through it.

* ``template_check``: ``TemplateSpec`` (what a family's template must hold) and the check
  of a template against its spec and context, every problem named in Indonesian;
* ``render``: ``render_document(context, template, spec)``: checked, filled (docxtpl,
  autoescaped, strict), tables finished; ``set_properties``, ``package_parts``;
* ``prepared``: what rendering derives from a template alone, cached per process;
* ``columns``: the markers ``MERGE_UP`` / ``DROP_COLUMN`` and dropping optional columns;
* ``pagination``: page-break hints (headers repeated, endings held together);
* ``charts``: deterministic PNG charts (matplotlib, Agg) for the documents;
* ``strict``: the schema's child order of the property elements Word enforces
  (``order_problems`` checks a document, ``insert_in_order`` keeps it).

The engine knows no family: each family hands it its spec (``annual.report.IKU``,
``quarter.report.TRIWULAN``, ``lkjip.render.LKJIP``; listed in ``pipeline.families``).
"""
