"""The one thing pyproject.toml cannot say: the package list.

Every sub-package of ``pipeline/`` is found automatically, and the repository's top-level
``input_templates/`` (the sample master, the example masters, the Word templates) ships
inside the package as ``pipeline.input_templates``: ``package_dir`` maps that package to
the folder, so the files keep their place in the repository (``make report`` on a fresh
clone, the dev tools that rebuild the templates) and an installed ``iku`` reads them with
``importlib.resources`` (``pipeline/paths.py``). A plain wheel, an editable install and
the tests from the checkout all find them there: setuptools' editable finder maps the
package to the folder too. Everything else is in pyproject.toml.
"""

from setuptools import find_packages, setup

DATA = "pipeline.input_templates"

setup(
    packages=[*find_packages(include=["pipeline", "pipeline.*"]), DATA],
    package_dir={DATA: "input_templates"},
)
