"""The ``junit`` format: JUnit XML that CI systems show as test results.

One ``<testsuite>`` per checked file. Each finding is a ``<testcase>``: a ``<failure>``
when it is at or above the failing level, else a passing test case whose
``<system-out>`` holds the finding (so that a green build shows no red tests). A file
without findings is one passing test case.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from ..model import Diagnostic, Level
from ..rules.pipeline import CheckResult
from ..rules.registry import load
from . import ReportOptions

_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _fails(d: Diagnostic, fail_on: str) -> bool:
    return fail_on != "never" and d.level.rank >= Level(fail_on).rank


def render_junit(result: CheckResult, options: ReportOptions) -> str:
    """The JUnit XML document."""
    registry = load()
    by_path: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in result.diagnostics:
        by_path[d.path].append(d)
    paths = list(dict.fromkeys([*result.paths, *by_path]))
    suites = ET.Element("testsuites", name="preflight check")
    total = failures = 0
    for path in sorted(paths):
        found = by_path.get(path, [])
        suite = ET.SubElement(suites, "testsuite", name=_clean(path))
        suite_failures = 0
        if not found:
            ET.SubElement(suite, "testcase", name="no findings", classname=_clean(path), file=_clean(path))
        for d in found:
            rule = registry.get(d.code)
            name = f"{d.code} {rule.name if rule else ''}".strip() + f" ({d.line}:{d.col})"
            case = ET.SubElement(
                suite, "testcase", name=_clean(name), classname=_clean(path), file=_clean(path), line=str(d.line)
            )
            text = _clean(f"{d.path}:{d.line}:{d.col}: {d.code} [{d.level.value}] {d.message}")
            if _fails(d, options.fail_on):
                failure = ET.SubElement(case, "failure", message=_clean(d.message), type=d.code)
                failure.text = text
                suite_failures += 1
            else:
                ET.SubElement(case, "system-out").text = text
        cases = max(1, len(found))
        suite.set("tests", str(cases))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total += cases
        failures += suite_failures
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
