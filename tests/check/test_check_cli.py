"""``preflight check`` and ``preflight rules`` on the command line: exit codes, options, errors."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.rules import check

from .conftest import Invoke, MakeProject, config

WARNING_ONLY = {"checklists/a.md": "# A\n- [] malformed\n"}
ERROR = {"checklists/a.md": "# A\n- [ ] a { #x }\n- [ ] b { #x }\n"}
CLEAN = {"checklists/a.md": "# A\n- [ ] fine\n"}


@pytest.mark.parametrize(
    ("files", "args", "code"),
    [
        (CLEAN, [], 0),
        (WARNING_ONLY, [], 0),
        (WARNING_ONLY, ["--fail-on", "warning"], 1),
        (ERROR, [], 1),
        (ERROR, ["--exit-zero"], 0),
        (ERROR, ["--fail-on", "never"], 0),
        (ERROR, ["--ignore", "PF101"], 0),
        (ERROR, ["--select", "PF106"], 0),
    ],
)
def test_exit_codes(
    make_project: MakeProject, invoke: Invoke, files: dict[str, str], args: list[str], code: int
) -> None:
    root = make_project(files, config=config())
    result = invoke(root, "check", *args)
    assert result.exit_code == code, result.output


def test_fail_on_from_mkdocs_yml(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(WARNING_ONLY, config=config(fail_on="warning"))
    assert invoke(root, "check").exit_code == 1
    assert invoke(root, "check", "--fail-on", "error").exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--select", "PF999"], "preflight: error: --select: unknown rule code or prefix 'PF999'"),
        (["check", "--ignore", "nope"], "preflight: error: --ignore: unknown rule code or prefix 'nope'"),
        (["check", "missing.md"], "preflight: error: missing.md: no such file or folder"),
        (["rules", "PF999"], "preflight: error: unknown rule code or name 'PF999'"),
        (
            ["check", "--scripts-dir", "mkdocs.yml"],
            "preflight: error: Invalid value for '--scripts-dir': Directory 'mkdocs.yml' is a file.",
        ),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    make_project: MakeProject, invoke: Invoke, args: list[str], message: str
) -> None:
    root = make_project(CLEAN, config=config())
    result = invoke(root, *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_bad_configuration_is_one_line(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(CLEAN, config=config(select="[PF1, BOGUS]"))
    result = invoke(root, "check")
    assert result.exit_code == 2
    assert (
        result.stderr == "preflight: error: mkdocs.yml:4:21: preflight: option 'select': "
        "unknown rule code or prefix 'BOGUS' (see: preflight rules)\n"
    )
    broken = make_project({"mkdocs.yml": "plugins: [\n"})
    result = invoke(broken, "check")
    assert result.exit_code == 2
    assert result.stderr.startswith("preflight: error: ") and "invalid YAML" in result.stderr


def test_statistics_and_output_file(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project({"checklists/a.md": "# A\n- [] a\n- [] b\n- [ ] c { #x }\n- [ ] d { #x }\n"}, config=config())
    result = invoke(root, "check", "--statistics")
    assert result.stdout.splitlines()[:2] == [
        "    2\tPF106\t   \tmalformed-checkbox",
        "    1\tPF101\t   \tduplicate-id",
    ]
    result = invoke(root, "check", "--format", "json", "-o", "report.json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Found 1 error, 2 warnings.\n"
    assert json.loads((root / "report.json").read_text())["summary"]["errors"] == 1
    result = invoke(root, "check", "-o", "report.txt")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "Found 1 error, 2 warnings.\n", "the text format says so too"
    assert "PF101" in (root / "report.txt").read_text()


@pytest.mark.parametrize("fmt", ["json", "github", "sarif", "junit"])
def test_statistics_are_for_the_text_format_only(make_project: MakeProject, invoke: Invoke, fmt: str) -> None:
    root = make_project({"checklists/a.md": "# A\n- [] a\n"}, config=config())
    result = invoke(root, "check", "--statistics", "--format", fmt)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"preflight: error: --statistics works with --format text only, not {fmt}\n"


def test_jobs_do_not_change_the_result(make_project: MakeProject) -> None:
    files = {
        f"checklists/part{n:02}.md": f"# P{n}\n- [] bad {n}\n- [ ] a {{ #x }}\n- [ ] b {{ #x }}\n" for n in range(40)
    }
    files["req.yml"] = '"1.1": one\n'
    files["checklists/part07.md"] += "- [ ] refers (Requirement 9.9)\n"
    root = make_project(files, config=config(registry="req.yml"))
    project = Project(load_settings(root / "mkdocs.yml"))
    one = check(project, jobs=1)
    two = check(Project(load_settings(root / "mkdocs.yml")), jobs=2)
    assert one.diagnostics == two.diagnostics
    assert len(one.diagnostics) == 40 * 2 + 2  # PF106 + PF101 per file, PF102, PF104
    assert one.paths == two.paths


def test_rules_lists_and_explains(invoke: Invoke, tmp_path: Path) -> None:
    listing = invoke(tmp_path, "rules")
    assert listing.exit_code == 0
    lines = listing.stdout.splitlines()
    assert lines[0].startswith("PF101  error")
    assert any(line.startswith("PF401  warning  [*]  mojibake") for line in lines)
    one = invoke(tmp_path, "rules", "pf401")
    assert one.stdout.startswith("# mojibake (PF401)\n")
    assert "**Example**" in one.stdout and "**Use instead**" in one.stdout
    by_name = invoke(tmp_path, "rules", "mojibake")
    assert by_name.stdout == one.stdout
    family = invoke(tmp_path, "rules", "PF4", "--format", "json")
    assert [r["code"] for r in json.loads(family.stdout)["rules"]] == ["PF401", "PF402", "PF403"]


def test_shellcheck_rule_is_opt_in() -> None:
    from mkdocs_preflight.rules.policy import Policy
    from mkdocs_preflight.rules.registry import load

    registry = load()
    assert "PF302" in registry.opt_in
    codes, opt_in = registry.codes, registry.opt_in
    assert "PF302" not in Policy.build(codes, None, opt_in=opt_in).enabled
    assert "PF302" not in Policy.build(codes, None, select=["PF3"], opt_in=opt_in).enabled
    assert "PF302" in Policy.build(codes, None, select=["PF302"], opt_in=opt_in).enabled
    assert "PF302" in Policy.build(codes, None, select=["ALL"], opt_in=opt_in).enabled
    assert "PF301" in Policy.build(codes, None, opt_in=opt_in).enabled


def test_a_file_named_twice_is_checked_once(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(
        {"checklists/a.md": "---\nrequirements:\n  REQ-1: Thing\n---\n- [] malformed REQ-1\n"}, config=config()
    )
    result = invoke(
        root, "check", "--no-cache", "--format", "json", "checklists/a.md", "./checklists/a.md", "checklists"
    )
    report = json.loads(result.output)
    # One PF106, and no "defined again" (PF112) of the file's own definition by its second copy.
    assert [(d["code"], d["line"]) for d in report["diagnostics"]] == [("PF106", 5)]
    assert report["summary"]["files"] == 1


def test_a_file_named_explicitly_is_checked_whatever_its_extension(make_project: MakeProject, invoke: Invoke) -> None:
    """As ruff lints a file it is given: `check notes.txt` reads it as Markdown and reports
    what it finds; its "All checks passed!" is about a file that was checked. A folder
    gives only its *.md files, and a path that does not exist is one line, exit 2."""
    root = make_project(
        {"notes.txt": "# N\n- [] malformed\n", "clean.txt": "# C\n- [ ] fine\n", "folder/x.txt": "- [] x\n"},
        config=config(),
    )
    found = invoke(root, "check", "--no-cache", "notes.txt")
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith("notes.txt:2:3: PF106 ")
    clean = invoke(root, "check", "--no-cache", "--format", "json", "clean.txt")
    assert json.loads(clean.stdout)["summary"]["files"] == 1
    assert invoke(root, "check", "--no-cache", "clean.txt").stdout == "All checks passed!\n"
    folder = invoke(root, "check", "folder")
    assert (folder.exit_code, folder.stderr) == (2, "preflight: error: no checklists (*.md files) found in folder\n")
    missing = invoke(root, "check", "missing.md")
    assert (missing.exit_code, missing.stdout) == (2, "")
    assert missing.stderr == "preflight: error: missing.md: no such file or folder\n"


@pytest.mark.parametrize("stem", ["x" * 250, "é" * 125])
def test_files_with_names_near_the_length_limit_are_rewritten(
    make_project: MakeProject, invoke: Invoke, stem: str
) -> None:
    """A file is replaced through a temporary file next to it; named `.<name>.<random>`
    in full, that name passed the 255-byte limit and `check --fix`, `ids --write` and
    `extract --out` failed with a traceback (File name too long)."""
    name = f"checklists/{stem}.md"
    root = make_project({name: "# D\n\n- [ ] Step\n  ```bash id=a timeout=5\n  echo hi\n  ```\n"}, config=config())
    fixed = invoke(root, "check", "--no-cache", "--fix", name)
    assert fixed.exit_code == 0, fixed.output
    assert 'bash { #a data-preflight-timeout="5" }' in (root / name).read_text(encoding="utf-8")
    pinned = invoke(root, "ids", "--write", name)
    assert pinned.exit_code == 0, pinned.output
    assert "- [ ] Step { #step }" in (root / name).read_text(encoding="utf-8")
    assert sorted(p.name for p in (root / "checklists").iterdir()) == [f"{stem}.md"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--no-cache", "--fix"], "checklists/a.md: cannot write the fixes: File too large"),
        (["check", "--fix", "--jobs", "2"], "checklists/a.md: cannot write the fixes: File too large"),
        (["ids", "--write"], "checklists/a.md: cannot write: File too large"),
    ],
)
def test_a_file_that_cannot_be_written_is_one_line_exit_2(
    make_project: MakeProject, args: list[str], message: str
) -> None:
    """Writing a repaired checklist fails (here: a file size limit, which binds root too,
    as a full disk or a read-only folder would): one line, exit 2, the file unchanged."""
    text = "# D\n\n- [ ] Step\n  ```bash id=a timeout=5\n  echo hi\n  ```\n"
    root = make_project({"checklists/a.md": text}, config=config())

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # fail the write with EFBIG, not the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(text) // 2, len(text) // 2))

    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", *args],
        cwd=root,
        capture_output=True,
        text=True,
        preexec_fn=limit_file_size,
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"preflight: error: {message}\n"
    assert (root / "checklists/a.md").read_text(encoding="utf-8") == text
    assert sorted(p.name for p in (root / "checklists").iterdir()) == ["a.md"]


def test_ctrl_c_exits_130_in_one_line_not_1_as_findings(make_project: MakeProject) -> None:
    """Ctrl-C (SIGINT to the terminal's whole process group, workers included) ends a
    command with exit code 130 and one line, as `preflight run` does; click said
    "Aborted!" with exit code 1, the code of findings, and workers printed tracebacks."""
    step = "# D{}\n\n- [ ] Step `x.sh`\n  ```bash\n  ./x.sh\n  ```\n"
    root = make_project({f"checklists/c{i:04}.md": step.format(i) for i in range(3000)}, config=config())
    command = [sys.executable, "-m", "mkdocs_preflight"]
    listing = subprocess.Popen(
        [*command, "list"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    assert listing.stdout is not None
    assert listing.stdout.readline().startswith("checklists/c0000.md")  # the command has started
    os.killpg(listing.pid, signal.SIGINT)
    _, err = listing.communicate(timeout=60)
    assert (listing.returncode, err) == (130, "\npreflight: interrupted\n")

    checking = subprocess.Popen(
        [*command, "check", "--no-cache", "--jobs", "2"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    time.sleep(1.0)  # start-up or the workers: either way, no traceback
    os.killpg(checking.pid, signal.SIGINT)
    out, err = checking.communicate(timeout=60)
    assert checking.returncode == 130, out
    assert "Traceback" not in err and "Aborted" not in err
    assert err in ("", "\npreflight: interrupted\n")
