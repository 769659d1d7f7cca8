"""The runner's small parts: placeholders, destructive patterns, redaction, plans, output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.engine.run_options import parse_duration
from mkdocs_preflight.runner.execute import (
    LineSplitter,
    OutputSink,
    output_diff,
    output_matches,
    shell_argv,
)
from mkdocs_preflight.runner.log import MASKED_FIELDS, encode
from mkdocs_preflight.runner.patterns import fill, is_destructive, normalize, placeholders
from mkdocs_preflight.runner.plan import SelectionError, build_plan
from mkdocs_preflight.runner.redact import MASK, Redactor, check_pattern, is_secret_name
from mkdocs_preflight.runner.session import aggregate


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("deploy <app-id> --db [DB_NAME] --date YYYYMMDD", ["app-id", "DB_NAME", "YYYYMMDD"]),
        ("echo [Your Name] <app-id> <app-id>", ["Your Name", "app-id"]),
        ("backup-YYYY-MM-DD.sql", ["YYYY-MM-DD"]),
        ("sort <in.txt >out.txt", []),
        ("cat <<EOF", []),
        ('echo "<html><b>x</b>"', []),
        ("[ -f x ] && [[ -n y ]]", []),
        ('grep "[A-Z]" file', []),
        ("echo ${arr[0]} $(date +%Y%m%d)", []),
    ],
)
def test_placeholders(command: str, expected: list[str]) -> None:
    assert placeholders(command) == expected


def test_fill_is_verbatim_and_name_insensitive() -> None:
    values = {normalize("APP_ID"): "web 1", normalize("your-name"): "Ada"}
    assert fill("deploy <app-id> by [Your Name] <other>", values) == "deploy web 1 by Ada <other>"


@given(st.text(max_size=80))
def test_placeholder_functions_never_raise(text: str) -> None:
    names = placeholders(text)
    assert fill(text, {}) == text
    assert len(names) == len(set(names))
    fill(text, {normalize(n): "v" for n in names})
    is_destructive(text)


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        ("rm -rf build", "rm -rf"),
        ("rm -fr build", "rm -rf"),
        ("rm -r -f build", "rm -rf"),
        ("git reset --hard origin/main", "git reset --hard"),
        ("git push origin main --force", "git push --force"),
        ("psql -c 'drop table users'", "DROP TABLE"),
        ("terraform destroy -auto-approve", "terraform destroy"),
        ("kubectl delete pod web-1", "kubectl delete"),
        ("helm upgrade app chart --force", "--force"),
        ("ls --force-color", None),
        ("rm build.log", None),
        ("echo dropped tables", None),
    ],
)
def test_destructive_patterns(command: str, reason: str | None) -> None:
    assert is_destructive(command) == reason


def test_secret_names() -> None:
    assert all(is_secret_name(n) for n in ("GITHUB_TOKEN", "db_password", "AWS_SECRET_ACCESS_KEY", "ssh_key"))
    assert not any(is_secret_name(n) for n in ("PATH", "HOME", "STAGE"))


def test_redactor_masks_longest_first_and_patterns() -> None:
    redactor = Redactor([r"ghp_\w+", r"(?i)bearer \S+"])
    redactor.add_environment({"API_TOKEN": "abcd", "ADMIN_TOKEN": "abcd-efgh", "PATH": "/usr/bin", "PIN_KEY": "12"})
    text = redactor.redact("abcd-efgh abcd ghp_x1 Bearer xyz /usr/bin 12")
    assert text == f"{MASK} {MASK} {MASK} {MASK} /usr/bin 12"


@given(secret=st.text(min_size=4, max_size=20).filter(lambda s: s.strip() == s), around=st.text(max_size=40))
def test_a_secret_never_survives_redaction(secret: str, around: str) -> None:
    redactor = Redactor()
    redactor.add_value(secret)
    assert secret not in redactor.redact(around + secret + around + secret)


def test_each_line_of_a_multi_line_secret_is_masked_alone() -> None:
    redactor = Redactor()
    redactor.add_value("-----BEGIN KEY-----\nMIIEowIB\nab\n-----END KEY-----\n")
    assert redactor.redact("x MIIEowIB y") == f"x {MASK} y"
    assert redactor.redact("-----END KEY-----") == MASK
    assert redactor.redact("ab") == "ab"  # too short to mask on its own


def test_safe_length_holds_back_what_may_begin_a_secret() -> None:
    redactor = Redactor([r"ghp_[a-z0-9]+"])
    redactor.add_value("abcdefgh")
    assert redactor.safe_length("v=abc") == 2
    assert redactor.safe_length("v=abcdefgh") == 2  # complete, but a longer secret may follow
    assert redactor.safe_length("Continue? ") == len("Continue? ")
    assert redactor.safe_length("t=ghp_x1") == 2  # a match that reaches the end may grow
    assert redactor.safe_length("ghp_x1 ok ") == len("ghp_x1 ok ")


@given(
    secret=st.text(alphabet="ab\n", min_size=4, max_size=12),
    around=st.text(alphabet="ab\n ", max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=40), max_size=8),
)
@example(secret="aaab", around="a", cuts=[3])
def test_the_terminal_never_shows_what_the_log_masks(secret: str, around: str, cuts: list[int]) -> None:
    # Output in any chunks, unfinished lines shown after any pause: the terminal's lines
    # are the log's lines, with the same masks.
    redactor = Redactor()
    redactor.add_value(secret)
    written: list[str] = []
    sink = OutputSink("", written.append, redactor)
    splitter = LineSplitter(sink.line, sink.partial, sink.flush)
    text = around + secret + around
    start = 0
    for point in [*sorted({min(c, len(text)) for c in cuts}), len(text)]:
        splitter.feed(text[start:point])
        splitter.idle()
        start = point
    splitter.close()
    sink.finish()
    shown = "".join(written)
    # A restarted line leaves its early part above it: compare what each line ends as.
    assert [line.rsplit("\n", 1)[-1] for line in shown.split("\n")][:-1] == sink.tail.split("\n")
    for part in secret.splitlines():  # lines shorter than 4 are not masked on their own
        if len(part.strip()) >= 4:
            assert part.strip() not in shown


def test_redact_pattern_checks() -> None:
    assert check_pattern("(") is not None
    assert check_pattern("a*") == "it matches the empty string"
    assert check_pattern("ghp_[a-z]+") is None


def test_durations() -> None:
    assert parse_duration("600") == 600
    assert parse_duration("90s") == 90
    assert parse_duration("10m") == 600
    assert parse_duration("1.5h") == 5400
    assert parse_duration("0") is None
    with pytest.raises(ValueError, match="not a duration"):
        parse_duration("soon")


def test_aggregate() -> None:
    assert aggregate(["passed", "manual-done"]) == "passed"
    assert aggregate(["manual-done"]) == "manual-done"
    assert aggregate(["passed", "skipped"]) == "skipped"
    assert aggregate(["passed", "manual-pending"]) == "manual-pending"
    assert aggregate(["passed", "timeout", "manual-pending"]) == "failed"


def test_output_matching() -> None:
    assert output_matches("hello\n", "hello   \n\n")
    assert not output_matches("hello", "hullo")
    assert output_matches("version ... ok", "version 1.2.3 ok")
    assert output_matches("start\n...\nend", "start\na\nb\nend")
    assert not output_matches("a  b", "a b")
    assert output_matches("a  b\n\nc", "a b\nc", ignore_whitespace=True)
    diff = output_diff("hello", "hullo", "echo hullo")
    assert "-hello\n+hullo" in diff


@given(st.text(max_size=60))
def test_output_matches_itself(text: str) -> None:
    assert output_matches(text, text)
    assert output_matches(text, text, ignore_whitespace=True)


def test_shell_argv() -> None:
    assert shell_argv(None, "bash", "x") == ["bash", "-e", "-o", "pipefail", "-c", "x"]
    assert shell_argv(None, "zsh", "x") == ["zsh", "-e", "-o", "pipefail", "-c", "x"]
    assert shell_argv("sh", "bash", "x") == ["sh", "-e", "-c", "x"]
    assert shell_argv("bash -eux", "bash", "x") == ["bash", "-eux", "-c", "x"]
    assert shell_argv(None, "console", "x", errexit=False) == ["bash", "-o", "pipefail", "-c", "x"]


PLAN = """\
# Deploy

## Prepare

- [ ] Read the notes
  ```bash
  # open the wiki page and read it
  ```
- [ ] Backup
  ```bash
  pg_dump > backup.sql
  ```
  ```python
  print("a snippet, never run")
  ```
- [ ] Parent
  - [ ] Child A
  - [ ] Child B
    ```bash run=manual
    kubectl rollout status deploy/web
    ```

## Verify

```bash
# look at the dashboard
```

```bash run=never
make something
```
"""


def test_plan_rules() -> None:
    plan = build_plan(parse_text(PLAN, "checklists/deploy.md"))
    summary = [(s.id, s.kind, s.manual, s.ancestors) for s in plan.steps]
    assert summary == [
        ("read-the-notes", "item", True, ()),
        ("backup--bash", "block", False, ("backup",)),
        ("child-a", "item", True, ("parent",)),
        ("child-b--bash", "block", True, ("child-b", "parent")),
        ("verify--bash", "block", True, ()),
    ]
    assert plan.steps[0].instructions == "# open the wiki page and read it"
    assert plan.composites == {
        "backup": ["backup--bash"],
        "parent": ["child-a", "child-b--bash"],
        "child-b": ["child-b--bash"],
    }
    assert plan.steps[3].section_path == "Deploy > Prepare"


def test_plan_selection() -> None:
    plan = build_plan(parse_text(PLAN, "checklists/deploy.md"))
    assert [s.id for s in plan.select(only=["parent"])] == ["child-a", "child-b--bash"]
    assert [s.id for s in plan.select(only=["checklists/deploy#backup"])] == ["backup--bash"]
    assert [s.id for s in plan.select(only=["read-the-notes--bash"])] == ["read-the-notes"]
    assert [s.id for s in plan.select(start="child-b")] == ["child-b--bash", "verify--bash"]
    assert [s.id for s in plan.select(sections=["Verify"])] == ["verify--bash"]
    with pytest.raises(SelectionError, match="did you mean `backup`"):
        plan.select(only=["bakup"])
    with pytest.raises(SelectionError, match="never runs"):
        plan.select(only=["backup--python"])
    with pytest.raises(SelectionError, match="another checklist"):
        plan.select(only=["checklists/other#backup"])


@example(text="a\r", cuts=[]).via("an unterminated last line")
@example(text="a\r\nb\r\n", cuts=[2]).via("CRLF cut between CR and LF")
@given(text=st.text(max_size=300), cuts=st.lists(st.integers(min_value=0, max_value=300), max_size=10))
def test_line_splitting_does_not_depend_on_chunking(text: str, cuts: list[int]) -> None:
    lines: list[str] = []
    splitter = LineSplitter(lambda line, shown: lines.append(line), lambda part, shown: shown)
    points = sorted({min(c, len(text)) for c in cuts})
    start = 0
    for point in [*points, len(text)]:
        splitter.feed(text[start:point])
        start = point
    splitter.close()
    expected = text.split("\n")
    if expected and expected[-1] == "":
        expected.pop()
    assert lines == [line.removesuffix("\r") for line in expected]


def test_output_sink_keeps_a_redacted_bounded_tail() -> None:
    written: list[str] = []
    redactor = Redactor()
    redactor.add_value("s3cret-value")
    sink = OutputSink("[x] ", written.append, redactor)
    for number in range(300):
        sink.line(f"line {number} s3cret-value", 0)
    sink.finish()
    assert sink.truncated
    tail = sink.tail.split("\n")
    assert len(tail) == 200
    assert tail[-1] == "line 299 ***"
    assert "s3cret-value" not in "".join(written)
    assert "".join(written).startswith("[x] line 0 ***\n")


@given(
    secret=st.text(min_size=4, max_size=20).filter(lambda s: s.strip() == s),
    around=st.text(max_size=20),
)
@example(secret="0000", around="\x00")
def test_a_log_record_never_holds_a_secret_where_one_can_appear(secret: str, around: str) -> None:
    # Every field that carries command text, output or the command line is masked; the
    # log's own metadata is kept as it is, even when a secret happens to match it.
    redactor = Redactor()
    redactor.add_value(secret)
    carrying = around + secret + around
    record: dict[str, Any] = dict.fromkeys(MASKED_FIELDS, carrying)
    record["argv"] = ["preflight", "run", f"--var=token={carrying}"]
    metadata = {"type": "step", "id": secret, "checklist": carrying, "sha256": secret, "git": {"commit": secret}}
    decoded = json.loads(encode({**record, **metadata}, redactor))
    for key in MASKED_FIELDS:
        # The decoded values, not their JSON: `\u0000` holds a secret `0000` by chance.
        values = decoded[key] if isinstance(decoded[key], list) else [decoded[key]]
        assert all(secret not in value for value in values)
    assert {key: decoded[key] for key in metadata} == metadata
