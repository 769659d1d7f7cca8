"""Engine findings become MkDocs warnings with ``file:line:col``, failing ``--strict`` per ``fail_on``."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from site_support import build_site, run_cli, site_config, write, write_config

DUPLICATE = "# Bad\n\n- [ ] One { #same }\n- [ ] Two { #same }\n"
MALFORMED = "# Sloppy\n\n- [ ] Fine\n- [] Not a task\n"


def _project(tmp_path: Path, checklists: dict[str, str], fail_on: str | None = None) -> Path:
    options = {} if fail_on is None else {"fail_on": fail_on}
    write(tmp_path, {"docs/index.md": "# Home\n", **{f"checklists/{k}": v for k, v in checklists.items()}})
    write_config(tmp_path, site_config("material", plugins=["search", {"preflight": options}]))
    return tmp_path


def test_an_engine_error_fails_the_strict_build(tmp_path: Path) -> None:
    built = build_site(_project(tmp_path, {"bad.md": DUPLICATE}))
    assert not built.ok
    warnings = built.logged(logging.WARNING)
    assert len(warnings) == 1
    assert warnings[0].startswith("mkdocs_preflight: checklists/bad.md:4:11: PF101 Duplicate ID `same`")
    assert (built.site / "checklists" / "bad" / "index.html").is_file(), "the site is still built"


def test_fail_on_never_reports_without_failing(tmp_path: Path) -> None:
    built = build_site(_project(tmp_path, {"bad.md": DUPLICATE}, fail_on="never"))
    assert built.ok, built.messages
    assert any("checklists/bad.md:4:11: PF101" in m for m in built.logged(logging.INFO))


@pytest.mark.parametrize(("fail_on", "ok"), [("error", True), ("warning", False), ("never", True)])
def test_engine_warnings_fail_only_with_fail_on_warning(tmp_path: Path, fail_on: str, ok: bool) -> None:
    built = build_site(_project(tmp_path, {"sloppy.md": MALFORMED}, fail_on=fail_on))
    assert built.ok is ok
    level = logging.INFO if ok else logging.WARNING
    assert any("checklists/sloppy.md:4:3: PF106 Malformed checkbox" in m for m in built.logged(level))


@pytest.mark.parametrize(("fail_on", "ok"), [("warning", True), ("info", False)])
def test_infos_fail_only_with_fail_on_info(tmp_path: Path, fail_on: str, ok: bool) -> None:
    write(tmp_path, {"requirements.yml": "requirements:\n  REQ-1: Used\n  REQ-2: Never referenced\n"})
    _project(tmp_path, {"deploy.md": "# Deploy\n\n- [ ] Ship REQ-1\n"})
    options = {"fail_on": fail_on, "registry": "requirements.yml"}
    write_config(tmp_path, site_config("material", plugins=["search", {"preflight": options}]))
    built = build_site(tmp_path)
    assert built.ok is ok
    failing = [m for m in built.logged(logging.WARNING) if "requirements.yml:3:1: PF104" in m]
    assert len(failing) == (0 if ok else 1), built.messages  # (an info is logged at DEBUG otherwise)
    result = run_cli(tmp_path, "preflight", "check")  # the CLI reads the same option from mkdocs.yml
    assert result.returncode == (0 if ok else 1), result.stderr


def test_a_valid_checklist_builds_clean_and_strict(tmp_path: Path) -> None:
    built = build_site(_project(tmp_path, {"good.md": "# Good\n\n- [ ] One\n- [x] Two\n"}))
    assert built.ok
    assert built.logged(logging.WARNING) == []


def test_mkdocs_cli_exit_codes(tmp_path: Path) -> None:
    root = _project(tmp_path, {"bad.md": DUPLICATE})
    result = run_cli(root, "mkdocs", "build", "--strict")
    assert result.returncode == 1
    assert "WARNING -  mkdocs_preflight: checklists/bad.md:4:11: PF101" in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr
    result = run_cli(root, "mkdocs", "build")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("quiet", ["-q", "--quiet"])
def test_a_quiet_strict_build_still_fails_on_findings(tmp_path: Path, quiet: str) -> None:
    """MkDocs' --quiet drops warnings before --strict counts them (mkdocs/mkdocs#4126):
    the findings that fail the build are reported as errors there instead."""
    root = _project(tmp_path, {"bad.md": DUPLICATE, "sloppy.md": MALFORMED})
    result = run_cli(root, "mkdocs", "build", "--strict", quiet)
    assert result.returncode == 1, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and errors[0].startswith("ERROR   -  mkdocs_preflight: checklists/bad.md:4:11: PF101 ")
    assert "Aborted with 1 errors in strict mode!" in result.stdout + result.stderr
    assert "PF106" not in result.stderr  # a warning, and fail_on is `error`: it passes, quietly
    quiet_build = run_cli(root, "mkdocs", "build", quiet)  # not strict: nothing fails, nothing shown
    assert (quiet_build.returncode, quiet_build.stderr) == (0, "")
    write_config(root, site_config("material", plugins=["search", {"preflight": {"fail_on": "never"}}]))
    never = run_cli(root, "mkdocs", "build", "--strict", quiet)
    assert (never.returncode, never.stderr) == (0, "")


@pytest.mark.parametrize("codes", ["PF110", ""])
def test_a_comment_that_silences_pf110_is_used_in_the_build_too(tmp_path: Path, codes: str) -> None:
    # `preflight check` needs the comment (PF110 there); the build rewrites the header and
    # does not report PF110, but must not call the comment unused (PF111) either.
    page = (
        f"# Deploy\n\n- [ ] Back up\n  <!-- preflight: ignore {codes} -->\n"
        "  ```bash id=x timeout=60\n  echo hi\n  ```\n"
    )
    _project(tmp_path, {"deploy.md": page}, fail_on="info")
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert not [m for m in built.messages if "PF111" in m or "PF110" in m]
    result = run_cli(tmp_path, "preflight", "check", "--no-cache", "--fail-on", "info")
    assert result.returncode == 0, result.stdout
