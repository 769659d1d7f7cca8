"""The content-hash cache of ``preflight check``: same findings warm and cold, exact invalidation.

Every test runs the real CLI on a real project. Whether a file was parsed is counted
by wrapping the engine's ``build`` (every parse goes through it, including the pages
the anchor rule reads), never by timing.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mkdocs_preflight
from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.engine import build as engine_build
from mkdocs_preflight.rules import cache as cache_module
from mkdocs_preflight.rules.cache import CACHEDIR_TAG, KEEP, CheckCache, Recorder, RecordingRepo, prune
from mkdocs_preflight.rules.context import RuleContext
from mkdocs_preflight.rules.repo import RepoIndex

from .conftest import Invoke, MakeProject, dedent

REPO = Path(__file__).resolve().parents[2]
GEN_CORPUS = REPO / "benchmarks" / "gen_corpus.py"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}

CONFIG = dedent(
    """
    site_name: cache test
    plugins:
      - preflight:
          registry: requirements.yml
          env_example: .env.example
    """
)

# Checklists with findings of many kinds, file-level and project-level, and suppressions
# whose use is only known after the project checks (PF102 is a project-level finding).
ZOO: dict[str, str | bytes] = {
    "checklists/zoo/a.md": dedent(
        """
        # Zoo A

        ## Prepare

        - [ ] First { #dup }
        - [ ] Second { #dup }
        - [] malformed checkbox
        <!-- preflight: ignore PF102 -->
        - [ ] Silenced reference (Requirement 99.9)
        - [ ] Loud reference (Requirement 98.1)
        <!-- preflight: ignore PF201 -->
        - [ ] Nothing to silence here
        - [ ] Done âœ… with mojibake
        - [ ] Read the [guide](../../docs/guide.md#install) and [missing](../../docs/guide.md#nope)
        - [ ] Known commit `{commit}` and unknown commit `deadbeef0123456789abcdef`

        ```bash
        make nosuch-target
        npm run nope
        python -m nosuchmodule
        deploy <app-id>
        rm -rf /srv/data
        echo "$DEPLOY_TOKEN $LISTED_VAR"
        cat ../../../outside.txt
        ```

        ```bash
        if then fi
        ```

        ```
        $ kubectl get pods
        ```

        ```console
        no prompt here
        ```

        ```bash id=bad timeout=60
        echo header
        ```
        """
    ),
    "checklists/zoo/b.md": "---\ntitle: [unclosed\n---\n# B\n\n- [ ] Run `./scripts/missing.sh` now\n",
    "checklists/zoo/c.md": b"# C\n\n- [ ] not UTF-8 \xff\xfe here\n",
    "docs/guide.md": "# Guide\n\n## Install\n\nText.\n",
    "package.json": '{"scripts": {"build": "true"}}\n',
    ".env.example": "LISTED_VAR=1\n",
}


# -- helpers ---------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    )
    return proc.stdout.strip()


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A generated corpus (40 files: enough for worker processes) plus the zoo, in a git repository."""
    root = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(GEN_CORPUS), str(root), "--files", "40", "--items", "12"],
        check=True,
        capture_output=True,
    )
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "corpus")
    commit = _git(root, "rev-parse", "HEAD")[:12]
    zoo = dict(ZOO)
    zoo["checklists/zoo/a.md"] = str(zoo["checklists/zoo/a.md"]).replace("{commit}", commit)
    _write(root, zoo)
    return root


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths of every file parsed in this process from now on (cleared by the caller)."""
    calls: list[str] = []
    real = engine_build.build  # every parse goes through it

    def counting(source: Any, matcher: Any) -> Any:
        calls.append(source.path)
        return real(source, matcher)

    monkeypatch.setattr(engine_build, "build", counting)
    return calls


Run = Callable[..., tuple[int, str]]


@pytest.fixture
def run(invoke: Invoke, parsed: list[str]) -> Run:
    """``run(root, *args)``: ``(exit code, JSON report)`` of ``preflight check``; resets ``parsed`` first."""

    def check(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
        parsed.clear()
        result = invoke(root, "check", "--format", "json", "--jobs", "1", *args, env=env)
        assert result.exit_code in (0, 1), result.output
        return result.exit_code, result.stdout

    return check


def _codes(report: str) -> list[str]:
    return [d["code"] for d in json.loads(report)["diagnostics"]]


def _findings(report: str, code: str) -> list[tuple[str, int]]:
    return [(d["path"], d["line"]) for d in json.loads(report)["diagnostics"] if d["code"] == code]


def _checklists(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "checklists").rglob("*.md"))


def _cache_files(root: Path) -> list[Path]:
    return sorted((root / ".preflight" / "cache").glob("check-*.json"))


def _entries(data: dict[str, Any]) -> dict[str, Any]:
    """The file entries of a cache file's data, decoded: ``{path: [sha256, rows, outcome]}``."""
    return {path: json.loads(text) for path, text in data["files"].items()}


def _with_entries(data: dict[str, Any], entries: dict[str, Any]) -> bytes:
    """A cache file whose entries are ``entries``, embedded as JSON text as the cache writes them."""
    files = {path: json.dumps(entry) for path, entry in entries.items()}
    return json.dumps(dict(data, files=files)).encode()


SIMPLE = {
    "mkdocs.yml": "site_name: t\nplugins:\n  - preflight\n",
    "checklists/a.md": "# A\n\n- [ ] Deploy with `./scripts/deploy.sh`\n",
    "checklists/b.md": "# B\n\n- [ ] Announce the window\n",
    "checklists/c.md": "# C\n\n- [ ] Build with `make build`\n",
    "checklists/d.md": "# D\n\n- [ ] Release with `make release`\n",
    "Makefile": ".PHONY: build\nbuild:\n\techo build\n",
}


@pytest.fixture
def simple(make_project: MakeProject) -> Path:
    root = make_project(SIMPLE)
    return root


# -- warm equals cold --------------------------------------------------------------------------


def test_warm_run_equals_cold_run_and_parses_nothing(corpus: Path, run: Run, parsed: list[str]) -> None:
    code, nocache = run(corpus, "--no-cache")
    kinds = set(_codes(nocache))
    # The corpus exercises many rules, file-level and project-level.
    expected = {"PF101", "PF102", "PF106", "PF107", "PF110", "PF111", "PF201", "PF203", "PF204", "PF206"}
    expected |= {"PF207", "PF208", "PF209", "PF301", "PF303", "PF304", "PF305", "PF306", "PF401", "PF402"}
    assert expected <= kinds, sorted(expected - kinds)
    zoo = [where for where in _findings(nocache, "PF102") if where[0].startswith("checklists/zoo/")]
    assert zoo == [("checklists/zoo/a.md", 10)]  # 99.9 is silenced, 98.1 is not
    assert not _cache_files(corpus)

    assert run(corpus) == (code, nocache)  # cold, writing the cache
    assert len(parsed) == len(_checklists(corpus)) + 1  # and docs/guide.md for its anchors
    assert len(_cache_files(corpus)) == 1

    assert run(corpus) == (code, nocache)  # warm
    assert parsed == []


def test_warm_text_output_and_exit_code_equal_cold(corpus: Path, invoke: Invoke, parsed: list[str]) -> None:
    cold = invoke(corpus, "check", "--no-cache")
    invoke(corpus, "check")
    parsed.clear()
    warm = invoke(corpus, "check")
    assert parsed == []
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    assert cold.exit_code == 1


def test_jobs_2_cold_and_warm_equal_serial(corpus: Path, run: Run, parsed: list[str]) -> None:
    expected = run(corpus, "--no-cache")
    assert run(corpus, "--jobs", "2") == expected  # workers record what their files asked
    assert parsed == []  # all parsed in the workers
    assert run(corpus, "--jobs", "2") == expected
    assert parsed == []  # every outcome came back from the workers with its questions
    (corpus / "checklists/zoo/b.md").write_text("# B\n\n- [ ] fixed\n", encoding="utf-8")
    expected = run(corpus, "--no-cache")
    assert run(corpus, "--jobs", "2") == expected
    assert parsed == ["checklists/zoo/b.md"]


# -- exact invalidation ---------------------------------------------------------------------------


def test_editing_one_file_reparses_only_that_file(corpus: Path, run: Run, parsed: list[str]) -> None:
    run(corpus)
    target = corpus / "checklists/zoo/a.md"
    target.write_text(target.read_text(encoding="utf-8").replace("- [] malformed checkbox\n", ""), encoding="utf-8")
    result = run(corpus)
    assert parsed == ["checklists/zoo/a.md", "docs/guide.md"]
    assert "PF106" not in _codes(result[1])
    assert result == run(corpus, "--no-cache")


def test_creating_and_deleting_a_referenced_file(simple: Path, run: Run, parsed: list[str]) -> None:
    _, report = run(simple)
    assert _findings(report, "PF201") == [("checklists/a.md", 3)]
    script = simple / "scripts/deploy.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    _, report = run(simple)
    assert parsed == ["checklists/a.md"]  # the only checklist that looked it up
    assert _findings(report, "PF201") == []
    script.chmod(0o644)
    _, report = run(simple)
    assert parsed == ["checklists/a.md"]
    assert _findings(report, "PF202") == [("checklists/a.md", 3)]
    script.unlink()
    _, report = run(simple)
    assert parsed == ["checklists/a.md"]
    assert _findings(report, "PF201") == [("checklists/a.md", 3)]
    run(simple)
    assert parsed == []


def test_makefile_target_change_rechecks_only_make_users(simple: Path, run: Run, parsed: list[str]) -> None:
    _, report = run(simple)
    assert _findings(report, "PF203") == [("checklists/d.md", 3)]
    (simple / "Makefile").write_text(".PHONY: build release\nbuild:\n\techo b\nrelease:\n\techo r\n", encoding="utf-8")
    _, report = run(simple)
    assert sorted(parsed) == ["checklists/c.md", "checklists/d.md"]
    assert _findings(report, "PF203") == []
    (simple / "Makefile").unlink()
    _, report = run(simple)
    assert sorted(parsed) == ["checklists/c.md", "checklists/d.md"]
    assert [path for path, _ in _findings(report, "PF203")] == ["checklists/c.md", "checklists/d.md"]


def test_linked_page_change_reaches_every_checklist_that_used_its_anchors(
    make_project: MakeProject, run: Run, parsed: list[str]
) -> None:
    # a.md parses the guide for its anchors; c.md reuses that parse from the rules' memo, so
    # c.md must depend on the guide too, although it never asked the repository itself.
    root = make_project(
        {
            "mkdocs.yml": "site_name: t\nplugins:\n  - preflight\n",
            "checklists/a.md": "# A\n\n- [ ] Read [install](../docs/guide.md#install)\n",
            "checklists/b.md": "# B\n\n- [ ] Nothing linked\n",
            "checklists/c.md": "# C\n\n- [ ] Also [install](../docs/guide.md#install)\n",
            "docs/guide.md": "# Guide\n\n## Install\n",
        }
    )
    _, report = run(root)
    assert _findings(report, "PF206") == []
    (root / "docs/guide.md").write_text("# Guide\n\n## Setup\n", encoding="utf-8")
    _, report = run(root)
    assert sorted(parsed) == ["checklists/a.md", "checklists/c.md", "docs/guide.md"]
    assert _findings(report, "PF206") == [("checklists/a.md", 3), ("checklists/c.md", 3)]
    assert run(root) == run(root, "--no-cache")


def test_file_changed_since_lock_is_reported_warm(make_project: MakeProject, invoke: Invoke, run: Run) -> None:
    root = make_project(
        {
            "checklists/deploy.md": "# Deploy\n\n- [ ] Back up with `./scripts/backup.sh` { #backup }\n",
            "checklists/other.md": "# Other\n\n- [ ] Announce\n",
            "scripts/backup.sh": "#!/bin/sh\necho backup\n",
        },
        config="site_name: t\nplugins:\n  - preflight\n",
    )
    (root / "scripts/backup.sh").chmod(0o755)
    assert invoke(root, "lock").exit_code == 0
    assert run(root)[0] == 0
    (root / "scripts/backup.sh").write_text("#!/bin/sh\necho backup --all\n", encoding="utf-8")
    code, report = run(root)
    assert code == 1
    assert _findings(report, "PF502") == [("checklists/deploy.md", 3)]
    assert invoke(root, "lock").exit_code == 0  # reviewed: the lock changes
    assert run(root)[0] == 0


def test_generated_script_change_is_noticed(make_project: MakeProject, invoke: Invoke, run: Run) -> None:
    root = make_project(
        {"checklists/deploy.md": "# Deploy\n\n- [ ] Say hello\n\n    ```bash\n    echo hello\n    ```\n"},
        config="site_name: t\nplugins:\n  - preflight\n",
    )
    assert invoke(root, "extract", "--format", "sh", "--out", "generated").exit_code == 0
    assert run(root, "--scripts-dir", "generated")[0] == 0
    script = next((root / "generated").rglob("*.sh"))
    script.write_text(script.read_text(encoding="utf-8") + "echo tampered\n", encoding="utf-8")
    code, report = run(root, "--scripts-dir", "generated")
    assert code == 1
    assert _codes(report) == ["PF501"]


@pytest.mark.parametrize(
    "change",
    ["mkdocs.yml option", "--select", "--ignore", "registry", "version", "code"],
)
def test_configuration_and_version_changes_recheck_everything(
    corpus: Path, run: Run, parsed: list[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    run(corpus)
    args: list[str] = []
    if change == "mkdocs.yml option":
        (corpus / "mkdocs.yml").write_text(CONFIG + "      ignore: [PF106]\n", encoding="utf-8")
    elif change == "--select":
        args = ["--select", "PF2"]
    elif change == "--ignore":
        args = ["--ignore", "PF3"]
    elif change == "registry":
        with (corpus / "requirements.yml").open("a", encoding="utf-8") as stream:
            stream.write('  "98.1": "Now defined"\n')
    elif change == "version":
        monkeypatch.setattr(mkdocs_preflight, "__version__", "99.0.0")
    else:  # an editable install: same version, other code
        monkeypatch.setattr(cache_module, "_CODE", "other code")
    result = run(corpus, *args)
    assert len(parsed) == len(_checklists(corpus)) + 1
    assert result == run(corpus, "--no-cache", *args)
    if change == "registry":
        assert ("checklists/zoo/a.md", 10) not in _findings(result[1], "PF102")
    run(corpus, *args)
    assert parsed == []


def test_each_configuration_keeps_its_own_cache_file(simple: Path, run: Run, parsed: list[str]) -> None:
    run(simple)
    run(simple, "--select", "PF2")
    assert len(_cache_files(simple)) == 2
    run(simple)
    assert parsed == []
    run(simple, "--select", "PF2")
    assert parsed == []


# -- robustness -------------------------------------------------------------------------------------


def _corruptions(valid: bytes) -> dict[str, bytes]:
    data = json.loads(valid)
    entries = _entries(data)
    bad_outcome = {
        path: [sha, rows, dict(outcome, d=[["PF201", "message", "not a line", 1, "error", False]])]
        for path, (sha, rows, outcome) in entries.items()
    }
    bad_query = dict(data, queries=[[["close"], "x"], [["file", "/etc/passwd"], "y"]])
    bad_deps = {path: [sha, [10**9, [1], "x"], outcome] for path, (sha, _rows, outcome) in entries.items()}
    foreign = dict(data, fingerprint="0" * 64)
    # The previous layout: the same entries as JSON objects, not text, and format 1.
    old = {path: {"sha256": sha, "deps": rows, "outcome": outcome} for path, (sha, rows, outcome) in entries.items()}
    return {
        "garbage": b"\x00\xffnot json at all",
        "truncated": valid[: len(valid) // 2],
        "empty": b"",
        "wrong shape": b'["a list"]',
        "deep nesting": b"[" * 100000 + b"]" * 100000,
        "bad outcome": _with_entries(data, bad_outcome),
        "bad queries": json.dumps(bad_query).encode(),
        "bad deps": _with_entries(data, bad_deps),
        "foreign fingerprint": json.dumps(foreign).encode(),
        "old format": json.dumps(dict(data, format=1, files=old)).encode(),
        "old entries": json.dumps(dict(data, files=old)).encode(),
        "entries not JSON": json.dumps(dict(data, files=dict.fromkeys(entries, "[not json"))).encode(),
        "entries of the wrong shape": _with_entries(data, {path: {"a": 1} for path in entries}),
        "entries nested deep": json.dumps(dict(data, files=dict.fromkeys(entries, "[" * 100000))).encode(),
        "files not a mapping": json.dumps(dict(data, files=list(entries))).encode(),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "garbage",
        "truncated",
        "empty",
        "wrong shape",
        "deep nesting",
        "bad outcome",
        "bad queries",
        "bad deps",
        "foreign fingerprint",
        "old format",
        "old entries",
        "entries not JSON",
        "entries of the wrong shape",
        "entries nested deep",
        "files not a mapping",
    ],
)
def test_corrupt_cache_is_ignored_and_rewritten(simple: Path, run: Run, parsed: list[str], kind: str) -> None:
    expected = run(simple)
    (cache_file,) = _cache_files(simple)
    cache_file.write_bytes(_corruptions(cache_file.read_bytes())[kind])
    assert run(simple) == expected  # no traceback: invoke() does not catch exceptions
    assert len(parsed) == 4
    assert json.loads(cache_file.read_bytes())["files"].keys() == {f"checklists/{n}.md" for n in "abcd"}
    assert run(simple) == expected
    assert parsed == []


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("{not json", id="not JSON"),
        pytest.param("[" * 100000, id="nested deep"),
        pytest.param('["%s", [0], {}, "extra"]', id="four items"),
        pytest.param("[1, [], {}]", id="sha not a string"),
        pytest.param('["%s", "rows", {}]', id="rows not a list"),
        pytest.param('["%s", [-1], {}]', id="row out of range"),
        pytest.param('["%s", [], {"d": "not a list"}]', id="bad outcome"),
        pytest.param('["%s", [], null]', id="no outcome"),
        pytest.param({"sha256": "%s", "deps": [], "outcome": {}}, id="old layout"),
        pytest.param(None, id="null"),
        pytest.param(42, id="number"),
    ],
)
def test_one_corrupt_entry_is_ignored_and_the_others_reused(
    simple: Path, run: Run, parsed: list[str], bad: object
) -> None:
    expected = run(simple)
    (cache_file,) = _cache_files(simple)
    data = json.loads(cache_file.read_bytes())
    sha = _entries(data)["checklists/b.md"][0]
    if isinstance(bad, str):
        bad = bad.replace("%s", sha)
    elif isinstance(bad, dict):
        bad = dict(bad, sha256=sha)
    data["files"]["checklists/b.md"] = bad
    cache_file.write_text(json.dumps(data), encoding="utf-8")
    assert run(simple) == expected
    assert parsed == ["checklists/b.md"]  # only the bad entry counted as absent
    assert set(_entries(json.loads(cache_file.read_bytes()))) == {f"checklists/{n}.md" for n in "abcd"}
    assert run(simple) == expected
    assert parsed == []


def test_entries_are_ascii_text_decoded_when_used(make_project: MakeProject, run: Run, parsed: list[str]) -> None:
    root = make_project(
        {
            "checklists/a.md": "# A\n\n- [ ] Done âœ… with mojibake\n",
            "checklists/ünï.md": "# Ü\n\n- [ ] Run `./scripts/ñope.sh` ✅\n",
            "checklists/b.md": "# B\n\n- [ ] Fine\n",
        },
        config="site_name: t\nplugins:\n  - preflight\n",
    )
    expected = run(root)
    (cache_file,) = _cache_files(root)
    raw = cache_file.read_bytes()
    assert raw.isascii()  # one byte a character once read, whatever the paths and messages
    data = json.loads(raw)
    assert data["format"] == cache_module.FORMAT == 2
    assert all(type(text) is str for text in data["files"].values())
    assert run(root) == expected
    assert parsed == []

    store = CheckCache(cache_file.parent, data["fingerprint"])
    assert store.loaded
    assert all(type(text) is str for text in store._old.values())  # nothing decoded yet
    sha = _entries(data)["checklists/ünï.md"][0]
    ctx = RuleContext(Project(load_settings(root / "mkdocs.yml")), record=True)
    try:
        hits = store.valid([("checklists/ünï.md", sha), ("checklists/b.md", "0" * 64)], ctx.answer)
    finally:
        ctx.close()
    assert list(hits) == ["checklists/ünï.md"]
    assert any("ñope.sh" in d.message for d in hits["checklists/ünï.md"].diagnostics)
    # The entry used is released; the others stay text (b.md: other bytes, so a miss).
    assert store._old.keys() == {"checklists/a.md", "checklists/b.md"}
    assert all(type(text) is str for text in store._old.values())


def test_cache_file_that_is_a_link_is_not_followed(simple: Path, run: Run, parsed: list[str]) -> None:
    expected = run(simple)
    (cache_file,) = _cache_files(simple)
    cache_file.unlink()
    cache_file.symlink_to("/dev/zero")  # reading through it would never end
    assert run(simple) == expected
    assert len(parsed) == 4
    assert not cache_file.is_symlink()  # replaced by a real file
    run(simple)
    assert parsed == []


def test_planted_questions_are_refused(simple: Path) -> None:
    project = Project(load_settings(simple / "mkdocs.yml"))
    ctx = RuleContext(project, record=True)
    for question in [("close",), ("file", "/etc/passwd"), ("sha256", "../../etc/passwd"), ("lock", "x")]:
        with pytest.raises(LookupError):
            ctx.answer(question)
    assert ctx.answer(("is_file", "Makefile")) is True
    ctx.close()


def test_no_cache_writes_nothing(simple: Path, run: Run, parsed: list[str]) -> None:
    expected = run(simple, "--no-cache")
    assert not (simple / ".preflight").exists()
    assert run(simple, env={"PREFLIGHT_NO_CACHE": "1"}) == expected
    assert not (simple / ".preflight").exists()
    run(simple)
    run(simple, "--no-cache")
    assert len(parsed) == 4  # --no-cache does not read it either


def test_cache_dir_option(simple: Path, run: Run, parsed: list[str], tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    expected = run(simple, "--cache-dir", str(elsewhere))
    assert not (simple / ".preflight").exists()
    assert len(list(elsewhere.glob("check-*.json"))) == 1
    assert run(simple, "--cache-dir", str(elsewhere)) == expected
    assert parsed == []


def test_cache_folder_is_marked_and_ignored_by_git(make_project: MakeProject, run: Run) -> None:
    root = make_project(SIMPLE, git=True)
    run(root)
    folder = root / ".preflight" / "cache"
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text(encoding="utf-8") == CACHEDIR_TAG
    assert _git(root, "status", "--porcelain", "--untracked-files=all") == ""


def test_unchanged_warm_run_does_not_rewrite(simple: Path, run: Run) -> None:
    run(simple)
    (cache_file,) = _cache_files(simple)
    before = cache_file.read_bytes()
    os.utime(cache_file, ns=(0, 0))
    run(simple)
    assert cache_file.read_bytes() == before
    assert cache_file.stat().st_mtime_ns > 0  # touched as used, so pruning keeps it


def test_fix_bypasses_reading_and_still_writes(make_project: MakeProject, run: Run, parsed: list[str]) -> None:
    root = make_project(
        {
            "checklists/a.md": "# A\n\n- [ ] Done âœ…\n",
            "checklists/b.md": "# B\n\n- [ ] Fine\n",
        },
        config="site_name: t\nplugins:\n  - preflight\n",
    )
    _, report = run(root)
    assert _codes(report) == ["PF401"]
    code, report = run(root, "--fix")
    assert code == 0
    assert sorted(parsed) == ["checklists/a.md", "checklists/a.md", "checklists/b.md"]  # a.md: before and after
    assert (root / "checklists/a.md").read_text(encoding="utf-8") == "# A\n\n- [ ] Done ✅\n"
    assert json.loads(report)["summary"]["fixed"] == 1
    code, report = run(root)
    assert parsed == []  # the fixed file's outcome was cached under its new bytes
    assert (code, _codes(report), json.loads(report)["summary"]["fixed"]) == (0, [], 0)


def test_partial_runs_keep_the_other_entries(simple: Path, run: Run, parsed: list[str]) -> None:
    run(simple, "checklists/a.md")
    run(simple, "checklists/b.md")
    run(simple, "checklists/a.md")
    assert parsed == []
    (simple / "checklists/b.md").unlink()
    run(simple, "checklists/a.md")
    assert parsed == []
    (cache_file,) = _cache_files(simple)
    assert set(json.loads(cache_file.read_bytes())["files"]) == {"checklists/a.md"}


def test_prune_keeps_the_most_recent_files(tmp_path: Path) -> None:
    for number in range(KEEP + 3):
        path = tmp_path / f"check-{number:016x}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, ns=(number * 10**9, number * 10**9))
    (tmp_path / ".check-1-ab.tmp").write_text("", encoding="utf-8")
    os.utime(tmp_path / ".check-1-ab.tmp", ns=(0, 0))
    (tmp_path / "unrelated.json").write_text("{}", encoding="utf-8")
    prune(tmp_path)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == [f"check-{n:016x}.json" for n in range(3, KEEP + 3)] + ["unrelated.json"]


# -- recording ---------------------------------------------------------------------------------------


def test_every_repository_method_is_recorded_or_known_to_be_pure() -> None:
    public = {name for name, _ in inspect.getmembers(RepoIndex, inspect.isfunction) if not name.startswith("_")}
    unclassified = public - cache_module.REPO_QUERIES - cache_module.REPO_PURE - {"close"}
    assert not unclassified, f"classify in rules/cache.py: {sorted(unclassified)}"
    assert public >= cache_module.REPO_QUERIES


def test_unknown_calls_make_a_file_uncacheable(tmp_path: Path) -> None:
    recorder = Recorder()
    proxy = RecordingRepo(RepoIndex(tmp_path), recorder)
    recorder.begin()
    assert proxy.is_file("x") is False
    facts = recorder.end()
    assert facts is not None and list(facts) == [("is_file", "x")]
    recorder.begin()
    proxy.close()
    assert recorder.end() is None


def test_unreadable_checklist_is_not_cached(make_project: MakeProject, run: Run, parsed: list[str]) -> None:
    root = make_project(
        {"checklists/a.md": "# A\n\n- [ ] fine\n"},
        config="site_name: t\nplugins:\n  - preflight\n",
    )
    (root / "checklists/b.md").symlink_to("nowhere.md")  # a broken link: PF403
    _, report = run(root)
    assert _codes(report) == ["PF403"]
    cached = json.loads(_cache_files(root)[0].read_bytes())["files"]
    assert set(cached) == {"checklists/a.md"}
    assert run(root)[1] == report


def test_library_check_without_cache_dir_keeps_no_cache(simple: Path) -> None:
    from mkdocs_preflight.rules import check

    result = check(Project(load_settings(simple / "mkdocs.yml")))
    assert result.cached == 0
    assert not (simple / ".preflight").exists()
    warm = check(Project(load_settings(simple / "mkdocs.yml")), cache_dir=simple / "c")
    again = check(Project(load_settings(simple / "mkdocs.yml")), cache_dir=simple / "c")
    assert (warm.cached, again.cached) == (0, 4)
    assert again.diagnostics == result.diagnostics == warm.diagnostics
    assert CheckCache(simple / "c", "0" * 64).loaded is False


def test_another_shellcheck_on_path_rechecks_everything(
    simple: Path, run: Run, parsed: list[str], tmp_path: Path
) -> None:
    run(simple)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "shellcheck"
    fake.write_text("#!/bin/sh\necho '{\"comments\": []}'\n", encoding="utf-8")
    fake.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    run(simple, env=env)
    assert len(parsed) == 4  # PF302 findings depend on which shellcheck runs
    run(simple, env=env)
    assert parsed == []


def test_fingerprint_is_the_same_in_every_process(simple: Path) -> None:
    command = [sys.executable, "-m", "mkdocs_preflight", "check", "--jobs", "1"]
    first = subprocess.run(command, cwd=simple, capture_output=True, text=True, check=False)
    (cache_file,) = _cache_files(simple)
    written = cache_file.read_bytes()
    second = subprocess.run(command, cwd=simple, capture_output=True, text=True, check=False)
    assert (second.returncode, second.stdout, second.stderr) == (first.returncode, first.stdout, first.stderr)
    assert _cache_files(simple) == [cache_file]
    assert cache_file.read_bytes() == written  # every entry was reused: nothing to write


def test_unwritable_cache_folder_does_not_fail_the_check(simple: Path, run: Run) -> None:
    (simple / ".preflight").write_text("a file where the folder would go\n", encoding="utf-8")
    assert run(simple) == run(simple, "--no-cache")


def test_code_digest_of_a_source_tree_follows_its_files(tmp_path: Path) -> None:
    # An editable install or a checkout: the name, size and time of every .py file count.
    package = tmp_path / "mkdocs_preflight"
    (package / "rules").mkdir(parents=True)
    (package / "__pycache__").mkdir()
    (package / "__init__.py").write_text("x = 1\n", encoding="utf-8")
    (package / "rules" / "a.py").write_text("y = 2\n", encoding="utf-8")
    (package / "__pycache__" / "junk.py").write_text("", encoding="utf-8")
    (package / "notes.txt").write_text("", encoding="utf-8")
    before = cache_module._source_digest(package)
    assert before.startswith("files:") and cache_module._source_digest(package) == before
    (package / "notes.txt").write_text("changed", encoding="utf-8")
    (package / "__pycache__" / "junk.py").write_text("changed", encoding="utf-8")
    assert cache_module._source_digest(package) == before  # neither is code
    module = package / "rules" / "a.py"
    stamp = module.stat()
    os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    assert cache_module._source_digest(package) != before  # an edit (same size) changes it
    os.utime(module, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert cache_module._source_digest(package) == before
    (package / "rules" / "b.py").write_text("", encoding="utf-8")
    assert cache_module._source_digest(package) != before  # so does a new module


def test_code_digest_of_a_wheel_install_is_its_record(tmp_path: Path) -> None:
    package = tmp_path / "mkdocs_preflight"
    package.mkdir()
    assert cache_module._wheel_record(package) is None  # no dist-info: a source tree
    info = tmp_path / f"mkdocs_preflight-{mkdocs_preflight.__version__}.dist-info"
    info.mkdir()
    (info / "RECORD").write_text("__editable__.mkdocs_preflight-0.1.0.pth,sha256=abc,20\n", encoding="utf-8")
    assert cache_module._wheel_record(package) is None  # an editable install lists no code
    record = "mkdocs_preflight/__init__.py,sha256=def,120\nmkdocs_preflight/model.py,sha256=ghi,900\n"
    (info / "RECORD").write_text(record, encoding="utf-8")
    assert cache_module._wheel_record(package) == record.encode()
