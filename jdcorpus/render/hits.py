"""Search hits for the terminal: a header line, then per hit its article line and snippet."""

from __future__ import annotations

from .text import style

__all__ = ["format_hits"]


def format_hits(hits, *, color: bool = False) -> str:
    """Search hits (a :class:`~jdcorpus.results.Results` of ``SearchHit``) as terminal text.

    With ``color``, highlighted words are bold red and the article line bold (ANSI).
    """
    total = getattr(hits, "total", len(hits))
    shown = f"{len(hits)} of {total}" if len(hits) < total else str(total)
    # an instrument without articles is searched by its paragraphs (第N段): say so when one shows
    paragraphs = any(h.label.startswith("第") and h.label.endswith("段") for h in hits)
    if total == 1:
        noun = "paragraph matches" if paragraphs else "article matches"
    else:
        noun = "articles and paragraphs match" if paragraphs else "articles match"
    lines = [f"{shown} {noun} {getattr(hits, 'query', '')!r}"]
    width = len(str(len(hits)))
    for n, h in enumerate(hits, 1):
        label = h.label + (f"【{h.heading}】" if h.heading else "")
        where = " · ".join(x for x in (h.city or "", h.title, h.chapter or "") if x)
        lines.append(
            f"{n:>{width}}. {style(label, '1', color)}  {where}  ({h.key}, score {h.score:.2f})"
        )
        parts, pos = [], 0
        for s, e in h.matches:
            parts += [h.snippet[pos:s], style(h.snippet[s:e], "1;31", color)]
            pos = e
        parts.append(h.snippet[pos:])
        lines.append(" " * (width + 2) + "".join(parts))
    return "\n".join(lines) + "\n"
