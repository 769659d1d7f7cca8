"""Precision and recall of PF201, PF202, PF203 and PF304 on a corpus of real cases and decoys.

Each case is a checklist of its own, checked in the standard test repository (see conftest):
``scripts/deploy.sh`` is executable, ``scripts/noexec.sh`` is not, the Makefile has ``build``,
``test``, ``deploy-staging``, ``deploy-canary``, ``phony-only``, ``release-%``, ``extra-target``
(from ``extra.mk``) and ``.venv/bin/python``; ``services/api/Makefile`` has only ``serve``.
A case lists the codes it must produce (a code once per finding); every other finding of the
four rules in it is a false positive.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .conftest import run_checks

RULES = ("PF201", "PF202", "PF203", "PF304")


def bash(body: str) -> str:
    return "# Case\n\n- [ ] Step\n\n  ```bash\n" + "".join(f"  {line}\n" for line in body.splitlines()) + "  ```\n"


# (checklist, expected codes)
CASES: list[tuple[str, tuple[str, ...]]] = [
    # PF201: true cases
    (bash("./scripts/deploy_v2.sh --env staging"), ("PF201",)),
    (bash("bash scripts/missing.sh"), ("PF201",)),
    (bash("python tools/missing.py --dry-run"), ("PF201",)),
    (bash("python3 tools/missing.py"), ("PF201",)),
    (bash("source scripts/missing-env.sh"), ("PF201",)),
    (bash(". scripts/missing-env.sh"), ("PF201",)),
    (bash("kubectl apply -f k8s/missing.yaml"), ("PF201",)),
    (bash('psql "$DATABASE_URL" -f migrations/0002_missing.sql'), ("PF201",)),
    (bash("psql app < migrations/0002_missing.sql"), ("PF201",)),
    (bash("cd services/missing"), ("PF201",)),
    (bash("cd apps/web && ./run.sh"), ("PF201",)),
    (bash("cd services/api\n./bin/serve.sh"), ("PF201",)),
    (bash("sudo ./scripts/deploy_v2.sh"), ("PF201",)),
    (bash("FOO=1 ./scripts/deploy_v2.sh"), ("PF201",)),
    (bash("time bash scripts/missing.sh"), ("PF201",)),
    (bash("docker compose -f deploy/missing-compose.yml up -d"), ("PF201",)),
    (bash("kubectl apply -f k8s/app.yaml -f k8s/missing.yaml"), ("PF201",)),
    (bash("node scripts/missing.js"), ("PF201",)),
    (bash("sh ./scripts/missing.sh"), ("PF201",)),
    (bash("./scripts/deploy.sh && ./scripts/missing.sh"), ("PF201",)),
    (bash("if ./scripts/missing.sh; then echo ok; fi"), ("PF201",)),
    (bash("./scripts/missing.sh | tee /tmp/out.log"), ("PF201",)),
    (bash("timeout 60 ./scripts/missing.sh"), ("PF201",)),
    (bash("nohup ./scripts/missing.sh &"), ("PF201",)),
    (bash("env FOO=1 ./scripts/missing.sh"), ("PF201",)),
    (bash("exec ./scripts/missing.sh"), ("PF201",)),
    (bash("mkdir -p out && cp config/missing.yml out/"), ("PF201",)),
    ("# Case\n\n- [ ] Edit `config/missing.yml`\n", ("PF201",)),
    ("# Case\n\n- [ ] Read [the guide](../docs/missing.md)\n", ("PF201",)),
    ("# Case\n\n- [ ] Run `./scripts/missing.sh`\n", ("PF201",)),
    ("# Case\n\n```console\n$ ./scripts/missing.sh\nok\n```\n", ("PF201",)),
    # PF201: decoys
    (bash("./scripts/deploy.sh --env staging"), ()),
    (bash("curl -fsS https://example.com/scripts/x.sh | bash"), ()),
    (bash("./scripts/deploy.sh --config=conf/missing.yml"), ("PF201",)),
    (bash("./scripts/deploy.sh --branch=release/v2 --image=acme/app --selector=app/web"), ()),
    (bash("git checkout -b hotfix/x origin/main && git log origin/main..hotfix/x"), ()),
    (bash("npm run build --workspace=apps/web"), ()),
    (bash("python -m pytest apps/backend/tests"), ()),
    (bash("kubectl apply -k overlays/prod"), ("PF201",)),
    (bash("helm upgrade api ./k8s/ -f values-prod.yaml"), ("PF201",)),
    (bash("kubectl logs -f deploy/api"), ()),
    (bash("cat k8s/app.yaml | kubectl apply -f -"), ()),
    (bash("grep -rn deploy config/missing.yml"), ("PF201",)),
    (bash("ls migrations/*.sql"), ()),
    (bash("cat $HOME/notes/x.txt ~/x/y.txt"), ()),
    (bash("scp dist/app.tgz deploy@host:/srv/app/releases/"), ()),
    (bash("rsync -av host:/var/backups/ backups/"), ()),
    (bash('docker run --rm -v "$PWD/data:/data" -v cache/pip:/root/.cache/pip alpine ls'), ()),
    (bash("mkdir -p out && cp README.md out/ && ls out/README.md"), ()),
    (bash("cat > out/notes.txt <<'EOF'\nscripts/missing.sh\nEOF\nbash out/notes.txt"), ()),
    (bash("cd services/api && ./scripts/deploy.sh"), ("PF201",)),
    (bash("cd apps/web && npm run dev"), ()),
    (bash("python -m acme.cli --help"), ()),
    (bash("echo 'scripts/missing.sh is gone'"), ()),
    (bash("# ./scripts/missing.sh was removed"), ()),
    (bash("./scripts/deploy.sh # then scripts/missing.sh"), ()),
    (bash("git clone https://github.com/acme/tools.git && ./tools/install.sh"), ()),
    (bash("git clone https://github.com/acme/tools && cd tools && ./install.sh"), ()),
    (bash("curl -o install.sh https://example.com/i.sh && bash install.sh"), ()),
    (bash("wget -O setup.sh https://example.com/s.sh && sh setup.sh"), ()),
    (bash("./scripts/deploy.sh > build/out.log && cat build/out.log"), ()),
    (bash("tar -xzf release.tgz -C /opt && /opt/app/bin/start"), ()),
    (bash("kubectl apply -f https://example.com/manifest.yaml"), ()),
    (bash("kubectl apply -k overlays/prod --dry-run=client || true"), ("PF201",)),
    (bash("export KUBECONFIG=~/.kube/prod && kubectl get pods"), ()),
    (bash("python -c 'import sys; print(sys.path)'"), ()),
    (bash("grep -rn 'config/missing.yml' ."), ()),
    (bash("sed -i 's/a\\/b/c\\/d/' config/prod.yml"), ()),
    (bash("ssh host './scripts/missing.sh'"), ()),
    (bash("kubectl exec deploy/api -- ./bin/missing"), ()),
    (bash("vagrant ssh -c './scripts/missing.sh'"), ()),
    (bash("ansible all -m shell -a './scripts/missing.sh'"), ()),
    (bash("docker exec api python tools/missing.py"), ()),
    (bash("cd /srv/app && ./bin/start"), ()),
    (bash('cd "$(git rev-parse --show-toplevel)" && ./scripts/deploy.sh'), ()),
    (bash("touch generated/x.log && cat generated/x.log"), ()),
    (bash("npm ci && ./node_modules/.bin/vite build"), ()),
    (bash("python3 -m venv .venv && .venv/bin/pip install -e ."), ()),
    (bash("cp .env.example .env && source .env"), ()),
    (bash("make build && ./dist/app --version"), ()),
    ("# Case\n\n```console\n$ ls\nscripts/missing.sh\n./scripts/missing.sh: not found\n```\n", ()),
    ("# Case\n\n- [ ] See [status](https://status.example.com/x/y.md) and [top](#case)\n", ()),
    ("# Case\n\n- [ ] Ports `8080/tcp`, ratio `3/4`, branch `release/2.0`\n", ()),
    (bash("(cd services/api && make serve) && ./scripts/deploy.sh"), ()),
    (bash("git clone git@github.com:acme/infra.git && cd infra && ./bootstrap.sh"), ()),
    (bash("git checkout origin/main -- k8s/old.yaml && kubectl apply -f k8s/old.yaml"), ()),
    (bash("git restore --source=HEAD~1 config/old.yml"), ()),
    (bash("git checkout -- k8s/gone.yaml"), ("PF201",)),
    (bash("cat hosts.txt | xargs -n1 ./scripts/missing.sh"), ("PF201",)),
    (bash("terraform -chdir=infra/prod plan"), ("PF201",)),
    (bash("terraform -chdir=k8s plan"), ()),
    (bash("ansible-playbook -i inventories/prod/hosts.ini site.yml --check"), ("PF201",)),
    (bash("pytest tests/test_missing.py"), ("PF201",)),
    (bash("go run ./cmd/server"), ("PF201",)),
    (bash("openssl x509 -in certs/server.crt -noout"), ("PF201",)),
    (bash("kubectl create secret generic x --from-file=secrets/key.pem"), ("PF201",)),
    (bash("kubectl create configmap x --from-env-file=.env"), ()),
    (bash("export PATH=$PWD/bin:$PATH"), ()),
    (bash('for f in k8s/*.yaml; do kubectl apply -f "$f"; done'), ()),
    (bash("envsubst < k8s/app.yaml > out/app.yaml && kubectl apply -f out/app.yaml"), ()),
    (bash("./scripts/deploy.sh 2>&1 | tee -a logs/deploy.log"), ()),
    (bash("CONFIG=config/prod.yml ./scripts/deploy.sh"), ()),
    (bash("cd k8s && kubectl apply -f app.yaml && cd .. && ./scripts/deploy.sh"), ()),
    (bash("mkdir -p ~/bin && cp scripts/deploy.sh ~/bin/"), ()),
    (bash("bash -lc 'cd services/api && make serve'"), ()),
    (bash("sh -euc './scripts/deploy.sh --env staging'"), ()),
    (bash("git clone deploy@git.example.com:tools.git && ./tools/install.sh"), ()),
    # PF202 (not executable): true cases
    (bash("./scripts/noexec.sh"), ("PF202",)),
    (bash("cd scripts && ./noexec.sh"), ("PF202",)),
    (bash("sudo ./scripts/noexec.sh"), ("PF202",)),
    (bash("FOO=1 ./scripts/noexec.sh --fast"), ("PF202",)),
    (bash("timeout 30 ./scripts/noexec.sh"), ("PF202",)),
    (bash("./scripts/deploy.sh && ./scripts/noexec.sh"), ("PF202",)),
    (bash("scripts/noexec.sh"), ("PF202",)),
    ("# Case\n\n```console\n$ ./scripts/noexec.sh\ndone\n```\n", ("PF202",)),
    # PF202: decoys
    (bash("bash scripts/noexec.sh"), ()),
    (bash("sh ./scripts/noexec.sh"), ()),
    (bash("source scripts/noexec.sh"), ()),
    (bash(". ./scripts/noexec.sh"), ()),
    (bash("chmod +x scripts/noexec.sh && ./scripts/noexec.sh"), ()),
    (bash("chmod 755 scripts/noexec.sh\n./scripts/noexec.sh"), ()),
    (bash("echo ./scripts/noexec.sh"), ()),
    (bash("cat ./scripts/noexec.sh"), ()),
    (bash("vim scripts/noexec.sh"), ()),
    (bash("git update-index --chmod=+x scripts/noexec.sh"), ()),
    (bash("./scripts/deploy.sh"), ()),
    (bash("shellcheck ./scripts/noexec.sh"), ()),
    (bash("bash -x ./scripts/noexec.sh"), ()),
    (bash("xargs -n1 ./scripts/noexec.sh < hosts.txt"), ("PF202",)),
    (bash("sudo -u deploy ./scripts/noexec.sh"), ("PF202",)),
    (bash("nice -n 10 ./scripts/noexec.sh"), ("PF202",)),
    (bash("git add --chmod=+x scripts/noexec.sh && ./scripts/noexec.sh"), ("PF202",)),
    (bash("chmod g+x scripts/noexec.sh && ./scripts/noexec.sh"), ("PF202",)),
    # PF203 (make): true cases
    (bash("make deploy-prod"), ("PF203",)),
    (bash("make build deploy-prod"), ("PF203",)),
    (bash("make -C services/api deploy"), ("PF203",)),
    (bash("cd services/api && make build"), ("PF203",)),
    (bash("make -j4 missing-target"), ("PF203",)),
    (bash("sudo make install"), ("PF203",)),
    (bash("make ENV=prod deploy-prod"), ("PF203",)),
    (bash("make -f extra.mk build"), ("PF203",)),
    (bash("make --directory=services/api build"), ("PF203",)),
    (bash("make -k -s lint"), ("PF203",)),
    ("# Case\n\n- [ ] Run `make deploy-prod`\n", ("PF203",)),
    # PF203: decoys
    (bash("make build"), ()),
    (bash("make release-1.2.3"), ()),
    (bash("make .venv/bin/python"), ()),
    (bash("make ENV=prod deploy-staging"), ()),
    (bash("make -C services/api serve"), ()),
    (bash("cd services/api && make serve"), ()),
    (bash("make extra-target"), ()),
    (bash("make -f extra.mk extra-target"), ()),
    (bash("make --file=extra.mk extra-target"), ()),
    (bash("make -j$(nproc) test"), ()),
    (bash("make -j 4 test"), ()),
    (bash("make --jobs 4 test"), ()),
    (bash("make -l 2 test"), ()),
    (bash("make -o build test"), ()),
    (bash("make -I include test"), ()),
    (bash("make -n build"), ()),
    (bash("make phony-only"), ()),
    (bash("make README.md"), ()),
    (bash("make"), ()),
    (bash("cmake --build build --target install"), ()),
    (bash("echo 'make deploy-prod'"), ()),
    (bash("# make deploy-prod"), ()),
    (bash("cd /opt/src && make install"), ()),
    (bash("git clone https://github.com/x/y && cd y && make install"), ()),
    (bash('make -C "$SRC_DIR" install'), ()),
    (bash("make -- test"), ()),
    (bash("make test V=1"), ()),
    (bash("ssh host 'make deploy-prod'"), ()),
    (bash("(cd services/api && make serve) && make build"), ()),
    (bash("(\n  cd services/api\n  make serve\n)\nmake test"), ()),
    (bash("(cd services/api && make build)"), ("PF203",)),
    (bash("make -C services/api"), ()),
    (bash("make -C services/api/ serve"), ()),
    (bash("make -f services/api/Makefile serve"), ()),
    (bash("make -Cservices/api serve"), ()),
    (bash("make deploy-staging deploy-canary"), ()),
    (bash('make -j"$(nproc)" build'), ()),
    (bash("make --no-print-directory -w build"), ()),
    (bash('make "deploy-staging"'), ()),
    (bash("make deploy-$ENV"), ()),
    (bash("make help"), ("PF203",)),
    (bash("cd ~/src/app && make deploy-prod"), ()),
    (bash("./configure --prefix=/usr/local && make && make install"), ("PF201", "PF203")),
    # PF304: true cases
    (bash("rm -rf build/"), ("PF304",)),
    (bash("rm -fr build/"), ("PF304",)),
    (bash("rm -r -f build/"), ("PF304",)),
    (bash("rm --recursive --force build/"), ("PF304",)),
    (bash("sudo rm -rf /var/lib/app"), ("PF304",)),
    (bash("git push --force origin main"), ("PF304",)),
    (bash("git push -f origin main"), ("PF304",)),
    (bash("git push origin +main"), ("PF304",)),
    (bash("git push --force-with-lease origin main"), ("PF304",)),
    (bash("git push origin --delete feature/x"), ("PF304",)),
    (bash("git push origin :feature/x"), ("PF304",)),
    (bash("git reset --hard origin/main"), ("PF304",)),
    (bash("git clean -fdx"), ("PF304",)),
    (bash("git branch -D feature/x"), ("PF304",)),
    (bash('psql "$DATABASE_URL" -c "DROP TABLE users"'), ("PF304",)),
    (bash('psql -c "TRUNCATE sessions"'), ("PF304",)),
    (bash('psql -c "DELETE FROM sessions"'), ("PF304",)),
    (bash("dropdb app_staging"), ("PF304",)),
    (bash("terraform destroy -auto-approve"), ("PF304",)),
    (bash("kubectl -n payments delete pod api-0"), ("PF304",)),
    (bash("helm uninstall payments"), ("PF304",)),
    (bash("docker system prune -af"), ("PF304",)),
    (bash("docker compose down -v"), ("PF304",)),
    (bash("docker-compose down --volumes"), ("PF304",)),
    (bash("aws s3 rb s3://acme-old --force"), ("PF304",)),
    (bash("aws rds delete-db-instance --db-instance-identifier old"), ("PF304",)),
    (bash("redis-cli FLUSHALL"), ("PF304",)),
    (bash("mkfs.ext4 /dev/sdb1"), ("PF304",)),
    (bash("dd if=image.iso of=/dev/sdb bs=4M"), ("PF304",)),
    (bash("find /tmp/x -type f | xargs rm -rf"), ("PF304",)),
    ("# Case\n\n```sql\nDROP DATABASE app;\n```\n", ()),  # not run by `preflight run`
    (bash("psql app <<'SQL'\nSELECT 1;\nDROP DATABASE app;\nSQL"), ("PF304",)),
    (bash("git -C ../infra push --force origin main"), ("PF304",)),
    (bash("helm -n payments uninstall payments"), ("PF304",)),
    (bash("aws --profile prod s3 rb s3://acme-old --force"), ("PF304",)),
    (bash("kubectl --context prod delete ns old"), ("PF304",)),
    (bash('rm -rf "$BUILD_DIR"/*'), ("PF304",)),
    (bash("kubectl get pods | grep Evicted | awk '{print $1}' | xargs kubectl delete pod"), ("PF304",)),
    (bash("git clean -xdf"), ("PF304",)),
    (bash("terraform destroy -target=aws_instance.x"), ("PF304",)),
    (bash("docker volume rm data"), ("PF304",)),
    (bash('psql -c "delete from users"'), ("PF304",)),
    (bash("mysql -e 'DROP DATABASE IF EXISTS app_test'"), ("PF304",)),
    (bash("redis-cli -n 2 FLUSHDB"), ("PF304",)),
    (bash("dropdb --if-exists app"), ("PF304",)),
    ("# Case\n\n```console\n$ git reset --hard HEAD~1\nHEAD is now at 1a2b3c4\n```\n", ("PF304",)),
    ("# Case\n\n- [ ] Step\n\n  ```bash title=cleanup\n  rm -rf build/\n  ```\n", ("PF304",)),
    # PF304: decoys
    ('# Case\n\n- [ ] Step\n\n  ```bash { data-preflight-destructive="true" }\n  rm -rf build/\n  ```\n', ()),
    ('# Case\n\n- [ ] Step\n\n  ```bash { data-preflight-destructive="false" }\n  rm -rf build/\n  ```\n', ()),
    (bash("kubectl delete -f k8s/app.yaml --dry-run=client"), ()),
    (bash("echo 'never run rm -rf /'"), ()),
    (bash("# rm -rf build/"), ()),
    (bash("grep -rn 'DROP TABLE' migrations/"), ()),
    (bash("git log --grep='reset --hard'"), ()),
    (bash('psql -c "DELETE FROM sessions WHERE expires_at < now()"'), ()),
    (bash("git push origin main"), ()),
    (bash("git push -u origin feature/x"), ()),
    (bash("git push --tags"), ()),
    (bash("git push --follow-tags origin main"), ()),
    (bash("docker compose down"), ()),
    (bash("terraform plan -destroy -out=destroy.tfplan"), ()),
    (bash("helm uninstall payments --dry-run"), ()),
    (bash("git branch -d feature/x"), ()),
    (bash("git reset --soft HEAD~1"), ()),
    (bash("git clean -n"), ()),
    (bash("git clean -fdx --dry-run"), ()),
    (bash("rm -f out.txt"), ()),
    (bash("rm -r empty-dir"), ()),
    (bash("aws s3 ls s3://acme"), ()),
    (bash("aws dynamodb describe-table --table-name x"), ()),
    (bash("man rm"), ()),
    (bash('psql -c "SELECT 1 -- DROP TABLE users"'), ()),
    (bash("git fetch --prune"), ()),
    (bash("git remote prune origin"), ()),
    (bash("git worktree prune"), ()),
    (bash("kubectl get pods --field-selector=status.phase=Failed"), ()),
    (bash("kubectl rollout undo deployment/api"), ()),
    (bash("git checkout -- config/prod.yml"), ()),
    (bash("docker rm -f api"), ("PF304",)),
    (bash("docker rm api"), ()),
    (bash("git push --force-with-lease --dry-run origin main"), ()),
    (bash("git push origin HEAD:refs/heads/main"), ()),
    (bash("git push origin v1.2.3:v1.2.3"), ()),
    (bash("git clean -xdn"), ()),
    (bash("git status # then git reset --hard"), ()),
    (bash("npm prune --production"), ()),
    (bash("git gc --prune=now"), ()),
    (bash("systemctl stop app"), ()),
    (bash("kubectl scale deploy api --replicas=0"), ()),
    (bash("kubectl -n prod get pods"), ()),
    (bash("kubectl delete --help"), ()),
    (bash("terraform destroy --help"), ()),
    (bash("rg -l 'TRUNCATE sessions' migrations/"), ()),
    (bash("psql app <<'SQL'\n-- DROP TABLE old_users;\nSELECT 1;\nSQL"), ()),
    ("# Case\n\n```console\n$ git status\nUse git reset --hard to discard changes\nrm -rf done\n```\n", ()),
    ("# Case\n\n```text\nrm -rf /\n```\n", ()),
    ("# Case\n\n- [ ] Never run `rm -rf /` on the host\n", ()),
]


def measure(root: Path) -> tuple[dict[str, tuple[int, int, int]], list[str]]:
    """Per rule: (true positives, false positives, false negatives); and a line per miss."""
    counts = {code: [0, 0, 0] for code in RULES}
    misses: list[str] = []
    for number, (text, expected) in enumerate(CASES):
        found = run_checks(root, text, f"checklists/case{number}.md")
        got = Counter(d.code for d in found if d.code in RULES)
        want = Counter(expected)
        for code in RULES:
            hit = min(got[code], want[code])
            counts[code][0] += hit
            counts[code][1] += got[code] - hit
            counts[code][2] += want[code] - hit
            if got[code] != want[code]:
                messages = [d.message for d in found if d.code == code]
                misses.append(f"case {number} {code}: got {got[code]} want {want[code]}: {text!r} {messages}")
    return {code: (tp, fp, fn) for code, (tp, fp, fn) in counts.items()}, misses


def test_precision_and_recall_per_rule(shared_repo: Path) -> None:
    counts, misses = measure(shared_repo)
    table = {
        code: (round(tp / (tp + fp), 3) if tp + fp else 1.0, round(tp / (tp + fn), 3) if tp + fn else 1.0)
        for code, (tp, fp, fn) in counts.items()
    }
    assert misses == [], "\n".join(misses)
    assert table == dict.fromkeys(RULES, (1.0, 1.0))
    # (true positives, false positives, false negatives): every planted case found, no decoy reported
    assert counts == {"PF201": (46, 0, 0), "PF202": (13, 0, 0), "PF203": (14, 0, 0), "PF304": (47, 0, 0)}


def test_the_corpus_has_more_decoys_than_true_cases() -> None:
    decoys = sum(1 for _, expected in CASES if not expected)
    assert len(CASES) >= 250 and decoys > len(CASES) / 2
