"""The sdist and the wheel: complete, valid metadata, and usable with nothing else.

The distributions are built with `python -m build` (an isolated build, as a release
does) from a copy of the files a commit of this working tree would hold, so nothing
that only exists in this checkout can leak into them. The wheel is then installed
into a plain virtual environment, and a site is built with it in an empty folder.

(No `__init__.py` here: a package named `packaging` would shadow the real one.)
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from mkdocs_preflight import __version__

SOURCE = Path(__file__).resolve().parents[2]
PACKAGE = SOURCE / "plugin" / "mkdocs_preflight"
ENV = {
    key: value
    for key, value in os.environ.items()
    if key not in ("PYTHONPATH", "PREFLIGHT_CONFIG", "VIRTUAL_ENV", "PYTHONHOME")
} | {"NO_MKDOCS_2_WARNING": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env or ENV,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))}: exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result


def committed_files() -> list[str]:
    """Tracked and new (not ignored) files: what a commit of the working tree holds."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=SOURCE,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (SOURCE / name).is_file()]


def package_files() -> set[str]:
    """Every file of the import package, as a wheel names it."""
    return {
        "mkdocs_preflight/" + path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix != ".pyc"
        and path.relative_to(SOURCE).as_posix() in set(committed_files())
    }


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built from a clean copy of the tree."""
    tree = tmp_path_factory.mktemp("tree")
    for name in committed_files():
        target = tree / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SOURCE / name, target)
    out = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "build", "--outdir", out, tree, cwd=tree)
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel}


def test_wheel_holds_every_package_file_templates_and_assets(dists: dict[str, Path]) -> None:
    names = set(zipfile.ZipFile(dists["wheel"]).namelist())
    missing = package_files() - names
    assert not missing, f"files of the package missing from the wheel: {sorted(missing)}"
    for needed in (
        "mkdocs_preflight/py.typed",
        "mkdocs_preflight/site/assets/preflight.js",
        "mkdocs_preflight/site/assets/preflight.css",
        "mkdocs_preflight/scaffold/templates/mkdocs.yml",
        "mkdocs_preflight/scaffold/templates/example.md",
    ):
        assert needed in names
    assert any(name.startswith("mkdocs_preflight/site/templates/") for name in names)
    assert not [name for name in names if name.startswith(("tests/", "docs/", "checklists/"))]


def test_wheel_metadata_and_entry_points(dists: dict[str, Path]) -> None:
    wheel = zipfile.ZipFile(dists["wheel"])
    info = f"mkdocs_preflight-{__version__}.dist-info"
    assert dists["wheel"].name == f"mkdocs_preflight-{__version__}-py3-none-any.whl"
    metadata = email.message_from_bytes(wheel.read(f"{info}/METADATA"))
    assert metadata["Name"] == "mkdocs-preflight"
    assert metadata["Version"] == __version__
    assert metadata["License-Expression"] == "MIT"
    assert f"{info}/licenses/LICENSE" in wheel.namelist()
    assert metadata["Description-Content-Type"] == "text/markdown"
    requirements = metadata.get_all("Requires-Dist") or []
    assert any(r.replace(" ", "").startswith("mkdocs<2,>=1.6") or r.startswith("mkdocs>=1.6") for r in requirements)
    entry_points = wheel.read(f"{info}/entry_points.txt").decode()
    assert "[console_scripts]\npreflight = mkdocs_preflight.startup:main" in entry_points
    assert "[mkdocs.plugins]\npreflight = mkdocs_preflight.site.plugin:PreflightPlugin" in entry_points
    assert "[markdown.extensions]" in entry_points


def test_sdist_holds_the_sources_and_the_licence(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for needed in ("pyproject.toml", "README.md", "LICENSE"):
        assert needed in names
    sources = {"plugin/" + name for name in package_files()}
    assert not sources - names, f"missing from the sdist: {sorted(sources - names)}"


def test_twine_check_passes(dists: dict[str, Path]) -> None:
    result = run(sys.executable, "-m", "twine", "check", "--strict", dists["sdist"], dists["wheel"], cwd=SOURCE)
    assert result.stdout.count("PASSED") == 2


@pytest.mark.slow
def test_wheel_in_a_fresh_environment_builds_a_site_from_nothing(dists: dict[str, Path], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = ENV | {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(venv)}
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", dists["wheel"], cwd=tmp_path, env=env)

    where = run(
        bin_dir / "python", "-c", "import mkdocs_preflight; print(mkdocs_preflight.__file__)", cwd=tmp_path, env=env
    )
    assert Path(where.stdout.strip()).is_relative_to(venv), "imported from the source tree, not the wheel"
    # The check cache's code digest comes from the wheel's RECORD, the same for every install.
    digest = "from mkdocs_preflight.rules.cache import code_digest; print(code_digest())"
    assert run(bin_dir / "python", "-c", digest, cwd=tmp_path, env=env).stdout.startswith("record:")
    assert (
        run(bin_dir / "preflight", "--version", cwd=tmp_path, env=env).stdout == f"preflight, version {__version__}\n"
    )

    project = tmp_path / "project"
    project.mkdir()
    run(bin_dir / "preflight", "init", cwd=project, env=env)
    run(bin_dir / "mkdocs", "build", "--strict", cwd=project, env=env)
    run(bin_dir / "preflight", "check", cwd=project, env=env)
    run(bin_dir / "preflight", "run", "--dry-run", "checklists/example.md", cwd=project, env=env)
    page = (project / "site" / "checklists" / "example" / "index.html").read_text(encoding="utf-8")
    assert "preflight" in page
    assets = {path.name for path in (project / "site").rglob("preflight.*")}
    assert {"preflight.js", "preflight.css"} <= assets, "the plugin's assets reach the built site"
