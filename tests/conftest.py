from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DUMPS = FIXTURES / "dumps"
SEED = ROOT / "dumps"
CORPUS = ROOT.parent / "shared" / "corpus" / "dumps"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside the repository")
