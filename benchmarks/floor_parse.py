#!/usr/bin/env python3
"""The floor: markdown-it-py's bare ``commonmark`` parse of every ``*.md`` under a folder.

It reads every file first and then parses them, exactly like ``mdit_parse.py`` in
``shared/research/perf-baseline.md``, so its peak RSS includes all the texts (that is
the baseline's method, not a goal). Prints ``{"files", "bytes", "import_s", "read_s",
"parse_s"}`` as JSON on stdout.

Usage: ``python floor_parse.py DIR``
"""

from __future__ import annotations

import json
import os
import sys
import time


def markdown_files(root: str) -> list[str]:
    """Every ``*.md`` below ``root``, sorted."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        found.extend(os.path.join(folder, name) for name in files if name.endswith(".md"))
    return sorted(found)


def main(argv: list[str]) -> int:
    """Parse every file of ``argv[0]`` and print the timings."""
    if len(argv) != 1:
        sys.stderr.write("usage: floor_parse.py DIR\n")
        return 2
    start = time.perf_counter()
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    imported = time.perf_counter()
    texts = []
    for path in markdown_files(argv[0]):
        with open(path, encoding="utf-8") as handle:
            texts.append(handle.read())
    read = time.perf_counter()
    for text in texts:
        md.parse(text)
    parsed = time.perf_counter()
    result = {
        "files": len(texts),
        "bytes": sum(len(t.encode("utf-8")) for t in texts),
        "import_s": round(imported - start, 4),
        "read_s": round(read - imported, 4),
        "parse_s": round(parsed - read, 4),
    }
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
