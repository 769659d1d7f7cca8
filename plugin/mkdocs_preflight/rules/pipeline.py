"""The check pipeline: one parse per file, every rule, the user's policy, suppressions, fixes.

Files are parsed one at a time and their models dropped at once; what is kept per file
is its final findings plus a compact summary (requirement IDs with line numbers, its
suppressions), which the project-level checks use at the end. With ``jobs > 1`` files
are checked in worker processes, and the result is the same list, in the same order.
With a cache folder, files whose outcome is still valid are not parsed at all
(see :mod:`.cache`).
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..engine.digest import sha256
from ..engine.project import iter_discover
from ..engine.requirements import default_patterns_miss, may_define
from ..engine.source import read_regular
from ..model import Checklist, Diagnostic, Level
from . import freshness, suppress
from .base import codes_of
from .context import RuleContext
from .policy import Policy
from .registry import Registry, load
from .requirements import RequirementSummary, check_requirements
from .suppress import Suppression

if TYPE_CHECKING:
    from ..config import Settings
    from ..engine import Project
    from .cache import CheckCache, Query

FIX_PASSES = 4
"""How often ``--fix`` repairs a file at most: a fix may make another one possible."""
PARALLEL_MIN_FILES = 32
"""Below this many files, worker processes cost more than they save."""
_CHUNK = 8


class RuleCrash(Exception):
    """A rule raised an exception: a bug in preflight, reported with the file and the rule."""


class CannotFix(Exception):
    """``--fix`` repaired a file but could not write it (full disk, read-only folder...)."""


@dataclass(slots=True, eq=False, repr=False)
class FileOutcome:
    """What checking one checklist leaves behind."""

    path: str
    diagnostics: list[Diagnostic]
    requirements: RequirementSummary
    suppressions: list[Suppression] = field(default_factory=list)
    script: str | None = None
    fixed: int = 0
    sha256: str | None = None
    """The sha256 of the bytes checked (only when recording for the cache)."""
    facts: dict[Query, str] | None = None
    """The questions the rules asked the repository, with answer digests (only when recording;
    ``None`` as well when the outcome cannot be cached)."""


@dataclass(slots=True, eq=False, repr=False)
class CheckResult:
    """The findings of a run, sorted by file, line, column and code."""

    diagnostics: list[Diagnostic]
    paths: list[str]
    """The checklists checked (relative to the root), in order."""
    fixed: int = 0
    cached: int = 0
    """How many checklists' outcomes came from the cache (not parsed)."""

    @property
    def files(self) -> int:
        """How many checklists were checked."""
        return len(self.paths)

    def count(self, level: Level) -> int:
        """How many findings have this level."""
        return sum(1 for d in self.diagnostics if d.level is level)

    @property
    def fixable(self) -> int:
        """How many findings ``--fix`` could repair."""
        return sum(1 for d in self.diagnostics if d.fixable)

    def failed(self, fail_on: str) -> bool:
        """Whether any finding is at or above ``fail_on`` (``error``, ``warning``, ``info``, ``never``)."""
        if fail_on == "never":
            return False
        threshold = Level(fail_on).rank
        return any(d.level.rank >= threshold for d in self.diagnostics)

    def statistics(self) -> list[tuple[str, int, bool]]:
        """``(code, count, fixable)`` per rule, most frequent first."""
        counts = Counter(d.code for d in self.diagnostics)
        fixable = {d.code for d in self.diagnostics if d.fixable}
        return [(code, n, code in fixable) for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


class Checker:
    """Checks checklists one by one, then the project; the MkDocs plugin drives it page by page.

    Args:
        project: The project.
        select: Codes or prefixes to run instead of the configured selection.
        ignore: Codes or prefixes not to run, on top of the configured ones.
        whole_project: Whether every checklist will be checked (enables PF104 and orphan checks).
        owned_pages: The checklists are rendered by the preflight plugin (PF110 off).
        scripts_dir: Folder of generated scripts to compare (PF501).
        fix: Repair fixable findings in place.
        record: Record each file's repository questions and content hash (for the cache).

    Raises:
        ConfigError: unknown rule codes or bad levels in the configuration or options.
    """

    def __init__(
        self,
        project: Project,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        whole_project: bool = True,
        owned_pages: bool = False,
        scripts_dir: Path | None = None,
        fix: bool = False,
        record: bool = False,
    ) -> None:
        self.project = project
        self.registry: Registry = load()
        self.policy = Policy.build(
            self.registry.codes, project.settings, select=select, ignore=ignore, opt_in=self.registry.opt_in
        )
        self.ctx = RuleContext(
            project, whole_project=whole_project, owned_pages=owned_pages, scripts_dir=scripts_dir, record=record
        )
        self.ctx.enabled = self.policy.enabled
        enabled = self.policy.enabled
        self.file_checks = [
            c for c in self.registry.file_checks if not (codes_of(c) and codes_of(c).isdisjoint(enabled))
        ]
        self.project_checks = [
            c for c in self.registry.project_checks if not (codes_of(c) and codes_of(c).isdisjoint(enabled))
        ]
        # The plugin rewrites the fence headers of its pages, so the build does not report
        # PF110; the findings are still made, so that the comments silencing them for
        # `preflight check` count as used (no PF111 in the build that `check` lacks).
        self.muted: frozenset[str] = frozenset({"PF110"}) if owned_pages else frozenset()
        self.fix = fix
        self.outcomes: list[FileOutcome] = []
        self.options: dict[str, Any] = {
            "select": select,
            "ignore": ignore,
            "whole_project": whole_project,
            "owned_pages": owned_pages,
            "scripts_dir": scripts_dir,
            "fix": fix,
            "record": record,
        }

    # -- per file ------------------------------------------------------------------------

    def _filter(self, diagnostics: Iterable[Diagnostic]) -> Iterator[Diagnostic]:
        policy = self.policy
        for diagnostic in diagnostics:
            if policy.allows(diagnostic.code, diagnostic.path):
                level = policy.level(diagnostic.code, diagnostic.level)
                # A copy, not an edit: the engine's models may be cached and reused (the plugin).
                yield diagnostic if level is diagnostic.level else replace(diagnostic, level=level)

    def _raw(self, checklist: Checklist) -> list[Diagnostic]:
        found = list(checklist.diagnostics)
        for check in self.file_checks:
            try:
                found.extend(check(checklist, self.ctx))
            except Exception as exc:  # a bug in a rule must not look like a clean file
                name = getattr(check, "__qualname__", repr(check))
                raise RuleCrash(f"{checklist.path}: internal error in rule check {name}: {exc!r}") from exc
        return found

    def outcome(self, checklist: Checklist, data: bytes | None = None) -> FileOutcome:
        """Check one parsed checklist (``data``: its bytes, if the caller has them)."""
        recorder = self.ctx.recorder
        if recorder is not None:
            recorder.begin()
        try:
            self.ctx.set_source(checklist.path, data)
            suppressions = suppress.collect(checklist)
            diagnostics = list(suppress.apply(self._filter(self._raw(checklist)), suppressions))
            if self.muted:
                diagnostics = [d for d in diagnostics if d.code not in self.muted]
            refs = [(sys.intern(ref.id), ref.line, ref.col) for ref in checklist.requirement_refs]
            summary = RequirementSummary(checklist.path, list(checklist.requirement_defs), refs)
            script = freshness.script_target(checklist, self.ctx)
            self.ctx.set_source(checklist.path, None)
        finally:
            facts = recorder.end() if recorder is not None else None
        outcome = FileOutcome(checklist.path, diagnostics, summary, suppressions, script)
        if facts is not None and data is not None:
            # Only outcomes of bytes actually read can be reused: an unreadable file is re-checked.
            outcome.sha256 = checklist.sha256 or sha256(data).hexdigest()  # decode hashed them
            outcome.facts = facts
        return outcome

    def check_checklist(self, checklist: Checklist) -> list[Diagnostic]:
        """Check one checklist and keep its summary for :meth:`finish`; returns its findings."""
        outcome = self.outcome(checklist)
        self.outcomes.append(outcome)
        return outcome.diagnostics

    def display(self, file: Path) -> str:
        """The path findings show: relative to the root, symlinks not followed."""
        absolute = Path(os.path.abspath(file))
        try:
            return absolute.relative_to(self.project.root).as_posix()
        except ValueError:
            return self.project.relative(file)

    def check_file(self, file: Path) -> FileOutcome:
        """Read, parse and check one file (repairing it first with ``fix``)."""
        from ..engine import parse_bytes
        from ..engine.project import unreadable

        display = self.display(file)
        try:
            data = read_regular(file)
        except OSError as exc:
            checklist = Checklist(path=display, title=file.stem, sha256="")
            checklist.diagnostics.append(Diagnostic("PF403", unreadable(file, exc), display, 1, 1, Level.ERROR))
            return self.outcome(checklist)
        outcome = self.outcome(parse_bytes(data, display, self.project.matcher), data)
        if self.fix:
            outcome = self._fix(file, display, data, outcome)
        return outcome

    def _fixable(self, outcome: FileOutcome) -> dict[str, list[Diagnostic]]:
        by_code: dict[str, list[Diagnostic]] = defaultdict(list)
        for diagnostic in outcome.diagnostics:
            if diagnostic.fixable and diagnostic.code in self.registry.fixers:
                by_code[diagnostic.code].append(diagnostic)
        return by_code

    def _fix(self, file: Path, display: str, data: bytes, outcome: FileOutcome) -> FileOutcome:
        from ..engine import parse_bytes
        from ..pin import write_atomic

        by_code = self._fixable(outcome)
        handed = 0
        fixed = data
        # Until nothing fixable is left, as ruff does: one fix may make another possible
        # (mojibake repaired in a fence header lets PF110 rewrite the header).
        for _pass in range(FIX_PASSES):
            if not by_code:
                break
            attempt = fixed
            for code, diagnostics in sorted(by_code.items()):
                attempt = self.registry.fixers[code](attempt, diagnostics)
            if attempt == fixed:
                break
            handed += sum(len(d) for d in by_code.values())
            fixed = attempt
            outcome = self.outcome(parse_bytes(fixed, display, self.project.matcher), fixed)
            by_code = self._fixable(outcome)
        if fixed == data:
            return outcome
        try:
            write_atomic(file, fixed)
        except OSError as exc:
            raise CannotFix(f"{display}: cannot write the fixes: {exc.strerror or exc}") from None
        outcome.fixed = max(0, handed - sum(len(d) for d in by_code.values()))
        return outcome

    def add(self, outcome: FileOutcome) -> None:
        """Keep a file's outcome (computed here or in a worker) for :meth:`finish`."""
        self.outcomes.append(outcome)

    # -- the project -----------------------------------------------------------------------

    def _defined_elsewhere(self, ids: set[str]) -> set[str]:
        """Of ``ids``, those that the checklists not checked in this run may define.

        A run of some files sees only their definitions: an ID that another checklist
        defines would be reported as undefined (PF102). Reading every other checklist's
        text is cheap, parsing them is not, so each is only searched for the IDs in a
        definition's shape (:func:`~..engine.requirements.may_define`).
        """
        checked = {o.path for o in self.outcomes}
        found: set[str] = set()
        project = self.project
        for path in iter_discover(project.root, project.settings.checklist_globs):
            if project.relative(path) in checked:
                continue
            try:
                text = read_regular(path).decode("utf-8", "replace")
            except OSError:
                continue
            found |= may_define(text, ids - found)
            if found == ids:
                break
        return found

    def finish(self) -> list[Diagnostic]:
        """Project-level findings (requirements, registry, lock, orphans) and unused suppressions."""
        ctx = self.ctx
        project = self.project
        found: list[Diagnostic] = list(project.registry_diagnostics)
        registry_name = project.settings.values.get("registry")
        found.extend(
            check_requirements(
                project.registry,
                (o.requirements for o in self.outcomes),
                registry_name=registry_name,
                whole_project=ctx.whole_project,
                unreferable=lambda req_id: default_patterns_miss(project.matcher, req_id),
                defined_elsewhere=None if ctx.whole_project else self._defined_elsewhere,
            )
        )
        found.extend(freshness.orphan_scripts(ctx, {o.script for o in self.outcomes if o.script}))
        for check in self.project_checks:
            try:
                found.extend(check(ctx))
            except Exception as exc:
                name = getattr(check, "__qualname__", repr(check))
                raise RuleCrash(f"internal error in project check {name}: {exc!r}") from exc
        by_path = {o.path: o for o in self.outcomes}
        result: list[Diagnostic] = []
        for diagnostic in self._filter(found):
            outcome = by_path.get(diagnostic.path)
            silenced = outcome is not None and not list(suppress.apply([diagnostic], outcome.suppressions))
            if silenced:
                continue
            result.append(diagnostic)
        if "PF111" in self.policy.enabled:
            codes = self.registry.codes
            partial = not ctx.whole_project
            policy = self.policy
            narrowed = policy.narrowed()
            # A rule that cannot see its facts here (PF208 in a shallow clone) is as good as
            # turned off for the comments that name it: they are judged where it can.
            asked = {
                code
                for outcome in self.outcomes
                for s in outcome.suppressions
                if not s.used
                for c in s.codes
                if len(c) >= 4
                for code in policy.enabled
                if code.startswith(c)
            }
            blind = ctx.blind(asked) if asked else frozenset()
            names = {rule.name.upper(): rule.code for rule in self.registry.rules.values()}
            for outcome in self.outcomes:
                if outcome.suppressions:
                    # A code turned off for this file by per_path_ignores is spared like one
                    # turned off by `ignore`: nothing can be judged about its suppression.
                    enabled = {code for code in policy.enabled if policy.allows(code, outcome.path)}
                    unused = suppress.unused(
                        outcome.path,
                        outcome.suppressions,
                        codes,
                        enabled=enabled,
                        partial=partial,
                        narrowed=narrowed,
                        blind=blind,
                        names=names,
                    )
                    result.extend(self._filter(unused))
        return result

    def close(self) -> None:
        """Release what the rules hold (helper processes of the repository index)."""
        self.ctx.close()

    def result(self) -> CheckResult:
        """Every finding of the run, sorted, with counts (calls :meth:`finish` and :meth:`close`)."""
        diagnostics = [d for o in self.outcomes for d in o.diagnostics]
        try:
            diagnostics.extend(self.finish())
        finally:
            self.close()
        diagnostics.sort(key=Diagnostic.sort_key)
        return CheckResult(diagnostics, [o.path for o in self.outcomes], sum(o.fixed for o in self.outcomes))


# -- worker processes ------------------------------------------------------------------------

_WORKER: Checker | None = None


def _worker_init(settings: Settings, options: dict[str, Any]) -> None:
    import signal

    from ..engine import Project

    # Ctrl-C reaches every process of the terminal's group: the parent stops the pool;
    # a worker interrupted in the middle of a chunk would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER
    _WORKER = Checker(Project(settings), **options)
    atexit.register(_WORKER.close)


def _worker_run(paths: list[str]) -> list[FileOutcome]:
    assert _WORKER is not None
    return [_WORKER.check_file(Path(p)) for p in paths]


def _chunks(files: Sequence[Path], size: int) -> Iterator[list[str]]:
    for start in range(0, len(files), size):
        yield [str(f) for f in files[start : start + size]]


def _run_parallel(checker: Checker, files: Sequence[Path], jobs: int) -> Iterator[FileOutcome]:
    """Check ``files`` in worker processes; their outcomes, in file order."""
    # fork is fastest and safe while this process runs no other thread; else spawn.
    method = "fork" if sys.platform == "linux" and threading.active_count() == 1 else "spawn"
    # Imported here: multiprocessing costs ~30 ms to import, and most runs use one process.
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=get_context(method),
        initializer=_worker_init,
        initargs=(checker.project.settings, checker.options),
    )
    try:
        for outcomes in pool.map(_worker_run, _chunks(files, _CHUNK)):
            yield from outcomes
    except BaseException:
        # Ctrl-C, a crash, or a caller that stops early: drop the chunks not started yet
        # instead of checking them all before the pool closes.
        pool.shutdown(cancel_futures=True)
        raise
    pool.shutdown()


def default_jobs() -> int:
    """The default number of worker processes: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def check_models(
    project: Project,
    checklists: Iterable[Checklist],
    *,
    owned_pages: bool = True,
    whole_project: bool = True,
) -> CheckResult:
    """Check checklists that are already parsed (the MkDocs plugin's entry point).

    Same rules, policy and suppressions as :func:`check`; ``owned_pages`` turns off
    PF110 for pages whose fence headers the plugin rewrites.

    Raises:
        ConfigError: unknown rule codes or bad levels in the configuration.
        RuleCrash: a rule failed (a bug).
    """
    checker = Checker(project, owned_pages=owned_pages, whole_project=whole_project)
    for checklist in checklists:
        checker.check_checklist(checklist)
    return checker.result()


def check(
    project: Project,
    paths: Sequence[str | Path] = (),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    jobs: int = 1,
    fix: bool = False,
    scripts_dir: Path | None = None,
    owned_pages: bool = False,
    files: Sequence[Path] | None = None,
    cache_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckResult:
    """Check the project's checklists (or ``paths``) and return every finding, sorted.

    Args:
        project: The project (its settings give the rule policy).
        paths: Files or folders; default every configured checklist.
        select: Codes or prefixes to run instead of the configured selection.
        ignore: Codes or prefixes to leave out, on top of the configured ones.
        jobs: Worker processes (1: check in this process).
        fix: Repair fixable findings in place before reporting what remains (the cache
            is then written but not read).
        scripts_dir: Folder of generated scripts to compare with the checklists (PF501).
        owned_pages: The plugin renders these files (PF110 off).
        files: The exact files to check (skips discovery; for callers that already have them).
        cache_dir: Folder of the content-hash cache (``.preflight/cache``); ``None``: no cache.
        progress: Called with (files done, files in all) after each file.

    Raises:
        ConfigError: unknown rule codes or bad levels.
        RuleCrash: a rule failed (a bug).
        CannotFix: ``fix`` could not write a repaired file.
    """
    chosen = list(files) if files is not None else project.files(paths)
    whole = True
    if paths or files is not None:
        # Early exit: checking one file of thousands must not walk the whole tree.
        whole = project.covered_by(chosen)
    checker = Checker(
        project,
        select=select,
        ignore=ignore,
        whole_project=whole,
        owned_pages=owned_pages,
        scripts_dir=scripts_dir,
        fix=fix,
        record=cache_dir is not None,
    )
    from ..engine.gc_pause import paused_gc

    # The findings and summaries that pile up would make the collector rescan ever more
    # objects; nothing here forms cycles that matter.
    with paused_gc(len(chosen)):
        return _check_files(checker, project, chosen, jobs, fix, cache_dir, whole, progress)


def _check_files(
    checker: Checker,
    project: Project,
    chosen: list[Path],
    jobs: int,
    fix: bool,
    cache_dir: Path | None,
    whole: bool,
    progress: Callable[[int, int], None] | None,
) -> CheckResult:
    """Check ``chosen`` (valid cache entries first, the rest parsed) and finish the project."""
    store: CheckCache | None = None
    hits: dict[str, FileOutcome] = {}
    displays = [checker.display(file) for file in chosen]
    if cache_dir is not None:
        from .cache import CheckCache, fingerprint

        store = CheckCache(cache_dir, fingerprint(project.settings, checker.options), read=not fix)
        hits = _cached(store, checker, chosen, displays)
    misses = [file for file, display in zip(chosen, displays, strict=True) if display not in hits]
    fresh: Iterator[FileOutcome]
    if jobs > 1 and len(misses) >= PARALLEL_MIN_FILES:
        fresh = _run_parallel(checker, misses, jobs)
    else:
        fresh = (checker.check_file(file) for file in misses)
    total = len(displays)
    for done, display in enumerate(displays, 1):
        outcome = hits.get(display)
        if outcome is None:
            outcome = next(fresh)
            if store is not None:
                store.put(outcome)  # now: finish() marks suppressions used
        checker.add(outcome)
        if progress is not None:
            progress(done, total)
    for _ in fresh:  # let the pool shut down
        pass
    result = checker.result()
    result.cached = sum(1 for display in displays if display in hits)
    if store is not None:
        root = project.root
        store.save(displays, keep_others=None if whole else lambda path: (root / path).is_file())
    return result


def _cached(
    store: CheckCache, checker: Checker, files: Sequence[Path], displays: Sequence[str]
) -> dict[str, FileOutcome]:
    """The files whose cached outcome is still valid: same bytes, same answers from the repository."""
    candidates: list[tuple[str, str]] = []
    for file, display in zip(files, displays, strict=True):
        if display not in store:
            continue
        try:
            data = read_regular(file)
        except OSError:
            continue
        candidates.append((display, sha256(data).hexdigest()))
    if not candidates:
        return {}
    return store.valid(candidates, checker.ctx.answer)
