"""mkdocs-preflight: executable checklists for MkDocs.

The engine (``mkdocs_preflight.engine``) parses Markdown checklists into one model
(``mkdocs_preflight.model``); the CLI (``mkdocs_preflight.cli``) and the MkDocs plugin
(``mkdocs_preflight.site``) are two front ends on it.
"""

__version__ = "0.1.0"
