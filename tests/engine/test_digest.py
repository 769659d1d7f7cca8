"""The engine's SHA-256: the standard digest, without loading OpenSSL for a few small files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkdocs_preflight.engine import digest


@given(st.lists(st.binary(max_size=3000), max_size=8))
def test_the_digest_is_sha256_whichever_implementation_hashed(chunks: list[bytes]) -> None:
    for data in chunks:
        assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
    whole = digest.sha256()
    for data in chunks:
        whole.update(data)
    assert whole.hexdigest() == hashlib.sha256(b"".join(chunks)).hexdigest()


def test_past_the_budget_openssl_takes_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(digest, "_budget", 10)
    small = digest.sha256(b"0123456789")
    assert type(small) is not type(hashlib.sha256())  # CPython's own, within the budget
    big = digest.sha256(b"x")  # the budget is spent
    assert type(big) is type(hashlib.sha256())
    assert type(digest.sha256(b"")) is type(hashlib.sha256())  # and stays spent
    assert small.hexdigest() == hashlib.sha256(b"0123456789").hexdigest()
    assert big.hexdigest() == hashlib.sha256(b"x").hexdigest()


def test_checking_one_file_never_loads_openssl(tmp_path: Path) -> None:
    # `import hashlib` loads libcrypto: 2.7 ms of a ~0.1 s single-file check.
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n")
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "a.md").write_text("# A\n\n- [ ] one\n\n  ```bash\n  make deploy\n  ```\n")
    probe = (
        "import sys\n"
        "from mkdocs_preflight import startup\n"
        "sys.argv = ['preflight', 'check', 'checklists/a.md']\n"
        "try:\n"
        "    startup.main()\n"
        "finally:\n"
        "    print('openssl', '_hashlib' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "openssl False" in done.stderr, done.stderr
    assert (tmp_path / ".preflight" / "cache").is_dir(), done.stderr  # it did hash: the cache is keyed by digests
