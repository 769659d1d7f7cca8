"""What a block's run options mean: one definition for ``preflight run``, the scripts of
``preflight extract`` and the checks of PF307.

Pure functions of the model, with no process machinery, so that ``preflight check``
can use them without importing the runner.
"""

from __future__ import annotations

import re

from ..model import Block, RunDefaults


def yaml_text(value: object) -> str:
    """A front matter value as YAML shows it on one line (``[a, b]``, ``ten minutes``), for messages."""
    import yaml  # only on a finding

    try:
        text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1_000_000)
    except yaml.YAMLError:
        return repr(value)
    return text.strip().removesuffix("...").strip()


DEFAULT_TIMEOUT = 600.0
"""Seconds a block may run when neither the block, the front matter nor ``--timeout`` say."""
RUN_MODES = ("auto", "manual", "never")
"""Values of the ``run`` option."""
TRUE_WORDS = ("true", "yes", "1", "")
FALSE_WORDS = ("false", "no", "0")
"""Values of the ``destructive`` option (any case; a bare ``destructive`` is true)."""
_DURATION = re.compile(r"^\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|m|h)?\s*$", re.I)


def parse_duration(value: str) -> float | None:
    """``"600"``, ``"90s"``, ``"10m"``, ``"1h"`` in seconds; ``0`` means no limit (``None``).

    Raises:
        ValueError: the text is not a duration.
    """
    match = _DURATION.match(value)
    if match is None:
        raise ValueError(f"not a duration: {value!r} (use seconds, or 90s, 10m, 1h)")
    number = float(match.group("n"))
    factor = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[(match.group("unit") or "s").lower()]
    seconds = number * factor
    return seconds or None


def front_matter_timeout(value: object) -> float | None:
    """The front matter's ``run.timeout`` in seconds (``0``: no limit), or ``None`` when it
    cannot be used. Numbers are seconds; text is a duration, as for a block's ``timeout``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else None
    if isinstance(value, str):
        try:
            return parse_duration(value) or 0.0
        except ValueError:
            return None
    return None


def default_timeout(defaults: RunDefaults) -> float | None:
    """The limit of a block without a ``timeout`` option or ``--timeout``: the front
    matter's ``run.timeout`` (``0``: none), else :data:`DEFAULT_TIMEOUT`."""
    if defaults.timeout is not None:
        return defaults.timeout or None
    return DEFAULT_TIMEOUT


def block_cwd(block: Block, defaults: RunDefaults) -> str | None:
    """Where a block runs, relative to the repository root: its ``cwd`` option, else the
    front matter's ``run.cwd``; ``None`` for the root itself."""
    return block.options.get("cwd") or defaults.cwd


def expected_exit(value: str | None) -> int:
    """The exit code a block passes with: its ``expect`` option, else (or if not a number) 0."""
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        return 0


def option_problems(block: Block) -> list[tuple[str, str]]:
    """(option, what happens instead) for each option of ``block`` that a run cannot use."""
    problems: list[tuple[str, str]] = []
    options = block.options
    timeout = options.get("timeout")
    if timeout is not None:
        try:
            parse_duration(timeout)
        except ValueError:
            problems.append(("timeout", "is not a duration (seconds, or 90s, 10m, 1h): the default limit applies"))
    run = options.get("run")
    if run is not None and run not in RUN_MODES:
        problems.append(("run", "is not `auto`, `manual` or `never`: the block runs as `auto`"))
    destructive = options.get("destructive")
    if destructive is not None and destructive.lower() not in (*TRUE_WORDS, *FALSE_WORDS):
        problems.append(("destructive", "is neither true nor false: the block counts as not marked"))
    expect = options.get("expect")
    if expect is not None and not (expect.isdigit() and int(expect) <= 255):
        problems.append(("expect", "is not an exit code from 0 to 255: the block must exit 0"))
    return problems
