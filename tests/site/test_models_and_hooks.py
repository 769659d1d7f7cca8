"""Each checklist is parsed once (cached across rebuilds, or in a worker process), and the
hooks other parts of preflight plug into."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from site_html import parse
from site_support import build_site, items_of, site_config, write, write_config

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.engine.project import default_matcher
from mkdocs_preflight.site import models
from mkdocs_preflight.site.context import Outcome, PageContext
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


def _many(count: int) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"docs/index.md": "# Home\n"}
    for number in range(count):
        files[f"checklists/team-{number % 3}/c{number:02}.md"] = (
            f"# Checklist {number}\n\n## Steps\n\n- [ ] First step of {number}\n- [x] Second step REQ-{number}\n"
            f"    - [ ] Nested {{ #pinned-{number} }}\n\n```bash id=run-{number}\necho {number}\n```\n"
        )
    return files


def test_the_worker_process_gives_the_same_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    count = models.PARALLEL_MIN + 8
    pages: dict[str, dict[str, str]] = {}
    started: list[bool] = []
    start = models.ModelCache.start

    def recording_start(self: models.ModelCache, order: list[models.Model]) -> None:
        start(self, order)
        started.append(self._pool is not None)

    monkeypatch.setattr(models.ModelCache, "start", recording_start)
    for mode in ("worker", "serial"):
        root = tmp_path / mode
        write(root, _many(count))
        write_config(root, site_config("material", plugins=["search", "preflight"]))
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
        assert list(items_of(first)) == ["first-step-of-0", "second-step", "pinned-0"]
    assert started == [True, False], "the first build used a worker, the second did not"
    assert pages["worker"] == pages["serial"]


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
