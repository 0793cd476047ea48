"""Sphinx configuration for the salescore docs."""

from __future__ import annotations

project = "salescore"
author = "salescore developers"
copyright = "2026, salescore developers"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.viewcode",
]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3  # links to sections ("page.md#a-heading") resolve and are checked
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "adr/README.md"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
nitpicky = False
suppress_warnings = ["myst.header"]
# Docstring examples run under pytest --doctest-modules; here only the pages' {doctest} blocks.
doctest_test_doctest_blocks = ""
html_theme = "alabaster"
# Wide enough for the explanations the examples print (lines of 100-130 characters).
html_static_path = ["_static"]  # custom.css: alabaster loads it
html_theme_options = {"page_width": "1320px", "sidebar_width": "250px", "code_font_size": "0.8em"}
doctest_global_setup = """
from datetime import date
from decimal import Decimal
"""
