"""The catalogue's downloads, gzipped in the built site: ``papers.json.gz`` and ``papers.csv.gz``.

``papers.json`` is a paper's fields for machines, about 2.4 KB a paper: 67 MB of the 498 MB
site at 28,228 papers, and a seventh of what a catalogue three times larger would need of
GitHub Pages' 1 GB. Gzipped it is 31 % of that, the CSV about as much, and both are files a
reader downloads and opens with any unzip tool (``gunzip papers.json.gz``; Python's ``gzip``;
pandas and R read them as they are), the same bytes once unzipped. GitHub Pages does not
serve a precompressed copy in place of a plain file, so the site keeps only the gzipped one.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from concurrent.futures import Future
from pathlib import Path

import deflate

from generator.output.writer import in_thread, write_if_changed

DOWNLOADS = ("papers.json", "papers.csv", "map/titles.json")
"""The site's downloads, at its root, and the map's titles (which ``map.js`` unzips in the
browser, 4.4 MB to 1.4 at the corpus's size); each is replaced by ``<name>.gz``."""

LEVEL = 6
"""libdeflate's level. On the corpus's 67 MB ``papers.json``: 20.7 MB; level 9 gives 1 % less
in 4.5 times the time, 12 gives 4 % less in 27 times. Its gzip header holds no name and no
time, so the same bytes give the same file."""


def gzipped(data: bytes) -> bytes:
    """``data`` gzipped at ``LEVEL``, as every file the site keeps gzipped is."""
    return bytes(deflate.gzip_compress(data, LEVEL))


def gzip_beside(source: Path, site: Path, changed: Mapping[str, bytes]) -> Future[list[str]]:
    """Gzip into ``site`` each download this build ``changed`` (its bytes, ``mkdocs serve``), or
    that ``site`` lacks gzipped (from ``source``, the generated folder), in a thread while
    MkDocs renders the pages (libdeflate lets go of the interpreter while it compresses).
    Returns the names gzipped. Serving, MkDocs copies the plain files too; a full build
    leaves them out (``PapersPlugin.on_files``)."""
    names = [name for name in DOWNLOADS if name in changed or not (site / f"{name}.gz").is_file()]

    def pack() -> list[str]:
        done = []
        for name in names:
            data = changed.get(name)
            if data is None and (source / name).is_file():
                data = (source / name).read_bytes()
            if data is not None:
                write_if_changed(site / f"{name}.gz", gzipped(data))
                done.append(name)
        return done

    return in_thread("gzip", pack)


def read_download(site: Path, name: str) -> bytes:
    """The bytes of download ``name`` (``papers.json``) of a built ``site``, unzipped when the
    site has it gzipped. Raises ``OSError`` when it has neither."""
    packed = site / f"{name}.gz"
    if packed.is_file():
        return gzip.decompress(packed.read_bytes())
    return (site / name).read_bytes()
