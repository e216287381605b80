"""The generated folder kept between builds: a build that hands its pages to MkDocs is not
taken for finished until every page and the map are written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.conftest import FIXTURES


def test_a_handoff_build_is_incomplete_until_its_pages_and_map_are_written(tmp_path: Path) -> None:
    """With a handoff (the plugin), regenerate returns before the pages are on disk and the
    map laid out; until both are written and the manifest saved, the folder is not taken for
    a finished generation, so a build interrupted meanwhile regenerates."""
    from generator.rebuild import Handoff, Manifest, regenerate

    out = tmp_path / "generated"
    handoff = Handoff()
    manifest, problems = regenerate(FIXTURES / "golden", out, handoff=handoff)
    assert problems == () and manifest is not None
    assert list(handoff.pending) == ["map/points.json.gz"] and "map/points.json.gz" in manifest.files
    assert handoff.sources["papers/light-schrodinger-bridge.md"].startswith(b"---\n")
    assert Manifest.load(out) is None

    packed = handoff.pending["map/points.json.gz"]()
    assert json.loads(gzip.decompress(packed))["grid"] == 4096
    assert (out / "map" / "points.json.gz").read_bytes() == packed
    handoff.finish()
    assert Manifest.load(out).complete(out)
    assert (out / "papers" / "light-schrodinger-bridge.md").read_bytes() == handoff.sources[
        "papers/light-schrodinger-bridge.md"
    ]
