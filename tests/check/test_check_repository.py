"""A real repository (git, Makefile, package.json, pyproject, scripts with and without +x): exact findings."""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.rules import check

from .conftest import Invoke, MakeProject, dedent

MKDOCS = dedent(
    """
    site_name: t
    plugins:
      - preflight:
          registry: requirements.yml
          env_example: .env.example
    """
)
DEPLOY = dedent(
    """
    # Deploy

    ## Prepare (Requirement 1.1)

    - [ ] Back up: `./scripts/backup.sh`
    - [ ] Check `config/prod.yml` and `config/staging.yml`
    - [ ] Read the [runbook](../docs/runbook.md), [rollback](rollback.md#undo) and [more](rollback.md#nope)
    - [ ] Build with `make build` then `make package`
    - [ ] Test with `npm run test` and `npm run e2e`
    - [] Malformed box

    ## Ship (Requirement 1.2)

    - [ ] Deploy

        ```bash
        make deploy
        ./scripts/deploy.sh --env "$APP_ENV" --region "$AWS_REGION"
        python -m app --check
        python -m missingmod
        if then fi
        ```

    - [ ] Clean up

        ```bash
        rm -rf /srv/app/releases/old
        ```

    - [ ] Tell the channel (Requirement 9.9)

    ```
    kubectl rollout status deploy/app
    ```

    - [ ] Smoke tests pass âœ…
    - [ ] Version `v1.2.3`, p95 under 200ms, 10%/50% traffic, `owner/repo`, `/var/log/app`, `~/.ssh/config`, `*.log`
    - [ ] Release `https://example.com/x.tar.gz` to `s3://bucket/app/` with tag `{{ version }}`
    <!-- preflight: ignore PF201 -->
    - [ ] Only on the bastion: `scripts/bastion-only.sh`
    <!-- preflight: ignore PF203 -->
    - [ ] Nothing to silence here

    ```bash id=notify timeout=30
    ./scripts/deploy.sh --notify
    ```

    - [ ] Revert `0123456789abcdef0123456789abcdef01234567` if needed; see [hosts](../../../etc/hosts)
    """
)
FILES: dict[str, str | bytes] = {
    "requirements.yml": 'requirements:\n  "1.1": Backups are verified\n  "1.2": Deploys are reversible\n'
    '  "1.3": Nobody references this\n',
    "Makefile": "deploy:\n\t./scripts/deploy.sh\n\nbuild:\n\techo build\n.PHONY: deploy build\n",
    "package.json": '{"name": "x", "scripts": {"test": "echo t", "lint": "echo l"}}\n',
    "scripts/deploy.sh": "#!/bin/sh\necho deploy\n",
    "scripts/backup.sh": "#!/bin/sh\necho backup\n",
    "config/prod.yml": "replicas: 2\n",
    ".env.example": "DATABASE_URL=\nAPP_ENV=\n",
    "src/app/__init__.py": "",
    "src/app/__main__.py": "print(1)\n",
    "pyproject.toml": '[project]\nname = "app"\n[project.scripts]\napp-admin = "app.cli:main"\n',
    "checklists/deploy.md": DEPLOY,
    "checklists/rollback.md": "# Rollback\n\n## Undo\n\n- [ ] Run `./scripts/deploy.sh --previous`\n",
}
EXPECTED = [
    ("PF202", 5),  # backup.sh is 0644
    ("PF201", 6),  # config/staging.yml
    ("PF201", 7),  # ../docs/runbook.md
    ("PF206", 7),  # rollback.md#nope
    ("PF203", 8),  # make package
    ("PF204", 9),  # npm run e2e
    ("PF106", 10),
    ("PF207", 18),  # $AWS_REGION is not in .env.example
    ("PF205", 20),  # python -m missingmod
    ("PF301", 21),  # if then fi
    ("PF304", 27),  # rm -rf without destructive=true
    ("PF102", 30),  # Requirement 9.9
    ("PF305", 32),  # untagged fence that is shell
    ("PF401", 36),
    ("PF111", 41),  # suppresses nothing
    ("PF110", 44),  # bash id=... header
    ("PF208", 48),  # a commit git does not know
    ("PF209", 48),  # a link out of the repository
]


def _root(make_project: MakeProject) -> Path:
    root = make_project(FILES, config=MKDOCS, git=True)
    (root / "scripts/deploy.sh").chmod(0o755)
    (root / "scripts/backup.sh").chmod(0o644)
    return root


def test_known_findings_exactly(make_project: MakeProject) -> None:
    root = _root(make_project)
    result = check(Project(load_settings(root / "mkdocs.yml")), ignore=["PF302"])
    checklist = [(d.code, d.line) for d in result.diagnostics if d.path == "checklists/deploy.md"]
    assert checklist == EXPECTED
    others = [(d.code, d.path, d.line) for d in result.diagnostics if d.path != "checklists/deploy.md"]
    assert others == [("PF104", "requirements.yml", 4)]


def test_cli_exit_code_and_json_match(make_project: MakeProject, invoke: Invoke) -> None:
    root = _root(make_project)
    result = invoke(root, "check", "--format", "json", "--ignore", "PF302", "--jobs", "1")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [(d["code"], d["line"]) for d in data["diagnostics"] if d["path"] == "checklists/deploy.md"] == EXPECTED
    errors = sum(1 for d in data["diagnostics"] if d["level"] == "error")
    assert data["summary"]["errors"] == errors > 0


def test_fix_then_lock_then_edit_a_script(make_project: MakeProject, invoke: Invoke) -> None:
    root = _root(make_project)
    fixed = invoke(root, "check", "--fix", "--select", "PF110,PF401")
    assert fixed.exit_code == 0, fixed.output
    assert "Fixed 2 problems." in fixed.stdout
    text = (root / "checklists/deploy.md").read_text(encoding="utf-8")
    assert "Smoke tests pass ✅" in text and 'bash { #notify data-preflight-timeout="30" }' in text
    assert invoke(root, "lock").exit_code == 0
    (root / "scripts/deploy.sh").write_text("#!/bin/sh\necho deploy --v2\n")
    result = invoke(root, "check", "--select", "PF502")
    lines = result.stdout.splitlines()[:-1]
    assert [line.split(": PF502 ")[0] for line in lines] == [
        "checklists/deploy.md:16:5",  # the Ship block that runs ./scripts/deploy.sh
        "checklists/deploy.md:44:1",  # the notify block
        "checklists/rollback.md:5:3",
    ]
    assert all("scripts/deploy.sh" in line for line in lines)


def test_selecting_a_family_gives_the_same_findings_as_filtering_the_full_run(make_project: MakeProject) -> None:
    root = _root(make_project)
    full = check(Project(load_settings(root / "mkdocs.yml")), ignore=["PF302"]).diagnostics
    for family in ("PF1", "PF2", "PF3", "PF4"):
        only = check(Project(load_settings(root / "mkdocs.yml")), select=[family], ignore=["PF302"]).diagnostics
        # PF111 depends on the selection: a suppression of a rule that is off cannot be judged.
        assert [d for d in only if d.code != "PF111"] == [
            d for d in full if d.code.startswith(family) and d.code != "PF111"
        ]


def test_plugin_entry_point_gives_the_same_findings(make_project: MakeProject) -> None:
    from mkdocs_preflight.rules import check_models

    root = _root(make_project)
    project = Project(load_settings(root / "mkdocs.yml"))
    full = check(project, ignore=["PF302"]).diagnostics
    models = [project.parse(file) for file in project.files()]
    plugin = list(check_models(Project(load_settings(root / "mkdocs.yml")), models).diagnostics)
    expected = [d for d in full if d.code != "PF110"]  # the plugin rewrites those headers itself
    assert [d for d in plugin if d.code != "PF302"] == expected


def test_fix_and_ids_write_through_a_symlinked_checklist(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project({"shared/real.md": "# S\n\n- [ ] Done âœ… item\n"}, config="site_name: t\n")
    (root / "checklists").mkdir()
    link = root / "checklists" / "linked.md"
    link.symlink_to(Path("..") / "shared" / "real.md")
    fixed = invoke(root, "check", "--fix", "--no-cache")
    assert "Fixed 1 problem." in fixed.stdout, fixed.output
    assert invoke(root, "ids", "--write").exit_code == 0
    assert link.is_symlink(), "the link stays a link"
    assert (root / "shared" / "real.md").read_text(encoding="utf-8") == "# S\n\n- [ ] Done ✅ item { #done-item }\n"
