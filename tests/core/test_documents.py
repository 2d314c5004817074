"""Every document the code, tests and README cite exists in this repository.

A maintainer who clones the project must find every note the code points at; nothing may point
at notes kept elsewhere.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# A cited markdown document: "docs/ARCHITECTURE.md", "SOURCES.md", "README.md" ...
CITATION = re.compile(r"(?<![\w/.-])((?:[\w.-]+/)*[A-Z][A-Z_]+\.md)\b")


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                            text=True, check=True).stdout.split()
    return [REPO / name for name in listed if name.endswith((".py", ".md", ".toml")) and (REPO / name).is_file()]


def test_every_cited_document_exists():
    files = _tracked_files()
    names = {f.name for f in files}
    missing = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for cited in set(CITATION.findall(text)):
            candidates = [REPO / cited, path.parent / cited, REPO / "docs" / cited]
            bare_name_exists = "/" not in cited and cited in names
            if not bare_name_exists and not any(c.is_file() for c in candidates):
                missing.append(f"{path.relative_to(REPO)} cites {cited}")
    assert not missing, missing


def test_nothing_points_outside_the_repository():
    outside = []
    for path in _tracked_files():
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if re.search(r"\.\./shared|the product spec", text):
            outside.append(str(path.relative_to(REPO)))
    assert not outside, outside
