"""Which rules run where, and at which level: ``select``, ``ignore``, ``levels``, ``per_path_ignores``.

Codes and prefixes work everywhere (``PF2`` means every PF2xx rule, ``ALL`` every rule).
As in ruff, the more specific of ``select`` and ``ignore`` wins within one source
(``select: [PF2], ignore: [PF201]`` runs every PF2xx rule but PF201), and the command
line comes after ``mkdocs.yml``: ``--select`` replaces the configured selection,
``--ignore`` adds to it.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import ConfigError, Settings, option_locator
from ..model import Level

LEVEL_NAMES = {level.value: level for level in Level}
FAIL_LEVELS = ("error", "warning", "info", "never")


def _prefixes(values: Iterable[str], codes: Collection[str], where: Callable[[int], str]) -> list[str]:
    """The codes and prefixes in ``values``; ``where(index)`` names the place of a bad one."""
    result: list[str] = []
    for index, raw in enumerate(values):
        for part in str(raw).replace(",", " ").split():
            value = part.strip().upper()
            if value == "ALL":
                value = ""
            elif not any(code.startswith(value) for code in codes):
                raise ConfigError(f"{where(index)}: unknown rule code or prefix '{part}' (see: preflight rules)")
            result.append(value)
    return result


def _longest(code: str, prefixes: Sequence[str]) -> int:
    return max((len(p) for p in prefixes if code.startswith(p)), default=-1)


def _apply(enabled: set[str], codes: Collection[str], select: Sequence[str] | None, ignore: Sequence[str]) -> set[str]:
    result = set()
    for code in codes:
        ignored = _longest(code, ignore)
        if select is not None:
            chosen = _longest(code, select)
            on = chosen >= 0 and chosen > ignored
        else:
            on = code in enabled and ignored < 0
        if on:
            result.add(code)
    return result


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise ConfigError(f"expected a code or a list of codes, got {value!r}")


@dataclass(slots=True, eq=False, repr=False)
class Policy:
    """The resolved rule selection for one run."""

    enabled: frozenset[str]
    levels: dict[str, Level] = field(default_factory=dict)
    """Configured level per code (already resolved from prefixes)."""
    per_path: list[tuple[str, list[str]]] = field(default_factory=list)
    configured: frozenset[str] | None = None
    """The codes ``mkdocs.yml`` alone runs (``None``: :attr:`enabled`); ``--select`` and
    ``--ignore`` narrow a run to part of them, in which a suppression comment covering the
    left-out rules cannot be judged."""
    _path_cache: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        codes: Collection[str],
        settings: Settings | None = None,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        opt_in: Collection[str] = (),
    ) -> Policy:
        """Resolve the configuration and the command line options.

        Raises:
            ConfigError: an unknown code or prefix, or a bad level (one line, ready to print).
        """
        values: Mapping[str, Any] = settings.values if settings is not None else {}
        locate = option_locator(settings.config_file) if settings and settings.config_file else None

        def where(name: str, *path: str | int, value: bool = False, note: str = "") -> str:
            # The file, line and column of the offending part, found only for a message.
            place = locate(name, *path, value=value) if locate else "preflight"
            return f"{place}: option '{name}'{note}"

        def item(name: str, *path: str, note: str = "") -> Callable[[int], str]:
            return lambda index: where(name, *path, index, note=note)

        def fixed(name: str, *path: str, value: bool = False, note: str = "") -> Callable[[int], str]:
            return lambda _: where(name, *path, value=value, note=note)

        conf_select = values.get("select") or []
        conf_prefixes = _prefixes(conf_select, codes, item("select"))
        enabled = _apply(
            set(codes),
            codes,
            conf_prefixes if conf_select else None,
            _prefixes(values.get("ignore") or [], codes, item("ignore")),
        )
        # Opt-in rules (shellcheck: ~8x the parse time) run only when named exactly or by ALL.
        from_config = enabled - {code for code in opt_in if code not in conf_prefixes and "" not in conf_prefixes}
        cli_select = _prefixes(select, codes, lambda _: "--select") if select else None
        enabled = _apply(enabled, codes, cli_select, _prefixes(ignore, codes, lambda _: "--ignore"))
        named = set(cli_select if cli_select is not None else conf_prefixes)
        enabled -= {code for code in opt_in if code not in named and "" not in named}

        levels: dict[str, Level] = {}
        configured = values.get("levels") or {}
        ranked = sorted(configured.items(), key=lambda kv: len(str(kv[0])))
        for key, name in ranked:  # shorter prefixes first, so specific codes win
            level = LEVEL_NAMES.get(str(name).lower()) if isinstance(name, str) else None
            if level is None:
                raise ConfigError(
                    f"{where('levels', str(key), value=True)}: level of '{key}' must be error, warning or info, "
                    f"got {name!r}"
                )
            for prefix in _prefixes([str(key)], codes, fixed("levels", str(key))):
                for code in codes:
                    if code.startswith(prefix):
                        levels[code] = level

        per_path: list[tuple[str, list[str]]] = []
        for pattern, value in (values.get("per_path_ignores") or {}).items():
            note = f" ({pattern})"
            try:
                listed = _as_list(value)
            except ConfigError as exc:
                raise ConfigError(f"{where('per_path_ignores', str(pattern), value=True, note=note)}: {exc}") from None
            # A list points at its bad item, a single code at the value.
            spot = (
                item("per_path_ignores", str(pattern), note=note)
                if isinstance(value, list)
                else fixed("per_path_ignores", str(pattern), value=True, note=note)
            )
            per_path.append((str(pattern).removeprefix("./") or "*", _prefixes(listed, codes, spot)))
        return cls(frozenset(enabled), levels, per_path, frozenset(from_config))

    def allows(self, code: str, path: str) -> bool:
        """Whether findings of ``code`` are reported in ``path`` (relative to the root)."""
        if code not in self.enabled:
            return False
        if not self.per_path:
            return True
        ignored = self._path_cache.get(path)
        if ignored is None:
            matched: set[str] = set()
            for pattern, prefixes in self.per_path:
                if fnmatch.fnmatchcase(path, pattern) or fnmatch.fnmatchcase(path, pattern.rstrip("/") + "/*"):
                    matched.update(code for code in self.enabled if any(code.startswith(p) for p in prefixes))
            ignored = frozenset(matched)
            self._path_cache[path] = ignored
        return code not in ignored

    def narrowed(self) -> frozenset[str]:
        """The codes ``mkdocs.yml`` runs that ``--select`` or ``--ignore`` turned off for this run."""
        return self.configured - self.enabled if self.configured is not None else frozenset()

    def level(self, code: str, default: Level) -> Level:
        """The configured level of ``code``, else the level its producer gave."""
        return self.levels.get(code, default)
