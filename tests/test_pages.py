"""Paper pages skip MkDocs' YAML and Markdown steps, and read exactly what those would give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.utils import meta as mkdocs_meta

from generator.site.pages import front_matter, read_front_matter

TEXT = st.text(
    st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(["\u2028", "\x85", "\x9f", "\ufeff", '"', "\\"]),
    max_size=40,
)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(title=TEXT, description=TEXT, tags=st.lists(TEXT, max_size=4), body=TEXT)
def test_front_matter_reads_back_as_pyyaml_reads_it(
    title: str, description: str, tags: list, body: str
) -> None:
    meta = {"title": title, "description": description, "tags": tags, "paper": True, "template": "paper.html"}
    source = f"---\n{front_matter(meta)}---\n\n<h1>x</h1>\n{body}"
    markdown, expected = mkdocs_meta.get_data(source)
    assert expected == meta
    assert read_front_matter(source) == (meta, markdown)


def test_front_matter_it_did_not_write_is_left_to_mkdocs() -> None:
    assert read_front_matter("---\nhide:\n  - toc\n---\n\nbody") is None
    assert read_front_matter("---\ntitle: plain words\n---\nbody") is None
    assert read_front_matter("# no front matter\n") is None
