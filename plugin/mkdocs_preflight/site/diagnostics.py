"""The findings of ``preflight check`` as MkDocs warnings: ``path:line:col: CODE message``.

MkDocs counts every warning of a ``mkdocs.*`` logger and ``--strict`` fails on them;
``fail_on`` chooses which findings are warnings (the others are reported as information).
Under ``--quiet`` a strict build reports them as errors (see :func:`counted`).
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


def counted(level: int, strict: bool) -> int:
    """``level``, or ``ERROR`` for a warning that a strict build would otherwise not count.

    ``mkdocs build --strict --quiet`` sets MkDocs' logger to ``ERROR``, so warnings are
    dropped before ``--strict`` counts them (mkdocs/mkdocs#4126) and the build passes.
    There, a finding that fails the build is logged as an error: shown, counted, and the
    build fails as ``--strict`` asks.
    """
    if level == logging.WARNING and strict and not log.isEnabledFor(logging.WARNING):
        return logging.ERROR
    return level


def report(diagnostics: Iterable[Diagnostic], fail_on: str, *, strict: bool = False) -> int:
    """Log findings in file order; return how many fail the build."""
    failing = 0
    for diagnostic in sorted(diagnostics, key=Diagnostic.sort_key):
        level = log_level(diagnostic.level, fail_on)
        failing += level >= logging.WARNING
        level = counted(level, strict)
        # Control characters shown as text: the message quotes the checklist, and the
        # terminal of `mkdocs serve` would obey an escape sequence in it.
        where = printable(f"{diagnostic.path}:{diagnostic.line}:{diagnostic.col}:")
        log.log(level, f"{where} {diagnostic.code} {printable(diagnostic.message)}")
    return failing
