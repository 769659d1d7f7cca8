"""PF102–PF104, PF112 and PF113: requirement definitions and references across the whole project.

These checks need every file's definitions and references, so they run once at the
end on compact per-file summaries (ID strings and line numbers), never on models or
tokens kept in memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from ..model import Diagnostic, Level, RequirementDef


@dataclass(slots=True, eq=False, repr=False)
class RequirementSummary:
    """What one checklist defines and references (kept for the whole run)."""

    path: str
    defs: list[RequirementDef]
    refs: list[tuple[str, int, int]]
    """``(id, line, col)`` of every reference, in document order."""


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _where(definition: RequirementDef) -> str:
    return f"{definition.path}:{definition.line}"


_PUNCTUATION = re.compile(r"[\W_]+")


def spelling_key(requirement_id: str) -> str:
    """What is left of an ID without case and punctuation: ``REQ-1``, ``req-1``, ``REQ.1``
    and ``REQ_1`` give ``req-1``."""
    return _PUNCTUATION.sub("-", requirement_id.casefold())


def check_requirements(
    registry: Sequence[RequirementDef],
    summaries: Iterable[RequirementSummary],
    *,
    registry_name: str | None,
    whole_project: bool,
    unreferable: Callable[[str], bool] | None = None,
    defined_elsewhere: Callable[[set[str]], set[str]] | None = None,
) -> Iterator[Diagnostic]:
    """PF102 undefined, PF103 conflicting, PF104 unreferenced, PF112 redundant and PF113
    similarly spelled requirements
    (``unreferable``: whether no reference can ever name an ID, for PF104's hint;
    ``defined_elsewhere``: of the IDs undefined here, those that checklists not in
    ``summaries`` may define, when only some files are checked)."""
    summaries = list(summaries)
    definitions: dict[str, list[RequirementDef]] = {}
    for definition in registry:
        definitions.setdefault(definition.id, []).append(definition)
    for summary in summaries:
        for definition in summary.defs:
            definitions.setdefault(definition.id, []).append(definition)

    for req_id, defs in definitions.items():
        first = defs[0]
        for later in defs[1:]:
            a, b = _title_key(first.title), _title_key(later.title)
            if a and b and a != b:
                yield Diagnostic(
                    "PF103",
                    f"Requirement `{req_id}` is defined again with a different title: "
                    f'"{later.title}" here, "{first.title}" at {_where(first)}',
                    later.path,
                    later.line,
                    1,
                    Level.ERROR,
                )
            else:
                yield Diagnostic(
                    "PF112",
                    f"Requirement `{req_id}` is defined again (also at {_where(first)}): keep one definition",
                    later.path,
                    later.line,
                    1,
                    Level.INFO,
                )

    spellings: dict[str, str] = {}
    for req_id, defs in definitions.items():
        first_id = spellings.setdefault(spelling_key(req_id), req_id)
        if first_id != req_id:
            yield Diagnostic(
                "PF113",
                f"Requirement `{req_id}` differs from `{first_id}` ({_where(definitions[first_id][0])}) only in case "
                "or punctuation: they are two requirements, and a reference to one never counts for the other",
                defs[0].path,
                defs[0].line,
                1,
                Level.WARNING,
            )

    if not definitions:
        return
    where = f"`{registry_name}` or any checklist" if registry_name else "any checklist"
    undefined = {req_id for summary in summaries for req_id, _, _ in summary.refs if req_id not in definitions}
    maybe = defined_elsewhere(undefined) if undefined and defined_elsewhere is not None else set()
    referenced: set[str] = set()
    for summary in summaries:
        for req_id, line, col in summary.refs:
            referenced.add(req_id)
            if req_id not in definitions and req_id not in maybe:
                similar = spellings.get(spelling_key(req_id))
                hint = f" (`{similar}` is)" if similar is not None else ""
                yield Diagnostic(
                    "PF102",
                    f"Requirement `{req_id}` is referenced but not defined in {where}{hint}",
                    summary.path,
                    line,
                    col,
                    Level.ERROR,
                )
    if whole_project:
        for req_id, defs in definitions.items():
            if req_id not in referenced:
                hint = ""
                if unreferable is not None and unreferable(req_id):
                    hint = (
                        ": the default patterns find only `REQ-12` and numbered IDs such as `29.2`;"
                        " add a pattern for this one to `requirement_patterns`"
                    )
                yield Diagnostic(
                    "PF104",
                    f"Requirement `{req_id}` is defined but no checklist references it{hint}",
                    defs[0].path,
                    defs[0].line,
                    1,
                    Level.INFO,
                )
