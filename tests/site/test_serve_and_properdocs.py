"""The real command lines: ``properdocs build``, ``mkdocs build``, and ``mkdocs serve`` on loopback."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import site_samples as samples
from site_html import parse
from site_support import BIN, ENV, items_of, run_cli, site_config, write, write_config

SERVE_TIMEOUT = 60.0


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path, samples.FILES)
    write_config(tmp_path, site_config("material"))
    return tmp_path


@pytest.mark.parametrize("command", ["properdocs", "mkdocs"])
def test_cli_build_strict(project: Path, command: str) -> None:
    result = run_cli(project, command, "build", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    page = parse((project / "site" / "checklists" / "deploy" / "index.html").read_text(encoding="utf-8"))
    assert "db-backup" in items_of(page)
    assert len(items_of(page)) == 15
    assert (project / "site" / "requirements" / "index.html").is_file()
    assert (project / "site" / "assets" / "preflight" / "preflight.js").is_file()


def test_properdocs_strict_fails_on_an_engine_error(project: Path) -> None:
    write(project, {"checklists/bad.md": "# Bad\n\n- [ ] a { #x }\n- [ ] b { #x }\n"})
    result = run_cli(project, "properdocs", "build", "--strict")
    assert result.returncode == 1
    assert "checklists/bad.md:4:9: PF101" in result.stdout + result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(check: Callable[[], bool], what: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline:
        if check():
            return
        if server.poll() is not None:
            raise AssertionError(f"mkdocs serve exited while waiting for {what}")
        time.sleep(0.25)
    raise AssertionError(f"timed out after {SERVE_TIMEOUT}s waiting for {what}")


@contextlib.contextmanager
def _serve(root: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def test_serve_rebuilds_when_a_checklist_or_the_registry_changes(project: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}/runbooks/"
    with _serve(project, port) as server:
        _wait_for(lambda: "db-backup" in (_get(base + "checklists/deploy/") or ""), "the first build", server)
        checklist = project / "checklists" / "ops" / "rotate.md"
        checklist.write_text(samples.ROTATE + "- [x] Freshly added item\n", encoding="utf-8")
        _wait_for(
            lambda: 'id="freshly-added-item"' in (_get(base + "checklists/ops/rotate/") or ""),
            "the rebuilt checklist page",
            server,
        )
        page = parse(_get(base + "checklists/ops/rotate/") or "")
        bar = page.find("div", cls="preflight-progress")
        assert bar is not None and bar.get("data-preflight-done") == "1" and bar.get("data-preflight-total") == "3"
        registry = project / "requirements.yml"
        registry.write_text(samples.REGISTRY + "  REQ-9: A requirement added while serving\n", encoding="utf-8")
        _wait_for(
            lambda: "A requirement added while serving" in (_get(base + "requirements/") or ""),
            "the rebuilt requirements page",
            server,
        )


def test_serve_rebuilds_when_an_image_it_published_from_the_repository_changes(tmp_path: Path) -> None:
    """Without a repository URL the build adds repository images to the site; one from
    outside the watched folders (``design/``) is watched too, and so is one that a
    checklist starts to show while serving."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Compare with ![the flow](../design/flow.svg)\n",
            "design/flow.svg": "<svg>first</svg>",
            "design/later.svg": "<svg>later</svg>",
        },
    )
    write_config(tmp_path, site_config("material", repository=False, plugins=["search", "preflight"]))
    port = _free_port()
    base = f"http://127.0.0.1:{port}/runbooks/"
    flow = base + "assets/preflight/files/design/flow.svg"
    later = base + "assets/preflight/files/design/later.svg"
    with _serve(tmp_path, port) as server:
        _wait_for(lambda: _get(flow) == "<svg>first</svg>", "the first build", server)
        (tmp_path / "design" / "flow.svg").write_text("<svg>second</svg>", encoding="utf-8")
        _wait_for(lambda: _get(flow) == "<svg>second</svg>", "the changed image", server)
        checklist = tmp_path / "checklists" / "deploy.md"
        checklist.write_text(checklist.read_text(encoding="utf-8") + "- [ ] And ![later](../design/later.svg)\n")
        _wait_for(lambda: _get(later) == "<svg>later</svg>", "the newly shown image", server)
        (tmp_path / "design" / "later.svg").write_text("<svg>changed</svg>", encoding="utf-8")
        _wait_for(lambda: _get(later) == "<svg>changed</svg>", "the newly shown image, changed", server)


def test_serve_shows_draft_checklists_which_the_build_leaves_out(tmp_path: Path) -> None:
    """``draft_docs`` pages are previewed by ``mkdocs serve`` (and only there): a draft
    checklist, in docs_dir or not, is served as a checklist page."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/runbooks/rollback.md": "# Rollback\n\n- [ ] Roll back\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Ship it\n",
            "checklists/wip.md": "# Work in progress\n\n- [ ] Try it\n",
        },
    )
    config = site_config("material", site_url="https://example.invalid/", draft_docs="wip.md\nrunbooks/\n")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": ["checklists", "docs/runbooks"]}}]
    write_config(tmp_path, config)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    with _serve(tmp_path, port) as server:
        _wait_for(lambda: "ship-it" in (_get(base + "checklists/checklists/deploy/") or ""), "the first build", server)
        assert "try-it" in items_of(parse(_get(base + "checklists/checklists/wip/") or ""))
        assert "roll-back" in items_of(parse(_get(base + "runbooks/rollback/") or ""))
    result = run_cli(tmp_path, "mkdocs", "build")
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "site" / "checklists" / "checklists" / "wip").exists()
    assert not (tmp_path / "site" / "runbooks").exists()
