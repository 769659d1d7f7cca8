"""Placeholders and destructive commands, as the runner needs them.

The detection is the PF3xx rules' (``rules.shell``): what ``preflight check`` calls a
placeholder or a destructive command is exactly what ``preflight run`` asks for.
This module only adds how names compare and how values are filled in.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from ..rules.shell import find_placeholders, is_destructive, placeholders, var_option

__all__ = ["fill", "is_destructive", "normalize", "placeholders", "shell_destructive", "var_option"]


def normalize(name: str) -> str:
    """How placeholder and ``--var`` names compare: case, ``-``, ``_`` and spaces do not matter."""
    return re.sub(r"[-_\s]+", "_", name.strip()).lower()


def fill(command: str, values: Mapping[str, str]) -> str:
    """Replace every placeholder whose normalized name is in ``values``, verbatim."""
    found = find_placeholders(command)
    if not found:
        return command
    parts: list[str] = []
    position = 0
    for placeholder in found:
        if placeholder.start < position:
            continue
        value = values.get(normalize(placeholder.name))
        if value is None:
            continue
        parts.append(command[position : placeholder.start])
        parts.append(value)
        position = placeholder.end
    parts.append(command[position:])
    return "".join(parts)


def shell_destructive(shell: str | None) -> str | None:
    """The destructive command in the front matter's ``run.shell``, if any.

    The shell runs with every block, so ``bash -c 'rm -rf ...' --`` runs what no block
    shows: the command line and each of its words (the code given to ``-c``) are checked.
    """
    if not shell:
        return None
    try:
        words = shlex.split(shell)
    except ValueError:
        words = []
    for text in (shell, *words):
        found = is_destructive(text)
        if found:
            return found
    return None
