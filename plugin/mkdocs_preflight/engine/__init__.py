"""The engine: Markdown checklist in, :class:`~mkdocs_preflight.model.Checklist` out.

One parse → model → diagnostics pipeline shared by the CLI, the MkDocs plugin, the
rules and the runner. Nothing here imports MkDocs.
"""

from __future__ import annotations

from .project import Project, discover, parse_bytes, parse_file, parse_text

__all__ = ["Project", "discover", "parse_bytes", "parse_file", "parse_text"]
