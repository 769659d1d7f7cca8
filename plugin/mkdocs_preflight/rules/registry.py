"""The rule registry: every rule of every family, with its checks and fixes, in one table.

Each family module exposes ``RULES`` (documentation and default levels), ``FILE_CHECKS``
(run on each checklist), optionally ``PROJECT_CHECKS`` (run once, after every file) and
``FIXERS`` (code → function that repairs a file's bytes). ``preflight rules``, the docs
pages under ``docs/rules/`` and the SARIF rule table all read this registry.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from functools import lru_cache

from .base import FileCheck, Fixer, ProjectCheck, Rule

FAMILY_MODULES = ("structure", "repository", "commands", "text", "freshness")
"""Modules under ``mkdocs_preflight.rules`` that define rules, in family order."""

FAMILIES = {
    "PF1": "Structure",
    "PF2": "Repository consistency",
    "PF3": "Commands",
    "PF4": "Text",
    "PF5": "Freshness",
}


@dataclass(slots=True, eq=False, repr=False)
class Registry:
    """All rules, and the functions that implement them."""

    rules: dict[str, Rule] = field(default_factory=dict)
    file_checks: list[FileCheck] = field(default_factory=list)
    project_checks: list[ProjectCheck] = field(default_factory=list)
    fixers: dict[str, Fixer] = field(default_factory=dict)
    opt_in: set[str] = field(default_factory=set)
    """Codes that run only when selected by their exact code (or ``ALL``): costly rules."""

    @property
    def codes(self) -> frozenset[str]:
        """Every rule code."""
        return frozenset(self.rules)

    def get(self, code: str) -> Rule | None:
        """The rule with this code (case-insensitive), if any."""
        return self.rules.get(code.upper())

    def by_name(self, name: str) -> Rule | None:
        """The rule with this kebab-case name, if any."""
        return next((rule for rule in self.rules.values() if rule.name == name), None)


@lru_cache(maxsize=1)
def load() -> Registry:
    """Import every family module present and build the registry (once per process)."""
    registry = Registry()
    collected: list[Rule] = []
    for name in FAMILY_MODULES:
        qualified = f"{__package__}.{name}"
        if importlib.util.find_spec(qualified) is None:
            continue
        module = importlib.import_module(qualified)
        collected.extend(getattr(module, "RULES", []))
        registry.file_checks.extend(getattr(module, "FILE_CHECKS", []))
        registry.project_checks.extend(getattr(module, "PROJECT_CHECKS", []))
        registry.fixers.update(getattr(module, "FIXERS", {}))
        registry.opt_in.update(getattr(module, "OPT_IN", []))
    for rule in sorted(collected, key=lambda r: r.code):
        if rule.code in registry.rules:
            raise RuntimeError(f"rule code {rule.code} is defined twice")
        registry.rules[rule.code] = rule
    return registry


def all_rules() -> list[Rule]:
    """Every rule, sorted by code."""
    return list(load().rules.values())
