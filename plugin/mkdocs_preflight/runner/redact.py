"""Keeping secrets out of run logs and the output the runner prints.

A value is secret when it belongs to an environment variable (or ``--var`` / env file
entry) whose name contains ``SECRET``, ``TOKEN``, ``PASSWORD``, ``PASSWD`` or ``KEY``
(any case), or when it matches a ``--redact`` pattern. Every string the runner writes
to a log or echoes from a command goes through :meth:`Redactor.redact` first.
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
        """Treat ``value`` as a secret (ignored when shorter than :data:`MIN_SECRET_LENGTH`)."""
        value = value.strip()
        if len(value) >= MIN_SECRET_LENGTH and value not in self._values:
            self._values.add(value)
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


def check_pattern(pattern: str) -> str | None:
    """Why a ``--redact`` pattern cannot be used, or ``None`` when it is fine."""
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression: {exc}"
    if compiled.match(""):
        return "it matches the empty string"
    return None
