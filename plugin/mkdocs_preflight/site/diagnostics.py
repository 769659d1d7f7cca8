"""The findings of ``preflight check`` as MkDocs warnings: ``path:line:col: CODE message``.

MkDocs counts every warning of a ``mkdocs.*`` logger and ``--strict`` fails on them;
``fail_on`` chooses which findings are warnings (the others are reported as information).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from mkdocs.plugins import get_plugin_logger

from ..model import Diagnostic, Level
from ..printable import printable

log = get_plugin_logger(__name__)

_FAILING = {
    "error": {Level.ERROR},
    "warning": {Level.ERROR, Level.WARNING},
    "info": {Level.ERROR, Level.WARNING, Level.INFO},
    "never": set(),
}


def log_level(level: Level, fail_on: str) -> int:
    """``WARNING`` for findings that fail the strict build, else ``INFO`` (``DEBUG`` for infos)."""
    if level in _FAILING[fail_on]:
        return logging.WARNING
    return logging.INFO if level is not Level.INFO else logging.DEBUG


def report(diagnostics: Iterable[Diagnostic], fail_on: str) -> int:
    """Log findings in file order; return how many fail the build."""
    failing = 0
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        level = log_level(diagnostic.level, fail_on)
        failing += level >= logging.WARNING
        # Control characters shown as text: the message quotes the checklist, and the
        # terminal of `mkdocs serve` would obey an escape sequence in it.
        where = printable(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}:")
        log.log(level, f"{where} {diagnostic.code} {printable(diagnostic.message)}")
    return failing
