"""Sphinx configuration of the sklearn-backprop documentation.

Build from the repository root (offline; no intersphinx):

    python -m pip install -e ".[docs]"
    python -m sphinx -W --keep-going -b html docs docs/_build/html
"""

import re

import sklearn_backprop

project = "sklearn-backprop"
author = "the sklearn-backprop developers"
copyright = "the sklearn-backprop developers"
version = release = sklearn_backprop.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb"]

# -- API reference: autosummary + autodoc + numpydoc ----------------------
autosummary_generate = True
autodoc_typehints = "none"
# The members are listed by the autosummary templates; numpydoc's own member
# tables would point at stubs that are never generated.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False


_SKLEARN_ROLE = re.compile(r":(?:ref|term):`([^`<]*?)\s*(?:<([^`>]*)>)?`")


def _unlink_sklearn_roles(app, what, name, obj, options, lines):
    # Methods inherited from scikit-learn (get_params, score, set_fit_request,
    # ...) have docstrings that point into scikit-learn's own user guide and
    # glossary, which only intersphinx could resolve (and CI has no network):
    # show the words as plain text instead.
    module = getattr(obj, "__module__", None) or ""
    if module == "sklearn" or module.startswith("sklearn."):
        text = _SKLEARN_ROLE.sub(
            lambda m: " ".join((m.group(1) or m.group(2)).split()),
            "\n".join(lines),
        )
        lines[:] = text.split("\n")


_SHAPE = re.compile(r"of shape \(([^)]*)\)")
_TRAILING_UNDERSCORE = re.compile(r"(?<![`\w])([A-Za-z]\w*_)(?![`\w])")


def _quote_attribute_names_in_shapes(app, what, name, obj, options, lines):
    # "ndarray of shape (n_features_in_,)": to reStructuredText a word ending
    # in "_" is a link to a target of that name, which does not exist. Quote
    # such names, as scikit-learn writes them: (`n_features_in_`,).
    for i, line in enumerate(lines):
        lines[i] = _SHAPE.sub(
            lambda m: "of shape ({})".format(_TRAILING_UNDERSCORE.sub(r"``\1``", m.group(1))),
            line,
        )


# -- Markdown pages (the user guide, deploy and benchmarks stay readable on GitHub)
myst_heading_anchors = 3

# -- Gallery: every script in examples/ is run and rendered --------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # Run every example, not only those named plot_*.
    "filename_pattern": r"\.py$",
    "doc_module": ("sklearn_backprop",),
    "backreferences_dir": "gen_modules/backreferences",
    "download_all_examples": False,
    "remove_config_comments": True,
    # Stop the build if an example raises.
    "abort_on_example_error": True,
    "show_memory": False,
}

# The right-hand "On this page" list names a method by itself (fit()), not as
# BackpropClassifier.fit(): the page is the class's, and the sidebar is narrow.
toc_object_entries_show_parents = "hide"

# -- HTML -------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"sklearn-backprop {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": True,
    "secondary_sidebar_items": ["page-toc"],
}
# Pages with no sub-pages: the theme would show an empty "Section Navigation".
html_sidebars = {page: [] for page in ["getting_started", "user_guide", "deploy", "benchmarks"]}
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_show_sourcelink = False


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_roles, priority=400)
    app.connect("autodoc-process-docstring", _quote_attribute_names_in_shapes, priority=400)
