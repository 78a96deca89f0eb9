"""``similar`` (the closest articles of other documents) and the similarity space on disk."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import jdcorpus
from jdcorpus.cli import main
from jdcorpus.compare import links, persist, similar, vectors

GOLD = Path(__file__).parent / "fixtures" / "alignment_dev.json"
STRONG = ("near-verbatim", "same-provision")


def run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


def strong_equivalents(doc: str, no: int) -> set[tuple[str, int]]:
    """The gold articles of other documents that carry the provision of ``doc:no`` and are
    labelled near-verbatim or same-provision with it."""
    gold = json.loads(GOLD.read_text())
    out = set()
    for t in gold["topics"]:
        if no not in t["articles"].get(doc, []):
            continue
        for pair, strength in t["strength"].items():
            if strength in STRONG and (pair.startswith(f"{doc}-") or pair.endswith(f"-{doc}")):
                other = pair.removeprefix(f"{doc}-").removesuffix(f"-{doc}")
                out.update((other, n) for n in t["articles"].get(other, []))
    return out


def test_top_hits_are_gold_equivalents(bundled):
    """The two closest articles to 长春 第一条 (purpose clause) are gold equivalents of it."""
    gold = strong_equivalents("changchun", 1)
    rows = similar(bundled, "changchun:1", limit=5)
    assert len(rows) == 5
    assert {(r.doc, r.article) for r in rows[:2]} <= gold
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert all(r.doc != "changchun" for r in rows)


def test_agrees_with_align(bundled):
    """Every link align prints for a document pair shows in ``similar`` with its score and label."""
    for lk in links.align(bundled, "changchun", "hohhot"):
        rows = similar(bundled, ("changchun", lk.a_article), limit=400)
        found = {(r.doc, r.article): r for r in rows}
        hit = found[("hohhot", lk.b_article)]
        assert (hit.score, hit.match) == (lk.score, lk.label)


def test_ranking_links_then_articles_joined_through_a_third_document(bundled):
    """Linked articles first, by score plus ``SUPPORT_BONUS`` for each third document with an
    article linked to both (at most ``SUPPORT_CAP``); then the articles a third document's
    article links to along with the one asked about (align's printed links); then the rest, by
    cosine. The order is worked out here from ``all_links`` alone."""
    from collections import defaultdict
    from importlib import import_module

    module = import_module("jdcorpus.compare.similar")  # jdcorpus.compare.similar: the function
    bonus, cap = module.SUPPORT_BONUS, module.SUPPORT_CAP
    near = defaultdict(set)
    for lk in links.all_links(bundled):
        if lk.label != "related":
            a, b = (lk.a_doc, lk.a_article), (lk.b_doc, lk.b_article)
            near[a].add(b)
            near[b].add(a)
    lifted = reordered = 0
    for doc in ("changchun", "tonghua", "suzhou"):
        for art in bundled.get(doc).articles:
            me = (doc, art.no)
            rows = similar(bundled, me, limit=40)

            def key(r, me=me):
                other = (r.doc, r.article)
                thirds = len({k[0] for k in near[me] & near[other]})
                if r.match:
                    return (2, r.score + bonus * min(thirds, cap))
                return (1 if thirds else 0, r.score)

            keys = [key(r) for r in rows]
            assert keys == sorted(keys, reverse=True), me
            # the joined and the bonus change the order somewhere (not a vacuous test)
            for p, q, r, t in zip(keys, keys[1:], rows, rows[1:], strict=False):
                lifted += p[0] == 1 and q[0] == 0 and t.score > r.score
                reordered += p[0] == q[0] == 2 and t.score > r.score
    assert lifted and reordered


def test_top_five_holds_equivalents_joined_through_third_documents(bundled):
    """北京条例 第三十九条 (community workers): align does not link it to 呼和浩特 第四十二条 nor to
    苏州 第十八条, gold equivalents of it, but articles of two other documents are linked to it
    and to each of them, so both are in its top 5 (8th and 11th when only links came first)."""
    want = {("hohhot", 42), ("suzhou", 18)}
    assert want <= strong_equivalents("beijing-tiaoli", 39)
    rows = similar(bundled, "beijing-tiaoli:39", limit=5)
    got = {(r.doc, r.article): r.match for r in rows}
    assert want <= set(got)
    assert all(got[x] is None for x in want)


def test_reference_forms(bundled):
    """An Article, ``(doc, no)`` and ``"DOC:第N条"`` name the same article; the public API is
    ``jdcorpus.similar``."""
    art = bundled.article("长春", 38)
    a = jdcorpus.similar(bundled, art, limit=3)
    assert (
        a == similar(bundled, ("长春", 38), limit=3) == similar(bundled, "长春:第三十八条", limit=3)
    )


def test_cli_json_shape():
    """``--format json`` rows carry exactly the documented keys."""
    r = run(["similar", "长春:38", "--limit", "3", "--format", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)
    assert len(rows) == 3
    assert all(
        list(x) == ["doc", "article", "label", "heading", "city", "title", "score", "match"]
        for x in rows
    )


def test_cli_table():
    """The table names the article asked about and the relations in Chinese."""
    r = run(["similar", "长春:1", "--limit", "3"])
    assert r.exit_code == 0
    assert "与 长春 第一条" in r.output and "近乎逐字" in r.output


@pytest.mark.parametrize(
    "args, code",
    [
        (["similar", "长春"], 2),  # not DOC:ARTICLE: an argument of the wrong form
        (["similar", "长春:999"], 1),
        (["similar", "nowhere:1"], 1),
        (["similar", "长春:1", "--limit", "0"], 2),
    ],
)
def test_cli_bad_argument(args, code):
    """A bad reference or limit is a one-line error with a non-zero exit code."""
    r = CliRunner().invoke(main, args)
    assert r.exit_code == code
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    assert len([ln for ln in r.output.splitlines() if ln.startswith("Error:")]) == 1


def _fresh_space(corpus):
    vectors.SPACES.clear()
    return vectors.space(corpus)


def test_space_is_persisted_and_reloaded(bundled):
    """A new process (here: an emptied in-memory cache) loads the fitted arrays and links from
    disk instead of fitting, and they are the same."""
    first = _fresh_space(bundled)
    want = links.link_arrays(first)
    X = first.X.copy()
    second = _fresh_space(bundled)
    assert (second.X != X).nnz == 0
    assert not second.fitted  # loaded
    got = links.link_arrays(second)
    for a, b in zip(want, got, strict=True):
        assert np.array_equal(a, b)
    assert second.store.folder.is_dir()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "drop-json", "bad-json"])
def test_damaged_store_is_rebuilt(bundled, damage):
    """A truncated, overwritten or half-written stored array is ignored and the space fitted
    again: same links, no error."""
    sp = _fresh_space(bundled)
    want = links.link_arrays(sp)
    folder = sp.store.folder
    if damage == "truncate":
        p = folder / "space.0.data.npy"
        p.write_bytes(p.read_bytes()[:100])
    elif damage == "garbage":
        p = folder / "space.0.indices.npy"
        raw = bytearray(p.read_bytes())
        raw[-40:] = b"\xff" * 40  # column numbers far out of range
        p.write_bytes(bytes(raw))
    elif damage == "drop-json":
        (folder / "space.json").unlink()
    else:
        (folder / "space.json").write_text("{not json")
    again = _fresh_space(bundled)
    assert again.X.shape == sp.X.shape
    assert again.fitted  # fitted again
    for a, b in zip(want, links.link_arrays(again), strict=True):
        assert np.array_equal(a, b)
    assert persist.SpaceStore.open(again).load_space() is not None  # and stored again


def test_store_refuses_object_arrays(tmp_path):
    """Nothing is pickled into the cache."""
    store = persist.SpaceStore(tmp_path, 1)
    with pytest.raises(TypeError):
        store.save("x", (np.array(["a", None], dtype=object),))
    assert store.load("x") is None


def test_row_cosines_equal_the_matrix_product(bundled):
    """The cosines ``similar`` ranks by (from the column postings) equal X·xᵀ."""
    sp = _fresh_space(bundled)
    for i in (0, 17, len(sp.articles) - 1):
        want = (sp.X @ sp.X[i].T).toarray().ravel()
        np.testing.assert_allclose(sp.row_cosines(i), want, rtol=1e-5, atol=1e-6)


def test_damaged_column_store_is_made_again(bundled):
    """Row numbers out of range in the stored columns are not trusted: made again from X."""
    sp = _fresh_space(bundled)
    want = sp.row_cosines(3)
    p = sp.store.folder / "columns.1.a.npy"
    raw = bytearray(p.read_bytes())
    raw[-40:] = b"\x7f" * 40  # huge row numbers
    p.write_bytes(bytes(raw))
    again = _fresh_space(bundled)
    np.testing.assert_array_equal(again.row_cosines(3), want)


INSERTED = (
    "某市甲条例\n第一条 为了规范甲，制定本条例。\n第二条 甲应当登记。\n"
    "第二条之一 甲登记后应当公示公告内容。\n第三条 本条例自公布之日起施行。\n"
)
OTHER = "某市乙条例\n第一条 为了规范乙，制定本条例。\n第二条 乙应当登记。\n第三条 乙登记后应当公示公告内容。\n"


def test_an_inserted_article_is_named_and_compared_by_its_own_label():
    """``DOC:2之一`` (or 第二条之一) names the inserted article, ``DOC:2`` the article of that
    number; ``similar`` of the inserted one ranks the other document's 公示 article first, that of
    第二条 its 登记 article."""
    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_text

    a, b = (*parse_text(INSERTED), *parse_text(OTHER))
    corpus = Corpus([a, b], name="inserted")
    assert corpus.article(a.id, "2之一").label == "第二条之一"
    assert corpus.article(a.id, "第二条之一").label == "第二条之一"
    assert corpus.article(a.id, 2).label == "第二条"
    with pytest.raises(jdcorpus.errors.UnknownArticle):
        corpus.article(a.id, "2之二")
    assert jdcorpus.similar(corpus, f"{a.id}:2之一", limit=1)[0].label == "第三条"
    assert jdcorpus.similar(corpus, f"{a.id}:2", limit=1)[0].label == "第二条"


def test_align_and_its_table_keep_an_inserted_article_apart():
    """``align`` links 第二条之一 as itself (a_sub 1), not as 第二条: the 对照表 shows its own
    text, and the list of articles without a counterpart names it by its label."""
    from jdcorpus import compare
    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_text
    from jdcorpus.render.compare import format_align, format_gaps

    a, b = (*parse_text(INSERTED), *parse_text(OTHER))
    corpus = Corpus([a, b], name="inserted")
    links = compare.align(corpus, a.id, b.id)
    by_pair = {(lk.a_article, lk.a_sub): (lk.b_article, lk.b_sub) for lk in links}
    assert by_pair[(2, 1)] == (3, None)  # 公示 ~ 公示
    assert by_pair[(2, None)] == (2, None)  # 登记 ~ 登记
    assert a.article(2, 1).label == "第二条之一" and a.article(2).label == "第二条"
    table = format_align(corpus, links, a.id, b.id)
    assert "第二条之一" in table and "甲登记后应当公示" in table
    # swapped sides carry the 之X with their article
    back = {(lk.b_article, lk.b_sub) for lk in compare.align(corpus, b.id, a.id)}
    assert (2, 1) in back
    # gaps, with the document as its draft: one row per article, 第二条之一 its own
    rows = compare.gaps(corpus, a.id, min_docs=1)
    matched = {
        (g.draft_article, g.draft_sub): (g.article, g.sub) for g in rows if g.kind == "match"
    }
    assert matched[(2, 1)] == (3, None) and matched[(2, None)] == (2, None)
    other_side = {(g.draft_article, g.draft_sub): (g.article, g.sub)
                  for g in compare.gaps(corpus, b.id, min_docs=1) if g.kind == "match"}  # fmt: skip
    assert other_side[(3, None)] == (2, 1)
    assert "第2条之1" in format_gaps(corpus, compare.gaps(corpus, b.id, min_docs=1), b.id, 1)
