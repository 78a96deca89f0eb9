"""A character diff of two articles in which substituted jurisdiction names are marked.

Both texts are masked for jurisdiction names only (numbers and dates are substance here), diffed
with diff-match-patch and cleaned up semantically; the ops are mapped back to the words of the
source. Rendering (side by side in a terminal, an HTML page) is :mod:`jdcorpus.render.compare`
and :mod:`jdcorpus.render.html`.
"""

from __future__ import annotations

from dataclasses import dataclass

from diff_match_patch import diff_match_patch

from ..results import Results
from .masking import JURISDICTION, PLACEHOLDERS, Masked, mask_spans


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of a character diff between two articles (``diff``).

    op ``equal`` | ``delete`` (only in a) | ``insert`` (only in b) | ``replace`` (a's text became
    b's) | ``jurisdiction`` (a jurisdiction name substituted: 县（市）区人民政府 → 区人民政府).
    """

    op: str
    a_text: str
    b_text: str


def _char_map(m: Masked, n_source: int) -> list[tuple[int, int]]:
    """For each character of a masked text, its span in the unmasked text."""
    out: list[tuple[int, int]] = []
    spans = {s.at: s for s in m.spans}
    src = 0
    for k, _ in enumerate(m.text):
        s = spans.get(k)
        if s is not None:
            out.append((s.start, s.end))
            src = s.end
        else:
            out.append((src, src + 1))
            src += 1
    return out


def diff(article_a, article_b, *, cities=()):
    """A character diff of two articles in which substituted jurisdiction names are marked.

    Both texts are masked for jurisdictions only (``cities`` adds the names of cities, e.g. the
    corpus's), diffed with diff-match-patch and semantically cleaned up; a name that differs
    where the rest agrees becomes an op ``jurisdiction`` instead of a change. Ops: ``equal``,
    ``delete`` (only in a), ``insert`` (only in b), ``replace``, ``jurisdiction``. Accepts
    :class:`~jdcorpus.model.Article` objects or plain strings.

    例：diff(长春第七条, 苏州第六条) → [DiffOp("equal", "街道办事处", "街道办事处"), …,
    DiffOp("jurisdiction", "县（市）区", "县级市、区"), …]
    """
    ta = article_a if isinstance(article_a, str) else article_a.text
    tb = article_b if isinstance(article_b, str) else article_b.text
    cities = tuple(cities)
    ma = mask_spans(ta, cities, JURISDICTION)
    mb = mask_spans(tb, cities, JURISDICTION)
    map_a, map_b = _char_map(ma, len(ta)), _char_map(mb, len(tb))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    raw = dmp.diff_main(ma.text, mb.text)
    dmp.diff_cleanupSemantic(raw)

    def src(mapping, text, lo, hi):
        if lo >= hi:
            return ""
        return text[mapping[lo][0] : mapping[hi - 1][1]]

    ops: list[DiffOp] = []

    def push(op, a, b):
        if not a and not b:
            return
        if ops and ops[-1].op == op and op in ("equal", "delete", "insert", "replace"):
            last = ops.pop()
            a, b = last.a_text + a, last.b_text + b
        ops.append(DiffOp(op, a, b))

    pa = pb = 0
    placeholders = set(PLACEHOLDERS[c] for c in JURISDICTION)
    k = 0
    while k < len(raw):
        kind, seg = raw[k]
        n = len(seg)
        if kind == 0:
            # split the equal run at placeholders: equal names stay equal, others are marked
            start = 0
            for off, ch in enumerate(seg):
                if ch in placeholders:
                    push(
                        "equal",
                        src(map_a, ta, pa + start, pa + off),
                        src(map_b, tb, pb + start, pb + off),
                    )
                    na = src(map_a, ta, pa + off, pa + off + 1)
                    nb = src(map_b, tb, pb + off, pb + off + 1)
                    push("equal" if na == nb else "jurisdiction", na, nb)
                    start = off + 1
            push("equal", src(map_a, ta, pa + start, pa + n), src(map_b, tb, pb + start, pb + n))
            pa += n
            pb += n
        elif kind == -1 and k + 1 < len(raw) and raw[k + 1][0] == 1:
            m = len(raw[k + 1][1])
            push("replace", src(map_a, ta, pa, pa + n), src(map_b, tb, pb, pb + m))
            pa += n
            pb += m
            k += 1
        elif kind == -1:
            push("delete", src(map_a, ta, pa, pa + n), "")
            pa += n
        else:
            push("insert", "", src(map_b, tb, pb, pb + n))
            pb += n
        k += 1
    return Results(ops, row_type=DiffOp)


def diff_summary(ops) -> dict:
    """Counts of a diff: substantive changes, jurisdiction substitutions, share of equal text."""
    same = sum(len(o.a_text) for o in ops if o.op == "equal")
    total = max(sum(len(o.a_text) for o in ops), sum(len(o.b_text) for o in ops), 1)
    return {
        "changes": sum(1 for o in ops if o.op in ("delete", "insert", "replace")),
        "jurisdiction": sum(1 for o in ops if o.op == "jurisdiction"),
        "equal_share": same / total,
    }
