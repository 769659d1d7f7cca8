"""The runbook site: an MkDocs plugin (cross-page work) and a Python-Markdown extension
(per-page rendering), both built on the engine's checklist model.

Nothing in this package is imported by the CLI.
"""
