"""Metamorphic tests of the numbering rules (issue 11, classes 1 and 2), with the generators of
``tests/metamorphic_ordinal.py``, written without looking at the parser.

Every bundled text and parse fixture whose articles that module's independent finder sees
completely (1..n, labels at line starts) is copied with

1. an ordinal word or an article reference opening some article bodies right after the label
   (第三人…, 第一审…, 第五条所称…, 第十四条规定的… naming the NEXT article), and
2. a back reference inserted after a mid-line ``；`` of some article bodies
   (…；第三条关于期限的规定，适用于本条所列情形；…),

and both together. A reader sees the same articles: the copy must parse to the same documents
with the same article numbers, chapters, sections and 款 counts, and each inserted string must
end up inside the article it was inserted into. As in the other metamorphic tests, the
expectation is the parse of the untransformed text, never a hand-written answer.
"""

from __future__ import annotations

import random
from functools import cache

import pytest
from metamorphic_ordinal import (
    article_spans,
    insert_back_reference,
    prepend_ordinal,
    spans_are_complete,
)
from test_parse_metamorphic import INPUTS, source

from jdcorpus.parse import ParseError, parse_text

SEEDS = range(6)


@cache
def _parse(text: str):
    return tuple(parse_text(text))


def _eligible(label_alone_ok: bool) -> list[str]:
    """Single-document inputs whose articles the generators' finder sees, each where the parser
    sees it (not, say, the entries of a table of contents that lists articles). A label alone on
    its line (第一条 / （目的）为了…) is left out for openings: text put right after it changes
    what the line holds (its heading, its first 款), not only the first words of the body."""
    out = []
    for name in INPUTS:
        text = source(name)
        try:
            docs = _parse(text)
        except ParseError:
            continue
        if len(docs) != 1 or not spans_are_complete(text):
            continue
        spans, arts = article_spans(text), docs[0].articles
        if len(spans) != len(arts) or any(
            not (s.start <= a.start < s.label_end) for s, a in zip(spans, arts, strict=True)
        ):
            continue
        # (nor a label with a separator the generator does not know: 第一条：… would become
        # 第一条第二条规定的情形除外，：…, which no one writes)
        if not label_alone_ok and any(
            text[s.body_start : s.body_start + 1] in "\n：:、.．【" for s in spans
        ):
            continue
        out.append(name)
    return out


ELIGIBLE = _eligible(label_alone_ok=False)
ELIGIBLE_BACK = _eligible(label_alone_ok=True)


def _shape(doc) -> tuple:
    return (
        [a.no for a in doc.articles],
        [(c.no, c.title) for c in doc.chapters],
        [(s.no, s.title) for s in doc.sections],
        [len(a.paragraphs) for a in doc.articles],
    )


def _check(name: str, text: str, log: list[tuple[int, str]]) -> None:
    (want,) = _parse(source(name))
    got = _parse(text)
    assert len(got) == 1, f"{len(got)} documents: {[d.title for d in got]}"
    (doc,) = got
    assert _shape(doc) == _shape(want), (
        f"numbers {[a.no for a in doc.articles]} (want {[a.no for a in want.articles]}); "
        f"warnings {doc.warnings}"
    )
    assert not set(doc.warnings) - set(want.warnings), doc.warnings
    by_no = {a.no: a for a in doc.articles}
    for no, inserted in log:
        body = by_no[no].text.replace(" ", "").replace("\n", "")
        assert inserted.rstrip("，；。") in body, f"{inserted!r} is not in 第{no}条"


def test_enough_inputs_are_eligible():
    """The generators' finder sees most single-document inputs completely: the test means something."""
    assert len(ELIGIBLE) >= 25 and len(ELIGIBLE_BACK) >= 30, (ELIGIBLE, ELIGIBLE_BACK)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ELIGIBLE)
def test_ordinal_openings_keep_the_articles(name, seed):
    """Bodies that open with an ordinal word or a reference (to the next article, too) keep their
    label: the numbering and every article's 款 are unchanged."""
    log: list[tuple[int, str]] = []
    text = prepend_ordinal(source(name), random.Random(f"{name}/{seed}"), log=log)
    _check(name, text, log)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ELIGIBLE_BACK)
def test_back_references_open_no_article(name, seed):
    """A reference to an earlier article after a mid-line ；, run together with the clause before
    it, opens no article and stays in its own."""
    log: list[tuple[int, str]] = []
    text = insert_back_reference(source(name), random.Random(f"{name}/{seed}"), log=log)
    _check(name, text, log)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name", ELIGIBLE)
def test_both_together(name, seed):
    """Ordinal openings and back references in one copy."""
    rng = random.Random(f"{name}/both/{seed}")
    log: list[tuple[int, str]] = []
    text = insert_back_reference(prepend_ordinal(source(name), rng, log=log), rng, log=log)
    _check(name, text, log)
