"""`preflight init` in fresh and existing repositories, through the real CLI.

Right after `preflight init`, `mkdocs build --strict`, `preflight check` and
`preflight run --dry-run checklists/example.md` must all succeed.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.scaffold import yaml_scalar

# As in an activated virtual environment: `mkdocs` and `preflight` are on PATH.
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "PYTHONUTF8": "1",
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
}
ENV.pop("PREFLIGHT_CONFIG", None)


def sh(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a command without a terminal, as CI does."""
    return subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)


def preflight(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return sh(sys.executable, "-m", "mkdocs_preflight", *args, cwd=cwd)


def mkdocs_build(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return sh(sys.executable, "-m", "mkdocs", "build", "--strict", *args, cwd=cwd)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository."""
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    return root


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, no tags, entities decoded."""
    page = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


def test_fresh_repository_builds_checks_and_plans_right_after_init(repo: Path) -> None:
    out = ok(preflight("init", cwd=repo))
    assert {"mkdocs.yml", "docs/index.md", "checklists/example.md"} <= set(snapshot(repo))
    assert "created    mkdocs.yml" in out
    assert "preflight run --dry-run checklists/example.md" in out
    config = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "repo"
    assert config["theme"]["name"] == "material"
    assert config["plugins"] == ["search", {"preflight": {"checklists_dir": "checklists"}}]

    built = mkdocs_build(repo)
    ok(built)
    assert "WARNING" not in built.stderr
    page = (repo / "site" / "checklists" / "example" / "index.html").read_text(encoding="utf-8")
    assert 'id="config-present"' in page
    text = visible_text(page)
    assert "Confirm the configuration is in place" in text
    assert "{ #config-present }" not in text
    assert 'echo "Released version <version>"' in text

    check = preflight("check", cwd=repo)
    assert check.returncode == 0, f"preflight check is not clean on the example:\n{check.stdout}\n{check.stderr}"

    plan = ok(preflight("run", "--dry-run", "checklists/example.md", cwd=repo))
    assert "remove-site" in plan
    assert "version" in plan


def test_the_example_shows_every_feature(repo: Path) -> None:
    ok(preflight("init", cwd=repo))
    data = json.loads(ok(preflight("list", "--format", "json", cwd=repo)))
    (example,) = data["checklists"]
    items = {item["id"]: item for item in example["items"]}
    blocks = {block["id"]: block for block in example["blocks"]}
    assert any(item["checked"] for item in items.values()), "a done item"
    assert items["config-present"]["parent"] is None, "a pinned ID"
    assert any(item["parent"] == "config-present" for item in items.values()), "nested items"
    assert {d["id"] for d in example["requirements"]["defined"]} == {"REQ-1", "REQ-2"}
    assert {"REQ-1", "REQ-2"} <= {req for item in items.values() for req in item["requirements"]}
    langs = {block["lang"] for block in blocks.values() if block["runnable"]}
    assert {"bash", "console"} <= langs, "runnable bash and console blocks"
    assert any(block["manual"] and block["lang"] == "bash" for block in blocks.values()), "a manual block"
    assert any("<version>" in block["code"] for block in blocks.values()), "a placeholder"
    assert "build-site" in blocks, "a block ID in an HTML comment"
    assert blocks["remove-site"]["options"] == {"id": "remove-site", "destructive": "true"}, (
        "a block ID and option in the brace form"
    )
    text = (repo / "checklists" / "example.md").read_text(encoding="utf-8")
    assert "\n!!! tip" in text, "an admonition"
    assert 'data-destructive="true"' in text


def test_the_example_really_runs(repo: Path) -> None:
    ok(preflight("init", cwd=repo))
    result = preflight(
        "run", "checklists/example.md", "--yes", "--var", "version=1.2.3", "--allow-destructive", cwd=repo
    )
    ok(result)
    assert "Released version 1.2.3" in result.stdout
    assert not (repo / "site").exists(), "the destructive step removed the built site"
    (log,) = (repo / ".preflight" / "runs").glob("*.jsonl")
    statuses = [json.loads(line).get("status") for line in log.read_text(encoding="utf-8").splitlines()]
    assert "failed" not in statuses


def test_refuses_to_overwrite_without_force(repo: Path) -> None:
    ok(preflight("init", cwd=repo))
    example = repo / "checklists" / "example.md"
    example.write_text("# Mine\n- [ ] keep me\n", encoding="utf-8")
    before = snapshot(repo)
    again = preflight("init", cwd=repo)
    assert again.returncode == 2
    assert again.stderr == ("preflight: error: checklists/example.md: already exists (use --force to overwrite it)\n")
    assert again.stdout == ""
    assert snapshot(repo) == before, "nothing written on refusal"

    forced = preflight("init", "--force", cwd=repo)
    assert "overwrote  checklists/example.md" in ok(forced)
    assert "kept       mkdocs.yml" in forced.stdout
    assert "keep me" not in example.read_text(encoding="utf-8")


EXISTING = """\
# Our docs. Keep this comment!
site_name: Team handbook   # shown in the header
theme:
  name: mkdocs

plugins:
  - search          # built-in search

nav:
  - Home: index.md
"""


def test_existing_config_gains_the_plugin_and_keeps_content_and_comments(repo: Path) -> None:
    (repo / "mkdocs.yml").write_text(EXISTING, encoding="utf-8")
    (repo / "docs").mkdir()
    (repo / "docs" / "index.md").write_text("# Handbook\n", encoding="utf-8")
    result = preflight("init", cwd=repo)
    out = ok(result)
    assert "updated    mkdocs.yml" in out
    assert result.stderr == (
        "note: mkdocs.yml does not enable admonition, attr_list, pymdownx.superfences, pymdownx.tasklist; "
        "the example's code blocks and tips render as plain text without them. Add them to markdown_extensions "
        "(init leaves that to you: they can change how your other pages render).\n"
    )
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == EXISTING.replace(
        "  - search          # built-in search\n", "  - search          # built-in search\n  - preflight\n"
    )
    assert (repo / "docs" / "index.md").read_text(encoding="utf-8") == "# Handbook\n"
    assert (repo / "checklists" / "example.md").is_file()
    ok(mkdocs_build(repo))
    assert (repo / "site" / "checklists" / "example" / "index.html").is_file()


def test_no_note_when_the_extensions_are_there(repo: Path) -> None:
    extensions = "markdown_extensions:\n  - markdown.extensions.admonition\n  - attr_list\n"
    extensions += "  - pymdownx.superfences\n  - pymdownx.tasklist:\n      custom_checkbox: true\n"
    (repo / "mkdocs.yml").write_text(EXISTING + extensions, encoding="utf-8")
    result = preflight("init", cwd=repo)
    ok(result)
    assert result.stderr == ""


def test_existing_preflight_options_choose_where_the_example_goes(repo: Path) -> None:
    config = "site_name: x\nplugins:\n  - preflight:\n      checklists_dir: [ops/runbooks, '*.md']\n"
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = ok(preflight("init", cwd=repo))
    assert "kept       mkdocs.yml" in out
    assert "preflight run --dry-run ops/runbooks/example.md" in out
    assert (repo / "ops" / "runbooks" / "example.md").is_file()
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert (repo / "docs" / "index.md").is_file()


def test_a_config_that_cannot_be_edited_safely_gets_instructions_and_exit_1(repo: Path) -> None:
    config = "site_name: x\nplugins: [search,\n          tags]\n"
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = preflight("init", cwd=repo)
    assert result.returncode == 1
    assert "mkdocs.yml: not changed: its `plugins:` value is not a block or one-line list." in result.stderr
    assert "      - preflight\n" in result.stderr
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert (repo / "checklists" / "example.md").is_file(), "the rest is written"


def test_inherit_without_plugins_is_not_edited(repo: Path) -> None:
    (repo / "base.yml").write_text("theme: mkdocs\n", encoding="utf-8")
    (repo / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: x\n", encoding="utf-8")
    result = preflight("init", cwd=repo)
    assert result.returncode == 1
    assert "INHERIT" in result.stderr


def test_a_plugin_from_an_inherited_file_is_used_and_mkdocs_yml_left_alone(repo: Path) -> None:
    # The inherited file is elsewhere; its checklists_dir is relative to mkdocs.yml, as in MkDocs.
    (repo / "shared").mkdir()
    base = "site_name: Base\ndocs_dir: pages\nplugins:\n  - search\n  - preflight:\n      checklists_dir: runbooks\n"
    (repo / "shared" / "base.yml").write_text(base, encoding="utf-8")
    config = "INHERIT: shared/base.yml  # the team's settings\nsite_name: Ops\n"
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    out = ok(preflight("init", cwd=repo))
    assert "kept       mkdocs.yml  (the preflight plugin comes from the file it inherits)" in out
    assert "preflight run --dry-run runbooks/example.md" in out
    assert (repo / "mkdocs.yml").read_text(encoding="utf-8") == config
    assert set(snapshot(repo)) == {"mkdocs.yml", "shared/base.yml", "pages/index.md", "runbooks/example.md"}
    ok(preflight("check", cwd=repo))
    ok(mkdocs_build(repo))
    assert (repo / "site" / "checklists" / "example" / "index.html").is_file()


def test_a_missing_inherited_file_is_one_line_exit_2_and_nothing_written(repo: Path) -> None:
    (repo / "mkdocs.yml").write_text("site_name: x\nINHERIT: ../base.yml\n", encoding="utf-8")
    result = preflight("init", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith("preflight: error: mkdocs.yml:2:10: inherited file '../base.yml' does not exist")
    assert result.stderr.count("\n") == 1
    assert set(snapshot(repo)) == {"mkdocs.yml"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"site_name: x\nplugins: [search\n", "preflight: error: mkdocs.yml:3:1: invalid YAML: expected ',' or ']'"),
        (b"site_name: \xff\n", "preflight: error: mkdocs.yml: not valid UTF-8 (byte 12)"),
    ],
)
def test_unreadable_config_is_one_line_exit_2_and_nothing_written(repo: Path, content: bytes, message: str) -> None:
    (repo / "mkdocs.yml").write_bytes(content)
    result = preflight("init", cwd=repo)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert set(snapshot(repo)) == {"mkdocs.yml"}


def test_bom_and_crlf_are_kept(repo: Path) -> None:
    config = "\ufeffsite_name: x\r\nplugins:\r\n  - search\r\n"
    (repo / "mkdocs.yml").write_bytes(config.encode("utf-8"))
    ok(preflight("init", cwd=repo))
    assert (repo / "mkdocs.yml").read_bytes().decode("utf-8") == config + "  - preflight\r\n"


def test_init_creates_a_missing_folder_and_names_the_site(tmp_path: Path) -> None:
    out = ok(preflight("init", "new project", "--site-name", "Ops: runbooks # 2", cwd=tmp_path))
    root = tmp_path / "new project"
    assert "cd 'new project'" in out
    assert yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"] == "Ops: runbooks # 2"
    assert (root / "docs" / "index.md").read_text(encoding="utf-8").startswith("# Home\n")
    ok(mkdocs_build(root))


def test_a_file_in_the_way_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x", encoding="utf-8")
    result = preflight("init", "taken", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "preflight: error: taken: not a folder\n"


def test_a_file_where_a_folder_goes_is_refused_before_anything_is_written(repo: Path) -> None:
    (repo / "checklists").write_text("not a folder\n", encoding="utf-8")
    result = preflight("init", cwd=repo)
    assert result.returncode == 2
    assert result.stderr == (
        "preflight: error: checklists: exists and is not a folder (needed for checklists/example.md)\n"
    )
    assert set(snapshot(repo)) == {"checklists"}, "no mkdocs.yml, no docs/index.md"


def test_help_teaches_with_examples(repo: Path) -> None:
    out = ok(preflight("init", "--help", cwd=repo))
    assert "preflight init my-runbooks" in out
    assert "--force" in out


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_site_name_survives_the_yaml_template(name: str) -> None:
    text = f"site_name: {yaml_scalar(name)}\ndocs_dir: docs\n"
    assert yaml.safe_load(text) == {"site_name": name, "docs_dir": "docs"}


def test_properdocs_builds_the_initialised_repository(repo: Path) -> None:
    ok(preflight("init", cwd=repo))
    built = sh(sys.executable, "-m", "properdocs", "build", "--strict", cwd=repo)
    ok(built)
    assert (repo / "site" / "checklists" / "example" / "index.html").is_file()
