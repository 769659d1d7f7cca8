"""``INHERIT:`` in ``mkdocs.yml``: the CLI reads the options exactly as MkDocs builds with them."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from site_support import build_site, run_cli, write

from mkdocs_preflight.config import ConfigError, load_settings

CHECKLIST = "# A\n\n- [ ] Run `./scripts/x.sh`\n- [] sloppy\n"
FINDING = re.compile(r"mkdocs_preflight: (?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<code>PF\d+) ")


def _plugin_options(root: Path) -> dict[str, Any]:
    """The preflight options MkDocs itself loads from ``root/mkdocs.yml``."""
    (root / "docs").mkdir(exist_ok=True)
    config = load_config(str(root / "mkdocs.yml"))
    return dict(config.plugins["preflight"].config)


def _cli_findings(root: Path) -> tuple[int, set[tuple[str, int, int, str]]]:
    result = run_cli(root, "preflight", "check", "--format", "json", "--no-cache")
    assert result.returncode in (0, 1), result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    return result.returncode, {(d["path"], d["line"], d["col"], d["code"]) for d in found}


def test_check_finds_the_checklists_an_inherited_file_configures_like_mkdocs(tmp_path: Path) -> None:
    # The parent is in another folder; its paths are still relative to mkdocs.yml, as in MkDocs.
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "runbooks/a.md": CHECKLIST,
            "config/runbooks/decoy.md": "# Decoy\n\n- [ ] Run `./scripts/decoy.sh`\n",
            "config/base.yml": (
                "site_name: Base\nplugins:\n  - search\n  - preflight:\n      checklists_dir: runbooks\n"
                "      fail_on: warning\n"
            ),
            "mkdocs.yml": "INHERIT: config/base.yml\nsite_name: Child\n",
        },
    )
    built = build_site(tmp_path)
    assert not built.ok
    from_build = set()
    for message in built.logged(logging.WARNING):
        match = FINDING.search(message)
        if match:
            from_build.add((match["path"], int(match["line"]), int(match["col"]), match["code"]))
    code, from_cli = _cli_findings(tmp_path)
    assert from_cli == from_build == {("runbooks/a.md", 3, 12, "PF201"), ("runbooks/a.md", 4, 3, "PF106")}
    assert code == 1, "fail_on: warning comes from the inherited file too"
    settings = load_settings(tmp_path / "mkdocs.yml")
    assert settings.root == tmp_path.resolve()
    assert settings.mkdocs["site_name"] == "Child"
    assert "INHERIT" not in settings.mkdocs


@pytest.mark.parametrize(
    ("parent", "child", "expected"),
    [
        pytest.param(
            "plugins:\n  search: {}\n  preflight:\n    checklists_dir: runbooks\n    fail_on: never\n"
            "    levels: {PF1: info}\n",
            "plugins:\n  preflight:\n    fail_on: warning\n    levels: {PF2: error}\n",
            {"checklists_dir": "runbooks", "fail_on": "warning", "levels": {"PF1": "info", "PF2": "error"}},
            id="mappings-merge",
        ),
        pytest.param(
            "plugins:\n  - search\n  - preflight:\n      checklists_dir: runbooks\n      fail_on: never\n",
            "plugins:\n  - preflight:\n      select: [PF1]\n",
            {"checklists_dir": "checklists", "fail_on": "error", "select": ["PF1"]},
            id="a-list-replaces",
        ),
        pytest.param(
            "plugins:\n  - preflight:\n      checklists_dir: runbooks\n      select: [PF1, PF2]\n",
            "plugins:\n  - preflight:\n      select: [PF3]\n  - search\n",
            {"checklists_dir": "checklists", "select": ["PF3"]},
            id="lists-are-not-concatenated",
        ),
    ],
)
def test_a_child_overrides_the_parent_as_mkdocs_merges(
    tmp_path: Path, parent: str, child: str, expected: dict[str, Any]
) -> None:
    write(tmp_path, {"base.yml": f"site_name: Base\n{parent}", "mkdocs.yml": f"INHERIT: base.yml\n{child}"})
    settings = load_settings(tmp_path / "mkdocs.yml")
    assert {name: settings.values[name] for name in expected} == expected
    assert settings.values == _plugin_options(tmp_path)


def test_a_chain_of_inherits_is_followed_relative_to_each_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "org/base.yml": "site_name: Org\ntheme: mkdocs\nplugins:\n  preflight:\n    checklists_dir: runbooks\n",
            "teams/ops/team.yml": "INHERIT: ../../org/base.yml\nplugins:\n  preflight:\n    fail_on: info\n",
            "mkdocs.yml": "INHERIT: teams/ops/team.yml\nsite_name: Ops\n",
        },
    )
    settings = load_settings(tmp_path / "mkdocs.yml")
    assert settings.values["checklists_dir"] == "runbooks"
    assert settings.values["fail_on"] == "info"
    assert settings.mkdocs["site_name"] == "Ops"
    assert settings.mkdocs["theme"] == "mkdocs"
    assert settings.values == _plugin_options(tmp_path)


def test_a_bad_option_in_the_parent_is_reported_where_it_is_written(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "config/base.yml": "site_name: B\nplugins:\n  - preflight:\n      fail_on: sometimes\n      nav_titel: x\n",
            "mkdocs.yml": "INHERIT: config/base.yml\n",
        },
    )
    with pytest.raises(ConfigError, match=r"^config/base\.yml:4:7: preflight: option 'fail_on' must be one of"):
        load_settings(tmp_path / "mkdocs.yml")
    (tmp_path / "config/base.yml").write_text("plugins:\n  - preflight:\n      nav_titel: x\n", encoding="utf-8")
    (warning,) = load_settings(tmp_path / "mkdocs.yml").warnings
    assert warning.startswith("config/base.yml:3:7: preflight: unknown option 'nav_titel'")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"mkdocs.yml": "site_name: x\nINHERIT: missing.yml\n"},
            r"mkdocs\.yml:2:10: inherited file 'missing.yml' does not exist \(.*missing\.yml\)",
            id="missing",
        ),
        pytest.param(
            {"mkdocs.yml": "INHERIT: a.yml\n", "a.yml": "INHERIT: sub/b.yml\n", "sub/b.yml": "INHERIT: ../a.yml\n"},
            r"sub/b\.yml:1:10: INHERIT loop: mkdocs\.yml -> a\.yml -> sub/b\.yml -> a\.yml",
            id="loop",
        ),
        pytest.param(
            {"mkdocs.yml": "INHERIT: mkdocs.yml\n"},
            r"mkdocs\.yml:1:10: INHERIT loop: mkdocs\.yml -> mkdocs\.yml",
            id="self",
        ),
        pytest.param(
            {"mkdocs.yml": "INHERIT: base.yml\n", "base.yml": "- a list\n"},
            r"base\.yml: expected a mapping at the top level",
            id="not-a-mapping",
        ),
        pytest.param(
            {"mkdocs.yml": "INHERIT: base.yml\n", "base.yml": "plugins: [\n"},
            r"base\.yml:2:1: invalid YAML",
            id="invalid-yaml",
        ),
        pytest.param(
            {"mkdocs.yml": "INHERIT:\n"},
            r"mkdocs\.yml:1:9: INHERIT must name a file, got None",
            id="empty",
        ),
    ],
)
def test_inherit_problems_are_one_line_errors_with_a_position(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    write(tmp_path, files)
    result = run_cli(tmp_path, "preflight", "check")
    assert result.returncode == 2
    assert re.fullmatch(f"preflight: error: \\S*{message}.*\n", result.stderr), result.stderr


def test_the_build_and_the_cli_report_a_bad_code_where_it_is_written(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/a.md": "# A\n\n- [ ] fine\n",
            "base.yml": "site_name: B\nplugins:\n  - search\n  - preflight:\n      levels: {PF1: info, PF3: fatal}\n",
            "mkdocs.yml": "INHERIT: base.yml\n",
        },
    )
    where = "base.yml:5:32: preflight: option 'levels': level of 'PF3' must be error, warning or info, got 'fatal'"
    built = run_cli(tmp_path, "mkdocs", "build")
    assert built.returncode == 1
    assert f"ERROR   -  preflight: {where}" in built.stderr
    checked = run_cli(tmp_path, "preflight", "check")
    assert checked.returncode == 2
    assert checked.stderr == f"preflight: error: {where}\n"
