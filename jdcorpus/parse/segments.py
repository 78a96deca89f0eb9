"""Source text → classified segments: the first two passes of the parser.

1. **segments** — physical lines, cut further where the drafting shows a break inside a line:
   an article label after a full stop (``…村民。 第四十九条 乡镇…``), an item after ``；`` or a
   space (``…政策; (二)组织…``), a new paragraph after ``。`` and a space.
2. **classify** — each segment is blank, noise (watermarks, web boilerplate, from
   ``data/noise.txt``), a chapter/section/article label, an item, a title, a notice heading, a
   题注 (dates), a 目录 marker or plain text. Classification runs on a simplified, space-free key
   so traditional script (第一條, 第一節) and spaced titles (总  则) read the same. Then the
   classification is corrected where the neighbours show better: tables of contents that list
   articles, titles that are wrapped lines, labels that are wrapped references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .._data import data_text
from .patterns import (
    FULLWIDTH_DIGITS,
    HS,
    LABEL_END,
    NUM,
    RE_ANNEX,
    RE_ARTICLE,
    RE_CHAPTER,
    RE_DATE_LINE,
    RE_EDGE,
    RE_EDGE_END,
    RE_ITEM,
    RE_NOTICE,
    RE_PART,
    RE_SECTION,
    RE_SUBITEM,
    RE_TITLE,
    RE_TIZHU,
    SPACED_NUM,
    ends_sentence,
    key_of,
    to_int,
)


def segments(text: str) -> list[Seg]:
    """The classified segments of ``text`` (passes 1 and 2)."""
    segs = _physical_segments(text)
    prev_blank = False
    for s in segs:
        _classify(s)
        s.blank_before = prev_blank
        prev_blank = s.kind == "blank"
    _mark_article_tocs(segs)
    _demote_broken_titles(segs)  # first: a wrapped line ending in 本条例 is no title …
    _demote_wrapped_references(segs)  # … so the reference after it is seen as one
    return segs


@lru_cache(maxsize=1)
def _noise_patterns() -> tuple[re.Pattern, ...]:
    text = data_text("noise.txt")
    pats = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(re.compile(p) for p in pats)


# -- pass 1: segments ---------------------------------------------------------------------------

# a break inside a physical line: before an article label that follows a sentence end, before an
# item marker that follows ；：。 or a space, after 。！？ followed by a space (a new paragraph)
_INLINE_BREAK = re.compile(
    rf"(?<=[。；;！？!?”」])\s*(?=第[{HS}]*{SPACED_NUM}[{HS}]*[条條]{LABEL_END})"
    rf"|(?:(?<=[；;。：:])\s*|\s+)(?=[（(][零〇一二三四五六七八九十]+[）)]|[（(][0-9]{{1,2}}[）)]|[①-⑳])"
    r"|(?<=[；;：:])\s*(?=[0-9]{1,2}[.．、][^0-9]|[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])|[⑴-⒇㈠-㈩])"
    rf"|(?<=[。！？])[{HS}]+(?=\S)"
)


@dataclass
class Seg:
    """A piece of the source (a line, or part of one) with what it was classified as."""

    start: int
    end: int
    raw: str  # source text of the segment, stripped
    key: str = ""
    kind: str = (
        "text"  # blank noise chapter section part article item subitem title notice tizhu toc text
    )
    num: int | None = None
    rest: str = ""  # text after a label (raw)
    rest_start: int = 0
    blank_before: bool = False
    sub: int | None = None  # 第十条之一 → 1


# Markdown / wiki markup at a line start: headings, quotes, list bullets, bold around a label
_RE_MARKUP = re.compile(r"^(?:#{1,6}[ \t]*|>[ \t]?|[-*+•·][ \t]+|\*\*(?=第|[（(【《]))+")


def _trim(piece: str) -> tuple[int, str]:
    """(offset of the content, content): white space, invisible characters and line-start markup
    removed."""
    lead = RE_EDGE.match(piece).end()
    body = piece[lead:]
    while True:
        m = _RE_MARKUP.match(body)
        if not m or not m.end():
            break
        body = body[m.end() :]
        extra = RE_EDGE.match(body).end()
        body = body[extra:]
        lead += m.end() + extra
    return lead, RE_EDGE_END.sub("", body)


def _physical_segments(text: str) -> list[Seg]:
    """Pass 1: the lines of ``text`` cut at the breaks a line may hide (:data:`_INLINE_BREAK`);
    an empty line is one blank segment."""
    segs: list[Seg] = []
    pos = 0
    for line in text.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        cuts = [0] + [
            m.start() if m.start() == m.end() else m.end() for m in _INLINE_BREAK.finditer(line)
        ]
        # a zero-width match cuts at its position; a whitespace match cuts after the whitespace
        cuts = sorted(set(c for c in cuts if 0 <= c <= len(line))) + [len(line)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = line[a:b]
            lead, stripped = _trim(piece)
            if not stripped:
                if a == 0 and b == len(line):
                    segs.append(Seg(line_start, line_start, "", kind="blank"))
                continue
            s = line_start + a + lead
            segs.append(Seg(s, s + len(stripped), stripped))
        if not _trim(line)[1] and not (
            segs and segs[-1].kind == "blank" and segs[-1].start == line_start
        ):
            segs.append(Seg(line_start, line_start, "", kind="blank"))
    return segs


# -- pass 2: classify ---------------------------------------------------------------------------


def _classify(seg: Seg) -> None:
    raw = seg.raw
    if not raw:
        seg.kind = "blank"
        return
    key = seg.key = key_of(raw)
    if any(p.search(key) or p.search(raw) for p in _noise_patterns()) or not re.search(
        r"[\u3400-\u9fff]", raw
    ):
        seg.kind = "noise"
        return
    if key in ("目录", "目次"):
        seg.kind = "toc"
        return
    for kind, rx in (("chapter", RE_CHAPTER), ("section", RE_SECTION), ("part", RE_PART)):
        m = rx.match(key)
        if m and len(m.group(2)) <= 30 and not re.search(r"[，。；,;]", m.group(2)):
            seg.kind, seg.num = kind, to_int(m.group(1))
            seg.rest = _strip_toc_page(m.group(2))
            return
    m = re.match(
        rf"^第\s*({SPACED_NUM})\s*[条條](?:之[一二三四五六七八九十]+)?",
        raw.translate(FULLWIDTH_DIGITS),
    )
    ma = RE_ARTICLE.match(key)
    # a space after the label settles it: 第三条 中国共产党… is a label even though 第三条中… could
    # be a reference; without one, the word that follows decides (see _NOT_AFTER_LABEL)
    spaced = m and re.match(rf"[{HS}]+(?!第)", raw.translate(FULLWIDTH_DIGITS)[m.end() :])
    if m and (ma or spaced):
        seg.kind, seg.num = "article", to_int(re.sub(r"\s+", "", m.group(1)))
        seg.sub = to_int(ma.group(2)) if ma and ma.group(2) else None  # 第十条之一
        seg.rest = raw[m.end() :].lstrip().lstrip("*】：:、.．").lstrip()
        seg.rest_start = seg.end - len(seg.rest)
        return
    if RE_ITEM.match(key):
        seg.kind = "item"
        return
    if RE_SUBITEM.match(key):
        seg.kind = "subitem"
        return
    if RE_TIZHU.match(key):
        seg.kind = "tizhu"
        return
    if RE_ANNEX.match(key):
        seg.kind = "annex"
        return
    if RE_TITLE.match(key):
        seg.kind = "title"
        return
    if RE_NOTICE.search(key) and len(key) <= 60 and not re.search(r"[。；]", key):
        seg.kind = "notice"
        return
    seg.kind = "text"


def _strip_toc_page(title: str) -> str:
    """'总则……1' → '总则' (page numbers and leader dots of a table of contents)."""
    title = re.sub(r"[.…·．\-—_ ]*\d*$", "", title)
    # 总则（第一条至第五条）: the article range of a chapter heading
    return re.sub(rf"[（(]第{NUM}条?(?:[至到—\-~～－]+第?{NUM}条)?[）)]$", "", title)


def _demote_broken_titles(segs: list[Seg]) -> None:
    """A title is a line of its own: not the tail of an unfinished line (a wrapped 题注 that ends
    in …关于修改《某某条例), and with its 《》 balanced."""
    prev: Seg | None = None
    depth = 0  # open （ of a 题注 wrapped over several lines, blank lines between them or not
    after_noise = False
    for s in segs:
        if s.kind == "blank":
            prev = None
            continue
        if s.kind == "noise":
            after_noise = True
            continue
        if s.kind == "title" and after_noise:
            after_noise = False
            continue  # a running header after a page number
        after_noise = False
        if s.kind in ("chapter", "section", "part", "article", "toc"):
            depth = 0
        prev_text = (prev.rest if prev.kind == "article" else prev.raw) if prev is not None else ""
        unfinished = (
            prev is not None
            and prev.kind in ("text", "tizhu", "notice", "article", "item", "subitem")
            and bool(prev_text)
            and not ends_sentence(prev_text)
        )
        if s.kind == "title":
            unbalanced = s.key.count("《") != s.key.count("》") and not s.key.startswith("《")
            if unbalanced or unfinished or depth > 0:
                s.kind = "text"
        elif s.kind == "tizhu" and unfinished and not s.key.startswith(("（", "(", "【")):
            s.kind = "text"  # a wrapped notice line that happens to begin with a date
        if s.kind != "noise":
            depth = max(
                0,
                depth + s.key.count("（") + s.key.count("(") - s.key.count("）") - s.key.count(")"),
            )
            prev = s


def _mark_article_tocs(segs: list[Seg]) -> None:
    """A table of contents that lists articles (第一条　目的和依据 …): a run of article labels
    with short unpunctuated titles and no body, whose numbers come again later, is not law."""
    arts = [i for i, s in enumerate(segs) if s.kind == "article"]
    run: list[int] = []

    def is_entry(i: int) -> bool:
        s = segs[i]
        return len(s.rest) <= 30 and not re.search(r"[。；;，,：:]", s.rest)

    def flush():
        if len(run) >= 3:
            nos = {segs[i].num for i in run}
            later = {segs[j].num for j in arts if j > run[-1]}
            if len(nos & later) >= len(nos) * 0.8:
                for i in run:
                    segs[i].kind = "toc"
        run.clear()

    for k, i in enumerate(arts):
        between = segs[arts[k - 1] + 1 : i] if k and run else []
        restart = bool(run) and segs[i].num <= segs[run[-1]].num  # a contents list only climbs
        if (
            is_entry(i)
            and not restart
            and not any(b.kind in ("text", "item", "subitem") for b in between)
        ):
            run.append(i)
        else:
            flush()
            if is_entry(i):
                run.append(i)
    flush()


# a line ending like this goes on with a reference: …按照本条例 / 第十一条确定的…
_RE_REFERS = re.compile(
    r"(本条例|本规定|本办法|本细则|本法|本决定|》|依照|按照|根据|依据|违反|适用|参照|前|和|或者|及|、|第)$"
)


def _demote_wrapped_references(segs: list[Seg]) -> None:
    """``…未按照本条例\n第六条确定的标准…``: a label at the start of a line that continues an
    unfinished sentence, and is not the next article number, is a reference, not a label."""
    last_no = 0
    prev: Seg | None = None
    after_noise = False
    for s in segs:
        if s.kind in ("blank", "noise"):
            after_noise = after_noise or s.kind == "noise"
            continue
        if s.kind == "title" and after_noise:
            continue  # a running header after a page number: page furniture, not the text
        after_noise = False
        if s.kind == "article":
            prev_text = (prev.rest if prev.kind == "article" else prev.raw) if prev else ""
            unfinished = prev is not None and prev.kind in (
                "text", "item", "subitem", "article", "tizhu", "notice",
            )  # fmt: skip
            refers = bool(_RE_REFERS.search(prev.key if prev else ""))
            if prev is not None and RE_DATE_LINE.match(prev.key) and not refers:
                unfinished = False  # the date that closes a notice
            if s.num == 1 and last_no > 1 and not refers:
                unfinished = False  # numbering starts again: a new instrument
            if (
                unfinished
                and prev_text
                and not ends_sentence(prev_text)
                and (
                    s.num not in (last_no, last_no + 1)
                    or _RE_REFERS.search(prev.key if prev else "")
                )
            ):
                s.kind, s.num = "text", None
            else:
                last_no = s.num
        prev = s
