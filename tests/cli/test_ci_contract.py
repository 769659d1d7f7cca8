"""preflight in CI: the machine-readable formats and paths as GitHub, SARIF viewers and
JUnit readers expect them, through the real CLI on real projects."""

from __future__ import annotations

import json
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mkdocs_preflight.cli import main

BROKEN = "# Deploy\n- [] malformed\n- [ ] Run `./scripts/missing.sh`\n"


def _invoke(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_checklists_outside_the_mkdocs_folder_get_repository_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdocs.yml in `site/` with `checklists_dir: ../checklists`: preflight names such
    checklists `../checklists/deploy.md`; GitHub and SARIF need them from the repository's
    root, not glued after `site/`."""
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "site").mkdir()
    (repository / "checklists").mkdir()
    (repository / "site" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: ../checklists\n", encoding="utf-8"
    )
    (repository / "checklists" / "deploy.md").write_text(BROKEN, encoding="utf-8")
    github = _invoke(repository / "site", "check", "--format", "github", monkeypatch=monkeypatch)
    assert github.exit_code == 1
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in github.stdout.splitlines()}
    assert files == {"checklists/deploy.md"}, github.stdout
    sarif = json.loads(_invoke(repository / "site", "check", "--format", "sarif", monkeypatch=monkeypatch).stdout)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]]
    assert locations and all(loc == {"uri": "checklists/deploy.md", "uriBaseId": "%SRCROOT%"} for loc in locations)

    # A checklist outside the repository too: an absolute file URI, never a relative one.
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(BROKEN, encoding="utf-8")
    sarif = json.loads(
        _invoke(repository / "site", "check", "--format", "sarif", str(elsewhere), monkeypatch=monkeypatch).stdout
    )
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]]
    assert locations and all(loc == {"uri": elsewhere.resolve().as_uri()} for loc in locations)
    github = _invoke(repository / "site", "check", "--format", "github", str(elsewhere), monkeypatch=monkeypatch)
    assert f"file={elsewhere.resolve().as_posix().replace(':', '%3A')}," in github.stdout


def test_extract_out_with_paths_leaves_other_checklists_scripts_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extract --out DIR checklists/a.md` answers for a.md only: b.md's script is neither
    removed nor stale; a script whose checklist was deleted from a given folder is."""
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    for name in ("a", "b"):
        (root / "checklists" / f"{name}.md").write_text(
            f"# {name}\n- [ ] step\n  ```bash\n  echo {name}\n  ```\n", encoding="utf-8"
        )
    assert _invoke(root, "extract", "--format", "sh", "--out", "gen", monkeypatch=monkeypatch).exit_code == 0
    check_a = _invoke(
        root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists/a.md", monkeypatch=monkeypatch
    )
    assert check_a.exit_code == 0, check_a.output
    assert check_a.stdout == "1 generated script up to date\n"
    again = _invoke(root, "extract", "--format", "sh", "--out", "gen", "checklists/a.md", monkeypatch=monkeypatch)
    assert again.exit_code == 0 and "removed" not in again.output
    assert sorted(p.name for p in (root / "gen").iterdir()) == ["a.sh", "b.sh"]

    (root / "checklists" / "b.md").unlink()
    assert (
        _invoke(
            root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists/a.md", monkeypatch=monkeypatch
        ).exit_code
        == 0
    )
    stale = _invoke(root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists", monkeypatch=monkeypatch)
    assert stale.exit_code == 1
    assert "preflight: stale: gen/b.sh: no checklist produces it any more" in stale.stderr
    pruned = _invoke(root, "extract", "--format", "sh", "--out", "gen", "checklists", monkeypatch=monkeypatch)
    assert "removed gen/b.sh" in pruned.stdout
    assert sorted(p.name for p in (root / "gen").iterdir()) == ["a.sh"]


def test_report_output_into_a_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`preflight report LOG -o reports/junit.xml` in a fresh CI job, as `check --output` allows;
    the JUnit report of a step whose output holds control characters and `]]>` parses."""
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    (root / "checklists" / "c.md").write_text(
        '# C\n- [ ] c\n  ```bash\n  printf "bad \\001 ]]> end\\n"; exit 3\n  ```\n', encoding="utf-8"
    )
    assert _invoke(root, "run", "--yes", "checklists/c.md", monkeypatch=monkeypatch).exit_code == 1
    (log,) = (root / ".preflight" / "runs").glob("*.jsonl")
    for fmt in ("text", "markdown", "json", "junit"):
        result = _invoke(root, "report", str(log), "--format", fmt, "-o", f"reports/{fmt}/out", monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
        assert (root / "reports" / fmt / "out").stat().st_size > 0
    suites = ET.parse(root / "reports" / "junit" / "out").getroot()
    assert suites.get("failures") == "1"
    failure = suites.find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None and "]]> end" in failure.text
    data = json.loads((root / "reports" / "json" / "out").read_text(encoding="utf-8"))
    assert data["version"] == 1 and set(data) >= {"run", "steps", "items", "warnings"}
    assert data["run"]["checklist"] == "checklists/c.md"


DOCS = Path(__file__).resolve().parents[2] / "docs"
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "string or null": (str, type(None)),
    "bool": (bool,),
    "int": (int,),
    "list of strings": (list,),
    "list": (list,),
    "object": (dict,),
}
CONTRACT_DOC = (
    "---\ntitle: Deploy\nid: DEP\nowner: ops\ntags: [prod]\nrequirements:\n  REQ-7: Rollback plan\n---\n"
    "# Deploy\n\n## Prepare (Requirement REQ-7)\n\n"
    "- [x] Build with `make build` { #build }\n"
    "  - [ ] Check `dist/app.tar.gz`\n"
    "    ```bash timeout=5\n    # REQ-7\n    echo ok\n    ```\n"
    "- [ ] Smoke\n  ```console\n  $ echo hi\n  hi\n  ```\n"
)


def _documented(section: str) -> dict[str, tuple[type, ...]]:
    """The fields of a table under ``### <section>`` in docs/json.md, with their types."""
    text = (DOCS / "json.md").read_text(encoding="utf-8")
    table = text.split(f"### {section}\n", 1)[1].split("\n#", 1)[0]
    fields: dict[str, tuple[type, ...]] = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        for name in re.findall(r"`([a-z_]+)`", cells[0]):
            fields[name] = TYPES[cells[1]]
    assert fields, f"no table under ### {section}"
    return fields


def _conforms(obj: dict[str, Any], fields: dict[str, tuple[type, ...]], where: str) -> None:
    for name, types in fields.items():
        assert name in obj, f"{where}: documented field {name!r} missing"
        assert isinstance(obj[name], types), f"{where}: {name!r} is {type(obj[name]).__name__}, documented {types}"
    undocumented = set(obj) - set(fields) - {"path"}
    assert not undocumented, f"{where}: fields not in docs/json.md: {sorted(undocumented)}"


def test_list_and_extract_json_match_docs_json_md(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    (root / "checklists" / "deploy.md").write_text(CONTRACT_DOC, encoding="utf-8")
    items, blocks = _documented("Items"), _documented("Blocks")

    listed = _invoke(root / "sub", "list", "--format", "json", monkeypatch=monkeypatch)
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert set(data) == {"version", "checklists", "registry"} and data["version"] == 1
    assert data["registry"] == {"path": None, "defined": []}
    (checklist,) = data["checklists"]
    assert set(checklist) == {
        "path", "title", "sha256", "prefix", "owner", "tags", "progress",
        "sections", "items", "blocks", "requirements", "diagnostics",
    }  # fmt: skip
    assert checklist["path"] == "checklists/deploy.md"  # from the root, though run in sub/
    assert (checklist["title"], checklist["prefix"], checklist["owner"], checklist["tags"]) == (
        "Deploy", "DEP", "ops", ["prod"],
    )  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{64}", checklist["sha256"])
    assert checklist["progress"] == {"done": 1, "total": 3}
    for section in checklist["sections"]:
        assert set(section) == {"title", "slug", "level", "line", "parent", "ordinal", "requirements"}
    assert checklist["sections"][1]["requirements"] == ["REQ-7"]
    for item in checklist["items"]:
        _conforms(item, items, f"item {item['id']}")
        assert item["global_id"] == f"checklists/deploy#{item['id']}"
        for span in item["code_spans"]:
            assert set(span) == {"text", "kind", "line", "col"} and span["kind"] in {"command", "path", "literal"}
    assert checklist["items"][0]["explicit_id"] is True and checklist["items"][0]["checked"] is True
    assert [b for b in checklist["blocks"] if "path" in b] == []
    for block in checklist["blocks"]:
        _conforms(block, blocks, f"block {block['id']}")
        for command in block["commands"]:
            assert set(command) <= {"text", "line", "expected"}
    console = [b for b in checklist["blocks"] if b["lang"] == "console"]
    assert console and console[0]["commands"] == [{"text": "echo hi", "line": console[0]["line"] + 1, "expected": "hi"}]
    assert checklist["requirements"]["defined"] == [
        {"id": "REQ-7", "title": "Rollback plan", "source": "front-matter", "path": "checklists/deploy.md", "line": 7}
    ]
    for ref in checklist["requirements"]["referenced"]:
        assert set(ref) == {"id", "line", "col", "context"}

    extracted = _invoke(root / "sub", "extract", "--format", "json", monkeypatch=monkeypatch)
    assert extracted.exit_code == 0, extracted.output
    data = json.loads(extracted.stdout)
    assert set(data) == {"version", "blocks"} and data["version"] == 1
    assert data["blocks"] and all(b["path"] == "checklists/deploy.md" for b in data["blocks"])
    for block in data["blocks"]:
        _conforms(block, blocks, f"extracted block {block['id']}")
        assert block["runnable"] is True


def test_extract_out_keeps_scripts_of_checklists_outside_the_root_inside_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`checklists_dir: ../checklists`: `extract --out gen` wrote `checklists/deploy.sh`
    next to the checklist (an absolute path joined to `gen`), and PF501 looked there too."""
    repository = tmp_path / "repo"
    (repository / "site").mkdir(parents=True)
    (repository / "checklists").mkdir()
    (repository / "site" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: ../checklists\n", encoding="utf-8"
    )
    (repository / "checklists" / "deploy.md").write_text("# D\n- [ ] s\n  ```bash\n  echo d\n  ```\n", encoding="utf-8")
    result = _invoke(repository / "site", "extract", "--format", "sh", "--out", "gen", monkeypatch=monkeypatch)
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote gen/deploy.sh\n"
    assert sorted(p.relative_to(repository).as_posix() for p in repository.rglob("*.sh")) == ["site/gen/deploy.sh"]
    check = _invoke(repository / "site", "check", "--select", "PF501", "--scripts-dir", "gen", monkeypatch=monkeypatch)
    assert check.exit_code == 0, check.output
    again = _invoke(
        repository / "site", "extract", "--format", "sh", "--out", "gen", "--check", monkeypatch=monkeypatch
    )
    assert (again.exit_code, again.stdout) == (0, "1 generated script up to date\n")

    # Given on the command line from outside the project: still a file inside `--out`.
    elsewhere = tmp_path / "other" / "x.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text("# X\n- [ ] s\n  ```bash\n  echo x\n  ```\n", encoding="utf-8")
    _invoke(repository / "site", "extract", "--format", "sh", "--out", "gen", str(elsewhere), monkeypatch=monkeypatch)
    assert all(p.is_relative_to(repository / "site" / "gen") for p in tmp_path.rglob("*.sh"))


def test_github_paths_start_at_the_workspace_without_a_git_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """actions/checkout without git on the runner downloads the files, no `.git`: the
    annotations of a project in `ops/` must still point at `ops/checklists/a.md`."""
    workspace = tmp_path / "workspace"
    (workspace / "ops" / "checklists").mkdir(parents=True)
    (workspace / "ops" / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    (workspace / "ops" / "checklists" / "a.md").write_text(BROKEN, encoding="utf-8")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(workspace))
    github = _invoke(workspace / "ops", "check", "--format", "github", monkeypatch=monkeypatch)
    assert github.stdout.startswith("::warning file=ops/checklists/a.md,line=2,"), github.stdout
    sarif = json.loads(_invoke(workspace / "ops", "check", "--format", "sarif", monkeypatch=monkeypatch).stdout)
    run = sarif["runs"][0]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "ops/checklists/a.md"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == workspace.resolve().as_uri() + "/"
    # A project outside the workspace keeps its own paths.
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path / "elsewhere"))
    github = _invoke(workspace / "ops", "check", "--format", "github", monkeypatch=monkeypatch)
    assert github.stdout.startswith("::warning file=checklists/a.md,line=2,"), github.stdout


def _hint(stderr: str, before: str, after: str = "") -> list[str]:
    """The words of the command a hint in ``stderr`` suggests, as a shell would split them."""
    line = next(line for line in stderr.splitlines() if before in line)
    command = line.split(before, 1)[1]
    command = command.split(after, 1)[0] if after else command
    words = shlex.split(command)
    assert words[0] == "preflight"
    return words[1:]


def test_hints_to_renew_reproduce_the_command_that_found_them_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extract --check`, `lock --check` and `ids --check` suggest the command that
    renews what they found stale: with the user's -f, paths and filters, quoted for the
    shell, so that running it as printed makes the check pass."""
    site = tmp_path / "site dir"
    (site / "checklists").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    deploy = "# Deploy\n\n## Roll back\n\n- [ ] Run `./go.sh`\n  ```bash\n  ./go.sh --undo\n  ```\n"
    (site / "checklists" / "it's.md").write_text(deploy, encoding="utf-8")
    (site / "checklists" / "other.md").write_text("# Other\n\n- [ ] x\n  ```bash\n  echo x\n  ```\n", "utf-8")
    (site / "go.sh").write_text("echo go\n", encoding="utf-8")
    config = ["-f", "site dir/mkdocs.yml"]
    path = "site dir/checklists/it's.md"

    extract = [*config, "extract", "--format", "sh", "--out", "gen out", "--section", "Roll back", "--lang", "bash"]
    stale = _invoke(tmp_path, *extract, "--check", path, monkeypatch=monkeypatch)
    assert stale.exit_code == 1
    rerun = _hint(stale.stderr, "run: ")
    assert rerun == [*extract, path]
    assert _invoke(tmp_path, *rerun, monkeypatch=monkeypatch).exit_code == 0
    assert _invoke(tmp_path, *extract, "--check", path, monkeypatch=monkeypatch).exit_code == 0
    assert [p.name for p in (tmp_path / "gen out").iterdir()] == ["it's.sh"]

    lock = _invoke(tmp_path, "lock", *config, "--check", path, monkeypatch=monkeypatch)
    assert lock.exit_code == 1
    rerun = _hint(lock.stderr, "then run `", "`")
    assert rerun == [*config, "lock", path]
    assert _invoke(tmp_path, *rerun, monkeypatch=monkeypatch).exit_code == 0
    assert _invoke(tmp_path, "lock", *config, "--check", path, monkeypatch=monkeypatch).exit_code == 0

    ids = _invoke(tmp_path, "ids", "--check", *config, path, monkeypatch=monkeypatch)
    assert ids.exit_code == 1
    rerun = _hint(ids.stderr, "run: ")
    assert rerun == [*config, "ids", "--write", path]
    assert _invoke(tmp_path, *rerun, monkeypatch=monkeypatch).exit_code == 0
    assert _invoke(tmp_path, "ids", "--check", *config, path, monkeypatch=monkeypatch).exit_code == 0
    assert "{ #" not in (site / "checklists" / "other.md").read_text(encoding="utf-8")
