"""Placeholders and destructive commands, as the runner needs them.

Stand-ins with the same signatures as ``mkdocs_preflight.rules.commands.placeholders``
and ``is_destructive`` (the PF3xx rules), so the runner does not wait for them; the two
should become one implementation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# `<app-id>`, `<database_id>`, `<Name>`; not `<in.txt >`, not `<<EOF`, not HTML tags.
_ANGLE = re.compile(r"(?<![<\w])<(?P<name>[A-Za-z][\w.-]*(?:[ -][A-Za-z][\w.-]*)*)>(?![>\w])")
# `[Name]`, `[PROJECT_ID]`, `[Your Name]`; not `[ -f x ]`, `${a[0]}`, `[A-Z]`, `[[ x ]]`.
_SQUARE = re.compile(r"(?<![\[\w$}])\[(?P<name>[A-Z][A-Za-z0-9_]*(?:[ -][A-Za-z0-9_]+)*)\](?![\]\w(])")
_DATE = re.compile(r"\b(?P<name>YYYY-?MM-?DD)\b")
_HTML_TAGS = frozenset(
    {
        *("a", "abbr", "b", "body", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("head", "hr", "html", "i", "img", "li", "link", "meta", "ol", "p", "pre", "script", "span"),
        *("strong", "style", "table", "tbody", "td", "th", "thead", "title", "tr", "u", "ul", "xml"),
    }
)


def _is_class(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9]-[A-Za-z0-9](?:[A-Za-z0-9]-[A-Za-z0-9])*", name))


def _spans(command: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for match in _ANGLE.finditer(command):
        name = match.group("name")
        if name.lower() not in _HTML_TAGS:
            found.append((match.start(), match.end(), name))
    for match in _SQUARE.finditer(command):
        name = match.group("name")
        if len(name) > 1 and not _is_class(name):
            found.append((match.start(), match.end(), name))
    for match in _DATE.finditer(command):
        found.append((match.start(), match.end(), match.group("name")))
    found.sort()
    return found


def placeholders(command: str) -> list[str]:
    """The placeholder names in a command, in order, without duplicates.

    ``deploy <app-id> --db [DB_NAME] --date YYYYMMDD`` gives
    ``["app-id", "DB_NAME", "YYYYMMDD"]``.
    """
    return list(dict.fromkeys(name for _, _, name in _spans(command)))


def normalize(name: str) -> str:
    """How placeholder and ``--var`` names compare: case, ``-``, ``_`` and spaces do not matter."""
    return re.sub(r"[-_\s]+", "_", name.strip()).lower()


def fill(command: str, values: Mapping[str, str]) -> str:
    """Replace every placeholder whose normalized name is in ``values``, verbatim."""
    spans = _spans(command)
    if not spans:
        return command
    parts: list[str] = []
    position = 0
    for start, end, name in spans:
        if start < position:
            continue
        value = values.get(normalize(name))
        if value is None:
            continue
        parts.append(command[position:start])
        parts.append(value)
        position = end
    parts.append(command[position:])
    return "".join(parts)


_DESTRUCTIVE: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, flags), label)
    for pattern, flags, label in (
        (
            r"\brm\s+(?:-\w*[rR]\w*f\w*|-\w*f\w*[rR]\w*|-[rR]\s+-f|-f\s+-[rR]"
            r"|--recursive\s+--force|--force\s+--recursive)(?![\w-])",
            0,
            "rm -rf",
        ),
        (r"\bgit\s+reset\s+--hard\b", 0, "git reset --hard"),
        (r"\bgit\s+push\b[^\n;|&]*\s(?:--force|-f|--force-with-lease)(?![\w-])", 0, "git push --force"),
        (r"\bgit\s+clean\s+-\w*f", 0, "git clean -f"),
        (r"\bterraform\s+destroy\b", 0, "terraform destroy"),
        (r"\bkubectl\s+delete\b", 0, "kubectl delete"),
        (r"\bhelm\s+(?:uninstall|delete)\b", 0, "helm uninstall"),
        (r"\bDROP\s+(?:TABLE|DATABASE|SCHEMA|INDEX|USER|ROLE)\b", re.I, "DROP"),
        (r"\bTRUNCATE\s+(?:TABLE\s+)?\w", 0, "TRUNCATE"),
        (r"\bdropdb\b", 0, "dropdb"),
        (r"\bmkfs(?:\.\w+)?\b", 0, "mkfs"),
        (r"\bdd\s+[^\n]*\bof=/dev/", 0, "dd of=/dev/..."),
        (r"(?:^|\s)--force(?![\w-])", 0, "--force"),
    )
)


def is_destructive(command: str) -> str | None:
    """Why a command looks destructive (``"rm -rf"``), or ``None``."""
    for pattern, label in _DESTRUCTIVE:
        if pattern.search(command):
            return label
    return None
