"""The checklists of a build: each read once, parsed once, reused while unchanged.

Parsing is the plugin's biggest cost (markdown-it reads every checklist as the engine
sees it). So:

* models are cached by repository path and sha256 across ``mkdocs serve`` rebuilds
  (the plugin instance survives them);
* with many files to parse, a worker process parses them, in the order MkDocs renders
  the pages, while MkDocs renders the pages; a page whose model the worker has not
  delivered yet is parsed in the main process right away (the worker only catches up
  after the first few pages, and then stays ahead), so nothing ever waits for the
  worker, and any failure of the worker only means parsing in the main process;
* the worker is only given files up to :data:`LOOKAHEAD` pages ahead of the page being
  rendered: it parses far faster than MkDocs renders, and every model it delivers
  waits in this process until its page comes;
* the worker also runs the per-file rules of ``preflight check`` on what it parsed (the
  plugin reports the same findings as the CLI), so the main process only has the
  project-level checks left to do;
* and it works out each page's rewritten Markdown lines (``extension.prepare_source``),
  which the page uses if its Markdown is what the file says (no other plugin changed it).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import re
import sys
import threading
from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from mkdocs.utils.meta import get_data

from ..config import Settings
from ..engine import Project, parse_file
from ..engine.build import build
from ..engine.requirements import Matcher
from ..engine.source import Source, decode, read_regular
from ..model import Checklist
from ..rules.pipeline import Checker, FileOutcome
from .context import PreparedSource
from .extension import FenceReach, prepare_source

Rendering = tuple[FenceReach, int]
"""How the site's Markdown reads fences (see ``extension.FenceReach``) and its tab length."""

PARALLEL_MIN = 32
"""Fewer files to parse than this are parsed in the main process (a worker costs a start)."""
WORKERS_VARIABLE = "PREFLIGHT_PARSE_WORKER"
"""Set to ``0`` to parse in the main process only (e.g. on a machine with busy CPUs)."""
CHUNKS = (2, 4, 8)
"""Files per task: small first (the first pages are rendered at once), then larger."""
LOOKAHEAD = 48
"""Files the worker may be given ahead of the page being rendered (it parses a file in a
tenth of the time MkDocs takes for a page). Given every file at once, it delivered all
the models within seconds, and they waited in this process for their pages: the build's
peak memory on 2,000 checklists was 816 MiB, 717 MiB with the window (290 MiB without
the plugin)."""


def _workers() -> int:
    if os.environ.get(WORKERS_VARIABLE, "").strip() == "0":
        return 0
    return 1 if (os.cpu_count() or 1) >= 2 else 0


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` (a worker at once) when this process runs no other thread (``mkdocs build``),
    else ``spawn`` (a clean interpreter: forking ``mkdocs serve``'s threads is unsafe)."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@lru_cache(maxsize=4)
def _matcher(patterns: tuple[str, ...]) -> Matcher:
    return Matcher([re.compile(pattern) for pattern in patterns])


def file_checker(project: Project) -> Checker:
    """The checker of the plugin's findings: every checklist is checked, as a page."""
    return Checker(project, owned_pages=True, whole_project=True)


_WORKER_CHECKER: list[tuple[Settings, Checker | None]] = []


def _worker_checker(settings: Settings | None) -> Checker | None:
    if settings is None:
        return None
    if not _WORKER_CHECKER or _WORKER_CHECKER[0][0] != settings:
        checker: Checker | None
        try:
            checker = file_checker(Project(settings))
        except Exception:  # e.g. a bad rule code: the main process reports it
            checker = None
        _WORKER_CHECKER[:] = [(settings, checker)]
    return _WORKER_CHECKER[0][1]


def _worker_start() -> None:
    """Keep the collector off the worker's objects (runs once, when the worker starts).

    The forked worker inherits the whole heap of the build (MkDocs' files, nav, theme),
    and each automatic collection walked it all again, writing to every object's header
    and so copying its memory page: on 2,000 pages the worker's CPU time went from 35.8
    to 28.0 s with this. What it parses holds no reference cycles (see
    :mod:`..engine.gc_pause`), so reference counting frees it.
    """
    gc.freeze()
    gc.disable()


Delivery = tuple[Checklist, "FileOutcome | None", "PreparedSource | None"]
"""What the worker delivers for one file: its model, its findings, its page's lines."""


def parse_chunk(
    jobs: Sequence[tuple[bytes, str]],
    patterns: tuple[str, ...],
    settings: Settings | None = None,
    render: Rendering | None = None,
) -> list[Delivery]:
    """Parse ``(data, display path)`` pairs, check each, and prepare its page's lines
    for the rendering settings ``render`` (runs in the worker process)."""
    matcher = _matcher(patterns)
    checker = _worker_checker(settings)
    done: list[Delivery] = []
    for data, display in jobs:
        source = decode(data, display)
        checklist = build(source, matcher)
        outcome: FileOutcome | None = None
        if checker is not None:
            try:
                outcome = checker.outcome(checklist, data)
            except Exception:  # a rule crash is reported by the main process, with context
                outcome = None
        done.append((checklist, outcome, _prepared(checklist, source, render)))
    return done


def _prepared(checklist: Checklist, source: Source, render: Rendering | None) -> PreparedSource | None:
    if render is None:
        return None
    try:
        markdown, _ = get_data(source.text)  # the Markdown of the page, as MkDocs reads it
        return prepare_source(checklist, source.text, markdown, *render)
    except Exception:  # the page is prepared when it is rendered, as without the worker
        return None


@dataclass(slots=True)
class _Cached:
    digest: str
    key: tuple[str, ...]
    source: Source
    checklist: Checklist


@dataclass(slots=True)
class Model:
    """One checklist's model, available now or when first asked for."""

    display: str
    source: Source | None
    """The decoded text (``None`` when the file could not be read)."""
    _cache: ModelCache
    _digest: str = ""
    _checklist: Checklist | None = None
    _future: Future[list[Delivery]] | None = None
    _index: int = 0
    _rank: int = -1
    """Its place in the worker's order (``-1``: not for the worker)."""
    outcome: FileOutcome | None = None
    """The per-file findings, when the worker delivered them with the model."""
    prepared: PreparedSource | None = None
    """The page's lines, when the worker delivered them with the model."""

    @property
    def checklist(self) -> Checklist:
        """The model (from the cache, the worker, or parsed now)."""
        if self._checklist is None:
            checklist: Checklist | None = None
            future = self._future
            if future is not None and future.done() and not future.cancelled() and future.exception() is None:
                checklist, self.outcome, self.prepared = future.result()[self._index]
                self._cache.delivered += 1
            if checklist is None:
                if future is not None:
                    future.cancel()  # not started yet: the worker skips it
                if self._rank >= 0:
                    self._cache.overtaken += 1
                assert self.source is not None
                checklist = build(self.source, self._cache.matcher)
            self._checklist = checklist
            self._future = None
            self._cache.store(self)
            if self._rank >= 0:
                self._cache.advance(self)
        return self._checklist


@dataclass
class ModelCache:
    """Models by repository path; one instance lives as long as the plugin."""

    matcher: Matcher = field(default_factory=lambda: _matcher(()))
    settings: Settings | None = None
    """The project's settings: the worker checks what it parses with them."""
    render: Rendering | None = None
    """How the site's Markdown reads fences and tabs (as far as ``mkdocs.yml`` tells):
    the worker prepares each page's lines for it."""
    _cached: dict[str, _Cached] = field(default_factory=dict)
    _pending: list[tuple[Model, bytes]] = field(default_factory=list)
    _pool: ProcessPoolExecutor | None = None
    _order: deque[Model] = field(default_factory=deque)
    """The models for the worker not given to it yet, in rendering order (a model must not
    outlive its page: it holds the checklist)."""
    _data: dict[int, bytes] = field(default_factory=dict)
    """Their bytes (by ``id`` of the model) until they are given to the worker."""
    _chunks: int = 0
    submitted: int = 0
    """How many models of the worker's order were given to it (or passed over, parsed here)."""
    parsed: int = 0
    """How many files were parsed since the plugin started (cache misses)."""
    delivered: int = 0
    """Models the worker delivered (this build)."""
    overtaken: int = 0
    """Models parsed here because the worker had not delivered them yet (this build)."""
    retain: bool = True
    """Keep the models for the next build (``mkdocs serve``); off, a model lives only as
    long as its page needs it."""

    @property
    def key(self) -> tuple[str, ...]:
        """What else a model depends on: the requirement patterns."""
        return tuple(pattern.pattern for pattern in self.matcher.patterns)

    def begin(self, matcher: Matcher, settings: Settings | None = None, render: Rendering | None = None) -> None:
        """Start a build with these requirement patterns (and settings, to check in the
        worker; and the rendering settings, to prepare the pages' lines there)."""
        self.close()
        self.matcher = matcher
        self.settings = settings
        self.render = render
        self._pending = []
        self.delivered = self.overtaken = 0

    def load(self, path: Path, display: str) -> Model:
        """Read one checklist; its model comes from the cache or is parsed later."""
        try:
            data = read_regular(path)
        except OSError:
            model = Model(display, None, self)
            model._checklist = parse_file(path, display, self.matcher)
            return model
        digest = hashlib.sha256(data).hexdigest()
        hit = self._cached.get(display)
        if hit is not None and hit.digest == digest and hit.key == self.key:
            model = Model(display, hit.source, self, digest)
            model._checklist = hit.checklist
            return model
        model = Model(display, decode(data, display), self, digest)
        self._pending.append((model, data))
        return model

    def store(self, model: Model) -> None:
        """Remember a parsed model (for the next ``serve`` rebuild)."""
        if model._checklist is not None and model.source is not None and model._digest:
            self.parsed += 1
            if self.retain:
                self._cached[model.display] = _Cached(model._digest, self.key, model.source, model._checklist)

    def start(self, order: Sequence[Model] = ()) -> None:
        """Parse what :meth:`load` could not take from the cache.

        ``order`` is the order the pages will be rendered in, and so the worker's order.
        With few files, or one CPU, the models are parsed when first asked for.
        """
        pending = {id(model): data for model, data in self._pending}
        self._pending = []
        if len(pending) < PARALLEL_MIN or _workers() < 1:
            return
        ranked = [model for model in order if id(model) in pending]
        if len(ranked) < len(pending):
            return
        for rank, model in enumerate(ranked):
            model._rank = rank
        self._order, self._data, self._chunks, self.submitted = deque(ranked), pending, 0, 0
        try:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=_worker_start)
        except (OSError, RuntimeError, ValueError):
            self.close()
            return
        self._submit(LOOKAHEAD)

    def advance(self, model: Model) -> None:
        """``model`` (of the worker's order) is in use: keep the worker ahead of it."""
        self._data.pop(id(model), None)  # parsed here, ahead of the worker
        self._submit(model._rank + 1 + LOOKAHEAD)

    def _submit(self, limit: int) -> None:
        """Give the worker the models of its order up to ``limit`` (those not parsed yet)."""
        order = self._order
        while self._pool is not None and order and self.submitted < limit:
            size = CHUNKS[min(self._chunks, len(CHUNKS) - 1)]
            chunk: list[tuple[Model, bytes]] = []
            while order and len(chunk) < size:
                model = order.popleft()
                self.submitted += 1
                data = self._data.pop(id(model), None)
                if data is not None and model._checklist is None:
                    chunk.append((model, data))
            if not chunk:
                continue
            jobs = [(data, model.display) for model, data in chunk]
            try:
                future = self._pool.submit(parse_chunk, jobs, self.key, self.settings, self.render)
            except (OSError, RuntimeError, ValueError):
                self.close()
                return
            self._chunks += 1
            for index, (model, _) in enumerate(chunk):
                model._future = future
                model._index = index

    def keep(self, displays: Iterable[str]) -> None:
        """Forget files that are no longer checklists."""
        wanted = set(displays)
        self._cached = {key: value for key, value in self._cached.items() if key in wanted}

    def close(self) -> None:
        """Stop the worker (models not delivered yet are parsed when asked for)."""
        self._order, self._data = deque(), {}
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
