"""Each checklist is parsed once (cached across rebuilds, or in a worker process), and the
hooks other parts of preflight plug into."""

from __future__ import annotations

import gc
from concurrent.futures import wait
from pathlib import Path
from typing import Any

import markdown
import pytest
from site_html import parse
from site_support import build_site, items_of, site_config, write, write_config

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.engine.gc_pause import Collector
from mkdocs_preflight.engine.project import default_matcher
from mkdocs_preflight.model import Checklist
from mkdocs_preflight.site import extension, models
from mkdocs_preflight.site.context import Outcome, PageContext, PreparedSource
from mkdocs_preflight.site.extension import PreflightExtension


def test_models_are_parsed_once_and_reused_while_unchanged(tmp_path: Path) -> None:
    write(tmp_path, {"a.md": "# A\n\n- [ ] One\n", "b.md": "# B\n\n- [x] Two\n"})
    cache = models.ModelCache()
    cache.begin(default_matcher())
    first = {name: cache.load(tmp_path / name, name) for name in ("a.md", "b.md")}
    cache.start(list(first.values()))
    assert [first[n].checklist.items[0].id for n in ("a.md", "b.md")] == ["one", "two"]
    assert cache.parsed == 2
    cache.begin(default_matcher())
    again = cache.load(tmp_path / "a.md", "a.md")
    assert again.checklist is first["a.md"].checklist
    write(tmp_path, {"a.md": "# A\n\n- [ ] Changed\n"})
    changed = cache.load(tmp_path / "a.md", "a.md")
    assert changed.checklist.items[0].id == "changed"
    assert cache.parsed == 3


def test_the_worker_is_given_files_only_a_window_ahead_of_the_pages(tmp_path: Path) -> None:
    count = 2 * models.LOOKAHEAD + 20
    write(tmp_path, {f"c{n:03}.md": f"# C{n}\n\n- [ ] Step {n}\n- [x] Check REQ-{n}\n" for n in range(count)})
    cache = models.ModelCache()
    cache.begin(default_matcher())
    order = [cache.load(tmp_path / f"c{n:03}.md", f"c{n:03}.md") for n in range(count)]
    cache.start(order)
    try:
        assert cache._pool is not None, "a worker for this many files"
        slack = max(models.CHUNKS)  # the last chunk may reach past the window
        assert models.LOOKAHEAD <= cache.submitted < models.LOOKAHEAD + slack
        assert all(model._future is None for model in order[cache.submitted :])
        for rank, model in enumerate(order):
            assert [item.id for item in model.checklist.items] == [f"step-{rank}", "check"]
            # Models waiting for their pages stay few: the worker is only a window ahead.
            assert cache.submitted <= min(count, rank + 1 + models.LOOKAHEAD + slack)
        assert cache.submitted == count
        assert cache.delivered + cache.overtaken == count
    finally:
        cache.close()


def test_the_worker_keeps_the_collector_off_what_it_inherits_and_parses(tmp_path: Path) -> None:
    count = models.PARALLEL_MIN
    write(tmp_path, {f"c{n:03}.md": f"# C{n}\n\n- [ ] Step {n}\n" for n in range(count)})
    cache = models.ModelCache()
    cache.begin(default_matcher())
    cache.start([cache.load(tmp_path / f"c{n:03}.md", f"c{n:03}.md") for n in range(count)])
    try:
        assert cache._pool is not None, "a worker for this many files"
        enabled, frozen = cache._pool.submit(_collector_state).result(timeout=60)
        assert not enabled
        assert frozen > 1000, "the heap the worker started with is frozen"
    finally:
        cache.close()
    assert gc.isenabled(), "this process's collector is untouched"


def _collector_state() -> tuple[bool, int]:
    return gc.isenabled(), gc.get_freeze_count()


def _worker_never_overtaken(monkeypatch: pytest.MonkeyPatch) -> list[models.ModelCache]:
    """Make each build wait for the worker's first window, so that the worker, not this
    process, parses every file of a build smaller than the window, however slowly the
    worker starts (on a loaded CI machine this process otherwise overtakes it, by design)."""
    caches: list[models.ModelCache] = []
    start = models.ModelCache.start

    def waiting_start(self: models.ModelCache, order: list[models.Model]) -> None:
        start(self, order)
        wait({model._future for model in order if model._future is not None})
        caches.append(self)

    monkeypatch.setattr(models.ModelCache, "start", waiting_start)
    return caches


def test_with_the_worker_no_checklist_model_outlives_its_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.plugins import BasePlugin, event_priority

    count = models.PARALLEL_MIN + 8
    assert count <= models.LOOKAHEAD
    _worker_never_overtaken(monkeypatch)
    files: dict[str, str | bytes] = {"docs/index.md": "# Home\n"}
    files.update({f"checklists/kept-{n:02}.md": f"# Kept {n}\n\n- [ ] Step {n}\n" for n in range(count)})
    write(tmp_path, files)
    write_config(tmp_path, site_config("material", plugins=["search", {"preflight": {"fail_on": "never"}}]))
    live: list[int] = []

    # MkDocs' BasePlugin is generic over a config class with a schema, and its
    # __init_subclass__ is untyped; a probe without options needs neither.
    class Probe(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        @event_priority(-1000)
        def on_env(self, env: Any, /, *, config: Any, files: Any) -> None:
            # Every page is rendered to HTML by now (the templates come next).
            gc.unfreeze()  # the plugin's collector froze what survived each page
            gc.collect()
            kept = [o for o in gc.get_objects() if isinstance(o, Checklist) and o.path.startswith("checklists/kept-")]
            live.append(len(kept))

    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins["probe"] = Probe()
    build(config)
    cache = config.plugins["preflight"]._cache
    assert (cache.delivered, cache.overtaken) == (count, 0)
    assert live == [0], f"{live} of {count} checklist models still alive"


def _many(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"docs/index.md": "# Home\n"}
    for number in range(count):
        # Front matter (MkDocs strips it), a list Python-Markdown would not nest on its
        # own, a fence header the page rewrites: the lines the worker prepares differ.
        front = f"---\ntitle: Checklist {number}\n---\n\n" if number % 2 else ""
        files[f"checklists/team-{number % 3}/c{number:02}.md"] = (
            f"{front}# Checklist {number}\n\n## Steps\n\n- [ ] First step of {number}\n- [x] Second step REQ-{number}\n"
            f"  - [ ] Nested {{ #pinned-{number} }}\n\n```bash id=run-{number}\necho {number}\n```\n"
            f"- [ ] Run `./scripts/missing-{number}.sh`\n"
        )
    return files


def test_the_worker_process_gives_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = models.PARALLEL_MIN + 8
    assert count <= models.LOOKAHEAD
    pages: dict[str, dict[str, str]] = {}
    started: list[bool] = []
    start = models.ModelCache.start

    def recording_start(self: models.ModelCache, order: list[models.Model]) -> None:
        start(self, order)
        started.append(self._pool is not None)

    monkeypatch.setattr(models.ModelCache, "start", recording_start)
    caches = _worker_never_overtaken(monkeypatch)
    checked_here: list[str] = []  # per-file rule runs in this process (not in the worker)
    outcome = models.Checker.outcome

    def recording_outcome(self: models.Checker, checklist: Any, data: bytes | None = None) -> Any:
        checked_here.append(checklist.path)
        return outcome(self, checklist, data)

    monkeypatch.setattr(models.Checker, "outcome", recording_outcome)
    rewritten_here = _rewrites_here(monkeypatch)
    rewrites: dict[str, int] = {}
    findings: dict[str, list[str]] = {}
    checked: dict[str, int] = {}
    split: dict[str, tuple[int, int]] = {}
    for mode in ("worker", "serial"):
        checked_here.clear()
        rewritten_here.clear()
        root = tmp_path / mode
        write(root, _many(count))
        write_config(root, site_config("material", plugins=["search", {"preflight": {"fail_on": "never"}}]))
        if mode == "serial":
            monkeypatch.setenv(models.WORKERS_VARIABLE, "0")
        built = build_site(root)
        assert built.ok, built.messages
        pages[mode] = {
            path.relative_to(built.site).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted((built.site / "checklists").rglob("index.html"))
        }
        assert len(pages[mode]) == count
        first = parse(pages[mode]["checklists/team-0/c00/index.html"])
        assert list(items_of(first)) == ["first-step-of-0", "second-step", "pinned-0", "run-scripts-missing-0-sh"]
        findings[mode] = sorted(message for _, message in built.messages if "PF" in message)
        checked[mode] = len(checked_here)
        rewrites[mode] = len(rewritten_here)
        split[mode] = (caches[-1].delivered, caches[-1].overtaken)
    assert started == [True, False], "the first build used a worker, the second did not"
    assert pages["worker"] == pages["serial"]
    # The worker ran the rules on what it parsed; the findings are the same as in one process.
    assert sum("PF201" in m for m in findings["serial"]) == count
    assert findings["worker"] == findings["serial"]
    assert checked["serial"] == count
    assert checked["worker"] == 0
    # So did it work out the pages' lines: the same pages, with none left to this process.
    assert rewrites == {"worker": 0, "serial": count}
    # The counts `mkdocs build -v` prints.
    assert split == {"worker": (count, 0), "serial": (0, 0)}


def _rewrites_here(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of the pages whose lines this process rewrites (the real rewrite runs)."""
    rewritten: list[str] = []
    rewrite = extension._rewrite

    def recording_rewrite(lines: list[str], checklist: Checklist, *args: Any) -> list[str]:
        rewritten.append(checklist.path)
        return rewrite(lines, checklist, *args)

    monkeypatch.setattr(extension, "_rewrite", recording_rewrite)
    return rewritten


def test_prepared_lines_serve_only_the_markdown_they_were_prepared_for(monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker prepares a page's lines from the file; the page uses them only if its
    Markdown and Markdown settings are what they were prepared for (another plugin may
    have changed the page; the site may not use superfences)."""
    text = "---\ntitle: T\n---\n\n# T\n\n- [ ] One\n  - [ ] Two { #two }\n\n```bash id=go\necho hi\n```\n"
    checklist = parse_text(text, "c.md")
    page_markdown = text.split("---\n", 2)[2].lstrip("\n")
    prepared = extension.prepare_source(checklist, text, page_markdown, "nested", 4)
    assert prepared is not None
    assert any("\x01pf:" in line for line in prepared.lines), "the items are marked"

    def render(source: str, extensions: list[Any], ready: PreparedSource | None) -> str:
        preflight = PreflightExtension()
        preflight.managed = True
        preflight.page = PageContext(checklist=checklist, source=text, line_offset=4, markdown=text, prepared=ready)
        return markdown.markdown(source, extensions=[*extensions, preflight])

    rewrites = _rewrites_here(monkeypatch)
    nested = ["pymdownx.superfences", "pymdownx.tasklist", "attr_list"]
    same = render(page_markdown, nested, prepared)
    assert rewrites == []
    assert same == render(page_markdown, nested, None)
    assert rewrites == ["c.md"]
    changed = page_markdown.replace("One", "One (edited by a macro)")
    assert render(changed, nested, prepared) == render(changed, nested, None)
    assert rewrites == ["c.md"] * 3
    plain = ["fenced_code", "pymdownx.tasklist", "attr_list"]  # the fence header is left alone
    assert render(page_markdown, plain, prepared) == render(page_markdown, plain, None)
    assert rewrites == ["c.md"] * 5
    page = parse(same)
    assert list(items_of(page)) == ["one", "two"]
    assert page.by_id("go") is not None
    assert extension.prepare_source(checklist, text, "# Other\n", "nested", 4) is None


def test_run_outcomes_show_on_items() -> None:
    text = "- [ ] Deploy\n- [x] Verify\n"
    extension = PreflightExtension()
    extension.managed = True
    extension.page = PageContext(
        checklist=parse_text(text),
        source=text,
        markdown=text,
        item_outcome=lambda item_id: (
            Outcome("failed", f"failed · <b>{item_id}</b>", "exit 1") if item_id == "deploy" else None
        ),
    )
    page = parse(markdown.markdown(text, extensions=["pymdownx.tasklist", extension]))
    deploy = page.by_id("deploy")
    assert deploy is not None
    badge = deploy.find("span", cls="preflight-outcome")
    assert badge is not None
    assert badge.classes == ["preflight-outcome", "preflight-outcome--failed"]
    assert badge.text() == "failed · <b>deploy</b>"
    assert badge.get("title") == "exit 1"
    verify = page.by_id("verify")
    assert verify is not None and verify.find("span", cls="preflight-outcome") is None


def test_the_collector_freezes_during_the_build_and_releases_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[int] = []
    automatic: list[bool] = []
    step = Collector.step

    def recording_step(self: Collector) -> None:
        step(self)
        frozen.append(gc.get_freeze_count())
        automatic.append(gc.isenabled())

    monkeypatch.setattr(Collector, "step", recording_step)
    write(tmp_path, _many(4))
    write_config(tmp_path, site_config("material", plugins=[{"preflight": {"fail_on": "never"}}]))
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert len(frozen) >= 4 and min(frozen) > 0, "each page starts with the survivors frozen"
    assert not any(automatic), "between pages only the collector's own steps collect"
    assert gc.get_freeze_count() == 0, "nothing stays frozen after the build"
    assert gc.isenabled(), "automatic collection is back after the build"


def test_a_failed_build_gives_the_collector_back(tmp_path: Path) -> None:
    write(tmp_path, {**_many(3), "hooks.py": _FAILING_HOOK})
    config = site_config("material", plugins=[{"preflight": {"fail_on": "never"}}], hooks=["hooks.py"])
    write_config(tmp_path, config)
    with pytest.raises(RuntimeError, match="a hook failed"):
        build_site(tmp_path)
    assert gc.isenabled() and gc.get_freeze_count() == 0


_FAILING_HOOK = """
def on_page_content(html, page, **kwargs):
    if page.file.src_uri.endswith("c01.md"):
        raise RuntimeError("a hook failed")
"""


def test_a_build_keeps_no_model_once_its_page_is_rendered_and_serve_keeps_them(tmp_path: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    write(tmp_path, _many(6))
    write_config(tmp_path, site_config("material", plugins=["search", {"preflight": {"fail_on": "never"}}]))
    for command in ("build", "serve"):
        config = load_config(str(tmp_path / "mkdocs.yml"))
        config.plugins.on_startup(command=command, dirty=False)
        plugin = config.plugins["preflight"]
        build(config)
        entries = list(plugin._entries.values())
        assert len(entries) == 6
        # Every page rendered: only the findings and the requirements page's part are kept.
        assert all(e.model is None and e.outcome is not None and e.contribution is not None for e in entries)
        assert sum(len(e.outcome.diagnostics) for e in entries if e.outcome) >= 6  # a missing script each
        assert len(plugin._cache._cached) == (6 if command == "serve" else 0)
        requirements_page = (tmp_path / "site" / "requirements" / "index.html").read_text(encoding="utf-8")
        assert "REQ-5" in requirements_page
