"""`preflight list`, `extract` and `ids` on real files, through the real CLI."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import MakeProject
from mkdocs_preflight.cli import main

DEPLOY = textwrap.dedent(
    """\
    ---
    title: Deploy the app
    ---
    # Deploy

    ## Prepare (Requirement 1.1)
    - [x] Announce the window
    - [ ] Build
      ```bash
      make build
      ```
      - [ ] Check artifacts `dist/app.tar.gz`

    ## Ship
    - [ ] Deploy to <env>
      ```bash
      JWT_SECRET=<generated-key>
      ./scripts/deploy.sh "$JWT_SECRET"
      ```
    - [ ] Smoke test
      ```console
      $ curl -s localhost/health
      ok
      ```
    - [ ] Confirm dashboards
      ```bash
      # look at the error rate
      ```
    """
)


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project(
        {"checklists/deploy.md": DEPLOY, "checklists/ops/rollback.md": "# Rollback\n- [ ] Revert `git revert HEAD`\n"},
        config="site_name: t\nplugins:\n  - preflight:\n      checklists_dir: checklists\n",
    )


def run(runner: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, ["--config-file", str(root / "mkdocs.yml"), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_list_text(runner: CliRunner, project: Path) -> None:
    code, out, _ = run(runner, project, "list")
    assert code == 0
    assert "checklists/deploy.md: Deploy the app [1/6 done, 16%]" in out
    assert "[x] announce-the-window" in out
    assert "> build--bash (bash, 1 command, line 9)" in out
    assert "checklists/ops/rollback.md: Rollback [0/1 done, 0%]" in out


def test_list_json_contract(runner: CliRunner, project: Path) -> None:
    code, out, _ = run(runner, project, "list", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 1
    deploy = data["checklists"][0]
    assert deploy["path"] == "checklists/deploy.md"
    assert deploy["title"] == "Deploy the app"
    first = deploy["items"][0]
    for key in ("id", "text", "checked", "line", "section", "parent", "requirements"):
        assert key in first
    assert (first["id"], first["checked"], first["line"], first["section"]) == (
        "announce-the-window",
        True,
        7,
        "Prepare (Requirement 1.1)",
    )
    nested = next(i for i in deploy["items"] if i["text"].startswith("Check artifacts"))
    assert nested["parent"] == "build"
    assert nested["requirements"] == ["1.1"]
    block = deploy["blocks"][0]
    for key in ("id", "lang", "line", "code", "item", "runnable"):
        assert key in block
    assert (block["id"], block["line"], block["code"], block["item"], block["runnable"]) == (
        "build--bash",
        9,
        "make build\n",
        "build",
        True,
    )
    assert deploy["requirements"]["referenced"][0]["id"] == "1.1"


def test_own_patterns_find_every_reference_they_match(runner: CliRunner, make_project: MakeProject) -> None:
    """A shortcut skipped every text without "eq" or "EQ" whenever each pattern merely
    contained them: `(?:REQ|SEC)-[0-9]+` found `SEC-2` next to `REQ-1`, and never `SEC-1` alone."""
    config = "site_name: t\nplugins:\n  - preflight:\n      requirement_patterns: ['(?P<id>(?:REQ|SEC)-\\d+)']\n"
    source = "# H\n\n- [ ] Harden the login (SEC-1)\n- [ ] Both (SEC-2, REQ-1)\n"
    root = make_project({"checklists/h.md": source}, config=config)
    code, out, _ = run(runner, root, "list", "--format", "json")
    assert code == 0
    items = json.loads(out)["checklists"][0]["items"]
    assert [i["requirements"] for i in items] == [["SEC-1"], ["SEC-2", "REQ-1"]]


def test_a_hand_marker_on_a_wrapped_items_first_line_is_not_in_its_text(
    runner: CliRunner, make_project: MakeProject
) -> None:
    source = "# H\n\n- [ ] Pinned by hand on the first line { #by-hand }\n  of a wrapped item\n"
    root = make_project({"checklists/h.md": source}, config="site_name: t\n")
    code, out, _ = run(runner, root, "list")
    assert code == 0
    assert "by-hand  Pinned by hand on the first line of a wrapped item\n" in out
    items = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]["items"]
    assert [(i["id"], i["text"]) for i in items] == [("by-hand", "Pinned by hand on the first line of a wrapped item")]


def test_extract_filters_and_formats(runner: CliRunner, project: Path) -> None:
    code, out, _ = run(runner, project, "extract", "--format", "json", "--section", "ship")
    assert code == 0
    blocks = json.loads(out)["blocks"]
    assert [b["id"] for b in blocks] == ["deploy-to--bash", "smoke-test--console"]
    assert blocks[0]["path"] == "checklists/deploy.md"
    code, out, _ = run(runner, project, "extract", "--item", "build", "--format", "json")
    assert [b["id"] for b in json.loads(out)["blocks"]] == ["build--bash"]
    code, out, _ = run(runner, project, "extract", "--lang", "console")
    assert "$ " not in out and "curl -s localhost/health" in out
    code, out, _ = run(runner, project, "extract", "--requirement", "1.1", "--format", "json")
    assert [b["id"] for b in json.loads(out)["blocks"]] == ["build--bash"]
    code, out, _ = run(runner, project, "extract", "--inline", "--format", "json")
    ids = [b["id"] for b in json.loads(out)["blocks"]]
    assert "revert-git-revert-head--inline" in ids


def test_extract_unknown_item_is_a_usage_error(runner: CliRunner, project: Path) -> None:
    code, _, err = run(runner, project, "extract", "--item", "nope")
    assert code == 2
    assert err.strip() == "preflight: error: no item or block with ID 'nope' (see: preflight ids)"


def test_extract_unknown_section_or_requirement_is_a_usage_error(runner: CliRunner, project: Path) -> None:
    deploy = str(project / "checklists/deploy.md")
    code, out, err = run(runner, project, "extract", "--section", "shipp", deploy)
    assert (code, out) == (2, "")
    assert err.strip() == "preflight: error: no section `shipp` in checklists/deploy.md; did you mean `ship`?"
    code, out, err = run(runner, project, "extract", "--format", "sh", "--section", "nowhere")
    assert (code, out) == (2, "")
    assert err.strip() == "preflight: error: no section `nowhere` in any checklist"
    code, out, err = run(runner, project, "extract", "--requirement", "1.2", "--format", "json")
    assert (code, out) == (2, "")
    assert err.strip() == "preflight: error: no block of any checklist is tied to requirement 1.2; did you mean `1.1`?"


def test_a_filter_that_names_nothing_writes_no_script(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    # The names are checked on the one pass that reads the checklists, before any write.
    out = tmp_path / "scripts"
    code, stdout, err = run(runner, project, "extract", "--format", "sh", "--out", str(out), "--lang", "bash")
    assert code == 0, err
    written = {path.name: path.read_bytes() for path in out.iterdir()}
    assert written
    (project / "checklists/deploy.md").write_text(
        (project / "checklists/deploy.md").read_text(encoding="utf-8").replace("curl", "wget"), encoding="utf-8"
    )
    code, stdout, err = run(runner, project, "extract", "--format", "sh", "--out", str(out), "--section", "shipp")
    assert (code, stdout) == (2, "")
    assert err.strip().startswith("preflight: error: no section `shipp` in any checklist")
    assert {path.name: path.read_bytes() for path in out.iterdir()} == written
    code, stdout, err = run(runner, project, "extract", "--format", "sh", "--out", str(out), "--lang", "bash")
    assert code == 0, err
    assert {path.name: path.read_bytes() for path in out.iterdir()} != written  # there was something to write


def test_extract_unknown_lang_is_a_usage_error(runner: CliRunner, project: Path) -> None:
    code, out, err = run(runner, project, "extract", "--lang", "python")
    assert (code, out) == (2, "")
    assert (
        err.strip()
        == "preflight: error: no runnable block of any checklist is in `python` (they are in `bash`, `console`)"
    )


def test_filters_that_together_select_nothing_are_a_note(runner: CliRunner, project: Path) -> None:
    code, out, err = run(runner, project, "extract", "--section", "prepare-requirement-11", "--lang", "console")
    assert (code, out) == (0, "")
    assert err == "preflight: note: the filters select no runnable block\n"
    code, out, err = run(runner, project, "extract", "--format", "json", "--section", "ship", "--requirement", "1.1")
    assert (code, json.loads(out)["blocks"]) == (0, [])
    assert err == "preflight: note: the filters select no runnable block\n"
    code, out, err = run(runner, project, "extract", "--lang", "CONSOLE")
    assert (code, err) == (0, "")


def test_extract_section_by_title_in_any_case_or_slug(runner: CliRunner, project: Path) -> None:
    for value in ("Ship", " SHIP ", "ship", "prepare-requirement-11", "Prepare (Requirement 1.1)"):
        code, out, err = run(runner, project, "extract", "--section", value)
        assert code == 0, err
        assert "checklists/deploy.md:" in out


def test_extract_sh_passes_bash_n_and_runs(runner: CliRunner, project: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        runner, project, "extract", "--format", "sh", str(project / "checklists/ops/rollback.md"), "--inline"
    )
    assert code == 0
    assert "git revert HEAD" in out
    code, out, _ = run(runner, project, "extract", "--format", "sh")
    script = tmp_path / "all.sh"
    script.write_text(out)
    subprocess.run(["bash", "-n", str(script)], check=True)
    assert "JWT_SECRET=<generated-key>" in out  # verbatim, yet valid shell
    assert "set -euo pipefail" in out
    assert "# --- step 1/4: build--bash (checklists/deploy.md:9)" in out
    assert "preflight_manual confirm-dashboards--bash 4 4 'Confirm dashboards' <<" in out  # a comment-only block


def test_generated_script_really_runs_each_step_in_a_fresh_strict_shell(
    tmp_path: Path, make_project: MakeProject
) -> None:
    root = make_project(
        {
            "checklists/a.md": "- [ ] one\n  ```bash\n  echo one >> log.txt\n  ```\n"
            "- [ ] two\n  ```bash\n  false\n  echo two >> log.txt\n  ```\n"
        }
    )
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "extract", "--format", "sh"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = subprocess.run(["bash", "-c", out], cwd=root, capture_output=True, text=True)
    assert result.returncode != 0  # `false` stops the script (-e)
    assert (root / "log.txt").read_text() == "one\n"
    assert "==> [one--bash] step 1/2: one" in result.stderr


def test_extract_out_and_check(runner: CliRunner, project: Path) -> None:
    out_dir = project / "generated"
    code, out, _ = run(runner, project, "extract", "--format", "sh", "--out", str(out_dir))
    assert code == 0
    script = out_dir / "deploy.sh"
    assert script.is_file() and (out_dir / "ops" / "rollback.sh").exists() is False  # no runnable block there
    code, out, _ = run(runner, project, "extract", "--format", "sh", "--out", str(out_dir), "--check")
    assert code == 0 and "up to date" in out
    deploy = project / "checklists" / "deploy.md"
    deploy.write_text(deploy.read_text().replace("make build", "make build-all"))
    code, _, err = run(runner, project, "extract", "--format", "sh", "--out", str(out_dir), "--check")
    assert code == 1
    assert f"preflight: stale: {script}: differs from checklists/deploy.md" in err
    script.unlink()
    code, _, err = run(runner, project, "extract", "--format", "sh", "--out", str(out_dir), "--check")
    assert code == 1 and "missing" in err


def test_a_script_or_report_that_cannot_be_written_is_one_line_exit_2(
    runner: CliRunner, make_project: MakeProject
) -> None:
    step = "# A\n\n- [ ] a\n  ```bash\n  echo a\n  ```\n"
    root = make_project({"checklists/a.md": step, "checklists/ops/b.md": step, "afile": ""}, config="site_name: t\n")
    (root / "isdir" / "a.sh").mkdir(parents=True)
    (root / "nested").mkdir()
    (root / "nested" / "ops").write_text("")
    cases = [
        (["extract", "--format", "sh", "--out", "afile/sub"], "afile/sub/a.sh: cannot write: Not a directory"),
        (["extract", "--format", "sh", "--out", "isdir"], "isdir/a.sh: cannot write: Is a directory"),
        (["extract", "--format", "sh", "--out", "nested"], "nested/ops/b.sh: cannot write: Not a directory"),
        # mkdir says "File exists" here: the real cause is that `afile` is not a folder.
        (["check", "--format", "json", "-o", "afile/x.json"], "afile/x.json: cannot write: Not a directory"),
    ]
    for args, message in cases:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs_preflight", *args], cwd=root, capture_output=True, text=True, check=False
        )
        assert (result.returncode, result.stderr) == (2, f"preflight: error: {message}\n"), args


def test_ids_write_is_idempotent_and_touches_nothing_else(runner: CliRunner, make_project: MakeProject) -> None:
    source = (
        "# T\r\n\r\n- [ ] First item  \r\n- [x] Second `code\r\n  span` end\r\n"
        "  ```bash\r\n  echo hi\r\n  ```\r\n- [ ] Pinned { #keep }\r\n"
    )
    root = make_project({"checklists/t.md": source.encode()}, config="site_name: t\n")
    file = root / "checklists" / "t.md"
    before_ids = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]
    code, out, err = run(runner, root, "ids", "--write")
    assert code == 0, err
    after = file.read_bytes()
    assert b"- [ ] First item { #first-item }  \r\n" in after
    assert b"  ```bash { #second-code-span-end--bash }\r\n" in after
    assert after.count(b"\r\n") == source.count("\r\n")  # line endings kept
    after_ids = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]
    assert [i["id"] for i in after_ids["items"]] == [i["id"] for i in before_ids["items"]]
    assert [b["id"] for b in after_ids["blocks"]] == [b["id"] for b in before_ids["blocks"]]
    # A first line that ends inside a code span: the marker goes at the end of the text.
    assert b"- [x] Second `code\r\n  span` end { #second-code-span-end }\r\n" in after
    assert "not pinned" not in err
    run(runner, root, "ids", "--write")
    assert file.read_bytes() == after  # twice changes nothing
    code, out, _ = run(runner, root, "ids", "--check")
    assert code == 0
    assert "item second-code-span-end (pinned)" in out


def test_ids_write_keeps_headers_superfences_reads_and_hard_line_breaks(
    runner: CliRunner, make_project: MakeProject
) -> None:
    source = (
        '# F\n\n- [ ] Titled\n  ```bash title="deploy.sh"\n  echo d\n  ```\n'
        "- [ ] Ends with a break\\\n  next line\n"
        "- [ ] Short\n  ```bash timeout=60\n  echo s\n  ```\n"
    )
    root = make_project({"checklists/f.md": source}, config="site_name: t\n")
    before = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]["items"]
    code, _, err = run(runner, root, "ids", "--write")
    assert code == 0, err
    after = (root / "checklists" / "f.md").read_text()
    assert '  ```bash { #titled--bash title="deploy.sh" }\n' in after, "still read by superfences"
    assert "  ```bash timeout=60 id=short--bash\n" in after, "the short form stays short"
    assert "- [ ] Ends with a break\\\n  next line { #ends-with-a-break-next-line }\n" in after, "the break is kept"
    items = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]["items"]
    assert [(i["id"], i["text"]) for i in items] == [(i["id"], i["text"]) for i in before]


def test_ids_write_pins_wrapped_items_at_the_end_of_their_text(runner: CliRunner, make_project: MakeProject) -> None:
    source = (
        "# Health\n\n"
        "- [ ] Check that the health endpoint answers with 200 and that the\n"
        "  response time stays under 300 ms\n"
        "- [ ] Hard break here  \n"
        "  and more text\n"
        "  ```bash\n  echo hi\n  ```\n"
        "  - [ ] Nested and\n"
        "    wrapped\n"
    )
    root = make_project({"checklists/h.md": source}, config="site_name: t\n")
    file = root / "checklists" / "h.md"
    before = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]
    code, out, err = run(runner, root, "ids", "--write")
    assert (code, err) == (0, "")
    assert "checklists/h.md: pinned 4 IDs" in out
    assert file.read_text() == (
        "# Health\n\n"
        "- [ ] Check that the health endpoint answers with 200 and that the\n"
        "  response time stays under 300 ms { #check-that-the-health-endpoint-answers-with-200 }\n"
        "- [ ] Hard break here  \n"
        "  and more text { #hard-break-here-and-more-text }\n"
        "  ```bash { #hard-break-here-and-more-text--bash }\n  echo hi\n  ```\n"
        "  - [ ] Nested and\n"
        "    wrapped { #nested-and-wrapped }\n"
    )
    after = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]
    assert [(i["id"], i["text"], i["parent"]) for i in after["items"]] == [
        (i["id"], i["text"], i["parent"]) for i in before["items"]
    ]
    assert after["items"][1]["text"] == "Hard break here and more text"
    code, out, err = run(runner, root, "ids", "--check")
    assert (code, err) == (0, "")
    assert "(auto)" not in out
    written = file.read_bytes()
    assert run(runner, root, "ids", "--write")[0] == 0
    assert file.read_bytes() == written  # twice changes nothing


def test_an_id_ids_write_cannot_pin_fails_and_check_says_what_to_do(
    runner: CliRunner, make_project: MakeProject
) -> None:
    # The engine reads no marker after an odd number of backticks: it would be inside code.
    source = "# U\n\n- [ ] Use a lone ` here and\n  wrap it\n- [ ] Fine\n"
    root = make_project({"checklists/u.md": source}, config="site_name: t\n")
    file = root / "checklists" / "u.md"
    why = (
        "checklists/u.md:3: not pinned: use-a-lone-here-and-wrap-it: an unmatched backtick (`) in its text "
        "hides the marker; write that backtick as &#96;, then run preflight ids --write again"
    )
    code, out, err = run(runner, root, "ids", "--check")
    assert code == 1
    assert why in err
    rerun = shlex.join(["preflight", "-f", str(root / "mkdocs.yml"), "ids", "--write"])
    assert f"1 ID is not pinned; run: {rerun}" in err  # `Fine` can be pinned
    assert "1 ID cannot be pinned by preflight ids --write: see above for what to do instead" in err
    code, out, err = run(runner, root, "ids", "--write")
    assert code == 1
    assert "checklists/u.md: pinned 1 ID" in out
    assert why in err
    assert file.read_text() == "# U\n\n- [ ] Use a lone ` here and\n  wrap it\n- [ ] Fine { #fine }\n"
    code, out, err = run(runner, root, "ids", "--check")
    assert code == 1
    assert why in err
    assert "run: preflight ids --write" not in err, "no loop: --write cannot pin it"
    file.write_text(file.read_text().replace("` here", "&#96; here"))
    assert run(runner, root, "ids", "--write")[0] == 0
    code, out, err = run(runner, root, "ids", "--check")
    assert (code, err) == (0, "")


def test_ids_write_pins_brace_headers_as_a_word_of_their_own(runner: CliRunner, make_project: MakeProject) -> None:
    source = "# B\n\n- [ ] Tight\n  ```{.bash}\n  echo t\n  ```\n- [ ] Spaced\n  ~~~{ .sh data-x=1 }\n  echo s\n  ~~~\n"
    root = make_project({"checklists/b.md": source}, config="site_name: t\n")
    before = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]["blocks"]
    code, _, err = run(runner, root, "ids", "--write")
    assert code == 0, err
    after = (root / "checklists" / "b.md").read_text()
    assert "  ```{ #tight--bash .bash}\n" in after
    assert "  ~~~{ #spaced--sh .sh data-x=1 }\n" in after
    blocks = json.loads(run(runner, root, "list", "--format", "json")[1])["checklists"][0]["blocks"]
    assert [b["id"] for b in blocks] == [b["id"] for b in before] == ["tight--bash", "spaced--sh"]
    same = [(b["lang"], b["code"], b["runnable"]) for b in before]
    assert [(b["lang"], b["code"], b["runnable"]) for b in blocks] == same, "the same blocks"
    assert run(runner, root, "ids", "--check")[0] == 0


def test_ids_check_fails_on_automatic_ids(runner: CliRunner, project: Path) -> None:
    code, out, err = run(runner, project, "ids", "--check")
    assert code == 1
    assert "checklists/deploy.md:7: item announce-the-window (auto)" in out
    assert "not pinned" in err


@pytest.mark.parametrize("command", ["list", "check", "extract", "ids", "lock"])
def test_a_path_without_checklists_is_one_line_exit_2(
    runner: CliRunner, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    root = make_project({"checklists/a.md": "- [ ] x\n", "e/notes.txt": "x\n"}, config="site_name: x\n")
    monkeypatch.chdir(root)
    result = runner.invoke(main, [command, "e"])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "preflight: error: no checklists (*.md files) found in e\n"


@pytest.mark.parametrize(
    "args",
    [
        ["list", ""],
        ["check", "checklists/a.md", ""],
        ["extract", ""],
        ["ids", "--write", ""],
        ["lock", ""],
        ["run", "--dry-run", ""],
        ["extract", "--format", "sh", "--out", ""],
        ["check", "-o", ""],
        ["check", "--scripts-dir", ""],
        ["-f", "", "list"],
        ["report", ""],
        ["init", ""],
    ],
)
def test_an_empty_path_is_a_usage_error_not_the_current_folder(
    runner: CliRunner, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """`preflight ids --write "$FILE"` with FILE unset passes `''`, which Python reads as
    `.`: the command worked on every checklist of the folder (or wrote scripts into it)."""
    root = make_project({"checklists/a.md": "- [ ] x\n  ```bash\n  echo x\n  ```\n"}, config="site_name: x\n")
    monkeypatch.chdir(root / "checklists")
    before = sorted(p.name for p in (root / "checklists").iterdir())
    result = runner.invoke(main, args)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "an empty path names nothing" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in (root / "checklists").iterdir()) == before
    assert "{ #" not in (root / "checklists/a.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "config", "args", "message"),
    [
        (
            {},
            "plugins: [preflight: {checklists_dir: 3}]\n",
            ["list"],
            "mkdocs.yml:1:23: preflight: option 'checklists_dir' must be",
        ),
        ({}, "site_name: [oops\n", ["list"], "invalid YAML"),
        ({}, "site_name: x\n", ["list", "missing.md"], "missing.md: no such file or folder"),
        ({}, "site_name: x\n", ["list"], "no checklists found in checklists"),
        ({}, "plugins: [preflight: {requirement_patterns: ['(']}]\n", ["list"], "is invalid"),
        ({}, "site_name: x\n", ["check", "--nope"], "No such option '--nope'"),
        ({}, "site_name: x\n", ["check", "--fail-on", "maybe"], "'maybe' is not one of"),
        ({"checklists/a.md": "- [ ] x\n"}, "site_name: x\n", ["run", "checklists"], "is a directory"),
        ({}, "site_name: x\n", ["nosuch"], "No such command 'nosuch'"),
    ],
)
def test_bad_input_is_one_line_exit_2(
    runner: CliRunner, make_project: MakeProject, files: dict[str, str], config: str, args: list[str], message: str
) -> None:
    root = make_project(files, config=config)
    result = runner.invoke(main, ["--config-file", str(root / "mkdocs.yml"), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unknown_option_names_are_warned_about(runner: CliRunner, make_project: MakeProject) -> None:
    root = make_project(
        {"runbooks/a.md": "- [ ] x\n"},
        config="plugins:\n  - preflight:\n      checklists_dir: runbooks\n      fial_on: warning\n",
    )
    code, out, err = run(runner, root, "list")
    assert code == 0 and "runbooks/a.md" in out
    assert err.strip() == (
        "preflight: warning: mkdocs.yml:4:7: preflight: unknown option 'fial_on', ignored (did you mean 'fail_on'?)"
    )


def test_env_tag_in_mkdocs_yml(runner: CliRunner, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(
        {"runbooks/a.md": "- [ ] x\n"},
        config="site_name: !ENV [SITE, x]\nplugins:\n  - preflight:\n      checklists_dir: !ENV [PF_DIR, nowhere]\n",
    )
    monkeypatch.setenv("PF_DIR", "runbooks")
    code, out, _ = run(runner, root, "list")
    assert code == 0 and "runbooks/a.md" in out


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "mkdocs_preflight", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("preflight, version ")
