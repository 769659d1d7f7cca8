"""The ``text`` format, like ruff: ``path:line:col: CODE message``, then a summary line."""

from __future__ import annotations

from ..model import Level
from ..printable import printable
from ..rules.pipeline import CheckResult
from ..rules.registry import load
from . import ReportOptions

_LEVEL_COLOURS = {Level.ERROR: "31", Level.WARNING: "33", Level.INFO: "36"}


def _paint(text: str, code: str, enabled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if enabled else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"


def summary_line(result: CheckResult) -> str:
    """``Found 3 errors, 1 warning.`` (or ``All checks passed!``)."""
    errors, warnings, infos = (result.count(level) for level in (Level.ERROR, Level.WARNING, Level.INFO))
    if not (errors or warnings or infos):
        return "All checks passed!"
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(_plural(infos, "info"))
    return f"Found {', '.join(parts)}."


def render_text(result: CheckResult, options: ReportOptions) -> str:
    """Findings one per line, then the summary and the fix hint."""
    color = options.color
    lines: list[str] = []
    if options.statistics:
        registry = load()
        for code, count, fixable in result.statistics():
            rule = registry.get(code)
            name = rule.name if rule else ""
            lines.append(f"{count:>5}\t{_paint(code, '1', color)}\t{'[*]' if fixable else '   '}\t{name}")
    else:
        for d in result.diagnostics:
            where = _paint(printable(d.path), "1", color) + _paint(f":{d.line}:{d.col}:", "2", color)
            code = _paint(d.code, "1;" + _LEVEL_COLOURS[d.level], color)
            mark = _paint("[*] ", "32", color) if d.fixable else ""
            lines.append(f"{where} {code} {mark}{printable(d.message)}")
    if result.fixed:
        lines.append(f"Fixed {_plural(result.fixed, 'problem')}.")
    lines.append(summary_line(result))
    if result.fixable and not options.fixing:
        lines.append(f"{_paint('[*]', '32', color)} {result.fixable} fixable with the `--fix` option.")
    return "\n".join(lines) + "\n"
