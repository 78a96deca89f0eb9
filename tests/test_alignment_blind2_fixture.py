"""The second and third blind alignment gold sets (tests/fixtures/alignment_blind2.json and
alignment_blind3.json) are well-formed.

Each file is hand-made: each topic names, per document, the articles carrying one provision and
labels every pair of those documents. These tests check what a typo would break — an article
number that does not exist, a missing or extra pair, a label outside the three, a repeated id —
and ``test_checker_catches_mutations`` shows the checker fails on each such mistake.
"""

from __future__ import annotations

import copy
import json
from itertools import combinations
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
CHECKED = ["alignment_blind2.json", "alignment_blind3.json"]
DEV = FIXTURES / "alignment_dev.json"
ALL_SETS = [
    "alignment_dev.json",
    "alignment_extra.json",
    "alignment_blind.json",
    "alignment_wuye.json",
    "alignment_quan.json",
    *CHECKED,
]


def other_sets(name: str) -> list[str]:
    """Every alignment set except ``name`` itself (so blind2 and blind3 are also checked against each other)."""
    return [n for n in ALL_SETS if n != name]


def problems(spec: dict, article_numbers: dict[str, set[int]]) -> list[str]:
    """Every way ``spec`` breaks the format; ``article_numbers`` maps document id → its article numbers."""
    out = []
    labels = set(spec.get("strength_labels", {}))
    if labels != {"near-verbatim", "same-provision", "related"}:
        out.append(f"strength_labels are {sorted(labels)}")
    order = list(spec.get("documents", {}))
    for doc in order:
        if doc not in article_numbers:
            out.append(f"document {doc!r} is not in the corpus")
    ids = [t.get("id") for t in spec.get("topics", [])]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        out.append(f"topic id {dup!r} is repeated")
    for topic in spec.get("topics", []):
        tid = topic.get("id")
        for key in ("id", "zh", "articles", "strength", "note"):
            if not topic.get(key):
                out.append(f"{tid}: missing or empty {key!r}")
        arts = topic.get("articles") or {}
        if len(arts) < 2:
            out.append(f"{tid}: fewer than two documents")
        for doc, nos in arts.items():
            if doc not in order:
                out.append(f"{tid}: document {doc!r} is not declared")
                continue
            if not nos or len(nos) != len(set(nos)):
                out.append(f"{tid}: {doc} has an empty or repeated article list {nos}")
            for no in nos:
                if no not in article_numbers.get(doc, set()):
                    out.append(f"{tid}: {doc} has no article {no}")
        listed = [d for d in order if d in arts]
        expected = {f"{a}-{b}" for a, b in combinations(listed, 2)}
        given = set(topic.get("strength") or {})
        for key in sorted(expected - given):
            out.append(f"{tid}: pair {key} has no label")
        for key in sorted(given - expected):
            out.append(f"{tid}: label for {key}, which is not a pair of listed documents in order")
        for key, label in (topic.get("strength") or {}).items():
            if label not in labels:
                out.append(f"{tid}: {key} has unknown label {label!r}")
    return out


@pytest.fixture(scope="module", params=CHECKED)
def fixture_name(request):
    return request.param


@pytest.fixture(scope="module")
def spec(fixture_name):
    return json.loads((FIXTURES / fixture_name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def numbers(bundled):
    return {d.id: {a.no for a in d.articles} for d in bundled.documents}


def test_fixture_is_well_formed(spec, numbers):
    """Every article exists, every pair of listed documents has one of the three labels, ids are unique."""
    assert problems(spec, numbers) == []


def test_documents_and_labels_match_the_dev_set(spec):
    """The header (documents, strength_labels) is the development set's, so the sets can be pooled."""
    dev = json.loads(DEV.read_text(encoding="utf-8"))
    assert spec["documents"] == dev["documents"]
    assert spec["strength_labels"] == dev["strength_labels"]


def test_ids_do_not_repeat_other_sets(spec, fixture_name):
    """No topic id is reused from the other alignment sets, so pooled sets stay unambiguous."""
    mine = {t["id"] for t in spec["topics"]}
    for name in other_sets(fixture_name):
        path = FIXTURES / name
        if path.exists():
            theirs = {t["id"] for t in json.loads(path.read_text(encoding="utf-8"))["topics"]}
            assert not mine & theirs, name


def test_size(spec):
    """The set is large enough to judge a method on: at least 40 topics."""
    assert len(spec["topics"]) >= 40


def _mutants(spec):
    first = spec["topics"][0]
    doc = next(iter(first["articles"]))
    pair = next(iter(first["strength"]))

    def bad_article(s):
        s["topics"][0]["articles"][doc].append(9999)

    def missing_pair(s):
        del s["topics"][0]["strength"][pair]

    def bad_label(s):
        s["topics"][0]["strength"][pair] = "similar"

    def reversed_pair(s):
        a_b = s["topics"][0]["strength"].pop(pair)
        docs = [d for d in s["documents"] if pair.startswith(d + "-")]
        s["topics"][0]["strength"][pair[len(docs[0]) + 1 :] + "-" + docs[0]] = a_b

    def repeated_id(s):
        s["topics"][1]["id"] = s["topics"][0]["id"]

    def unknown_document(s):
        s["topics"][0]["articles"]["shanghai"] = [1]

    def single_document(s):
        keep = next(iter(s["topics"][0]["articles"]))
        s["topics"][0]["articles"] = {keep: s["topics"][0]["articles"][keep]}
        s["topics"][0]["strength"] = {}

    return [
        bad_article,
        missing_pair,
        bad_label,
        reversed_pair,
        repeated_id,
        unknown_document,
        single_document,
    ]


def test_checker_catches_mutations(spec, numbers):
    """Each kind of mistake, made on a copy of the file, is reported by the checker."""
    for mutate in _mutants(spec):
        broken = copy.deepcopy(spec)
        mutate(broken)
        assert problems(broken, numbers), mutate.__name__


# -- the sets on the shared collection (物业管理条例, 养犬管理) --------------------------------

ON_COLLECTION = ["alignment_wuye.json", "alignment_quan.json"]


@pytest.fixture(scope="module")
def collection_numbers(script):
    """``file name → (spec, document id → article numbers)`` of the sets on the collection, their
    documents parsed from the shared collection as the evaluation script parses them."""
    ev = script("eval_alignment")
    source = ev.COLLECTION
    if not source.exists():
        pytest.skip(f"the shared collection is not available ({source})")
    out = {}
    for name in ON_COLLECTION:
        spec = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
        corpus = ev.collection_corpus(spec, source)
        out[name] = spec, {d.id: {a.no for a in d.articles} for d in corpus.documents}
    return out


@pytest.mark.parametrize("name", ON_COLLECTION)
def test_collection_set_is_well_formed(collection_numbers, name):
    """Every article exists in the regulation the set names (parsed from the collection), every
    pair of listed documents has one of the three labels, and the set is large enough to judge."""
    spec, numbers = collection_numbers[name]
    assert set(numbers) == set(spec["documents"])
    assert problems(spec, numbers) == []
    assert len(spec["topics"]) >= 40
    for mutate in _mutants(spec):  # and the checker catches each kind of mistake on it
        broken = copy.deepcopy(spec)
        mutate(broken)
        assert problems(broken, numbers), mutate.__name__
