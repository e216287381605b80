"""Golden pages: the generated Markdown of a few small dumps, compared file by file.

Regenerate after an intended change with ``make golden`` and review the diff.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, ROOT

GOLDEN_DUMPS = FIXTURES / "golden"
GOLDEN = ROOT / "tests" / "golden"
GOLDEN_SEARCH = ROOT / "tests" / "golden-search"  # the search documents, written beside the pages
SKIP = {".manifest.json"}  # holds a fingerprint of the generator's own code


def generate(out: Path) -> None:
    command = [sys.executable, "-m", "generator", "build", "--dumps", str(GOLDEN_DUMPS), "--out", str(out)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, timeout=300)


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name not in SKIP
    }


def test_generated_pages_match_the_golden_copy(tmp_path: Path) -> None:
    out = tmp_path / "golden"
    generate(out)
    for produced_dir, golden_dir in ((out, GOLDEN), (tmp_path / "golden-search", GOLDEN_SEARCH)):
        produced, golden = tree(produced_dir), tree(golden_dir)
        assert sorted(produced) == sorted(golden), "files differ: run `make golden` and review the diff"
        for name, content in produced.items():
            assert content == golden[name], f"{name} differs: run `make golden` and review the diff"


if __name__ == "__main__":  # make golden
    import shutil

    shutil.rmtree(GOLDEN, ignore_errors=True)
    shutil.rmtree(GOLDEN_SEARCH, ignore_errors=True)
    generate(GOLDEN)
    (GOLDEN / ".manifest.json").unlink(missing_ok=True)
    shutil.rmtree(ROOT / "tests" / "golden-map", ignore_errors=True)  # the map's layout cache
    print(f"golden pages written to {GOLDEN.relative_to(ROOT)}")
