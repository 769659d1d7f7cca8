"""PF2xx on a real repository: each rule fires on its fixtures and stays silent on look-alikes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkdocs_preflight.rules import repository

from .conftest import Check, codes, context, git, make_repo, parsed, run_checks

FIX_COMMIT = ": check the hash (`git log --oneline`); a commit that was never pushed is only in one clone"
FIX_OUTSIDE = ": other clones and CI do not have it; link to it by URL or copy it into the repository"

# -- PF201 missing files -----------------------------------------------------------------


def test_missing_scripts_and_paths_in_commands(check: Check) -> None:
    found = check(
        """\
        # Deploy

        - [ ] Deploy

            ```bash
            ./scripts/deploy_v2.sh --env prod
            bash scripts/missing.sh
            sh gone.sh
            python src/app.py
            source scripts/nope.env.sh
            . ./scripts/absent.sh
            kubectl apply -f k8s/missing.yaml --dry-run=server
            psql "$DATABASE_URL" -f migrations/0042_drop.sql
            psql < migrations/0099.sql
            pytest apps/backend/nope/ -v
            ```
        """,
        "PF201",
    )
    assert [(d.line, d.message) for d in found] == [
        (6, "Script `./scripts/deploy_v2.sh` does not exist; did you mean `./scripts/deploy.sh`?"),
        (7, "Script `scripts/missing.sh` does not exist"),
        (8, "Script `gone.sh` does not exist"),
        (9, "Script `src/app.py` does not exist"),
        (10, "Sourced file `scripts/nope.env.sh` does not exist"),
        (11, "Sourced file `./scripts/absent.sh` does not exist"),
        (12, "Path `k8s/missing.yaml` does not exist"),
        (13, "Path `migrations/0042_drop.sql` does not exist"),
        (14, "Path `migrations/0099.sql` does not exist"),
        (15, "Folder `apps/backend/nope/` does not exist"),
    ]
    assert [d.col for d in found[:2]] == [5, 10]


def test_the_pattern_of_grep_is_not_a_path(check: Check) -> None:
    found = check(
        """\
        ```bash
        grep -rn 'config/missing.yml' .
        rg -t yaml -A 2 "k8s/old-app.yaml" k8s/
        grep -e scripts/gone.sh -e tools/gone.py config/prod.yml
        grep -- -old/flag config/prod.yml
        grep -rn deploy config/missing.yml
        grep -f patterns/missing.txt config/prod.yml
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message.split("`")[1]) for d in found] == [
        (6, "config/missing.yml"),
        (7, "patterns/missing.txt"),
    ]


def test_files_and_folders_given_to_input_options(check: Check) -> None:
    found = check(
        """\
        ```bash
        kubectl apply -k overlays/prod
        kubectl apply --kustomize=overlays/staging --dry-run=server
        helm upgrade --install api ./k8s/ -f values-prod.yaml
        docker-compose -f compose.prod.yml up -d
        kubectl apply -k k8s/ -f k8s/app.yaml
        kubectl apply -k github.com/acme/infra/overlays/prod
        kubectl logs -f deploy/api
        cat k8s/app.yaml | kubectl apply -f -
        helm upgrade api ./k8s/ -f "$VALUES"
        terraform -chdir=infra/prod plan -out=plan.tfplan
        terraform -chdir=k8s plan
        terraform -chdir="$TF_DIR" plan
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message.split("`")[1]) for d in found] == [
        (2, "overlays/prod"),
        (3, "overlays/staging"),
        (4, "values-prod.yaml"),
        (5, "compose.prod.yml"),
        (11, "infra/prod"),
    ]


def test_the_code_of_bash_with_joined_options_is_not_a_script(check: Check) -> None:
    found = check(
        """\
        ```bash
        bash -lc 'cd services/api && make serve'
        sh -euc "./scripts/deploy.sh --env staging"
        bash -x ./scripts/missing.sh
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message.split("`")[1]) for d in found] == [(4, "./scripts/missing.sh")]


def test_commands_that_run_on_another_machine_are_not_checked(check: Check) -> None:
    found = check(
        """\
        ```bash
        vagrant ssh -c './scripts/provision.sh'
        vagrant ssh --command='./bin/setup'
        ansible web -i inventory.ini -m shell -a './scripts/rotate-logs.sh --days 7'
        gcloud compute ssh vm-1 --command './bin/restart'
        ansible-playbook playbooks/missing.yml
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message.split("`")[1]) for d in found] == [(6, "playbooks/missing.yml")]


def test_existing_references_are_silent(check: Check) -> None:
    found = check(
        """\
        - [ ] Deploy with `./scripts/deploy.sh --env prod` and `config/prod.yml`

            ```bash
            ./scripts/deploy.sh --env prod
            bash scripts/noexec.sh
            python manage.py migrate
            python tools/report.py --out report.txt
            kubectl apply -f k8s/app.yaml -f config/staging.yml
            pytest apps/backend/tests/ -v
            source scripts/env.sh
            cd apps/backend && pytest tests/test_x.py
            ```
        """,
        "PF2",
    )
    assert found == []


def test_a_cd_in_a_subshell_ends_with_it(check: Check) -> None:
    found = check(
        """\
        ```bash
        (cd services/api && make serve) && make build
        (cd services/api && make serve)
        make test && ./scripts/deploy.sh
        (
          cd services/api
          make serve
        )
        make deploy-staging
        cd services/api && (cd ../.. && make build) && make serve
        (make build)
        ```
        """,
        "PF2",
    )
    assert [(d.code, d.line) for d in found] == [("PF203", 11)]


def test_continuation_lines_point_at_the_physical_line(check: Check) -> None:
    found = check(
        """\
        ```bash
        kubectl apply \\
          --dry-run=server \\
          -f k8s/nope.yaml
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.col) for d in found] == [(4, 6)]


def test_console_blocks_check_prompt_lines_only(check: Check) -> None:
    found = check(
        """\
        ```console
        $ ./scripts/nope.sh --dry-run
        scripts/also-nope.sh: printed output, not a command
        $ bash scripts/deploy.sh
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.col) for d in found] == [(2, 3)]


def test_cd_changes_where_paths_resolve(check: Check) -> None:
    found = check(
        """\
        ```bash
        cd apps/backend
        pytest tests/test_x.py
        pytest tests/test_missing.py
        cd ../..
        ./scripts/deploy.sh
        cd apps/nowhere
        ./anything.sh
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message) for d in found] == [
        (4, "Path `tests/test_missing.py` does not exist (in `apps/backend/`)"),
        (7, "Folder `apps/nowhere` does not exist"),
    ]


def test_block_cwd_option(check: Check) -> None:
    found = check(
        """\
        ```bash cwd=apps/backend
        pytest tests/test_x.py tests/missing_test.py
        ```
        """,
        "PF201",
    )
    assert [d.message for d in found] == ["Path `tests/missing_test.py` does not exist (in `apps/backend/`)"]


def test_a_cwd_that_does_not_exist(check: Check) -> None:
    found = check(
        """\
        ---
        run:
          cwd: apps/gone
        ---
        ```bash { data-preflight-cwd="apps/nowhere" }
        make test
        ```

        ```bash
        mkdir -p build/out
        ```

        ```bash cwd=build/out
        ls
        ```

        ```bash cwd=apps/backend
        pytest tests/test_x.py
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.col, d.message) for d in found] == [
        (3, 3, "Folder `apps/gone` does not exist: the front matter's `run.cwd`"),
        (5, 11, "Folder `apps/nowhere` does not exist: block `top--bash` runs in it (`cwd`)"),
    ], "a folder an earlier step creates is fine, and a block's cwd is relative to the root"


def test_a_cwd_that_is_not_text_is_ignored_not_checked(check: Check) -> None:
    found = check("---\nrun:\n  cwd: 5\n---\n```bash\nls\n```\n")
    assert [(d.code, d.line, d.message) for d in found] == [
        ("PF307", 3, "Front matter `run.cwd: 5` must be text: ignored")
    ]


def test_inline_code_paths(check: Check) -> None:
    found = check(
        """\
        - [ ] Review `config/prod.yml`, `config/prod.yaml` and `CHANGELOG.md`
        - [ ] The folder `apps/backend/tests/` exists, `apps/frontend/` does not
        - [ ] Run `./scripts/nope.sh` first
        """,
        "PF201",
    )
    assert [(d.line, d.message) for d in found] == [
        (1, "Path `config/prod.yaml` does not exist; did you mean `config/prod.yml`?"),
        (1, "Path `CHANGELOG.md` does not exist"),
        (2, "Folder `apps/frontend/` does not exist"),
        (3, "Script `./scripts/nope.sh` does not exist"),
    ]


def test_inline_path_relative_to_the_checklist_folder_is_accepted(check: Check) -> None:
    assert check("- [ ] See `other.md` next door\n", "PF201") == []


def test_links(check: Check) -> None:
    found = check(
        """\
        - [ ] Read [the guide](../docs/guide.md) and [missing](../docs/missing.md)
        - [ ] Scripts are in [scripts](../scripts/) and [nowhere](../nowhere/)
        - [ ] See [the other checklist](other.md) and ![diagram](img/arch.png)
        - [ ] External: [site](https://example.com/x.md), [mail](mailto:a@b.c), [abs](/docs/x.md)
        """,
        "PF201",
    )
    assert [(d.line, d.message) for d in found] == [
        (1, "Link target `../docs/missing.md` does not exist (`docs/missing.md`)"),
        (2, "Link target `../nowhere/` does not exist (`nowhere`)"),
        (3, "Link target `img/arch.png` does not exist (`checklists/img/arch.png`)"),
    ]


def test_paths_created_earlier_are_not_missing(check: Check) -> None:
    found = check(
        """\
        ```bash
        mkdir -p out/reports
        ./tools/gen.sh > out/reports/today.txt 2>&1 || true
        cat out/reports/today.txt
        curl -fsSL https://get.example.com/install.sh -o install.sh && sh install.sh
        git clone https://github.com/acme/tools.git && bash tools/setup.sh
        python3 -m venv .venv && source .venv/bin/activate
        pg_dump -f backups/db.sql app
        ```

        ```bash
        psql app -f backups/db.sql
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message) for d in found] == [(3, "Script `./tools/gen.sh` does not exist")]


def test_the_folder_of_a_clone_over_ssh_is_made_by_it(check: Check) -> None:
    found = check(
        """\
        ```bash
        git clone deploy@git.example.com:tools.git
        ./tools/install.sh
        git clone git@github.com:acme/other.git && cd other-name
        ```

        ```bash
        git clone git@github.com:acme/infra.git && cd infra && make plan
        ```
        """,
        "PF2",
    )
    assert [(d.code, d.line, d.message.split("`")[1]) for d in found] == [("PF201", 4, "other-name")]


def test_paths_restored_from_another_revision_are_made_by_git(check: Check) -> None:
    found = check(
        """\
        ```bash
        git checkout origin/main -- k8s/old.yaml && kubectl apply -f k8s/old.yaml
        git restore --source=HEAD~1 config/old.yml && cat config/old.yml
        git restore -s v1.2.0 migrations/0000_old.sql
        git checkout -- k8s/gone.yaml
        git restore config/gone.yml
        ```
        """,
        "PF201",
    )
    assert [(d.line, d.message.split("`")[1]) for d in found] == [(5, "k8s/gone.yaml"), (6, "config/gone.yml")]


def test_ignored_generated_and_local_files_are_not_missing(check: Check) -> None:
    found = check(
        """\
        - [ ] Logs in `generated/run.txt` and `node_modules/.bin/vite` and `dist/app.js`
        - [ ] `source .env` then `cat .env.production`

            ```bash
            source .env
            cp .env.example .env.local
            ```
        """,
        "PF201",
    )
    assert found == []


# -- PF202 not executable ------------------------------------------------------------------


def test_direct_call_of_a_non_executable_script(check: Check) -> None:
    found = check(
        """\
        ```bash
        ./scripts/noexec.sh --now
        sudo scripts/noexec.sh
        bash scripts/noexec.sh
        sh ./scripts/noexec.sh
        ./scripts/deploy.sh
        ```
        """,
        "PF202",
    )
    assert codes(found) == [("PF202", 2), ("PF202", 3)]
    assert "mode 0644" in found[0].message


def test_scripts_that_xargs_runs(check: Check) -> None:
    found = check(
        """\
        ```bash
        xargs -n1 ./scripts/noexec.sh < hosts.txt
        cat hosts.txt | xargs -0 -P 4 -I{} ./scripts/missing.sh {}
        cat hosts.txt | xargs -n 1 ./scripts/deploy.sh
        find . -name '*.pyc' | xargs rm -f
        ```
        """,
        "PF20",
    )
    assert [(d.code, d.line) for d in found] == [("PF202", 2), ("PF201", 3)]


def test_a_script_made_executable_earlier_is_not_reported(check: Check) -> None:
    found = check(
        """\
        ```bash
        chmod +x scripts/noexec.sh && ./scripts/noexec.sh
        ```

        ```bash
        ./scripts/noexec.sh --again
        ```

        ```bash
        cd scripts
        chmod 0755 noexec.sh
        ./noexec.sh
        ```
        """,
        "PF202",
    )
    assert found == []


def test_chmod_that_does_not_give_the_owner_execute_changes_nothing(check: Check) -> None:
    found = check(
        """\
        ```bash
        chmod g+x scripts/noexec.sh
        chmod 644 scripts/noexec.sh
        chmod -x scripts/noexec.sh
        ./scripts/noexec.sh
        ```
        """,
        "PF202",
    )
    assert codes(found) == [("PF202", 5)]


# -- PF203 make ----------------------------------------------------------------------------


def test_make_targets(check: Check) -> None:
    found = check(
        """\
        ```bash
        make build
        make deploy-prod ENV=production
        make -j 4 test deploy-staging
        make release-1.4 extra-target .venv/bin/python
        make -C apps/web build
        make -f extra.mk extra-target nope
        make
        make $TARGET
        ```
        - [ ] Inline: `make deploy-canery`
        """,
        "PF203",
    )
    assert [(d.line, d.message) for d in found] == [
        (3, "`make deploy-prod`: no target `deploy-prod` in `Makefile`"),
        (6, "`make` has no Makefile to read in `apps/web/`"),
        (7, "`make nope`: no target `nope` in `extra.mk`"),
        (11, "`make deploy-canery`: no target `deploy-canery` in `Makefile`; did you mean `deploy-canary`?"),
    ]


def test_make_in_another_folder(check: Check) -> None:
    found = check(
        """\
        ```bash
        make -C services/api serve
        make --directory=services/api nope
        cd services/api && make serve && make build
        make -C services/missing serve
        ```
        """,
        "PF2",
    )
    assert [(d.code, d.line, d.message) for d in found] == [
        ("PF203", 3, "`make nope`: no target `nope` in `services/api/Makefile`"),
        ("PF203", 4, "`make build`: no target `build` in `services/api/Makefile`"),
        ("PF201", 5, "Folder `services/missing` does not exist (in `services/api/`)"),  # the cd still holds
    ]


def test_a_broken_symbolic_link_is_named_as_one_not_as_its_own_suggestion(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"scripts/deploy-all.sh": "true\n"}, use_git=False)
    (root / "scripts" / "deploy.sh").symlink_to("gone.sh")
    (root / "scripts" / "loop.sh").symlink_to("loop.sh")
    found = run_checks(
        root,
        """\
        ```bash
        ./scripts/deploy.sh
        bash scripts/loop.sh
        ./scripts/deploy-al.sh
        ```
        """,
    )
    assert [(d.line, d.message) for d in found if d.code == "PF201"] == [
        (2, "Script `./scripts/deploy.sh` does not exist; it is a broken symbolic link"),
        (3, "Script `scripts/loop.sh` does not exist; it is a broken symbolic link"),
        (4, "Script `./scripts/deploy-al.sh` does not exist; did you mean `./scripts/deploy-all.sh`?"),
    ]


def test_missing_makefile_and_package_json_are_reported_once_per_checklist(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"README.md": "x"}, use_git=False)
    found = run_checks(
        root,
        """\
        ```bash
        make build
        make test
        npm run build
        yarn test
        npm test
        ```
        - [ ] `make lint`
        """,
    )
    assert [(d.code, d.line, d.message) for d in found if d.code in ("PF203", "PF204")] == [
        ("PF203", 2, "`make` has no Makefile to read in the repository root"),
        ("PF204", 4, "`npm run` has no package.json to read in the repository root"),
        ("PF204", 5, "`yarn test` has no package.json to read in the repository root"),
    ]


# -- PF204 package scripts -----------------------------------------------------------------


def test_package_scripts(check: Check) -> None:
    found = check(
        """\
        ```bash
        npm run build
        npm run build:prod
        npm test
        npm run-script lint:css
        pnpm run build
        pnpm lint
        pnpm vite build
        pnpm tsc --noEmit
        yarn build
        yarn deploy
        yarn eslint .
        npm ci && npm install
        npm run dev --prefix apps/web
        npm --prefix apps/web run start
        npm run x --workspace apps/web
        npm run maybe --if-present
        cd apps/web && yarn dev
        ```
        """,
        "PF204",
    )
    assert [(d.line, d.message) for d in found] == [
        (3, "`npm run build:prod`: no script `build:prod` in `package.json`; did you mean `build`?"),
        (7, "`pnpm lint`: no script `lint` in `package.json`; did you mean `lint:css`?"),
        (11, "`yarn deploy`: no script `deploy` in `package.json`"),
        (15, "`npm run start`: no script `start` in `apps/web/package.json`"),
    ]


# -- PF205 python modules and console scripts ----------------------------------------------


def test_python_modules_and_scripts(check: Check) -> None:
    found = check(
        """\
        ```bash
        python -m http.server 8000
        python3 -m venv .venv
        python -m pytest -q
        python -m acme.cli --help
        python -m manage
        python -m yaml
        python -m nonexistent_tool --x
        python -mserverx
        poetry run acme --version
        uv run pytest
        uv run alembic upgrade head
        poetry run nonexistent-cli
        uv run --with httpie http GET x
        poetry run python -m not_here
        uv run tools/report.py
        ```
        """,
        "PF205",
    )
    assert [(d.line, d.message.split(":")[0]) for d in found] == [
        (8, "`python -m nonexistent_tool`"),
        (9, "`python -m serverx`"),
        (13, "`poetry run nonexistent-cli`"),
        (15, "`python -m not_here`"),
    ]


# -- PF206 anchors ---------------------------------------------------------------------------


def test_anchors(check: Check) -> None:
    found = check(
        """\
        # Runbook

        ## Prepare { #prep }

        - [ ] Pinned item { #pinned }
        - [ ] See [guide](../docs/guide.md#rollback-plan) and [bad](../docs/guide.md#rollback)
        - [ ] HTML anchor [ok](../docs/guide.md#custom-anchor)
        - [ ] Other checklist [ok](other.md#step-2-verify) [ok](other.md#check-it) [bad](other.md#nope)
        - [ ] Same file [ok](#prep) [ok](#pinned) [ok](#runbook) [bad](#missing)
        - [ ] Not Markdown [ok](../scripts/deploy.sh#L10) [ok](../manage.py#anything)
        """,
        "PF206",
    )
    assert [(d.line, d.message) for d in found] == [
        (6, "Anchor `#rollback` does not exist in `docs/guide.md`; did you mean `rollback-plan`?"),
        (8, "Anchor `#nope` does not exist in `checklists/other.md`"),
        (9, "Anchor `#missing` does not exist in this checklist"),
    ]


# -- PF207 env vars --------------------------------------------------------------------------


ENV_TEXT = """\
```bash
psql "$DATABASE_URL" -c 'select $NOT_A_VAR'
curl -H "Authorization: Bearer $API_TOKEN" "$SERVICE_URL/health"
echo "$SERVICE_URL again" "${OPTIONAL_FLAG}" "${REGION:-eu-west-1}" "$HOME" "$lowercase"
export RELEASE=1.2 && echo "$RELEASE"
for NODE in a b; do echo "$NODE"; done
echo "$FROM_FRONT_MATTER"
```
"""


def test_env_vars_missing_from_the_example(check: Check) -> None:
    text = "---\nrun:\n  env:\n    FROM_FRONT_MATTER: x\n---\n" + ENV_TEXT
    found = check(text, "PF207", env_example=".env.example")
    assert [(d.line, d.col, d.message) for d in found] == [
        (
            8,
            45,
            "`$SERVICE_URL` is not listed in `.env.example`: "
            "add `SERVICE_URL=` there (with an example value or a comment)",
        ),
    ]


def test_env_vars_are_not_checked_without_configuration(check: Check) -> None:
    assert check(ENV_TEXT, "PF207") == []


def test_env_example_that_does_not_exist(check: Check) -> None:
    found = check(ENV_TEXT, "PF207", env_example=".env.sample")
    assert {d.message for d in found} >= {"`$DATABASE_URL` cannot be checked: `.env.sample` does not exist"}


# -- PF208 commits ---------------------------------------------------------------------------


def test_commit_hashes(shared_repo: Path, check: Check) -> None:
    head = git(shared_repo, "rev-parse", "HEAD").strip()
    found = check(
        f"""\
        # Release

        ## Commit `{head[:7]}` and commit `abc1234`

        - [ ] Revert commit `{head[:10]}` or commit `1234abcd` if needed
        - [ ] The image id `4f2a9c1b7e3d` is something else
        - [ ] Build number `1234567` has no letters; `deadbeef` has no digits
        - [ ] Run `git revert 0badc0de`

            ```bash
            git show {head[:8]}
            git cherry-pick 99aa88bb
            ```
        """,
        "PF208",
    )
    assert [(d.line, d.message) for d in found] == [
        (3, "Commit `abc1234` is not known to git" + FIX_COMMIT),
        (5, "Commit `1234abcd` is not known to git" + FIX_COMMIT),
        (8, "Commit `0badc0de` is not known to git" + FIX_COMMIT),
        (12, "Commit `99aa88bb` is not known to git" + FIX_COMMIT),
    ]


def test_commit_hashes_need_git(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", {"a": "x"}, use_git=False)
    assert [d for d in run_checks(root, "- [ ] Roll back to commit `abc1234`\n") if d.code == "PF208"] == []


# -- PF209 outside the repository ------------------------------------------------------------


def test_references_outside_the_repository(check: Check, shared_repo: Path) -> None:
    outside = shared_repo.parent / "outside-target"
    outside.mkdir(exist_ok=True)
    link = shared_repo / "escape"
    if not link.is_symlink():
        os.symlink(outside, link)
    try:
        found = check(
            """\
            - [ ] Read [shared](../../ops/handbook.md) and `../sibling/x.sh`
            - [ ] Link through a symlink: [x](../escape/file.md)

                ```bash
                bash ../other-repo/deploy.sh
                ./escape/run.sh
                cd ../../elsewhere
                ./not/checked/after/leaving.sh
                ```
            """,
            "PF209",
        )
    finally:
        link.unlink()
    assert [(d.line, d.message) for d in found] == [
        (1, "Link target `../../ops/handbook.md` is outside the repository" + FIX_OUTSIDE),
        (1, "`../sibling/x.sh` is outside the repository" + FIX_OUTSIDE),
        (2, "Link target `../escape/file.md` resolves outside the repository (through a symbolic link)" + FIX_OUTSIDE),
        (5, "`../other-repo/deploy.sh` is outside the repository" + FIX_OUTSIDE),
        (6, "`./escape/run.sh` resolves outside the repository (through a symbolic link)" + FIX_OUTSIDE),
        (7, "`cd ../../elsewhere` leaves the repository"),
    ]


# -- references() for preflight lock ----------------------------------------------------------


def test_references_give_existing_files_per_step(shared_repo: Path) -> None:
    checklist = parsed(
        """\
        - [ ] Deploy with `config/prod.yml`, [guide](../docs/guide.md) and `missing/x.yml` { #deploy }

            ```bash id=run-it
            ./scripts/deploy.sh -f config/prod.yml
            pytest apps/backend/tests/
            ./scripts/deploy.sh
            ```

        Outside any step: `config/staging.yml`.
        """
    )
    ctx = context(shared_repo)
    try:
        pairs = list(repository.references(checklist, ctx))
    finally:
        ctx.close()
    assert pairs == [
        ("deploy", "config/prod.yml"),
        ("run-it", "scripts/deploy.sh"),
        ("run-it", "config/prod.yml"),
        ("deploy", "docs/guide.md"),
    ]


def test_code_run_by_a_shell_is_not_a_path(check: Check) -> None:
    found = check(
        """\
        ```bash
        bash -c "./scripts/not-checked.sh"
        sh -s < scripts/deploy.sh
        python -c 'open("config/nope.yml")'
        node -e "require('./lib/nope.js')"
        ```
        """,
        "PF2",
    )
    assert found == []


@pytest.mark.parametrize("text", ["", "# Only a title\n", "```bash\n```\n", "- [ ] `make`\n"])
def test_empty_and_degenerate_checklists(check: Check, text: str) -> None:
    assert check(text, "PF2") == []
