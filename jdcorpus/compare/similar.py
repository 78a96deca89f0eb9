"""``similar``: the articles of other documents closest to one article, across the whole corpus.

One product of the article's vector with every article's (the similarity space of
:mod:`.vectors`, persisted by :mod:`.persist`, so a command on a large collection loads it
rather than fitting it). Scores and labels are ``align``'s (:mod:`.links`): an article that
``align`` links to the one asked about carries the link's score (the cosine, or that of the
best-matching paragraphs when higher) and its label; any other carries its plain cosine and no
label. The linked articles come first (those that more third documents join to the article
asked about a little higher), then the articles ``align`` joins to it through a third document,
then the rest (``SUPPORT_BONUS``). So ``similar`` and ``align`` agree: what ``align A B`` prints
for an article appears in ``similar`` with the same score and label, above the articles
``align`` does not link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import Results
from .links import link_arrays
from .vectors import space, unique


@dataclass(frozen=True, slots=True)
class Similar:
    """An article of another document close to the one asked about (``similar``)."""

    doc: str
    article: int
    label: str  # the article's own label (第八条)
    heading: str | None
    city: str | None
    title: str  # the document's title
    score: float  # align's score when align links the two, else the cosine
    match: str | None  # align's label (near-verbatim | same-provision | related), None: no link


#: Ranking (issue 13: an equivalent of every strongly related document in the top 5). The
#: articles ``align`` links to the one asked about come first, by their score plus
#: ``SUPPORT_BONUS`` for each third document (at most ``SUPPORT_CAP``) that has an article
#: ``align`` links to both; then the articles ``align`` does not link but joins to the one asked
#: about through a third document (an article of it linked to both), by cosine; then the rest,
#: by cosine. Measured (similar top-5 of dev, extra, blind, the tuning sets): 0.882, 0.804,
#: 0.800 with linked articles first by score, 0.899, 0.834, 0.806 with the joined ones next,
#: 0.916, 0.834, 0.806 with the bonus too (numbers of the variants in the README's design notes).
SUPPORT_BONUS = 0.05


SUPPORT_CAP = 3


def _joined(sp, i: int, links):
    """``(rows, documents)``: the articles that an article of a third document is linked to
    along with article ``i`` (``align``'s printed links, ``links`` = :func:`link_arrays`), and
    in how many third documents. Two passes over the links, no index built: a cold ``similar``
    on the collection pays nothing before its one article."""
    ii, jj, _, labels = links
    mine = np.flatnonzero((ii == i) | (jj == i))
    mine = mine[np.asarray(labels[mine] != "related", dtype=bool)]
    ks = np.where(ii[mine] == i, jj[mine], ii[mine])
    empty = np.zeros(0, dtype=np.int64)
    if not len(ks):
        return empty, empty
    at_i = np.isin(ii, ks, kind="table")
    at_j = np.isin(jj, ks, kind="table")
    hit = np.flatnonzero(at_i | at_j)
    hit = hit[np.asarray(labels[hit] != "related", dtype=bool)]
    # each link k - j with k linked to i, in both directions where both ends are
    k = np.r_[ii[hit][at_i[hit]], jj[hit][at_j[hit]]].astype(np.int64)
    js = np.r_[jj[hit][at_i[hit]], ii[hit][at_j[hit]]].astype(np.int64)
    if not len(js):
        return empty, empty
    ndocs = len(sp.docs)
    pairs = unique(js * ndocs + sp.doc_of[k])  # (article, third document)
    rows, counts = np.unique(pairs // ndocs, return_counts=True)
    return rows, counts


def _rank(sp, i: int, scores, match: dict, links):
    """The ranking key of every article for article ``i`` (see ``SUPPORT_BONUS``): ``scores``
    (align's score for the linked articles ``match``, else the cosine; -inf for ``i``'s own
    document) lifted by tier."""
    rank = scores.copy()
    rows, counts = _joined(sp, i, links)
    rank[rows] += 10.0  # cosines are at most 1: joined articles rank above the rest
    linked = np.fromiter(match, dtype=np.int64, count=len(match))
    bonus = np.zeros(len(rank))
    bonus[rows] = SUPPORT_BONUS * np.minimum(counts, SUPPORT_CAP)
    rank[linked] = 20.0 + scores[linked] + bonus[linked]  # and linked ones above them
    return rank


def _article(corpus, ref):
    """The article a reference names: an Article, ``"DOC:ARTICLE"`` or ``(doc, article)``."""
    from .._lookup import article_ref

    if hasattr(ref, "doc_id") and hasattr(ref, "no"):
        return corpus.article(ref.doc_id, ref.no)
    if isinstance(ref, tuple) and len(ref) == 2:
        return corpus.article(*ref)
    return article_ref(corpus, ref)


def similar(corpus, ref, *, limit: int = 10):
    """The ``limit`` articles of other documents closest to the article ``ref``, best first.

    ``ref`` is ``"DOC:ARTICLE"`` (``"长春:38"``, ``"hohhot:第一条"``), ``(doc, article)`` or an
    :class:`~jdcorpus.model.Article` of the corpus. Each row names the article (document id,
    number, label, heading, city, document title), its ``score`` and ``match``: ``align``'s
    label when ``align`` links the two articles, else None (close in wording, but not the same
    provision by ``align``'s rule). The articles ``align`` links come first, by score plus a
    little for each third document that has an article linked to both (``SUPPORT_BONUS``), so
    a close article ``align`` rejects is not ranked above an equivalent it accepts; then the
    articles ``align`` does not link but a third document's article links to along with this
    one, by cosine; then the others by cosine. Ties keep corpus order.

    >>> import jdcorpus
    >>> rows = jdcorpus.similar(jdcorpus.load_corpus(), "长春:1", limit=3)
    >>> rows[0].doc, rows[0].article, rows[0].match
    ('hohhot', 1, 'near-verbatim')
    """
    from .._lookup import with_articles
    from ..errors import UsageError

    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"limit must be a positive number, got {limit!r}")
    art = _article(corpus, ref)
    with_articles(corpus.get(art.doc_id), "similar")
    sp = space(corpus)
    i = sp.row_of_article(art)
    # align's links first: when they are decided here (a space just fitted), the column postings
    # of the cosines below (~170 MB on the 82,000-article collection) are not yet in memory
    ii, jj, vv, labels = link_arrays(sp)
    scores = sp.row_cosines(i)
    # align's links of this article: their score and label
    mine = np.flatnonzero((ii == i) | (jj == i))
    other = np.where(ii[mine] == i, jj[mine], ii[mine])
    match: dict[int, str] = {}
    for j, v, lab in zip(other.tolist(), vv[mine].tolist(), labels[mine].tolist(), strict=True):
        if j not in match or v > scores[j]:  # one link per pair; the better if ever two
            scores[j] = v
            match[j] = lab
    scores[sp.rows(art.doc_id)] = -np.inf  # other documents only
    k = min(limit, int(np.isfinite(scores).sum()))
    if k <= 0:
        return Results([], row_type=Similar)
    rank = _rank(sp, i, scores, match, (ii, jj, vv, labels))
    top = np.argpartition(-rank, k - 1)[:k] if k < len(rank) else np.arange(len(rank))
    top = top[np.lexsort((top, -rank[top]))][:k]
    rows = []
    for j in top.tolist():
        a = sp.articles[j]
        d = sp.docs[sp.doc_of[j]]
        rows.append(
            Similar(
                a.doc_id,
                a.no,
                a.label or f"第{a.no}条",
                a.heading,
                d.city,
                d.title,
                round(float(scores[j]), 4),
                match.get(j),
            )
        )
    return Results(rows, row_type=Similar)
