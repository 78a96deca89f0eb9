"""``similar``: the articles of other documents closest to one article, across the whole corpus.

One product of the article's vector with every article's (the similarity space of
:mod:`.vectors`, persisted by :mod:`.persist`, so a command on a large collection loads it
rather than fitting it). Scores and labels are ``align``'s (:mod:`.links`): an article that
``align`` links to the one asked about carries the link's score (the cosine, or that of the
best-matching paragraphs when higher) and its label; any other carries its plain cosine and no
label, and the linked articles come first. So ``similar`` and ``align`` agree: what ``align A B``
prints for an article appears in ``similar`` with the same score and label, above the articles
``align`` does not link.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import Results
from .links import link_arrays
from .vectors import space


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
    provision by ``align``'s rule). The articles ``align`` links come first, by score, then the
    others by cosine (a close article ``align`` rejects is not ranked above an equivalent it
    accepts); ties keep corpus order.

    >>> import jdcorpus
    >>> rows = jdcorpus.similar(jdcorpus.load_corpus(), "长春:1", limit=3)
    >>> rows[0].doc, rows[0].article, rows[0].match
    ('hohhot', 1, 'near-verbatim')
    """
    from ..errors import UsageError

    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise UsageError(f"limit must be a positive number, got {limit!r}")
    art = _article(corpus, ref)
    sp = space(corpus)
    i = sp.row_of(art.doc_id, art.no)
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
    # the articles align links come first (they are the equivalents), then the closest others
    rank = scores.copy()
    linked = np.fromiter(match, dtype=np.int64, count=len(match))
    rank[linked] += 10.0  # cosines are at most 1: every linked article ranks above the rest
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
