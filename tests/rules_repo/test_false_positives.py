"""Look-alikes from real runbooks that must not be reported, in a repository that has none of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.rules import commands, repository

from .conftest import context, make_repo, run_checks

LOOK_ALIKES = """\
# Release runbook for the payments API

Owner: @platform-team. Branch: `release/v2.14.0`, tag `v2.14.0`, image `ghcr.io/acme/payments:2.14.0`.

## Before the window

- [ ] Error rate under `0.5%`, p95 under `300ms`, p99 under `1.2s`; shift traffic `10%/50%/100%`
- [ ] Upstream is `acme/payments-api` (fork of `upstream-org/payments`), see `origin/main`
- [ ] Feature flags `checkout.v2`, `billing.async_invoices`, `MAJOR.MINOR.PATCH` versioning
- [ ] Hosts `db-primary.internal`, `cache.prod.example.com:6379`, `10.0.3.17`, `[::1]`
- [ ] Paths on the host: `/var/log/app/error.log`, `~/.kube/config`, `$HOME/.aws/credentials`
- [ ] Globs and patterns: `*.sql`, `migrations/*.sql`, `logs/**/*.gz`, `^v\\d+\\.\\d+$`
- [ ] Placeholders in prose: `<release-tag>`, `[ticket-id]`, `YYYY-MM-DD`, `{{ env }}`
- [ ] S3 and URLs: `s3://acme-backups/payments/`, `https://status.example.com/`, `gs://bucket/x.json`
- [ ] Kubernetes objects `deployment/payments`, `svc/payments-canary`, `configmap/payments-env`
- [ ] Code locations `src/app.py:42`, `app/models.py#L10-L20`, `C:\\deploy\\run.ps1`
- [ ] API routes `GET /api/v1/payments`, `POST /v2/refunds/{id}`, env `DATABASE_URL=postgres://...`
- [ ] Ratios and sizes `2/3`, `4/4`, `16Gi`, `500m`, `1/2 of the pods`, `24/7`, `50/50`
- [ ] Commands that are only names: `git`, `kubectl`, `make`, `helm`
- [ ] Snapshot `rds:payments-2024-05-01-03-00`, digest
  `sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4e5f60718293a4b5c6d7e8f90`
- [ ] A 12-digit image id `4f2a9c1b7e3d` and a build `20240501.3`

## During the window

```bash
export RELEASE=v2.14.0
kubectl -n payments rollout status deployment/payments --timeout=300s
kubectl -n payments get pods -l app=payments -o jsonpath='{.items[*].metadata.name}'
helm upgrade --install payments oci://registry.example.com/charts/payments --version 2.14.0 -f - <<EOF
image:
  tag: v2.14.0
EOF
docker pull ghcr.io/acme/payments:2.14.0
docker run --rm -v "$PWD/data:/data" -e TZ=UTC ghcr.io/acme/tools migrate --path /data/migrations
docker exec payments python manage.py migrate --plan
kubectl exec -it payments-0 -- ./bin/healthcheck --verbose
ssh deploy@bastion.internal 'sudo systemctl restart payments && tail -n 50 /var/log/payments.log'
aws s3 cp s3://acme-backups/payments/latest.dump /tmp/restore.dump
aws s3 sync ./dist s3://acme-static/payments/ --delete-removed=false
curl -fsS -o /dev/null -w '%{http_code}' https://payments.example.com/healthz
git checkout -b hotfix/payments-rounding origin/main
git log --oneline origin/main..release/v2.14.0
git push origin release/v2.14.0
gh pr create --base main --head hotfix/payments-rounding --title "Fix rounding"
echo "deploying scripts/deploy.sh is not a call" | tee -a /tmp/deploy.log
printf '%s\\n' config/prod.yml
jq -r '.items[0].status' response.json
grep -rn "TODO" /srv/payments/src || true
find . -name '*.pyc' -delete
for f in migrations/*.sql; do psql "$DATABASE_URL" -f "$f"; done
psql "$DATABASE_URL" -c "select count(*) from payments where created_at > now() - interval '1 hour'"
ansible-playbook -i "$INVENTORY" site.yml --limit payments
terraform -chdir="$TF_DIR" plan -out=plan.tfplan
npx create-react-app dashboard && cd dashboard && npm start
wget https://get.example.com/install.sh && bash install.sh
tar -czf backups/payments-$(date +%Y%m%d).tgz /srv/payments
python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt
date +%Y-%m-%d
sleep 30
```

```console
$ kubectl get nodes
NAME          STATUS   ROLES    AGE   VERSION
node-1/eu     Ready    <none>   12d   v1.29.3
$ cat /etc/os-release | head -n 2
```

```text
config/missing.yml in a text block is not checked
```

| Step | Command |
| --- | --- |
| Check | `kubectl get pods -n payments` |
| Tail  | `journalctl -u payments --since "10 min ago"` |

See the [status page](https://status.example.com), [mail](mailto:ops@example.com),
[the wiki](//wiki.example.com/payments), [an anchor-only link](#during-the-window)
and [site-absolute](/runbooks/index.md).
"""


@pytest.fixture(scope="module")
def empty_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("fp") / "repo", {"README.md": "# nothing else\n"})


def test_real_runbook_look_alikes_are_not_findings(empty_repo: Path) -> None:
    found = run_checks(empty_repo, LOOK_ALIKES)
    reported = [(d.code, d.line, d.message) for d in found if d.code != "PF302"]
    assert reported == [], "\n".join(map(str, reported))


PATH_LIKE_INLINE = [
    "v1.2.3",
    "p95",
    "10%/50%",
    "owner/repo",
    "origin/main",
    "feature/phase-6-search",
    "MAJOR.MINOR.PATCH",
    "example.com/path/x",
    "ghcr.io/org/app",
    "0.5.0/1.0.0",
    "N/A",
    "TCP/IP",
    "read/write",
    "~/.ssh/config",
    "/etc/nginx/nginx.conf",
    "$XDG_CONFIG_HOME/app.toml",
    "*.md",
    "<path>/x.yml",
    "http://localhost:8080/health",
    "key=value",
    "a/b",
    "1/2",
    ".jsonl",
    ".md",
]


@pytest.mark.parametrize("text", PATH_LIKE_INLINE)
def test_inline_look_alikes(empty_repo: Path, text: str) -> None:
    found = run_checks(empty_repo, f"- [ ] Check `{text}` now\n")
    assert [d for d in found if d.code.startswith("PF2")] == []


MARKDOWN = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.sampled_from(
            [
                "- [ ] ",
                "```bash\n",
                "```\n",
                "`./x.sh`",
                "[l](../a.md#b)",
                "$ ",
                "make ",
                "cd ..\n",
                "npm run x\n",
                "python -m a\n",
                "\\\n",
                "<a-b>",
                "`abc1234`",
                "# h\n",
            ]
        ),
    ),
    max_size=25,
).map("".join)


@given(MARKDOWN)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_markdown_is_analysed_without_crashing(empty_repo: Path, text: str) -> None:
    checklist = parse_text(text, "checklists/any.md")
    ctx = context(empty_repo)
    ctx.enabled = frozenset({"PF201", "PF203", "PF204", "PF205", "PF206", "PF209", "PF303", "PF304", "PF305", "PF306"})
    try:
        for check in [*repository.FILE_CHECKS, *commands.FILE_CHECKS]:
            for diagnostic in check(checklist, ctx):
                assert diagnostic.line >= 1 and diagnostic.col >= 1
        list(repository.references(checklist, ctx))
    finally:
        ctx.close()
