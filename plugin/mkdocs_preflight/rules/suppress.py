"""Inline suppressions: ``<!-- preflight: ignore PF201 -->`` and the findings they silence.

A comment silences matching findings on its own line and on the next line; written on
the line right before a fence, or among the preflight comments stacked there, it covers
the whole block (findings inside commands sit on the block's lines, where an HTML
comment cannot go). Without codes it silences every
rule. A suppression that silences nothing is itself a finding (PF111).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..model import Checklist, Diagnostic, Level


@dataclass(slots=True, eq=False, repr=False)
class Suppression:
    """One suppression comment and the lines it covers."""

    line: int
    end: int
    codes: frozenset[str]
    """Codes or prefixes; empty means every rule."""
    used: bool = False
    col: int = 1
    """The column of the comment (where PF111 points)."""

    def covers(self, diagnostic: Diagnostic) -> bool:
        """Whether this comment silences ``diagnostic`` (same file assumed)."""
        if not self.line <= diagnostic.line <= self.end:
            return False
        return not self.codes or any(diagnostic.code.startswith(code) for code in self.codes)


def collect(checklist: Checklist) -> list[Suppression]:
    """The suppressions of a checklist, with the lines each one covers."""
    if not checklist.suppressions:
        return []
    # The line a comment covers next may be a fence, or a comment stacked above one.
    block_end: dict[int, int] = {}
    for block in checklist.blocks:
        for covered in range(block.lead_line or block.line, block.line + 1):
            block_end[covered] = block.end_line
    result: list[Suppression] = []
    for line, col, codes, last in checklist.suppressions:
        # A comment over several lines covers its own lines and the one after its last.
        end = max(last + 1, block_end.get(last + 1, 0))
        result.append(Suppression(line, end, frozenset(codes), col=col))
    return result


def apply(diagnostics: Iterable[Diagnostic], suppressions: list[Suppression]) -> Iterator[Diagnostic]:
    """The diagnostics that no suppression covers; marks the suppressions that were used."""
    for diagnostic in diagnostics:
        silenced = False
        for suppression in suppressions:
            if suppression.covers(diagnostic):
                suppression.used = True
                silenced = True
        if not silenced:
            yield diagnostic


def _meant(value: str, codes: Collection[str], names: Mapping[str, str]) -> str:
    """``; write its code `PF201` (missing-file)`` for a rule name, ``; did you mean `PF201`?`` for a typo."""
    code = names.get(value)
    if code is not None:
        return f"; write its code `{code}` ({value.lower()})"
    from difflib import get_close_matches  # only on a finding

    close = get_close_matches(value, sorted(codes), n=1, cutoff=0.8)
    return f"; did you mean `{close[0]}`?" if close else ""


def unused(
    path: str,
    suppressions: Iterable[Suppression],
    codes: Collection[str],
    *,
    enabled: Collection[str],
    partial: bool,
    narrowed: Collection[str] = (),
    blind: Collection[str] = (),
    names: Mapping[str, str] | None = None,
) -> Iterator[Diagnostic]:
    """PF111 for suppressions that silenced nothing and for unknown codes in them.

    A suppression whose codes are all turned off in this run (``--select PF1`` and an
    ``ignore PF201`` comment) cannot be judged and is spared, as are suppressions of
    PF104 when ``partial`` (not every checklist checked: PF104 only runs on the whole
    project). So is one that covers any of the ``narrowed`` codes, the rules the
    configuration runs but ``--select``/``--ignore`` left out of this run: a comment
    without codes, or ``ignore PF2`` under ``--select PF201``, may silence one of them.
    So is one that names (``PF208``, ``PF20``) one of the ``blind`` rules, which cannot look
    at anything in this run (PF208 in a shallow clone). ``names`` (``MISSING-FILE`` ->
    ``PF201``) name the code meant by an unknown one.
    """
    for suppression in suppressions:
        unknown = sorted(c for c in suppression.codes if not any(code.startswith(c) for code in codes))
        if unknown:
            shown = ", ".join(f"`{c}`" for c in unknown)
            hint = _meant(unknown[0], codes, names or {}) if len(unknown) == 1 else ""
            yield Diagnostic(
                "PF111",
                f"Suppression names unknown rule code{'s' if len(unknown) > 1 else ''} {shown}"
                f"{hint or ' (see: preflight rules)'}",
                path,
                suppression.line,
                suppression.col,
                Level.WARNING,
            )
            continue
        if suppression.used:
            continue
        if suppression.codes and not any(code.startswith(c) for c in suppression.codes for code in enabled):
            continue
        if partial and any("PF104".startswith(c) for c in suppression.codes):
            continue
        if any(code.startswith(c) for code in narrowed for c in suppression.codes or ("",)):
            continue
        if any(code.startswith(c) for code in blind for c in suppression.codes if len(c) >= 4):
            continue
        what = ", ".join(sorted(suppression.codes)) if suppression.codes else "any finding"
        yield Diagnostic(
            "PF111",
            f"Suppression of {what} silences nothing here: remove the comment",
            path,
            suppression.line,
            suppression.col,
            Level.WARNING,
        )
