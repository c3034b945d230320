"""The one thing pyproject.toml cannot say: the package list.

Every folder of ``pipeline/`` is found automatically (a hand-written list once left
``pipeline.quarter`` out of the wheel), and the repository's top-level
``input_templates/`` (the sample master, the example masters, the Word templates) ships
inside the package as ``pipeline.input_templates``: ``package_dir`` maps that package to
the folder, so the files keep their place in the repository (``make report`` on a fresh
clone, the dev tools that rebuild the templates) and an installed ``iku`` reads them with
``importlib.resources`` (``pipeline/paths.py``). A wheel, an editable install and the
tests from the checkout all find them there: setuptools' editable finder maps the package
to the folder too. Folders that hold only data (``web/templates/``, ``cli/locale/…``,
``master/``) are listed as well, because setuptools treats every folder of a package as a
package and warns about one left out. Everything else is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

DATA = "pipeline.input_templates"
NOT_PACKAGES = ["*__pycache__*", "__pycache__"]

setup(
    packages=[
        *find_namespace_packages(include=["pipeline", "pipeline.*"], exclude=NOT_PACKAGES),
        DATA,
        *(f"{DATA}.{name}" for name in find_namespace_packages(where="input_templates",
                                                                exclude=NOT_PACKAGES)),
    ],
    package_dir={DATA: "input_templates"},
)
