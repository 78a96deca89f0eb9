"""Candidates in the documents a regulation is compared with as a whole (issue 13, alignment
inside a large collection).

Above ``DENSE_LIMIT`` articles each article keeps its ``TOP_K`` best candidates; in a large
family (twenty cities' 物业管理条例) those ten spread over ten of the family's documents and the
equivalents in the others are never compared. So each article also keeps its ``SIBLING_K`` best
articles in every document of its family (the same subject once place and kind are taken off the
title) and of its document's ``NEAR_DOCS`` nearest documents.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from jdcorpus.compare import vectors
from jdcorpus.compare.vectors import title_families, title_stem


@pytest.mark.parametrize(
    ("title", "city", "stem"),
    [
        ("湖州市物业管理条例", "湖州", "物业管理"),
        ("北京市物业管理条例", "北京", "物业管理"),
        ("浙江省物业管理条例", None, "物业管理"),
        ("广东省清远市住宅小区物业管理条例", "清远", "住宅小区物业管理"),
        ("深圳经济特区物业管理条例", "深圳", "物业管理"),
        ("内蒙古自治区物业管理条例", None, "物业管理"),
        ("《上海市养犬管理条例》", "上海", "养犬管理"),
        ("北京市养犬管理规定", "北京", "养犬管理"),  # the kind is not the subject
        ("郑州市物业管理条例(2021修正)", "郑州", "物业管理"),
        ("长春市街道办事处工作条例", "长春", "街道办事处工作"),
        ("北京市街道党工委和办事处职责规定", "北京", "街道党工委和办事处"),
        ("天津市实施《中华人民共和国教师法》办法", None, "实施《中华人民共和国教师法》"),
        ("市容环境卫生管理条例", None, "市容环境卫生管理"),  # no place: nothing taken
        (None, None, ""),
    ],
)
def test_title_stem_takes_off_the_place_kind_and_edition(title, city, stem):
    assert title_stem(title, city) == stem


def doc(title, city=None):
    return SimpleNamespace(title=title, city=city)


def test_title_families():
    docs = [
        doc("湖州市物业管理条例", "湖州"),  # 0
        doc("北京市物业管理条例", "北京"),  # 1
        doc("清远市住宅小区物业管理条例", "清远"),  # 2: ends with 物业管理条例
        doc("宁波市住宅小区物业管理条例", "宁波"),  # 3
        doc("烟台市养犬管理条例", "烟台"),  # 4
        doc("北京市养犬管理规定", "北京"),  # 5: a 规定 of the same subject
        doc("上海市条例", "上海"),  # 6: no stem, no family
        doc("北京市条例", "北京"),  # 7
        doc("青岛市管理条例", "青岛"),  # 8: 管理, too short to join others by their end
        doc("青岛市安全条例", "青岛"),  # 9: a family of its own
        doc("济南市安全条例", "济南"),  # 10
    ]
    fam = title_families(docs)
    assert fam[0] == [1, 2, 3]
    assert fam[1] == [0, 2, 3]
    assert fam[2] == [0, 1, 3]
    assert fam[3] == [0, 1, 2]
    assert fam[4] == [5] and fam[5] == [4]
    assert fam[6] == fam[7] == fam[8] == []
    assert fam[9] == [10] and fam[10] == [9]


@pytest.fixture(scope="module")
def synthetic(script, bundled):
    """Three perturbed copies of the bundled corpus: each document has a family of its copies
    (the city in the title changed), 长春 and 呼和浩特 one of six."""
    return vectors.Space(script("bench_compare").synthetic_corpus(bundled, 3), stored=False)


def test_near_documents_are_those_of_the_most_candidates(synthetic):
    """A document's nearest documents: the sum of the top-k candidates' cosines between them
    over the root of the other's size, computed here pair by pair."""
    sp = synthetic
    ti, tj, tv = sp.topk
    D = len(sp.docs)
    total = np.zeros((D, D))
    for i, j, v in zip(ti.tolist(), tj.tolist(), np.asarray(tv).tolist(), strict=True):
        total[sp.doc_of[i], sp.doc_of[j]] += v
    sizes = np.array([len(d.articles) for d in sp.docs])
    near = sp.near_documents(3)
    for p in range(D):
        affinity = total[p] / np.sqrt(sizes)
        assert len(near[p]) == 3 and p not in near[p]
        assert min(affinity[near[p]]) >= max(np.delete(affinity, [p, *near[p]])) - 1e-9


def test_partners_are_the_family_and_the_nearest_both_ways(synthetic):
    sp = synthetic
    fam, near = title_families(sp.docs), sp.near_documents(vectors.NEAR_DOCS)
    partners = sp.partners()
    for p in range(len(sp.docs)):
        want = set(fam[p]) | set(near[p]) | {q for q in range(len(sp.docs)) if p in near[q]}
        want |= {q for q in range(len(sp.docs)) if p in fam[q]}
        assert set(partners[p]) == want  # the synthetic families are below SIBLING_DOCS


def test_each_article_keeps_its_best_in_every_partner_document(synthetic):
    sp = synthetic
    ii, jj, vv = sp.partner_pairs()
    assert len(ii)
    partners = sp.partners()
    fam = title_families(sp.docs)
    assert sum(map(len, fam)) >= 2 * len(sp.docs)  # the copies are families
    # symmetric, across partner documents, with the plain products' cosines
    keys = set(zip(ii.tolist(), jj.tolist(), strict=True))
    assert all((j, i) in keys for i, j in keys)
    assert all(sp.doc_of[j] in partners[sp.doc_of[i]] for i, j in keys)
    assert vectors.pair_dots(sp.X, ii, jj).tobytes() == np.asarray(vv).tobytes()
    # every article's k best in each partner document are there (brute force, all pairs)
    S = (sp.X @ sp.X.T).toarray()
    kept = {}
    for i, j, v in zip(ii.tolist(), jj.tolist(), vv.tolist(), strict=True):
        kept.setdefault((i, sp.doc_of[j]), []).append(v)
    k = vectors.SIBLING_K
    checked = 0
    for p, sibs in enumerate(partners):
        for q in sibs:
            block = S[np.ix_(sp.rows(sp.docs[p].id), sp.rows(sp.docs[q].id))]
            for r, i in enumerate(sp.rows(sp.docs[p].id)):
                want = np.sort(block[r])[::-1][:k]
                got = np.sort(kept[(i, q)])[::-1]
                assert len(got) >= len(want)
                np.testing.assert_allclose(got[: len(want)], want, rtol=1e-5, atol=1e-7)
                checked += 1
    assert checked > 1000


def test_sparse_candidates_are_top_k_and_partner_best(synthetic, monkeypatch):
    """Above ``DENSE_LIMIT`` the candidates of the link rule are the top-k pairs and the partner
    pairs, each once, with their cosines."""
    monkeypatch.setattr(vectors, "DENSE_LIMIT", 100)
    sp = synthetic
    assert not sp.dense
    ci, cj, cv = sp.candidates
    n = len(sp.articles)
    got = dict(zip((ci.astype(np.int64) * n + cj).tolist(), np.asarray(cv).tolist(), strict=True))
    assert len(got) == len(ci)
    want = {}
    for i, j, v in (*zip(*sp.topk, strict=True), *zip(*sp.partner_pairs(), strict=True)):
        want[int(i) * n + int(j)] = float(v)
    assert got == pytest.approx(want)
    assert len(want) > len(sp.topk[0])  # the partners add pairs the top-k does not have


def test_a_large_family_keeps_its_closest_documents(synthetic, monkeypatch):
    """A document with more than ``SIBLING_DOCS`` others in its family is compared with the
    closest of them only (the cosine of the documents' mean vectors): the candidates stay linear
    in the corpus however large a family grows."""
    sp = synthetic
    monkeypatch.setattr(vectors, "SIBLING_DOCS", 2)
    monkeypatch.setattr(vectors, "NEAR_DOCS", 0)  # the family alone
    fam = title_families(sp.docs)
    assert max(map(len, fam)) > 2  # 长春 and 呼和浩特's copies: a family of six
    means = np.vstack([np.asarray(sp.X[sp.rows(d.id)].mean(axis=0)).ravel() for d in sp.docs])
    means /= np.linalg.norm(means, axis=1)[:, None]
    kept = []
    for p, sibs in enumerate(fam):
        near = means[sibs] @ means[p]
        kept.append({sibs[t] for t in np.argsort(-near, kind="stable")[:2]} if sibs else set())
    ii, jj, _ = sp.partner_pairs()
    seen: dict[int, set[int]] = {}
    for i, j in zip(ii.tolist(), jj.tolist(), strict=True):
        seen.setdefault(int(sp.doc_of[i]), set()).add(int(sp.doc_of[j]))
    for p, sibs in enumerate(fam):
        # a document's own choice, and the documents that chose it (the pairs are symmetric)
        chosen_by = {q for q in range(len(fam)) if p in kept[q]}
        assert seen.get(p, set()) == kept[p] | chosen_by
        if len(sibs) > 2:
            assert len(seen[p]) < len(sibs) or chosen_by | kept[p] == set(sibs)
