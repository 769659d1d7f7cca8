"""PF4xx: mojibake (and its fix), invalid UTF-8, unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_preflight.rules.text import find_mojibake, fix_mojibake, repair_line

from .conftest import RunCheck, found

MOJIBAKE = [
    ("Smoke tests pass âœ… then announce", "Smoke tests pass ✅ then announce"),  # cp1252
    ("Wait â€” then go", "Wait — then go"),
    ("Ship it ‚úÖ", "Ship it ✅"),  # Mac Roman, which ftfy alone leaves alone
    ("Careful ‚ö†Ô∏è here", "Careful ⚠️ here"),
    ("caf√© na√Øve", "café naïve"),
    ("Ã©tÃ© Â£100", "été £100"),
]
CLEAN = [
    "naïve café — ok",
    "Größe ¿Qué? à côté",
    "l’été «élan» …ça",
    "“quoted” ‘single’",
    "✅ ❌ ⚠️ → 🚀",
    "München 10°C ±2 µs",
    "√2 ≈ 1.41, ¬A",
    "日本語テキスト",
    "Привет мир",
    "p95 10%/50% v1.2.3",
]


@pytest.mark.parametrize(("bad", "good"), MOJIBAKE)
def test_mojibake_is_repaired(bad: str, good: str) -> None:
    assert repair_line(bad)[0] == good


@pytest.mark.parametrize("text", CLEAN)
def test_real_text_is_left_alone(text: str) -> None:
    assert repair_line(text)[0] == text
    assert list(find_mojibake(text)) == []


def test_findings_point_at_the_first_bad_character(run_check: RunCheck) -> None:
    text = "# Deploy\n- [ ] Smoke tests pass âœ…\n- [ ] Fine ✅\n"
    result = run_check({"checklists/a.md": text}, select=["PF4"])
    assert found(result) == [("PF401", "checklists/a.md", 2)]
    diagnostic = result.diagnostics[0]
    assert diagnostic.col == len("- [ ] Smoke tests pass ") + 1
    assert diagnostic.fixable
    assert "`âœ…`" in diagnostic.message and "`✅`" in diagnostic.message


def test_fix_changes_only_the_mojibake_bytes(run_check: RunCheck, tmp_path: Path) -> None:
    original = "\ufeff# Deploy â€” prod\r\n- [ ] Ready ‚úÖ\r\n- [ ] Keep naïve café\r\n\r\n```bash\r\necho done\r\n```"
    data = original.encode("utf-8")
    path = tmp_path / "project/checklists/a.md"
    result = run_check({"checklists/a.md": data}, select=["PF4"], fix=True)
    assert result.fixed == 2
    assert found(result) == []
    expected = original.replace("â€”", "—").replace("‚úÖ", "✅").encode("utf-8")
    assert path.read_bytes() == expected
    assert path.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in path.read_bytes()


def test_fix_keeps_the_file_mode(run_check: RunCheck, tmp_path: Path) -> None:
    root = tmp_path / "project"
    run_check({"checklists/a.md": "# A\n- [ ] ok\n"})
    path = root / "checklists/a.md"
    path.write_text("# A\n- [ ] done âœ…\n", encoding="utf-8")
    path.chmod(0o640)
    run_check({}, select=["PF401"], fix=True)
    assert path.read_text(encoding="utf-8") == "# A\n- [ ] done ✅\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_fix_leaves_suppressed_lines(run_check: RunCheck, tmp_path: Path) -> None:
    text = "# A\n<!-- preflight: ignore PF401 -->\n- [ ] quoted on purpose: âœ…\n- [ ] fix me âœ…\n"
    result = run_check({"checklists/a.md": text}, select=["PF4", "PF111"], fix=True)
    assert result.fixed == 1
    assert (tmp_path / "project/checklists/a.md").read_text(encoding="utf-8") == text.replace("fix me âœ…", "fix me ✅")


def test_fix_mojibake_on_lone_cr_line_endings() -> None:
    data = "a\rb âœ…\rc".encode()
    from mkdocs_preflight.model import Diagnostic

    fixed = fix_mojibake(data, [Diagnostic("PF401", "", "x.md", 2)])
    assert fixed == "a\rb ✅\rc".encode()


def test_not_utf8_is_reported_once_and_not_as_mojibake(run_check: RunCheck) -> None:
    result = run_check({"checklists/a.md": b"# Caf\xe9\n- [ ] x\n"}, select=["PF4"])
    assert found(result) == [("PF402", "checklists/a.md", 1)]


def test_unreadable_file_as_broken_symlink(run_check: RunCheck, tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "checklists/gone.md").symlink_to(root / "nowhere.md")
    (root / "checklists/dir.md").mkdir()
    (root / "checklists/dir.md/inner.txt").write_text("x")
    result = run_check({"checklists/ok.md": "# ok\n"}, select=["PF403"], paths=["checklists/gone.md"])
    assert found(result) == [("PF403", "checklists/gone.md", 1)]
    target = root / "nowhere.md"
    assert result.diagnostics[0].message == (
        f"File cannot be read: it is a symbolic link to `{target}`, which does not exist"
    )
