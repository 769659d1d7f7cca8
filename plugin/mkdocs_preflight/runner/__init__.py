"""Running checklists: steps, execution, the run log, and reading logs back.

The site imports only :mod:`.logs` (via the names below); nothing here imports MkDocs.
"""

from __future__ import annotations

from .logs import LogError, Outcome, RunLog, RunSummary, StepResult, latest_outcomes, list_runs, read_log, read_logs

__all__ = [
    "LogError",
    "Outcome",
    "RunLog",
    "RunSummary",
    "StepResult",
    "latest_outcomes",
    "list_runs",
    "read_log",
    "read_logs",
]
