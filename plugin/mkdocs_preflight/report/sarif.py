"""The ``sarif`` format: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Each result carries a ``partialFingerprints`` entry computed from the rule, the file,
the text of the flagged line and the finding's rank among identical ones, not from the
line number or the message, so that code scanning keeps tracking a finding when lines
are inserted above it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..engine.source import read_regular
from ..model import Diagnostic, Level
from ..rules.pipeline import CheckResult
from ..rules.registry import load
from . import ReportOptions, repository_path, repository_prefix

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}
FINGERPRINT_KEY = "preflightFindingHash/v1"
INFORMATION_URI = "https://example.invalid/mkdocs-preflight/"


def _first_paragraph(markdown: str) -> str:
    return " ".join(markdown.strip().split("\n\n", 1)[0].split())


def _artifact(path: str) -> dict[str, str]:
    """An ``artifactLocation``: relative to ``%SRCROOT%``, or a ``file:`` URI for a file outside it."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


class _Lines:
    """Source lines of the files findings point at, read once each."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.cache: dict[str, list[str] | None] = {}

    def get(self, path: str, line: int) -> str | None:
        if path not in self.cache:
            text: list[str] | None = None
            if self.root is not None:
                try:
                    data = read_regular(self.root / path)
                    text = data.decode("utf-8", errors="replace").splitlines()
                except OSError:
                    text = None
            self.cache[path] = text
        lines = self.cache[path]
        if lines is None or not 1 <= line <= len(lines):
            return None
        return lines[line - 1]


def fingerprints(diagnostics: list[Diagnostic], root: Path | None) -> list[str]:
    """A stable fingerprint per finding (same order as ``diagnostics``)."""
    lines = _Lines(root)
    seen: Counter[tuple[str, str, str]] = Counter()
    result: list[str] = []
    for d in diagnostics:
        text = lines.get(d.path, d.line)
        # Without the source line, the message minus digits is the next most stable thing.
        anchor = " ".join(text.split()) if text is not None else "".join(c for c in d.message if not c.isdigit())
        key = (d.code, d.path, anchor)
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(seen[key]))).encode("utf-8", "surrogatepass")).hexdigest()
        result.append(digest[:32])
    return result


def sarif_dict(result: CheckResult, options: ReportOptions) -> dict[str, Any]:
    """The SARIF log as Python data."""
    registry = load()
    rules = list(registry.rules.values())
    index = {rule.code: i for i, rule in enumerate(rules)}
    driver_rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": _first_paragraph(rule.explanation) or rule.summary},
            "help": {"text": rule.explanation, "markdown": rule.explanation},
            "helpUri": f"{INFORMATION_URI}rules/{rule.code}/",
            "defaultConfiguration": {"level": SARIF_LEVELS[rule.level]},
            "properties": {"tags": [rule.family], "fixable": rule.fixable},
        }
        for rule in rules
    ]
    # %SRCROOT% is the repository's root, where code scanning resolves paths from.
    repository, prefix = repository_prefix(options.root)
    results: list[dict[str, Any]] = []
    for d, fingerprint in zip(result.diagnostics, fingerprints(result.diagnostics, options.root), strict=True):
        entry: dict[str, Any] = {
            "ruleId": d.code,
            "level": SARIF_LEVELS[d.level],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _artifact(repository_path(d.path, repository, prefix)),
                        "region": {"startLine": max(1, d.line), "startColumn": max(1, d.col)},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        if d.code in index:
            entry["ruleIndex"] = index[d.code]
        results.append(entry)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "preflight",
                "fullName": "mkdocs-preflight check",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": driver_rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "invocations": [{"executionSuccessful": True}],
    }
    base = repository or options.root
    if base is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": base.resolve().as_uri() + "/"}}
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(result: CheckResult, options: ReportOptions) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(sarif_dict(result, options), ensure_ascii=False, indent=2) + "\n"
