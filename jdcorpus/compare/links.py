"""Links: which articles of two documents carry the same provision (``align``).

Method, chosen by measurement against the development gold set and the extended hand-made set
``tests/fixtures/alignment_extra.json`` (``scripts/eval_alignment.py``): the cosine of the
similarity space (:mod:`.vectors`) corrected for hubness (CSLS, neighbourhood a fifth of the
other document) must clear a margin and be near the best of both articles towards the other
document; the paragraphs of multi-paragraph articles are matched the same way (one article, two
provisions); in corpora of three documents or more, weak links need a third document that joins
the two articles, and pairs that three other documents join are linked; mutual best matches
are linked whatever the corroboration says (``MUTUAL_MARGIN``); see :func:`align`.
A liability article links only to liability articles (``LIABILITY_APART``). Labels state
evidence (``near-verbatim``: most of the masked wording shared; ``same-provision``;
``related``, left out of ``align``'s default output); third documents (triangles:
``TRIANGLE_PROMOTE``, ``TRIANGLE_BELOW``) and the articles' neighbours (``DISTINCT_MIN``) can
move a weak link between same-provision and related, and a learned check over the evidence
gathered (``LINK_MODEL``, fitted on a hand-made gold set by ``scripts/fit_link_model.py``) makes
the links it finds unlikely related. Tried and not better (numbers in the
README's design notes): one-to-one assignment per document pair, a positional or monotone order
prior, a stricter mutual rule, a higher same-provision cut, the agreement of the two articles'
regulated body and modal (主体 + 应当/可以/不得 …), sentence-level evidence, the neighbour
contrast blended into the score, and an article linked to two neighbouring articles keeping
only the better link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .._cache import code_stamp
from ..errors import UsageError
from ..results import Results
from . import vectors
from .persist import sps, stamp
from .vectors import Space, fit_counts, member, pair_dots, space, unique


@dataclass(frozen=True, slots=True)
class Link:
    """Two articles of two documents that carry the same provision (``align``)."""

    a_doc: str
    a_article: int
    b_doc: str
    b_article: int
    score: float  # cosine of the masked TF-IDF vectors (of the best-matching paragraphs if higher)
    label: str  # near-verbatim | same-provision | related
    a_sub: int | None = None  # 第一百二十条之一: a_article 120, a_sub 1
    b_sub: int | None = None


#: Links are decided on the cosine corrected for hubness (CSLS, Conneau et al. 2018): the cosine
#: minus the mean of the two articles' neighbourhood similarity, each article's neighbourhood
#: being its most similar articles in the other document — ``HUB_FRACTION`` of that document's
#: articles, at least ``HUB_MIN`` (so that in a short document the neighbourhood is more than
#: the best match itself). Generic articles (duty lists, short boilerplate) are close to
#: everything; the correction stops them from linking to whatever happens to be nearest. A
#: neighbourhood in proportion to the document keeps the correction comparable between a
#: 22-article draft and a 105-article duty list (a fixed 10 is half of the one and a tenth of
#: the other).
HUB_FRACTION = 0.2


HUB_MIN = 3


#: A link needs a corrected score of at least ``MIN_MARGIN`` …
MIN_MARGIN = 0.01


#: … within ``ALPHA`` of the best corrected score of *both* articles in the other document (a
#: soft mutual-best rule: an article may link to several near-equals, e.g. a split provision) …
ALPHA = 0.6


#: … and a plain cosine of at least this.
MIN_SCORE = 0.1


#: The paragraphs (款, with their items) of articles that have several are matched too, each
#: with its own neighbourhood among the articles and paragraphs of the other document: an
#: article may carry two provisions (a duty list and the rule on the duty list). A paragraph
#: link needs a corrected score of at least ``PARA_MARGIN`` within ``PARA_ALPHA`` of the best of
#: both sides (stricter than for whole articles: short paragraphs match by chance more often).
PARA_ALPHA = 0.8


PARA_MARGIN = 0.03


#: Corroboration, in corpora of three documents or more. A link whose corrected score is below
#: ``STRONG_MARGIN`` is kept only when an article of a third document links to both its
#: articles: two articles that are merely each other's nearest neighbour, with nothing in the
#: other documents joining them, are mostly provisions that one of the two documents lacks …
STRONG_MARGIN = 0.1


#: … and a candidate pair the rule rejected (cosine at least ``MIN_SCORE``) is linked when
#: articles of at least ``RECOVER_SUPPORT`` other documents link to both: a provision that
#: several documents word alike is recognised in two that word it differently.
RECOVER_SUPPORT = 3


#: … and, in a larger corpus, at least this share of the third documents in which either
#: article has a link. Three joining documents are most of the four third documents of the
#: bundled corpus but little among nineteen, where a provision and its neighbours are linked to
#: many documents: a share keeps the recovery as strict as the count is in a corpus of five or
#: six documents (where the share asks for no more than the count). Measured on the bundled
#: corpus beside 13 related regulations of the collection (19 documents, dense): extra 0.881 /
#: 0.811 → 0.911 / 0.887, blind2 0.904 / 0.698 → 0.908 / 0.782 (recall / precision); the
#: bundled corpus alone unchanged.
RECOVER_SHARE = 0.5


#: Two articles that are each other's best match in the other document (by the corrected
#: score) with a corrected score of at least ``MUTUAL_MARGIN`` are linked, as same-provision,
#: whatever the corroboration and cosine cuts say: nothing in either document competes with
#: the pair (at a low cosine the triangles and the neighbour contrast below may still call the
#: link related). Measured (issue 13, dev + extra + blind as tuning sets): recall 0.904 → 0.911 on
#: extra and 0.800 → 0.827 on blind at the same precision (0.916 → 0.914, 0.729 → 0.732); at
#: 0.02 or 0 recall rises no further and precision falls (extra 0.897, 0.893).
MUTUAL_MARGIN = 0.05


#: Triangles (cross-document consistency), in corpora of three documents or more. For a link
#: between articles of documents P and Q, each third document R *agrees* when the best match
#: (by the corrected score) of both articles in R is one article, and *disagrees* when each of
#: the two has a clear mutual best match in R (``MUTUAL_MARGIN``) and these are different
#: articles. A link that at least ``TRIANGLE_PROMOTE`` third documents agree on is
#: same-provision whatever its cosine (None: off) …
TRIANGLE_PROMOTE = 3


#: … and, as for the recovery (``RECOVER_SHARE``), at least this share of the third documents
#: in which either article has a link agree (nothing changes in a corpus of five or six
#: documents). Measured with it, in the same 19-document corpus: extra 0.911 / 0.899, blind2
#: 0.904 / 0.800, dev 0.959 / 0.989 → 0.959 / 1.000.
TRIANGLE_SHARE = 0.5


#: … and a same-provision link with a cosine below ``TRIANGLE_BELOW`` that more third documents
#: disagree on than agree on is related (None: off). Measured (issue 13, fifth round; dev,
#: extra, blind tuned on): extra 0.911 / 0.914 → 0.929, blind 0.827 / 0.732 → 0.743 (recall /
#: precision of the default output), dev 1.000 / 1.000; with ``DISTINCT_MIN`` 0.938 and 0.750.
#: Of the bundled corpus's links the promotion changes 7 (6 right by the tuning sets' topics, 1
#: unjudged) and the demotion 8 (6 wrong, 2 right). Most wrong links lie at cosines 0.15–0.30;
#: a cut at 0.25, or "no third document agrees" as the test, loses recall (numbers in the
#: README's design notes).
TRIANGLE_BELOW = 0.2


#: Neighbour contrast: what distinguishes an article from its neighbours (the articles within
#: ``DISTINCT_WINDOW`` of it in its document) is its TF-IDF vector less the largest weight each
#: n-gram has in a neighbour, clipped at 0. A same-provision link with a cosine below
#: ``DISTINCT_BELOW`` whose two articles' distinctive parts have a cosine below
#: ``DISTINCT_MIN`` is related: what the two share, their neighbours share too (None: off).
DISTINCT_WINDOW = 1


#: Measured with the triangles: extra precision 0.929 → 0.938, blind 0.743 → 0.750 at the same
#: recall (it changes 5 links: 4 wrong, 1 right); a window of 2 or a cut of 0.05 loses dev or
#: extra recall; subtracting the neighbours' mean weight instead of their largest changes
#: nothing at 0.03 and loses dev recall at 0.05.
DISTINCT_MIN = 0.03


DISTINCT_BELOW = 0.25


#: A learned check on the links left (issue 13, seventh round): logistic regression over twelve
#: kinds of evidence the rule has already gathered (:func:`link_evidence`), fitted on the second
#: blind gold set (``tests/fixtures/alignment_blind2.json``) by ``scripts/fit_link_model.py``,
#: which prints this table. A link the model gives a probability below ``MODEL_BELOW`` of
#: carrying one provision is related, unless near-verbatim (None: off). Weights are per unit of
#: each kind of evidence as :func:`link_evidence` gives it, the standardisation folded in.
#: Without the rarest shared character bigram the model separates right from wrong links much
#: less well (held-out AUC extra 0.879 → 0.848, blind 0.743 → 0.691): equivalent provisions tend
#: to share a term few other articles use, neighbouring ones only the subject's common words; the
#: relative places of the two articles in their documents count next.
#: Measured (recall / precision of the default output): held out, extra 0.911 / 0.938 → 0.911 /
#: 0.952, blind 0.827 / 0.750 → 0.813 / 0.786, dev 1.000 / 1.000 → 0.987 / 1.000; never looked at
#: while choosing, 物业 0.928 / 0.834 → 0.920 / 0.861 and blind3 0.880 / 0.791 → 0.876 / 0.818
#: (numbers of the variants in the README's design notes).
LINK_MODEL: dict[str, float] = {
    "intercept": -3.3115,
    "cosine": 4.3143,
    "joined": 0.6255,
    "demoted": -2.3183,
    "verbatim": 1.3302,
    "rarest_shared": -0.5736,
    "short": 0.2033,
    "long": 0.5261,
    "place_apart": -2.8408,
    "links_fewer": -2.138,
    "links_more": -0.3192,
    "share_lower": -0.6394,
    "share_higher": 1.3625,
}


MODEL_BELOW: float | None = 0.3


#: The rarest shared term's share (``rarest_shared``) is counted against at most this many
#: articles: the size of the corpus the model was fitted on (the bundled corpus). Counted
#: against the whole corpus, a term carried by 50 of the collection's 82,000 articles looks
#: rarer than any of the fit corpus and the check stops demoting at scale: with the bundled
#: corpus inside the collection (10 partner documents, ``vectors.NEAR_DOCS``), recall /
#: precision of the four tuning sets pooled 0.843 / 0.738 counted against the whole corpus,
#: 0.786 / 0.855 against these (README, eighth round).
MODEL_ARTICLES = 320


#: The kinds of evidence of :data:`LINK_MODEL`, in :func:`link_evidence`'s order.
EVIDENCE = (
    "cosine joined demoted verbatim rarest_shared short long place_apart "
    "links_fewer links_more share_lower share_higher"
).split()


#: Labels state evidence. ``near-verbatim``: most of the masked text is the same (below);
#: ``same-provision``: the link rule holds and the cosine is at least ``SAME_PROVISION``;
#: ``related``: the rule holds on a lower cosine — the two touch the same subject. Related
#: links are not in ``align``'s default output (``related=True``, the CLI's ``--all``): on the
#: development and extra sets they were right 13 times in 16, on the blind set 5 in 15.
SAME_PROVISION = 0.15


#: ``near-verbatim``: at least half of the shorter article's 4-char shingles (masked text,
#: boilerplate clauses and punctuation removed) are shared … (0.3 before issue 13, when it also
#: called 14 same-provision and 3 related gold pairs of dev + extra near-verbatim; at 0.5, 6 and 0)
NEAR_VERBATIM = 0.5


#: … and at least this many shingles are (so two short lines are not "copies"; 20 before
#: boilerplate clauses were left out of the shingles, which made short purpose clauses too short)
NEAR_VERBATIM_SHINGLES = 12


#: … and, for the paragraph matching, only the paragraphs of its ``PARA_TOP_K`` best.
PARA_TOP_K = 5


def _hub_sizes(sp: Space):
    """The neighbourhood size towards each document (see ``HUB_FRACTION``)."""

    sizes = np.diff(sp.offsets)
    return np.maximum(HUB_MIN, np.rint(HUB_FRACTION * sizes)).astype(np.int64)


def _margins(doc_of, hub_k, ii, jj, vv, pad=None):
    """The hubness-corrected score (CSLS) of candidate pairs, and each side's best.

    ``ii, jj, vv`` hold each candidate pair in both directions with its cosine; ``doc_of`` is
    the document of each row, ``hub_k`` the neighbourhood size towards each document. Returns
    ``(margin, best_i, best_j)``: the cosine minus the mean of the two sides' neighbourhood
    similarity (each side's ``hub_k`` best cosines in the other's document), the best margin of
    ``i`` towards ``j``'s document and that of ``j`` towards ``i``'s. When the candidates are
    every pair between the documents the neighbourhood means are exact; with sparse top-k
    candidates, ``pad`` (per row: the lowest cosine it kept) stands in for the neighbours that
    were not kept, which can only lower the margin.
    """

    D = len(hub_k)
    key = ii.astype(np.int64) * D + doc_of[jj]
    order = np.lexsort((-vv, key))
    ks, vs = key[order], vv[order]
    new = np.ones(len(ks), dtype=bool)  # ks is sorted: groups are runs
    np.not_equal(ks[1:], ks[:-1], out=new[1:])
    start = np.flatnonzero(new)
    uniq, counts = ks[start], np.diff(np.r_[start, len(ks)])
    group = np.cumsum(new) - 1
    k = hub_k[uniq % D]
    top = (np.arange(len(ks)) - start[group]) < k[group]
    sums = np.bincount(group[top], weights=vs[top], minlength=len(uniq))
    n = np.minimum(counts, k).astype(np.float64)
    if pad is not None:
        sums = sums + (k - n) * pad[uniq // D]
        n = k.astype(np.float64)
    hub = sums / n  # mean cosine of a row's neighbourhood in one other document
    at_i = np.searchsorted(uniq, key)
    at_j = np.searchsorted(uniq, jj.astype(np.int64) * D + doc_of[ii])
    margin = vv - (hub[at_i] + hub[at_j]) / 2
    best = np.full(len(uniq), -np.inf)
    np.maximum.at(best, at_i, margin)
    return margin, best[at_i], best[at_j]


def _passes(vv, margin, best_i, best_j, alpha: float, min_margin: float):
    """The link rule: cosine ≥ ``MIN_SCORE``, margin ≥ ``min_margin``, within ``alpha`` of the
    best margin of both sides."""
    return (
        (vv >= MIN_SCORE)
        & (margin >= min_margin)
        & (margin >= alpha * best_i)
        & (margin >= alpha * best_j)
    )


def _candidates(sp: Space):
    """Candidate article pairs (both directions) with their cosines (:attr:`Space.pairs`), and
    the padding of :func:`_margins`: None when the candidates are every cross-document pair, else
    per article the lowest cosine it kept (at most ``MIN_SCORE``)."""
    ci, cj, cv = sp.pairs
    if sp.dense:
        return ci, cj, cv, None
    pad = np.full(len(sp.articles), MIN_SCORE)
    np.minimum.at(pad, ci, cv)
    return ci, cj, cv, pad


def _paragraph_links(sp: Space, ci, cj, cv, dense: bool):
    """Links that involve a paragraph: ``(i, j, cosine, margin)`` per unit pair kept, as article
    indices (``i < j``; an article pair may occur more than once).

    Units are the articles and the paragraphs of articles that have several. Unit pairs are
    those of the candidate article pairs; each unit's neighbourhood (for the hubness
    correction) is its best units in the other document.
    """

    n = len(sp.articles)
    empty = (np.array([], dtype=np.int64),) * 2 + (np.array([]),) * 2
    if len(sp.para_owner) == 0 or len(ci) == 0:
        return empty
    if not dense:  # each article's PARA_TOP_K best candidates, both directions
        order = np.lexsort((-np.asarray(cv), ci))
        rank = np.arange(len(ci)) - np.searchsorted(ci[order], ci[order])
        top = order[rank < PARA_TOP_K]
        keys = unique(
            np.r_[ci[top].astype(np.int64) * n + cj[top], cj[top].astype(np.int64) * n + ci[top]]
        )
        sel = member(ci.astype(np.int64) * n + cj, keys)
        ci, cj, cv = ci[sel], cj[sel], np.asarray(cv)[sel]
    owner = np.concatenate([np.arange(n), sp.para_owner])
    count = np.bincount(owner, minlength=n)
    order = np.argsort(owner, kind="stable")  # each article's own unit first, then its paragraphs
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    tot = count[ci] * count[cj]
    k = np.repeat(np.arange(len(ci)), tot)
    local = np.arange(len(k)) - np.repeat(np.cumsum(tot) - tot, tot)
    width = count[cj][k]
    ui = order[first[ci[k]] + local // width]
    uj = order[first[cj[k]] + local % width]
    uv = np.asarray(cv, dtype=np.float64)[k]
    new = (ui >= n) | (uj >= n)
    if new.any():
        if dense:
            Y = sps.vstack([sp.X, sp.P], format="csr")
            S = (Y @ Y.T).toarray()
            uv[new] = S[ui[new], uj[new]]
        else:
            uv[new] = sp.unit_dots(ui[new], uj[new])
    udoc = sp.doc_of[owner]
    pad = None
    if not dense:
        pad = np.full(len(owner), MIN_SCORE)
        np.minimum.at(pad, ui, uv)
    margin, bi, bj = _margins(udoc, _hub_sizes(sp), ui, uj, uv, pad)
    ok = (ui < uj) & new & _passes(uv, margin, bi, bj, PARA_ALPHA, PARA_MARGIN)
    a, b = owner[ui[ok]], owner[uj[ok]]
    return np.minimum(a, b), np.maximum(a, b), uv[ok], margin[ok]


def _support(sp: Space, ii, jj, *queries, chunk: int = 50_000):
    """For each query pair: in how many documents an article links to both of its articles.

    ``ii, jj`` are the links (``i < j``); each query is a pair of arrays ``(qi, qj)``, and one
    array of counts is returned per query. Only documents other than the query pair's own can
    count, since links join articles of different documents.
    """

    n, ndocs = len(sp.articles), len(sp.docs)
    if len(ii) == 0:
        return [np.zeros(len(q[0]), dtype=np.int64) for q in queries]
    A = sps.csr_matrix(
        (np.ones(2 * len(ii), dtype=np.float32), (np.r_[ii, jj], np.r_[jj, ii])), shape=(n, n)
    )
    A.sum_duplicates()
    A.data[:] = 1
    out = []
    for qi, qj in queries:
        qi, qj = np.asarray(qi, dtype=np.int64), np.asarray(qj, dtype=np.int64)
        counts = np.zeros(len(qi), dtype=np.int64)
        for lo in range(0, len(qi), chunk):
            hi = min(len(qi), lo + chunk)
            common = A[qi[lo:hi]].multiply(A[qj[lo:hi]]).tocsr()  # paths i - k - j
            rows = np.repeat(np.arange(hi - lo), np.diff(common.indptr))
            docs = unique(rows * ndocs + sp.doc_of[common.indices])  # (query, k's document)
            counts[lo:hi] = np.bincount(docs // ndocs, minlength=hi - lo)
        counts[qi >= qj] = 0  # pairs are asked for as i < j
        out.append(counts)
    return out


def _linked_documents(sp: Space, ii, jj, qi, qj):
    """For each query pair ``(qi, qj)``: in how many documents other than the pair's own either
    article has a link (``ii, jj``: the links, ``i < j``)."""

    D = len(sp.docs)
    keys = unique(np.r_[ii, jj].astype(np.int64) * D + sp.doc_of[np.r_[jj, ii]])
    rows, cols = keys // D, keys % D
    count = np.bincount(rows, minlength=len(sp.articles))
    A = sps.csr_matrix((np.ones(len(keys), dtype=np.float32), (rows, cols)), shape=(len(count), D))
    qi, qj = np.asarray(qi, dtype=np.int64), np.asarray(qj, dtype=np.int64)
    both = pair_dots(A, qi, qj).round().astype(np.int64)
    own_i = member(qi * D + sp.doc_of[qj], keys)
    own_j = member(qj * D + sp.doc_of[qi], keys)
    return count[qi] + count[qj] - both - own_i - own_j


def _decide(sp: Space, alpha: float, min_margin: float, done=None):
    """All links of the corpus as arrays ``(i, j, score, joined)``, ``i < j``, sorted (see
    :func:`align`); ``joined`` marks the pairs linked because other documents join them.
    ``done(step)``, when given, is called as each of :data:`DECIDE_STEPS` ends."""
    done = done or (lambda step: None)

    ci, cj, cv, pad = _candidates(sp)
    n = len(sp.articles)
    if len(ci) == 0:
        e = np.array([], dtype=np.int64)
        return e, e, np.array([]), np.array([], dtype=bool), np.array([], dtype=bool)
    cv = np.asarray(cv, dtype=np.float64)
    margin, bi, bj = _margins(sp.doc_of, _hub_sizes(sp), ci, cj, cv, pad)
    fwd = ci < cj
    ok = fwd & _passes(cv, margin, bi, bj, alpha, min_margin)
    done("article pairs")
    pi, pj, pv, pm = _paragraph_links(sp, ci, cj, cv, pad is None)
    done("paragraphs")
    # one row per article pair: the better cosine and margin of the article and its paragraphs
    key = np.r_[ci[ok].astype(np.int64) * n + cj[ok], pi * n + pj]
    uniq, inv = unique(key, inverse=True)
    score = np.full(len(uniq), -np.inf)
    marg = np.full(len(uniq), -np.inf)
    np.maximum.at(score, inv, np.r_[cv[ok], pv])
    np.maximum.at(marg, inv, np.r_[margin[ok], pm])
    ii, jj = uniq // n, uniq % n
    joined = np.zeros(len(ii), dtype=bool)
    if len(sp.docs) >= 3:
        # candidate pairs the rule rejected, recovered when several other documents join them
        rest = fwd & (cv >= MIN_SCORE)
        rest &= ~member(ci.astype(np.int64) * n + cj, uniq)
        ri, rj = ci[rest], cj[rest]
        own, other = _support(sp, ii, jj, (ii, jj), (ri, rj))
        keep = (marg >= STRONG_MARGIN) | (own >= 1)
        back = other >= RECOVER_SUPPORT
        if RECOVER_SHARE is not None and back.any():
            at = np.flatnonzero(back)
            spread = _linked_documents(sp, ii, jj, ri[at], rj[at])
            back[at] = other[at] >= np.ceil(RECOVER_SHARE * spread)
        ii = np.r_[ii[keep], ri[back]]
        jj = np.r_[jj[keep], rj[back]]
        score = np.r_[score[keep], cv[rest][back]]
        joined = np.r_[np.zeros(int(keep.sum()), dtype=bool), np.ones(int(back.sum()), dtype=bool)]
    # each other's best match, clearly (see MUTUAL_MARGIN): linked, and same-provision
    mutual = fwd & (cv >= MIN_SCORE) & (margin >= bi) & (margin >= bj) & (margin >= MUTUAL_MARGIN)
    mkey = ci[mutual].astype(np.int64) * n + cj[mutual]
    have = ii.astype(np.int64) * n + jj
    joined = joined | member(have, mkey)
    add = ~member(mkey, have)
    ii = np.r_[ii, ci[mutual][add]]
    jj = np.r_[jj, cj[mutual][add]]
    score = np.r_[score, cv[mutual][add]]
    joined = np.r_[joined, np.ones(int(add.sum()), dtype=bool)]
    order = np.lexsort((jj, ii))
    ii, jj, score, joined = ii[order], jj[order], score[order], joined[order]
    if LIABILITY_APART:
        liable = sp.derived("liability", _liability)
        same = liable[ii] == liable[jj]
        ii, jj, score, joined = ii[same], jj[same], score[same], joined[same]
    done("corroboration")
    demoted = np.zeros(len(ii), dtype=bool)
    if len(sp.docs) >= 3 and (TRIANGLE_PROMOTE is not None or TRIANGLE_BELOW is not None):
        agree, disagree = _triangles(sp, ci, cj, cv, margin, bi, bj, ii, jj)
        if TRIANGLE_PROMOTE is not None:
            promote = agree >= TRIANGLE_PROMOTE
            if TRIANGLE_SHARE is not None and promote.any():
                at = np.flatnonzero(promote)
                spread = _linked_documents(sp, ii, jj, ii[at], jj[at])
                promote[at] = agree[at] >= np.ceil(TRIANGLE_SHARE * spread)
            joined = joined | promote
        if TRIANGLE_BELOW is not None:
            demoted |= (score < TRIANGLE_BELOW) & (disagree > agree)
    if DISTINCT_MIN is not None:
        ask = np.flatnonzero(~demoted & (score < DISTINCT_BELOW))
        demoted[ask[_distinct_cosines(sp, ii[ask], jj[ask]) < DISTINCT_MIN]] = True
    done("triangles")
    return ii, jj, score, joined, demoted


def _triangles(sp: Space, ci, cj, cv, margin, bi, bj, ii, jj):
    """``(agree, disagree)`` per link ``(ii, jj)``: in how many third documents the two
    articles' best matches (by the corrected score ``margin`` of the candidate pairs ``ci, cj``)
    are one article, and in how many each has a clear mutual best match (``MUTUAL_MARGIN``)
    and the two are different articles (see ``TRIANGLE_PROMOTE``)."""

    n, D = len(sp.articles), len(sp.docs)

    def ones(rows, cols, width):
        M = sps.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, width))
        M.sum_duplicates()
        M.data[:] = 1
        return M

    # each article's best match in each other document (ties: the earlier article)
    key = ci.astype(np.int64) * D + sp.doc_of[cj]
    order = np.lexsort((cj, -margin, key))
    ks = key[order]
    first = np.ones(len(ks), dtype=bool)
    np.not_equal(ks[1:], ks[:-1], out=first[1:])
    best = ones(ci[order][first], cj[order][first], n)
    # a best match can only be shared in a third document: i has none in its own, j in its own
    agree = pair_dots(best, ii, jj).round().astype(np.int64)
    mutual = (cv >= MIN_SCORE) & (margin >= bi) & (margin >= bj) & (margin >= MUTUAL_MARGIN)
    partner = ones(ci[mutual], cj[mutual], n)
    partner_doc = ones(ci[mutual], sp.doc_of[cj[mutual]], D)
    both = pair_dots(partner_doc, ii, jj).round().astype(np.int64)
    shared = pair_dots(partner, ii, jj).round().astype(np.int64)
    return agree, both - shared


def _distinct_cosines(sp: Space, ii, jj, chunk: int = 8192):
    """The cosine of what distinguishes each article of the pairs ``(ii, jj)`` from its
    neighbours in its document (see ``DISTINCT_WINDOW``). The distinctive vectors are made
    ``chunk`` articles at a time (each row on its own: the same rows as made at once), so that
    the neighbours' copies of the vectors are never all in memory (on the 82,000-article
    collection, ~0.5 GB of temporaries that set the peak of deciding the links)."""

    if len(ii) == 0:
        return np.zeros(0)
    rows, inv = unique(np.r_[ii, jj].astype(np.int64), inverse=True)
    parts = [_distinct_rows(sp, rows[lo : lo + chunk]) for lo in range(0, len(rows), chunk)]
    R = parts[0] if len(parts) == 1 else sps.vstack(parts, format="csr")
    del parts
    k = len(ii)
    return pair_dots(R, inv[:k], inv[k:])


def _distinct_rows(sp: Space, rows):
    """The unit distinctive vectors of the articles ``rows`` (see :func:`_distinct_cosines`)."""
    X = sp.X
    near = None
    for t in range(-DISTINCT_WINDOW, DISTINCT_WINDOW + 1):
        if t == 0:
            continue
        nb = np.clip(rows + t, 0, len(sp.articles) - 1)
        valid = (sp.doc_of[nb] == sp.doc_of[rows]) & (nb != rows)
        N = sps.diags(valid.astype(np.float32)) @ X[nb]
        near = N if near is None else near.maximum(N)
    R = X[rows] if near is None else (X[rows] - near).tocsr()
    R.data = np.maximum(R.data, 0)
    R.eliminate_zeros()
    norms = np.sqrt(np.asarray(R.multiply(R).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sps.diags((1 / norms).astype(np.float32)) @ R).tocsr()


def _rarest_shared(sp: Space, ii, jj, chunk: int = 20_000):
    """For each pair ``(ii, jj)``: how many articles carry the rarest character bigram the two
    articles share (masked text, boilerplate and punctuation left out, as the shingles are
    counted), as a share of the corpus's articles, or of ``MODEL_ARTICLES`` in a larger corpus
    (at most 1); 1 when they share none."""

    n = len(sp.articles)
    if len(ii) == 0:
        return np.zeros(0)
    try:
        B = fit_counts(sp.bare_texts(), 2, binary=True)[1].tocsr()
    except ValueError:  # no text of two characters anywhere
        return np.ones(len(ii))
    df = np.bincount(B.indices, minlength=B.shape[1]).astype(np.float64)
    out = np.empty(len(ii))
    for lo in range(0, len(ii), chunk):
        hi = min(len(ii), lo + chunk)
        M = B[ii[lo:hi]].multiply(B[jj[lo:hi]]).tocsr()
        counts = np.diff(M.indptr)
        rarest = np.full(hi - lo, float(n))
        has = counts > 0
        if has.any():
            vals = df[M.indices]
            rarest[has] = np.minimum.reduceat(vals, M.indptr[:-1][has])
        out[lo:hi] = rarest
    return np.minimum(1.0, out / min(n, MODEL_ARTICLES))


def link_evidence(sp: Space, ii, jj, score, joined, demoted, verbatim) -> np.ndarray:
    """The evidence :data:`LINK_MODEL` weighs, one row per link ``(ii, jj)`` and one column per
    name of :data:`EVIDENCE`: the cosine; whether other documents join the two articles (or
    they are mutual best matches); whether triangles or neighbour contrast demoted the link;
    whether it is near-verbatim; the log of :func:`_rarest_shared`; the log length of the shorter
    and of the longer article (masked body); how far apart the two lie in their documents
    (relative places, 0–1); how many links each article has into the other's document, fewer
    and more; and the link's cosine as a share of the best of each article's links into the
    other document, lower and higher (both sides alike: the order of the pair says nothing).
    """

    k = len(ii)
    if k == 0:
        return np.zeros((0, len(EVIDENCE)))
    D = len(sp.docs)
    sizes = np.diff(sp.offsets).astype(np.float64)
    place = (np.arange(len(sp.articles)) - sp.offsets[sp.doc_of] + 0.5) / sizes[sp.doc_of]
    lens = np.array([len(t) for t in sp.masked_body], dtype=np.float64)
    la, lb = lens[ii], lens[jj]
    # each article's links into the other document: how many, and the best cosine
    key_a = ii.astype(np.int64) * D + sp.doc_of[jj]
    key_b = jj.astype(np.int64) * D + sp.doc_of[ii]
    keys, inv = unique(np.r_[key_a, key_b], inverse=True)
    count = np.bincount(inv, minlength=len(keys)).astype(np.float64)
    best = np.zeros(len(keys))
    np.maximum.at(best, inv, np.r_[score, score])
    ca, cb = count[inv[:k]], count[inv[k:]]
    sa = score / np.maximum(best[inv[:k]], 1e-9)
    sb = score / np.maximum(best[inv[k:]], 1e-9)
    return np.column_stack(
        [
            score,
            joined.astype(np.float64),
            demoted.astype(np.float64),
            verbatim.astype(np.float64),
            np.log(_rarest_shared(sp, ii, jj)),
            np.log(np.minimum(la, lb) + 1),
            np.log(np.maximum(la, lb) + 1),
            np.abs(place[ii] - place[jj]),
            np.minimum(ca, cb),
            np.maximum(ca, cb),
            np.minimum(sa, sb),
            np.maximum(sa, sb),
        ]
    )


def _model_demotes(sp: Space, ii, jj, score, joined, demoted, verbatim):
    """The links :data:`LINK_MODEL` calls unlikely to carry one provision (see ``MODEL_BELOW``)."""
    if MODEL_BELOW is None or not LINK_MODEL or len(ii) == 0:
        return np.zeros(len(ii), dtype=bool)
    p = model_probability(link_evidence(sp, ii, jj, score, joined, demoted, verbatim))
    return (p < MODEL_BELOW) & ~verbatim


def model_probability(evidence, model: dict[str, float] | None = None) -> np.ndarray:
    """The probability :data:`LINK_MODEL` (or ``model``, a table of the same names) gives each
    row of ``evidence`` (:func:`link_evidence`) of carrying one provision."""
    model = LINK_MODEL if model is None else model
    w = np.array([model[name] for name in EVIDENCE])
    return 1 / (1 + np.exp(-(model["intercept"] + evidence @ w)))


#: The steps of deciding the links (:func:`link_arrays`), as its progress bar names them.
DECIDE_STEPS = (
    "article pairs",
    "paragraphs",
    "corroboration",
    "triangles",
    "shingles",
    "model",
    "labels",
)


#: A liability article (法律责任: what follows a breach) links only to liability articles: they
#: share the sanction's wording (违反本条例规定…责令改正…依法给予处分) with each other and with
#: nothing else, and a liability article linked to the duty it sanctions is a wrong link.
#: Measured on dev + extra: 7 of 28 wrong links were such, 0 of 264 right ones (the one right
#: pair across is 苏州 21, whose 【法律责任】 heading makes it a liability article too).
LIABILITY_APART = True
_LIABILITY_TITLE = re.compile(r"法律责任|罚则")
_BREACH = re.compile(r"违反本Ⓘ")
_SANCTION = re.compile(r"处分|罚款|追究|责令|通报批评|依法处理|予以处理|赔偿责任")


def _liability(sp: Space):
    """Whether each article is a liability article: in a chapter or under a heading named
    法律责任 (罚则), or sanctioning a breach of the instrument (违反本Ⓘ… 责令改正/处分/罚款 …)."""
    out = np.zeros(len(sp.articles), dtype=bool)
    for i, (a, body) in enumerate(zip(sp.articles, sp.masked_body, strict=True)):
        titled = any(t and _LIABILITY_TITLE.search(t) for t in (a.chapter_title, a.heading))
        out[i] = titled or bool(_BREACH.search(body) and _SANCTION.search(body))
    return out


def _verbatim(sp: Space, ii, jj):
    """Whether each pair is near-verbatim (``NEAR_VERBATIM``, ``NEAR_VERBATIM_SHINGLES``)."""
    S = sp.shingles
    shared = pair_dots(S, ii, jj)
    sizes = np.diff(S.indptr)
    shorter = np.minimum(sizes[ii], sizes[jj])
    return (shared >= NEAR_VERBATIM_SHINGLES) & (shared >= NEAR_VERBATIM * shorter)


def _labels(sp: Space, ii, jj, vv, joined, demoted=None, verbatim=None) -> list[str]:
    """The label of each pair: shingle containment decides near-verbatim; the cosine, or other
    documents joining the two articles (``joined``), same-provision, unless the evidence of
    third documents or of the articles' neighbours speaks against it (``demoted``); the rest is
    related."""

    if verbatim is None:
        verbatim = _verbatim(sp, ii, jj)
    same = (vv >= SAME_PROVISION) | joined
    if demoted is not None:
        same &= ~demoted
    return np.where(verbatim, "near-verbatim", np.where(same, "same-provision", "related")).tolist()


def link_arrays(sp: Space, alpha: float = ALPHA, min_margin: float = MIN_MARGIN):
    """The links of every pair of documents as arrays ``(i, j, score, label)``, ``i < j``
    (kept with the space, per setting)."""

    def decide(sp: Space):
        from .persist import stages

        # what has progress bars of its own first (the candidates' top-k, the masking), so
        # that one bar at a time is drawn
        sp.pairs, sp.masked_body  # noqa: B018
        with stages(DECIDE_STEPS, "Deciding links", len(sp.articles)) as done:
            ii, jj, vv, joined, demoted = _decide(sp, alpha, min_margin, done)
            sp.shingles  # noqa: B018
            done("shingles")
            verbatim = _verbatim(sp, ii, jj)
            demoted = demoted | _model_demotes(sp, ii, jj, vv, joined, demoted, verbatim)
            done("model")
            labels = np.array(_labels(sp, ii, jj, vv, joined, demoted, verbatim), dtype=str)
            done("labels")
        return ii, jj, vv, labels

    def stored(sp: Space):
        # persisted with the space (:mod:`.persist`), under the settings and the code of the
        # whole comparison package (the rule may use any of its modules)
        name = f"links-{stamp(alpha, min_margin, settings(), code_stamp('compare'))}"
        ii, jj, vv, labels = sp.persisted(name, decide)
        return ii, jj, vv, np.asarray(labels, dtype=object)

    return sp.derived(("links", alpha, min_margin, settings()), stored)


def settings() -> tuple:
    """The link rule's constants as they are now (part of the key links are kept by)."""
    # the candidates of a sparse space too (the best in partner documents)
    return tuple(globals()[name] for name in _SETTINGS) + (
        vectors.SIBLING_K,
        vectors.SIBLING_DOCS,
        vectors.NEAR_DOCS,
    )


_SETTINGS = (
    "MUTUAL_MARGIN TRIANGLE_PROMOTE TRIANGLE_BELOW DISTINCT_WINDOW DISTINCT_MIN DISTINCT_BELOW "
    "MODEL_BELOW MODEL_ARTICLES RECOVER_SHARE TRIANGLE_SHARE "
    "LIABILITY_APART HUB_FRACTION HUB_MIN MIN_SCORE PARA_ALPHA PARA_MARGIN STRONG_MARGIN RECOVER_SUPPORT "
    "SAME_PROVISION NEAR_VERBATIM NEAR_VERBATIM_SHINGLES PARA_TOP_K"
).split()


def _link_rows(sp: Space, ii, jj, vv, labels) -> list[Link]:
    arts = sp.articles
    return [
        Link(
            arts[i].doc_id,
            arts[i].no,
            arts[j].doc_id,
            arts[j].no,
            round(v, 4),
            label,
            arts[i].sub,
            arts[j].sub,
        )
        for i, j, v, label in zip(
            ii.tolist(), jj.tolist(), vv.tolist(), labels.tolist(), strict=True
        )
    ]


def all_links(corpus):
    """Links between the articles of every pair of documents (cached with the space)."""
    sp = space(corpus)
    return Results(_link_rows(sp, *link_arrays(sp)), row_type=Link)


def align(
    corpus,
    doc_a,
    doc_b,
    *,
    alpha: float = ALPHA,
    min_margin: float = MIN_MARGIN,
    related: bool = False,
):
    """Links between the articles of two documents, with a score and a label.

    Two articles link when their cosine, corrected for hubness (see ``HUB_FRACTION``), is at least
    ``min_margin`` and within ``alpha`` of the best corrected score of each of them in the other
    document; an article may link to several (a provision split in two) or to none. The
    paragraphs of articles that have several are matched the same way (``PARA_ALPHA``,
    ``PARA_MARGIN``), so an article carrying two provisions can link to both. With three
    documents or more, the other documents corroborate: a weak link (corrected score below
    ``STRONG_MARGIN``) stays only if an article of a third document links to both articles, and
    a pair that at least ``RECOVER_SUPPORT`` other documents join (and at least
    ``RECOVER_SHARE`` of those where either article has a link) is linked. Two articles that
    are each other's best match with a corrected score of at least ``MUTUAL_MARGIN`` are always
    linked (same-provision). ``score`` is the
    cosine of the two articles, or of their best-matching paragraphs when that is higher.
    Labels: ``near-verbatim`` (most of the shorter article's masked wording is shared),
    ``same-provision`` (score ≥ ``SAME_PROVISION``), ``related`` (a lower score: the same
    subject); ``related`` links are left out unless ``related`` is true. Boilerplate clauses
    (:func:`~.masking.strip_boilerplate`) count for neither scores nor labels, and a liability
    article links only to liability articles (``LIABILITY_APART``).
    With three documents or more, a link whose two articles have the same best match in at
    least ``TRIANGLE_PROMOTE`` third documents (and ``TRIANGLE_SHARE`` of those where either has a
    link) is same-provision whatever its score, and one
    below ``TRIANGLE_BELOW`` that more third documents contest (each article has another clear
    mutual best match there) than agree on is related; so is a link below ``DISTINCT_BELOW``
    whose two articles share little of what distinguishes each from its neighbours
    (``DISTINCT_MIN``), and one that the learned check (``LINK_MODEL``) gives a probability
    below ``MODEL_BELOW`` of carrying one provision, unless near-verbatim.

    Article order is not used: a positional prior (a bonus for articles at the same relative
    place in their documents) brought nothing on the development set at small weights and hurt
    at larger ones, and of the right links of dev + extra 46% lie out of the order of their
    document pair's strongest links (of the wrong ones 62%) — documents order their provisions
    differently (职责规定 by duty area).

    例：align(corpus, "changchun", "hohhot") → [Link("changchun", 1, "hohhot", 1, 0.59, "near-verbatim"), …]
    """

    from .._lookup import with_articles

    a, b = with_articles(corpus.get(doc_a), "align"), with_articles(corpus.get(doc_b), "align")
    if a.id == b.id:
        raise UsageError(f"align needs two different documents, got {a.id} twice")
    sp = space(corpus)
    ii, jj, vv, labels = link_arrays(sp, alpha, min_margin)
    pa, pb = sp.doc_pos[a.id], sp.doc_pos[b.id]
    sel = np.flatnonzero(
        ((sp.doc_of[ii] == pa) & (sp.doc_of[jj] == pb))
        | ((sp.doc_of[ii] == pb) & (sp.doc_of[jj] == pa))
    )
    if not related:
        sel = sel[labels[sel] != "related"]
    links = _link_rows(sp, ii[sel], jj[sel], vv[sel], labels[sel])
    if pa > pb:
        links = [
            Link(x.b_doc, x.b_article, x.a_doc, x.a_article, x.score, x.label, x.b_sub, x.a_sub)
            for x in links
        ]
    links.sort(key=lambda x: (x.a_article, x.a_sub or 0, x.b_article, x.b_sub or 0))
    return Results(links, row_type=Link)
