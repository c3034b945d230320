"""The bundled files, shipped inside the package as ``pipeline.input_templates``
(setup.py maps this folder to that name); read through ``pipeline/paths.py``."""
