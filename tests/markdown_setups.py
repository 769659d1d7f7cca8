"""Markdown extension lists the site and browser tests build with (importable from both:
the rootdir ``conftest.py`` puts ``tests/`` on the path)."""

from __future__ import annotations

from typing import Any

CONTAINER_EXTENSIONS: list[Any] = [
    "attr_list",
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    {"pymdownx.tabbed": {"alternate_style": True}},
    {"pymdownx.tasklist": {"custom_checkbox": True}},
]
"""What a mkdocs-material runbook site uses for items, admonitions and tabs, without a
highlighter (tests that want one add ``pymdownx.highlight``)."""
