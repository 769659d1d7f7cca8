"""The ``json`` format: ``{"version": 1, "diagnostics": [...], "summary": {...}}`` (a public contract)."""

from __future__ import annotations

import json
from typing import Any

from ..model import Level
from ..rules.pipeline import CheckResult
from ..serialize import VERSION, diagnostic_dict
from . import ReportOptions


def result_dict(result: CheckResult, options: ReportOptions) -> dict[str, Any]:
    """The JSON document as Python data."""
    return {
        "version": VERSION,
        "diagnostics": [{**diagnostic_dict(d), "fixable": d.fixable} for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "errors": result.count(Level.ERROR),
            "warnings": result.count(Level.WARNING),
            "info": result.count(Level.INFO),
            "fixable": result.fixable,
            "fixed": result.fixed,
            "fail_on": options.fail_on,
            "failed": result.failed(options.fail_on),
        },
    }


def render_json(result: CheckResult, options: ReportOptions) -> str:
    """One JSON document, UTF-8, indented."""
    return json.dumps(result_dict(result, options), ensure_ascii=False, indent=2) + "\n"
