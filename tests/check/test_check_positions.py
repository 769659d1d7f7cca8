"""Exact ``line:col`` of findings whatever the file's encoding details (BOM, CRLF, non-ASCII)."""

from __future__ import annotations

import json

import pytest

from .conftest import Invoke, MakeProject, config

BOM = b"\xef\xbb\xbf"


def _places(make_project: MakeProject, invoke: Invoke, data: bytes, *args: str) -> list[tuple[str, int, int]]:
    root = make_project({"checklists/a.md": data}, config=config())
    result = invoke(root, "check", "--no-cache", "--format", "json", "--exit-zero", *args)
    return [(d["code"], d["line"], d["col"]) for d in json.loads(result.output)["diagnostics"]]


@pytest.mark.parametrize("bom", [b"", BOM], ids=["plain", "bom"])
@pytest.mark.parametrize("newline", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_run_option_and_front_matter_places_ignore_a_bom(
    make_project: MakeProject, invoke: Invoke, bom: bytes, newline: bytes
) -> None:
    lines = [
        b"---",
        b"run:",
        b"  timeout: soon",
        b"  cwd: nowhere",
        b"---",
        b'```bash { data-preflight-timeout="x" }',
        b"echo",
        b"```",
        b"",
    ]
    places = _places(make_project, invoke, bom + newline.join(lines), "--select", "PF201,PF307")
    assert places == [("PF307", 3, 3), ("PF201", 4, 3), ("PF307", 6, 11)]


def test_a_fence_on_the_first_line_after_a_bom(make_project: MakeProject, invoke: Invoke) -> None:
    data = BOM + b'```bash { data-preflight-timeout="x" }\necho\n```\n'
    assert _places(make_project, invoke, data, "--select", "PF307") == [("PF307", 1, 11)]


def test_pf402_column_counts_characters_not_bytes(make_project: MakeProject, invoke: Invoke) -> None:
    data = "# Déploiement\n- [ ] 部署 café ".encode() + b"caf\xe9\n"
    assert _places(make_project, invoke, data, "--select", "PF402") == [("PF402", 2, 18)]


def test_findings_about_a_block_id_point_at_the_id(make_project: MakeProject, invoke: Invoke) -> None:
    text = (
        "# T\n\n- [ ] a { #dup }\n\n"
        "```bash { .x #dup }\necho\n```\n\n"
        "```bash id=9x\necho\n```\n\n"
        "<!-- preflight: id=dup timeout=5 -->\n```bash\necho\n```\n\n"
        "- [ ] item\n    ~~~sh {#1y}\n    echo\n    ~~~\n\n"
        "> ```bash { #dup }\n> echo\n> ```\n"
    )
    places = _places(make_project, invoke, text.encode(), "--select", "PF101,PF109")
    assert places == [("PF101", 5, 14), ("PF109", 9, 9), ("PF101", 13, 17), ("PF109", 19, 12), ("PF101", 23, 13)]


def test_pf304_points_at_the_destructive_command(make_project: MakeProject, invoke: Invoke) -> None:
    text = (
        "# T\n\n"
        "```bash\n"
        "echo one \\\n"
        "  && git push --force origin main\n"
        "make build && sudo rm -rf /var/cache/app\n"
        'psql -c "select 1; DROP TABLE users"\n'
        "```\n\n"
        "- [ ] Clean\n"
        "    ```console\n"
        "    $ rm -rf build/\n"
        "    ```\n"
    )
    places = _places(make_project, invoke, text.encode(), "--select", "PF304")
    assert places == [("PF304", 5, 6), ("PF304", 6, 20), ("PF304", 7, 20), ("PF304", 12, 7)]


def test_each_code_span_and_link_of_a_line_gets_its_own_column(make_project: MakeProject, invoke: Invoke) -> None:
    text = (
        "# Repo\n\n"
        "- [ ] 部署 make deploy-prod then `make deploy-prod`\n"
        "- [ ] Run `docs/gone.md` and `docs/gone.md` and ``docs/x.md``\n"
        "- [ ] [a](gone.md) [b](gone.md) ![c](gone.md) <!-- preflight: ignore PF999 -->"
        " <!-- preflight: ignore PF998 -->\n"
    )
    root = make_project({"checklists/a.md": text, "Makefile": "deploy:\n\techo\n"}, config=config())
    result = invoke(root, "check", "--no-cache", "--format", "json", "--exit-zero")
    places = [(d["code"], d["line"], d["col"]) for d in json.loads(result.output)["diagnostics"]]
    assert places == [
        ("PF203", 3, 38),
        ("PF201", 4, 12),
        ("PF201", 4, 31),
        ("PF201", 4, 51),
        ("PF201", 5, 11),
        ("PF201", 5, 24),
        ("PF201", 5, 38),
        ("PF111", 5, 47),
        ("PF111", 5, 80),
    ]


def test_places_after_a_code_span_or_a_link_that_wraps(make_project: MakeProject, invoke: Invoke) -> None:
    text = (
        "# T\n\n"
        "- [ ] First run the long script called `./scripts/very/long/path/to/a/script-that-wraps.sh\n"
        "  --flag` now, then [the guide](\n"
        "  docs/gone.md) too and `scripts/x.sh`\n"
        "- [ ] See [the long\n"
        "  guide](docs/g2.md) and ![an\n"
        "  image](img.png) and `scripts/y.sh` and [ref][r]\n"
        "\n"
        "[r]: gone3.md\n"
    )
    places = _places(make_project, invoke, text.encode(), "--select", "PF201")
    assert places == [
        ("PF201", 3, 41),
        ("PF201", 5, 3),
        ("PF201", 5, 26),
        ("PF201", 7, 10),
        ("PF201", 8, 10),
        ("PF201", 8, 24),
        ("PF201", 8, 43),
    ]


def test_an_item_id_marker_is_placed_at_the_end_of_its_line(make_project: MakeProject, invoke: Invoke) -> None:
    text = "# T\n\n- [ ] One { #dup }\n- [ ] Three `{ #dup }` in code { #dup }\n- [ ] Four\n  { #dup }\n"
    places = _places(make_project, invoke, text.encode(), "--select", "PF101")
    assert places == [("PF101", 4, 32), ("PF101", 6, 3)]


def test_a_requirement_reference_whose_prefix_is_as_long_as_the_list_marker(
    make_project: MakeProject, invoke: Invoke
) -> None:
    root = make_project(
        {"checklists/a.md": "# T\n\n- [ ] Ship: REQ-9\n- [ ] Ship REQ-8\n", "req.yml": "REQ-1: x\n"},
        config=config(registry="req.yml"),
    )
    result = invoke(root, "check", "--no-cache", "--format", "json", "--select", "PF102")
    places = [(d["line"], d["col"]) for d in json.loads(result.output)["diagnostics"]]
    assert places == [(3, 13), (4, 12)]


def test_a_link_target_that_markdown_encodes_is_placed_as_written(make_project: MakeProject, invoke: Invoke) -> None:
    text = "# T\n\n- [ ] See [a](café.md) and [b](<my file.md>) and [c](x%20y.md) and [d](../部署.md)\n"
    places = _places(make_project, invoke, text.encode(), "--select", "PF201")
    assert places == [("PF201", 3, 15), ("PF201", 3, 33), ("PF201", 3, 54), ("PF201", 3, 72)]


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"], ids=["lf", "crlf", "cr"])
def test_pf402_line_with_any_line_ending(make_project: MakeProject, invoke: Invoke, newline: bytes) -> None:
    data = newline.join([b"# T", b"", b"- [ ] caf\xe9", b""])
    assert _places(make_project, invoke, data, "--select", "PF402") == [("PF402", 3, 10)]


def test_an_anchor_is_placed_after_the_hash_as_written(make_project: MakeProject, invoke: Invoke) -> None:
    text = (
        "# T\n\n- [ ] See [a](café.md#nope) and [b](x.md#nope) and [c](x.md?v=1#nope) and [d](#nope)"
        " and [e](<café.md#nope>)\n"
    )
    root = make_project(
        {"checklists/a.md": text, "checklists/café.md": "# C\n", "checklists/x.md": "# X\n"}, config=config()
    )
    result = invoke(root, "check", "--no-cache", "--format", "json", "--select", "PF206")
    places = [(d["line"], d["col"]) for d in json.loads(result.output)["diagnostics"]]
    assert places == [(3, 23), (3, 42), (3, 65), (3, 80), (3, 103)]
