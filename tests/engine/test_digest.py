"""The engine's SHA-256: the standard digest, without loading OpenSSL for a few small files."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

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


def test_past_the_budget_openssl_takes_over() -> None:
    # In a fresh process: the budget is the process's own, and so is loading OpenSSL.
    probe = (
        "import hashlib, sys\n"
        "from mkdocs_preflight.engine import digest\n"
        "openssl = type(hashlib.sha256())\n"
        "small = digest.sha256(b'x' * 1000)\n"
        "big = digest.sha256(b'y' * (digest._BUILTIN_BUDGET))\n"
        "after = digest.sha256(b'z')\n"
        "print(type(small) is openssl, type(big) is openssl, type(after) is openssl)\n"
        "print(small.hexdigest() == hashlib.sha256(b'x' * 1000).hexdigest())\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    # Within the budget CPython's own; the megabyte that passes it, and all after, OpenSSL's.
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stdout + done.stderr


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
