"""PF1xx: each rule fires on its fixtures and stays silent on look-alikes."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from mkdocs_preflight.rules.structure import brace_fix, superfences_reads

from .conftest import CONFIG, Invoke, MakeProject, RunCheck, dedent, found

STRUCTURE = ["PF101", "PF105", "PF106", "PF107", "PF109", "PF110"]


def test_duplicate_and_invalid_ids(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Deploy
        - [ ] Take a backup { #backup }
        - [ ] Verify it { #backup }
        - [ ] Odd { #1-bad! }
        - [ ] Fine { #fine }
        """
    )
    result = run_check({"checklists/a.md": text}, select=STRUCTURE)
    assert found(result) == [("PF101", "checklists/a.md", 3), ("PF109", "checklists/a.md", 4)]


def test_fence_hiding_items_is_an_error_with_the_count(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Deploy
        - [ ] Build

        ```bash
        make build

        - [ ] Deploy
        - [ ] Verify
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF105"])
    assert found(result) == [("PF105", "checklists/a.md", 4)]
    assert result.diagnostics[0].level.value == "error"
    assert "2 task items" in result.diagnostics[0].message


def test_nested_fence_closing_early_names_the_outer_block(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Doc

        ```markdown
        ```bash
        make deploy
        ```
        ```

        - [ ] Verify the deployment
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF105"])
    assert found(result) == [("PF105", "checklists/a.md", 3)]
    assert "1 task item" in result.diagnostics[0].message


def test_well_nested_fences_are_silent(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Doc

        ````markdown
        ```bash
        make deploy
        ```
        ````

        - [ ] Verify the deployment

            ```bash
            make verify
            ```
        """
    )
    assert found(run_check({"checklists/a.md": text}, select=["PF1"])) == []


def test_malformed_checkboxes_but_not_plain_brackets(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Deploy
        - [] Announce
        - [ x] Freeze
        -[ ] Tag
        - [x] Fine
        - [link](https://example.com) is a plain bullet
        - [1] a footnote-like bullet
        - [x](https://example.com) a link whose text is x
        - [ ](https://example.com) a link whose text is a space
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF106"])
    assert [line for _, _, line in found(result)] == [2, 3, 4]


def test_invalid_front_matter(run_check: RunCheck) -> None:
    bad = "---\ntitle: Deploy: prod\nowner: [x\n---\n# T\n- [ ] a\n"
    good = "---\ntitle: 'Deploy: prod'\nowner: ops\n---\n# T\n- [ ] a\n"
    result = run_check({"checklists/bad.md": bad, "checklists/good.md": good}, select=["PF107"])
    assert [path for _, path, _ in found(result)] == ["checklists/bad.md"]


@pytest.mark.parametrize(
    ("header", "readable"),
    [
        ("bash", True),
        ('bash title="deploy.sh"', True),
        ('bash linenums="1" hl_lines="2 3"', True),
        ('bash title="a b c"', True),
        ('bash { #db-backup data-preflight-timeout="600" }', True),
        ("{ .bash #db-backup }", True),
        ("c++", True),
        ("", True),
        ("bash id=db-backup timeout=600", False),
        ("bash title=deploy.sh", False),
        ("bash run", False),
        ("text (output)", False),
    ],
)
def test_superfences_grammar(header: str, readable: bool) -> None:
    assert superfences_reads(header) is readable


def test_unreadable_fence_header_is_reported_with_its_brace_form(run_check: RunCheck) -> None:
    text = dedent(
        """
        # Deploy
        - [ ] Back up

            ```bash id=db-backup timeout=600
            ./scripts/backup.sh
            ```

        ```bash title="verify.sh"
        make verify
        ```

        ```bash { #restore data-preflight-timeout="60" }
        make restore
        ```
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF110"])
    assert found(result) == [("PF110", "checklists/a.md", 4)]
    diagnostic = result.diagnostics[0]
    assert diagnostic.fixable
    assert '`bash { #db-backup data-preflight-timeout="600" }`' in diagnostic.message


def test_plugin_owned_pages_do_not_report_short_headers(run_check: RunCheck) -> None:
    text = "# D\n\n```bash id=x timeout=5\nmake x\n```\n"
    assert found(run_check({"checklists/a.md": text}, select=["PF110"], owned_pages=True)) == []


def test_brace_fix_refuses_lossy_rewrites() -> None:
    assert brace_fix("bash id=x timeout=5") == 'bash { #x data-preflight-timeout="5" }'
    assert brace_fix("bash id=x frobnicate=1") is None  # an unknown key would be lost
    assert brace_fix("bash") is None


def test_fix_rewrites_fence_headers_and_keeps_crlf(run_check: RunCheck, tmp_path: Path) -> None:
    text = "# D\r\n\r\n- [ ] Back up\r\n\r\n    ```bash id=db-backup timeout=600\r\n    make backup\r\n    ```\r\n"
    result = run_check({"checklists/a.md": text.encode()}, select=["PF110"], fix=True)
    assert result.fixed == 1
    assert found(result) == []
    data = (tmp_path / "project/checklists/a.md").read_bytes()
    assert (
        data
        == text.replace("bash id=db-backup timeout=600", 'bash { #db-backup data-preflight-timeout="600" }').encode()
    )


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_fix_rewrites_fence_headers_whatever_the_line_breaks(
    make_project: MakeProject, invoke: Invoke, newline: str
) -> None:
    """Old Mac files break lines with a lone CR, which the engine counts as a line break:
    the fix finds the header on the line the finding names, and keeps every CR."""
    lines = [
        "\ufeff```bash id=first",
        "make first",
        "```",
        "",
        "- [ ] Back up",
        "  ```bash id=db timeout=6",
        "  make x",
        "  ```",
        "",
    ]
    root = make_project({"checklists/a.md": newline.join(lines).encode()}, config=CONFIG)
    result = invoke(root, "check", "--fix", "--select", "PF110", "--no-cache")
    assert result.exit_code == 0, result.output
    assert "Fixed 2 problems." in result.output
    expected = newline.join(lines).replace("bash id=first", "bash { #first }")
    expected = expected.replace("bash id=db timeout=6", 'bash { #db data-preflight-timeout="6" }')
    assert (root / "checklists/a.md").read_bytes() == expected.encode()


def test_a_yaml_alias_bomb_in_front_matter_is_reported_not_expanded(tmp_path: Path) -> None:
    """Nine levels of ``&x [*y, *y, ...]`` stand for 43 million values: check reports the
    front matter (PF107) instead of printing or copying them until memory runs out."""
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    front = "\n".join([*levels, "owner: *i", "tags: *i", "run:\n  env: *i"])
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "bomb.md").write_text(f"---\n{front}\n---\n# Bomb\n\n- [ ] x\n", encoding="utf-8")

    def limit_memory() -> None:  # so that a regression fails fast instead of swapping the machine
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "check", "--select", "PF107"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_memory,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "checklists/bomb.md:2:1: PF107 Front matter is too large" in result.stdout


def test_a_task_item_without_text_says_so(run_check: RunCheck) -> None:
    # `[ ]` is the right box: the message must not tell the writer to write `[ ]`.
    result = run_check({"checklists/a.md": "# A\n- [ ]\n- [x]\n- []\n"}, select=["PF106"])
    messages = [(d.line, d.col, d.message) for d in result.diagnostics]
    assert messages[0] == (2, 3, "Task item `[ ]` has no text: write the step after the box (`- [ ] Tag the release`)")
    assert messages[1][:2] == (3, 3) and "`[x]` has no text" in messages[1][2]
    assert messages[2][:2] == (4, 3) and messages[2][2].startswith("Malformed checkbox `[]`")


@pytest.mark.parametrize(
    ("text", "reach"),
    [
        ("# F\n\n> ~~~\n> x\n\n- [ ] b\n", "the end of the blockquote"),
        ('# F\n\n=== "Tab"\n    ```bash\n    echo\n\n- [ ] b\n', "the end of the content tab"),
        ("# F\n\n!!! note\n    ```bash\n    echo\n\n- [ ] b\n", "the end of the admonition"),
        ("# F\n\n- [ ] a\n  ```bash\n  echo\n- [ ] b\n", "the end of the list item"),
        ("# F\n\n```bash\necho\n- [ ] b\n", "the end of the file"),
    ],
)
def test_an_unclosed_fence_names_what_it_runs_to_the_end_of(run_check: RunCheck, text: str, reach: str) -> None:
    (finding,) = run_check({"checklists/a.md": text}, select=["PF105"]).diagnostics
    assert f"everything up to {reach} is read as code" in finding.message


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("---\ntitle: Deploy\nowner: sre\n\n# Deploy\n\n- [ ] a\n", True),
        ("---\nrun:\n  timeout: 5\nowner: x\n# T\n- [ ] a\n", True),
        ("---\ntitle: Deploy\n---\n# Deploy\n", False),
        ("---\nNote: this is a rule, then a paragraph\n\n# T\n", False),
        ("---\n\nText after a rule\n", False),
    ],
)
def test_front_matter_without_its_closing_line(run_check: RunCheck, text: str, reported: bool) -> None:
    result = run_check({"checklists/a.md": text}, select=["PF107"])
    expected = [("PF107", 1, 1)] if reported else []
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == expected
    if reported:
        assert "never closed" in result.diagnostics[0].message


def test_a_duplicate_id_names_the_line_that_has_it(run_check: RunCheck) -> None:
    text = "# T\n\n## Deploy\n\n- [ ] Ship { #deploy }\n- [ ] One { #dup }\n\n```bash { #dup }\necho\n```\n"
    messages = [(d.line, d.message) for d in run_check({"checklists/a.md": text}, select=["PF101"]).diagnostics]
    assert messages == [
        (5, "Duplicate ID `deploy`: the heading at line 3 has the same anchor; pin another ID"),
        (8, "Duplicate ID `dup`: line 6 already has it (IDs must be unique in a checklist); pin another ID"),
    ]
