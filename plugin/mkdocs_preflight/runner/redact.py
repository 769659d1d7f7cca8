"""Keeping secrets out of run logs and the output the runner prints.

A value is secret when it belongs to an environment variable (or ``--var`` / env file
entry) whose name contains ``SECRET``, ``TOKEN``, ``PASSWORD``, ``PASSWD`` or ``KEY``
(any case), or when it matches a ``--redact`` pattern. Every string the runner writes
to a log or echoes from a command goes through :meth:`Redactor.redact` first.

The terminal shows output line by line while the log gets the whole tail, so the
redactor also masks each line of a multi-line value on its own, and tells how much of
an unfinished line can be shown without revealing the start of a secret
(:meth:`Redactor.safe_length`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

MASK = "***"
SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|PASSWD|KEY", re.I)
MIN_SECRET_LENGTH = 4
"""Shorter values are not masked: masking ``"1"`` would mask every digit 1 in the output."""


def is_secret_name(name: str) -> bool:
    """Whether a variable name says its value is a secret."""
    return SECRET_NAME.search(name) is not None


class Redactor:
    """Replaces secret values and ``--redact`` matches with ``***``."""

    def __init__(self, patterns: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._patterns = [re.compile(p) for p in patterns]
        self._regex: re.Pattern[str] | None = None
        self._dirty = True

    def add_value(self, value: str) -> None:
        """Treat ``value`` as a secret (ignored when shorter than :data:`MIN_SECRET_LENGTH`).

        Each line of a multi-line value (a PEM key) is a secret of its own too: output
        is echoed one line at a time, and no single line holds the whole value.
        """
        for part in [value, *value.splitlines()]:
            part = part.strip()
            if len(part) >= MIN_SECRET_LENGTH and part not in self._values:
                self._values.add(part)
                self._dirty = True

    def add_environment(self, env: Mapping[str, str]) -> None:
        """Treat the values of every secret-named variable of ``env`` as secrets."""
        for name, value in env.items():
            if is_secret_name(name):
                self.add_value(value)

    def _compiled(self) -> re.Pattern[str] | None:
        if self._dirty:
            # Longest first, so a secret that contains another is masked whole.
            alternatives = [re.escape(v) for v in sorted(self._values, key=len, reverse=True)]
            self._regex = re.compile("|".join(alternatives)) if alternatives else None
            self._dirty = False
        return self._regex

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced by ``***``."""
        if not text:
            return text
        regex = self._compiled()
        if regex is not None:
            text = regex.sub(MASK, text)
        for pattern in self._patterns:
            text = pattern.sub(MASK, text)
        return text

    def safe_length(self, text: str) -> int:
        """How much of an unfinished line can be shown now: ``redact(text[:n])`` is final.

        Held back is the end that may begin a secret value (``v=abc`` of ``abcdef``),
        and any match that reaches the end or crosses the cut, since more output may
        extend it. A ``--redact`` pattern that has not matched yet cannot be foreseen.
        """
        cut = len(text) - max((_overlap(text, value) for value in self._values), default=0)
        matchers = [regex for regex in (self._compiled(), *self._patterns) if regex is not None]
        moved = True
        while moved:
            moved = False
            for regex in matchers:
                for match in regex.finditer(text):
                    if match.start() < cut and (match.end() > cut or match.end() == len(text)):
                        cut, moved = match.start(), True
        return cut


def _overlap(text: str, value: str) -> int:
    """Length of the longest end of ``text`` that is a beginning of ``value``."""
    for size in range(min(len(text), len(value)), 0, -1):
        if text.endswith(value[:size]):
            return size
    return 0


def check_pattern(pattern: str) -> str | None:
    """Why a ``--redact`` pattern cannot be used, or ``None`` when it is fine."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    if compiled.match(""):
        return "it matches the empty string"
    return None
