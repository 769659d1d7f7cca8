"""The ``github`` format: GitHub Actions workflow commands, one annotation per finding.

See "Workflow commands for GitHub Actions": ``::error file=F,line=L,col=C,title=T::message``.
Data is escaped as the runner expects (``%``, CR, LF; and ``:`` ``,`` in properties).
"""

from __future__ import annotations

from ..model import Level
from ..rules.pipeline import CheckResult
from ..rules.registry import load
from . import ReportOptions, repository_path, repository_prefix

_COMMANDS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (``file=``, ``title=``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult, options: ReportOptions) -> str:
    """One ``::error``/``::warning``/``::notice`` line per finding (paths from the repository's root)."""
    registry = load()
    repository, prefix = repository_prefix(options.root)
    lines: list[str] = []
    for d in result.diagnostics:
        rule = registry.get(d.code)
        title = f"{d.code} {rule.name}" if rule else d.code
        file = escape_property(repository_path(d.path, repository, prefix))
        props = f"file={file},line={d.line},col={d.col},title={escape_property(title)}"
        lines.append(f"::{_COMMANDS[d.level]} {props}::{escape_data(d.message)}")
    return "".join(line + "\n" for line in lines)
