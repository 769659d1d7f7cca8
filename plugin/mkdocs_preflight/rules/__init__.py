"""Rules: validate checklists against the repository (``preflight check``, the MkDocs plugin).

Entry points:

* :func:`check` — check a project's checklists (or some paths); returns a sorted
  :class:`CheckResult`. This is what ``preflight check`` runs.
* :func:`check_models` — the same on checklists the caller already parsed (the MkDocs
  plugin: ``check_models(project, models).diagnostics``).
* :class:`Checker` — the same pipeline one checklist at a time::

      checker = Checker(project, owned_pages=True)
      for checklist in pages:
          warnings = checker.check_checklist(checklist)
      warnings = checker.finish()  # requirements, registry, lock, unused suppressions

* :func:`all_rules` — the registry, for ``preflight rules`` and the docs.
"""

from __future__ import annotations

from .pipeline import CannotFix, Checker, CheckResult, FileOutcome, RuleCrash, check, check_models, default_jobs
from .registry import all_rules, load

__all__ = [
    "CannotFix",
    "CheckResult",
    "Checker",
    "FileOutcome",
    "RuleCrash",
    "all_rules",
    "check",
    "check_models",
    "default_jobs",
    "load",
]
