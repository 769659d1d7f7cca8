"""Suppressions, unused suppressions (PF111), select/ignore/levels/per-path ignores."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from mkdocs_preflight.config import ConfigError
from mkdocs_preflight.model import Level
from mkdocs_preflight.rules.policy import Policy
from mkdocs_preflight.rules.registry import load

from .conftest import Invoke, MakeProject, RunCheck, config, dedent, found

CODES = load().codes
BAD = "# A\n- [] one\n- [] two\n"


def test_suppression_on_the_line_and_the_line_before(run_check: RunCheck) -> None:
    text = dedent(
        """
        # A
        <!-- preflight: ignore PF106 -->
        - [] silenced by the line before
        - [] reported
        - [] silenced on its line <!-- preflight: ignore PF106 -->
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF106", "PF111"])
    assert found(result) == [("PF106", "checklists/a.md", 4)]


def test_suppression_without_codes_silences_everything_and_prefixes_work(run_check: RunCheck) -> None:
    text = "# A\n<!-- preflight: ignore -->\n- [] x\n<!-- preflight: ignore PF1 -->\n- [] y\n"
    assert found(run_check({"checklists/a.md": text}, select=["PF1"])) == []


def test_suppression_before_a_fence_covers_the_block(run_check: RunCheck) -> None:
    text = dedent(
        """
        # A

        <!-- preflight: ignore PF110 -->
        ```bash id=x timeout=5
        make x
        ```
        """
    )
    assert found(run_check({"checklists/a.md": text}, select=["PF110", "PF111"])) == []


def test_unused_and_unknown_suppressions(run_check: RunCheck) -> None:
    text = dedent(
        """
        # A
        <!-- preflight: ignore PF106 -->
        - [ ] fine
        <!-- preflight: ignore PF999 -->
        - [] bad
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF106", "PF111"])
    assert found(result) == [
        ("PF111", "checklists/a.md", 2),
        ("PF111", "checklists/a.md", 4),
        ("PF106", "checklists/a.md", 5),
    ]
    assert "PF999" in result.diagnostics[1].message


def test_an_unused_suppression_is_reported_at_its_comment(run_check: RunCheck) -> None:
    text = dedent(
        """
        # A
        - [ ] Tag the release `v2.0` <!-- preflight: ignore PF2 -->
        - [ ] parent
          <!-- preflight: ignore PF201 -->
          - [ ] child

        > <!-- preflight: ignore PF106 -->
        > text

        !!! note
            <!-- preflight: ignore PF999 -->
            - [ ] x
        """
    )
    for _ in range(2):  # the second run reads the suppressions from the cache
        result = run_check({"checklists/a.md": text}, cache_dir=Path(".preflight/cache"))
        places = [(d.line, d.col) for d in result.diagnostics if d.code == "PF111"]
        assert places == [(2, 30), (4, 3), (7, 3), (11, 5)]


def test_a_suppression_over_several_lines_is_reported_where_it_starts(run_check: RunCheck) -> None:
    text = dedent(
        """
        # A
        - [ ] parent
          <!-- preflight: ignore PF201,
               PF202 -->
          - [ ] child
        <!--
          preflight: ignore PF106
        -->
        - [] silenced: the line after the comment's last
        """
    )
    for _ in range(2):  # the second run reads the suppressions from the cache
        result = run_check({"checklists/a.md": text}, cache_dir=Path(".preflight/cache"))
        assert [(d.code, d.line, d.col) for d in result.diagnostics] == [("PF111", 3, 3)]
        assert "PF201, PF202 silences nothing" in result.diagnostics[0].message


def test_unused_suppression_is_quiet_when_pf111_is_not_selected(run_check: RunCheck) -> None:
    text = "# A\n<!-- preflight: ignore PF106 -->\n- [ ] fine\n"
    assert found(run_check({"checklists/a.md": text}, select=["PF106"])) == []


@pytest.mark.parametrize(
    "mkdocs",
    [config(ignore="[PF106]"), config(per_path_ignores="{'checklists/a.md': [PF106]}")],
    ids=["ignore", "per_path_ignores"],
)
def test_a_suppression_of_a_code_turned_off_is_spared_however_it_was_turned_off(
    run_check: RunCheck, mkdocs: str
) -> None:
    text = "# A\n<!-- preflight: ignore PF106 -->\n- [] malformed\n"
    assert found(run_check({"checklists/a.md": text}, mkdocs=mkdocs)) == []


@pytest.mark.parametrize(
    ("options", "unused"),
    [
        ({}, [9]),
        ({"select": ["PF111"]}, []),
        ({"select": ["PF1", "PF201"]}, []),
        ({"ignore": ["PF201"]}, []),
        ({"select": ["ALL"]}, [9]),
    ],
)
def test_a_narrowed_run_spares_a_suppression_that_may_silence_a_rule_left_out(
    run_check: RunCheck, options: dict[str, list[str]], unused: list[int]
) -> None:
    # The comments on lines 3 and 6 silence a PF201 of the full run: a run that leaves
    # PF201 (or one of PF2) out cannot tell, and must not say "remove the comment".
    text = dedent(
        """
        # S

        <!-- preflight: ignore -->
        - [ ] Run `scripts/i.sh`

        <!-- preflight: ignore PF2 -->
        - [ ] Run `scripts/j.sh`

        <!-- preflight: ignore -->
        - [ ] nothing here
        """
    )
    result = run_check({"checklists/a.md": text}, **options)
    assert [d.line for d in result.diagnostics if d.code == "PF111"] == unused
    assert not [d for d in result.diagnostics if d.code == "PF201"]


def test_project_level_findings_can_be_suppressed(run_check: RunCheck) -> None:
    text = "# A\n<!-- preflight: ignore PF102 -->\n- [ ] x (Requirement 9.9)\n- [ ] y (Requirement 9.8)\n"
    files = {"checklists/a.md": text, "req.yml": '"1.1": defined\n'}
    result = run_check(files, mkdocs=config(registry="req.yml"), select=["PF102", "PF111"])
    assert found(result) == [("PF102", "checklists/a.md", 4)]


def test_select_ignore_specificity_and_cli_layering() -> None:
    assert "PF201" not in Policy.build(CODES, select=["PF1"]).enabled
    policy = Policy.build(CODES, select=["PF1"], ignore=["PF106"])
    assert "PF101" in policy.enabled and "PF106" not in policy.enabled
    policy = Policy.build(CODES, select=["PF106"], ignore=["PF1"])  # the more specific wins
    assert policy.enabled == {"PF106"}
    assert Policy.build(CODES, select=["ALL"]).enabled == CODES


def test_config_layers_levels_and_per_path(run_check: RunCheck) -> None:
    files = {
        "checklists/a.md": BAD,
        "checklists/legacy/old.md": BAD,
        "checklists/b.md": "# B\n\n```bash id=x\necho x\n```\n",
    }
    mkdocs = config(
        ignore="[PF110]",
        levels="{PF1: info, PF106: error}",
        per_path_ignores="{'checklists/legacy/*': [PF106]}",
    )
    result = run_check(files, mkdocs=mkdocs)
    assert found(result) == [("PF106", "checklists/a.md", 2), ("PF106", "checklists/a.md", 3)]
    assert {d.level for d in result.diagnostics} == {Level.ERROR}
    again = run_check(files, mkdocs=mkdocs, select=["PF110"])  # --select replaces the configured selection
    assert found(again) == [("PF110", "checklists/b.md", 3)]


@pytest.mark.parametrize(
    ("options", "where", "message"),
    [
        ({"select": "[PF999]"}, "4:16", "option 'select': unknown rule code or prefix 'PF999'"),
        ({"select": "[PF1, 'PF2 PF9']"}, "4:21", "option 'select': unknown rule code or prefix 'PF9'"),
        ({"ignore": "[XYZ]"}, "4:16", "option 'ignore': unknown rule code or prefix 'XYZ'"),
        ({"levels": "{PF101: fatal}"}, "4:23", "level of 'PF101' must be error, warning or info"),
        ({"levels": "{PF1: info, PF9: info}"}, "4:27", "unknown rule code or prefix 'PF9'"),
        ({"per_path_ignores": "{'a/*': [PF1, NOPE]}"}, "4:39", "(a/*): unknown rule code or prefix 'NOPE'"),
        ({"per_path_ignores": "{'a/*': NOPE}"}, "4:33", "unknown rule code or prefix 'NOPE'"),
        ({"per_path_ignores": "{'a/*': 3}"}, "4:33", "expected a code or a list of codes"),
    ],
)
def test_config_errors_are_one_line_with_the_position_of_the_value(
    run_check: RunCheck, options: dict[str, str], where: str, message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        run_check({"checklists/a.md": BAD}, mkdocs=config(**options))
    assert str(error.value).startswith(f"mkdocs.yml:{where}: preflight: option ")
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_a_block_list_error_points_at_its_item(run_check: RunCheck) -> None:
    mkdocs = "site_name: t\nplugins:\n  - preflight:\n      ignore:\n        - PF1\n        - PF2, XX\n"
    with pytest.raises(ConfigError, match=r"^mkdocs\.yml:6:11: preflight: option 'ignore': unknown rule code"):
        run_check({"checklists/a.md": BAD}, mkdocs=mkdocs)


def test_without_a_config_file_errors_name_the_option() -> None:
    with pytest.raises(ConfigError, match=r"^--select: unknown rule code or prefix 'PF999'"):
        Policy.build(CODES, select=["PF999"])


def test_comments_stacked_above_a_fence_all_apply_to_it(run_check: RunCheck) -> None:
    text = dedent(
        """
        # T

        <!-- preflight: ignore PF307 -->
        <!-- preflight: timeout=soon -->
        ```bash
        rm -rf /tmp/x
        ```

        <!-- preflight: timeout=later id=9z -->
        <!-- preflight: ignore PF304 -->
        ```bash
        rm -rf /tmp/y
        ```

        <!-- preflight: ignore PF304 -->
        <!-- preflight: timeout=60 -->
        ```bash
        rm -rf /tmp/z
        ```
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF1", "PF3"])
    # The options of line 9 are not lost behind the suppression of line 10, and each
    # suppression covers its block.
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [
        ("PF304", 6, 1),
        ("PF307", 9, 17),
        ("PF109", 9, 31),
    ]


def test_an_unknown_code_in_a_suppression_names_the_code_meant(run_check: RunCheck) -> None:
    text = (
        "# T\n\n<!-- preflight: ignore missing-file -->\n- [ ] a\n\n"
        "<!-- preflight: ignore PF2O1 -->\n- [ ] b\n\n<!-- preflight: ignore PF999 -->\n- [ ] c\n"
    )
    messages = [d.message for d in run_check({"checklists/a.md": text}, select=["PF111"]).diagnostics]
    assert messages == [
        "Suppression names unknown rule code `MISSING-FILE`; write its code `PF201` (missing-file)",
        "Suppression names unknown rule code `PF2O1`; did you mean `PF201`?",
        "Suppression names unknown rule code `PF999` (see: preflight rules)",
    ]


def test_a_suppression_of_a_rule_that_cannot_run_here_is_spared(
    make_project: MakeProject, invoke: Invoke, tmp_path: Path
) -> None:
    # PF208 cannot look commits up in a shallow clone (a CI checkout): the comment that
    # silences it in a full clone must not be called unused there.
    text = "# T\n\n<!-- preflight: ignore PF208 -->\n- [ ] Roll back to commit `24a95f6` from the other repo\n"
    root = make_project({"checklists/a.md": text}, git=True, config=config())
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t"}
    env["GIT_COMMITTER_EMAIL"] = "t@t"
    (root / "other.txt").write_text("x\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "two"], cwd=root, check=True, env=env)
    assert invoke(root, "check", "--no-cache", "--fail-on", "warning").exit_code == 0
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", root.as_uri(), str(shallow)], check=True)
    result = invoke(shallow, "check", "--no-cache", "--fail-on", "warning")
    assert result.exit_code == 0, result.output
    # Without --scripts-dir, PF501 does not run: its comment is spared too.
    stale = "<!-- preflight: ignore PF501 -->\n# T\n\n```bash\necho x\n```\n"
    (shallow / "checklists/b.md").write_text(stale)
    result = invoke(shallow, "check", "--no-cache", "--fail-on", "warning")
    assert result.exit_code == 0, result.output
