"""Draft gap analysis: what a draft has and lacks compared with the other documents."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UsageError
from ..results import Results
from .families import family_table
from .links import Link, all_links
from .vectors import space


@dataclass(frozen=True, slots=True)
class Gap:
    """A row of a draft's gap analysis (``gaps``).

    kind ``match``: a draft article and its best counterpart in one other document;
    ``unique``: a draft article with no counterpart anywhere; ``missing``: a family that at
    least ``min_docs`` other documents have and the draft lacks (``doc``/``article`` is an
    example of it, ``documents`` how many documents have it).
    """

    kind: str  # match | unique | missing
    draft_article: int | None
    family: int | None
    family_label: str | None
    doc: str | None
    article: int | None
    score: float | None
    label: str | None  # the link label for ``match`` rows
    documents: int | None
    draft_sub: int | None = None  # an inserted draft article 第…条之X: its X
    sub: int | None = None  # the same for ``article``


def gaps(corpus, draft, *, min_docs: int = 2):
    """What a draft has and lacks compared with the other documents.

    Rows of kind ``match``: each draft article with its best counterpart in each other document
    that has one (best first); ``unique``: draft articles with no counterpart anywhere;
    ``missing``: families found in at least ``min_docs`` other documents but not in the draft,
    each with its best-scoring article as an example.

    例：gaps(corpus, "suzhou") → [Gap("match", 1, 1, "…", "hohhot", 1, 0.49, "same-provision", 6), …,
    Gap("missing", None, 16, "志愿、…", "changchun", 21, 0.91, None, 5), …]
    """
    if min_docs < 1:
        raise UsageError("min_docs must be at least 1")
    from .._lookup import with_articles

    d = with_articles(corpus.get(draft), "gaps")
    sp = space(corpus)
    fams, fam_of, best, groups = family_table(corpus)
    by_no: dict[tuple[int, int | None], dict[str, Link]] = {}  # (no, 之X) → document → link
    for lk in all_links(corpus):
        if lk.a_doc == d.id:
            mine, other_doc, other_no, other_sub = (
                (lk.a_article, lk.a_sub),
                lk.b_doc,
                lk.b_article,
                lk.b_sub,
            )
        elif lk.b_doc == d.id:
            mine, other_doc, other_no, other_sub = (
                (lk.b_article, lk.b_sub),
                lk.a_doc,
                lk.a_article,
                lk.a_sub,
            )
        else:
            continue
        cur = by_no.setdefault(mine, {}).get(other_doc)
        if cur is None or lk.score > cur.score:
            by_no[mine][other_doc] = Link(
                d.id, mine[0], other_doc, other_no, lk.score, lk.label, mine[1], other_sub
            )
    rows = []
    for art in d.articles:
        fid = fam_of.get(sp.row_of_article(art))
        fam = fams[fid - 1] if fid else None
        flabel, fdocs = (fam.label, fam.documents) if fam else (None, None)
        found = sorted(by_no.get((art.no, art.sub), {}).values(), key=lambda lk: -lk.score)
        if not found:
            rows.append(Gap("unique", art.no, fid, flabel, None, None, None, None, fdocs, art.sub))
        for lk in found:
            rows.append(
                Gap(
                    "match",
                    art.no,
                    fid,
                    flabel,
                    lk.b_doc,
                    lk.b_article,
                    lk.score,
                    lk.label,
                    fdocs,
                    art.sub,
                    lk.b_sub,
                )
            )
    me = sp.doc_pos[d.id]
    for fam, g in zip(fams, groups, strict=True):
        if any(int(sp.doc_of[i]) == me for i in g) or fam.documents < min_docs:
            continue
        ex = max(g, key=lambda i: (best.get(i, 0.0), -i))
        a = sp.articles[ex]
        rows.append(
            Gap(
                "missing",
                None,
                fam.family,
                fam.label,
                a.doc_id,
                a.no,
                round(best.get(ex, 0.0), 4),
                None,
                fam.documents,
                None,
                a.sub,
            )
        )
    return Results(rows, row_type=Gap)
