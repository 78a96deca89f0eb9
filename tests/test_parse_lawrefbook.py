"""The parser against an answer it did not write: LawRefBook's own Markdown markup.

tests/fixtures/lawrefbook/ holds twelve local regulations copied verbatim from the shared
LawRefBook collection; ``expected.json`` gives, for each, what the collection's markup states —
article labels at line starts after ``<!-- INFO END -->`` and ``##``/``###`` headings for
chapters and sections — counted by LawRefBook's converter, not by this parser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jdcorpus.parse import ParseError, parse_file

HERE = Path(__file__).parent / "fixtures" / "lawrefbook"
EXPECTED = json.loads((HERE / "expected.json").read_text("utf-8"))["files"]
COUNTED = sorted(law for law, want in EXPECTED.items() if want)


def test_the_sample_is_what_the_readme_says():
    """Every file of the sample has an expectation; some have chapters, some none."""
    assert sorted(p.name for p in HERE.glob("*.md") if p.name != "README.md") == sorted(EXPECTED)
    counts = [EXPECTED[law] for law in COUNTED]
    assert any(c["chapters"] for c in counts)
    assert any(not c["chapters"] for c in counts)


@pytest.mark.parametrize("law", COUNTED, ids=[f"law{i}" for i in range(len(COUNTED))])
def test_articles_chapters_and_sections_match_the_markup(law):
    """One document whose articles are numbered 1..N and whose chapters and sections number what
    the markup states."""
    want = EXPECTED[law]
    docs = parse_file(HERE / law)
    assert len(docs) == 1, [d.title for d in docs]
    d = docs[0]
    assert [a.no for a in d.articles] == list(range(1, want["articles"] + 1))
    assert (len(d.chapters), len(d.sections)) == (want["chapters"], want["sections"])


@pytest.mark.parametrize("law", sorted(set(EXPECTED) - set(COUNTED)))
def test_a_law_without_articles_is_not_made_to_have_some(law):
    """A 决定 written in paragraphs (no 第…条 in the markup) yields no articles: an error naming
    the reason, or a document without articles — never labels made up from its text."""
    try:
        docs = parse_file(HERE / law)
    except ParseError as e:
        assert "article" in str(e) or "条" in str(e), e
        return
    assert all(not d.articles for d in docs)
