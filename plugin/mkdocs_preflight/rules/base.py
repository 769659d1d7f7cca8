"""What a rule is: a stable code, a default level, documentation, and a check function.

Rules run on the engine's model, never on Markdown. Per-file rules see one
:class:`~mkdocs_preflight.model.Checklist` at a time (files are parsed one by one and
dropped); project rules see compact per-file summaries gathered on the way, so that
cross-file checks (requirements) need no second parse and no token streams in memory.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..model import Checklist, Diagnostic, Level

if TYPE_CHECKING:
    from .context import RuleContext

FileCheck = Callable[[Checklist, "RuleContext"], Iterable[Diagnostic]]
"""Runs on one checklist. The first line of its docstring names the codes it reports
(``PF301: ...``): the pipeline skips a check when none of them is enabled."""
ProjectCheck = Callable[["RuleContext"], Iterable[Diagnostic]]
Fixer = Callable[[bytes, Sequence[Diagnostic]], bytes]
"""Repairs the raw bytes of one file for the given (fixable) findings of one rule."""


class Rule(NamedTuple):
    """One rule of the registry. Its docs page and ``preflight rules`` use this text."""

    code: str
    """Stable code, never reused: ``PF201``."""
    name: str
    """Kebab-case name: ``missing-file``."""
    level: Level
    """Default level; users may change it per rule in the configuration."""
    summary: str
    """One line: what the rule finds."""
    explanation: str
    """Markdown: why it matters, a bad example and a good one."""
    fixable: bool = False
    """Whether ``preflight check --fix`` repairs it safely."""

    @property
    def family(self) -> str:
        """``PF1``..``PF5``: structure, repository, commands, text, freshness."""
        return self.code[:3]


def codes_of(check: Callable[..., object]) -> frozenset[str]:
    """The codes a check reports, from the first line of its docstring (empty: unknown)."""
    first = (check.__doc__ or "").strip().split("\n", 1)[0]
    return frozenset(re.findall(r"\bPF\d{3}\b", first))


def doc(text: str) -> str:
    """Dedent and strip a rule explanation written as an indented triple-quoted string."""
    return textwrap.dedent(text).strip()
