"""Classified segments → instruments → 章/节/条/款/项: the last two passes of the parser.

3. **instruments** — article numbering that restarts at 1 opens a new instrument; what lies
   between two instruments (notices, titles, 题注, tables of contents) is header, never articles.
4. **structure** — chapters (a heading with no article before the next heading is a table of
   contents entry), sections, articles with headings (【…】, （…）, (…)), 款 and 项, lines broken
   mid-sentence joined, numbering gaps and repeats reported as warnings, never renumbered.
"""

from __future__ import annotations

import itertools
import re
import sys
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from ..model import Article, Chapter, Item, Paragraph, Part, Section
from .formats import RE_INFO_END
from .patterns import (
    BARE_HEADINGS,
    INVISIBLE,
    KINDS,
    RE_CN_DATE,
    RE_DATE,
    RE_DIVISION,
    RE_DRAFT,
    RE_EDGE,
    RE_HEADING,
    RE_ITEM,
    RE_MARKER,
    RE_NOTICE,
    RE_ORDINAL_HEADING,
    RE_PREAMBLE,
    RE_SUBITEM,
    RE_TITLE,
    RE_TIZHU_VERB_END,
    TERMINAL,
    closing_start,
    ends_paragraph,
    ends_sentence,
    keys_of,
    label_num,
    rstrip_edge,
    to_int,
    unwrap,
)
from .segments import RE_LINE_NUMBER, Seg, wrapped_title

# a heading title that ends like this goes on on the next line
_RE_TITLE_GOES_ON = re.compile(r"[、，,和及与或]$")


def _wrapped_title(body: list[Seg], i: int, j: int, kind: str) -> bool:
    """Whether the short line ``body[j]`` after the heading ``body[i]`` ends its title, wrapped
    (### 第四章 犯罪嫌疑人、被告人逃匿、死亡案件 ⏎⏎ 违法所得的没收程序): the title is long, as a
    wrapped one is (a short one followed by a short line, 第三章 业主自治管理 ⏎ 业主, is a
    heading whose 第一节 label was lost), and an article follows the line, or the heading's
    第一节; a chapter whose sections begin at another number lost the 第一节 label of that line."""
    if len(re.sub(r"\s", "", body[i].rest)) < 10:
        return False
    after = _shown_after(body, j)
    first = next(after, None)
    if first is None or first.kind not in ("article", "section"):
        return False
    if first.kind == "section":
        return kind != "section" and first.num == 1
    if kind == "section":
        return True
    for s in after:  # the chapter's first section, if any, is its 第一节
        if s.kind in ("chapter", "part"):
            return True
        if s.kind == "section":
            return s.num == 1
    return True


def _shown_after(body: list[Seg], i: int):
    """The segments after ``body[i]`` that are no blank line or noise, in order (no copy)."""
    return (
        s for s in itertools.islice(body, i + 1, None) if s.kind not in ("blank", "noise", "note")
    )


def _heads_an_article(body: list[Seg], i: int) -> bool:
    """Whether the lines after ``body[i]`` are more such headings, then an article."""
    for b in body[i + 1 :]:
        if b.kind in ("blank", "noise"):
            continue
        if (b.kind == "item" and RE_ORDINAL_HEADING.match(b.key)) or RE_DIVISION.match(b.key):
            continue  # 三、关于担保物权 ⏎ （一）担保合同与担保物权的效力 ⏎ 第三十七条
        return b.kind == "article"
    return False


class Instrument(NamedTuple):
    """Segment indices of one instrument: ``segs[header:body]`` is its header (notices, title,
    题注), ``segs[body:end]`` its body, ``segs[end:trailer_end]`` what follows its last article."""

    header: int
    body: int
    end: int
    trailer_end: int


def _drop_tables_before_restarts(segs: list[Seg], arts: list[int]) -> list[int]:
    """The same between two instruments: after an instrument's articles, a run of labels that
    drops far back (第十五条 … then 第四条) and does not run either (第四条, 第四条, 第八条: a
    comparison table's old and new wording) up to the next 第一条 is no articles."""
    drop: set[int] = set()
    starts = [k for k, i in enumerate(arts) if segs[i].num == 1]
    for a, b in zip(starts, [*starts[1:], None][: len(starts)], strict=True):
        if b is None:
            break
        nums = [segs[i].num for i in arts[a:b]]
        j = next(
            (
                j
                for j in range(1, len(nums))
                if nums[j] < nums[j - 1] - 1 and segs[arts[a + j]].sub is None
            ),
            None,
        )
        if j is None:
            continue
        # (every label of the run, those already read as no article's too: 第四条 twice)
        tail = [t.label for t in segs[arts[a + j - 1] + 1 : arts[b]] if t.label is not None]
        if len(tail) > 1 and any(y <= x for x, y in zip(tail, tail[1:], strict=False)):
            drop.update(arts[a + j : b])
    for i in drop:
        segs[i].kind = "text"
    return [i for i in arts if i not in drop] if drop else arts


def instruments(segs: list[Seg], arts: list[int]) -> list[Instrument]:
    """The instruments of a text whose article labels are at ``arts`` (not empty): numbering that
    restarts at 1 opens a new one. Labels before the first 第一条 that do not run (a number
    twice or going back: the old and the new wording of a 修正前后对照表, articles quoted in a
    解读) are no articles: they stay in the header of the instrument that 第一条 opens."""
    one = next((k for k, i in enumerate(arts) if segs[i].num == 1), None)
    if one:
        early = [segs[i] for i in arts[:one]]
        if any(b.num <= a.num for a, b in zip(early, early[1:], strict=False)):
            for seg in early:
                seg.kind = "text"
            arts = arts[one:]
    arts = _drop_tables_before_restarts(segs, arts)
    firsts = [arts[0]]
    for a, b in zip(arts, arts[1:], strict=False):
        if segs[b].num == 1 and segs[a].num != 1:
            firsts.append(b)
        elif segs[b].num not in (segs[a].num, segs[a].num + 1) and _new_title(segs, firsts, a, b):
            firsts.append(b)  # an excerpt (第二百条 …) after a whole instrument, under its title
    out: list[Instrument] = []
    header_from = 0
    for k, first in enumerate(firsts):
        nxt = firsts[k + 1] if k + 1 < len(firsts) else len(segs)
        last_art = arts[bisect_left(arts, nxt) - 1]  # the last label before the next instrument
        own = _title_key(segs, header_from, first)
        end = _body_end(segs, last_art, nxt, own)
        # header: from the end of the previous body to the first structural line of this body
        body_start = _body_start(segs, header_from, first)
        # an annex after the last article is this instrument's; the next header starts after it
        following = end
        named = own and end < nxt and segs[end].kind == "notice" and _names(segs[end].key, own)
        if end < nxt and (segs[end].kind == "annex" or named or _bare_annex(segs[end])):
            # (a heading that names this instrument — 关于《…条例（草案）》的说明, 附：…关于修改
            # 《…条例》的决定 — and its 题注 are the annex's too)
            following = end
            for i in range(end, nxt):
                if segs[i].kind in ("notice", "title") and own and _names(segs[i].key, own):
                    named = True
                    continue
                if segs[i].kind == "tizhu" and named:
                    continue
                if segs[i].kind in ("notice", "title", "tizhu") or (
                    segs[i].kind == "toc" and _RE_TOC_ALONE.fullmatch(segs[i].key)
                ):  # (…事项目录, the annex's own caption, is no 目录 of the next)
                    following = i
                    break
            # (二次审议稿 right above the next title is that instrument's stage, not the annex's)
            above = next((k for k in range(following - 1, end, -1) if segs[k].kind != "blank"), 0)
            if above and len(segs[above].key) <= 14 and RE_DRAFT.search(segs[above].key):
                following = above
        elif end < nxt and segs[end].kind == "toc":
            # a 目录 after the last article (a copy that puts it at the end): this instrument's,
            # up to the title of the next
            j = end + 1  # (not k: it counts the instruments)
            while j < nxt and segs[j].kind in ("chapter", "section", "part", "blank", "noise"):
                j += 1
            if j < nxt and segs[j].kind in ("title", "notice", "tizhu"):
                following = j
        out.append(
            Instrument(header_from, body_start, end, following if k + 1 < len(firsts) else nxt)
        )
        header_from = following
    return out


def _bare_annex(seg: Seg) -> bool:
    """附件 alone on its line, read as a web page's noise: right after the last article it
    opens the instrument's annex all the same."""
    return seg.kind == "noise" and seg.key.rstrip("：: \u3000") in ("附件", "附表", "附录")


def _names(key: str, title: str) -> bool:
    """``key`` quotes ``title`` (or it with its stage: 《…决定（草案）》)."""
    title = re.sub(r"[（(](?:草案|征求意见稿|送审稿|修订草案)[）)]$", "", title)
    return bool(re.search(rf"《{re.escape(title)}(?:[（(][^（）()]{{1,8}}[）)])?》", key))


_STRUCTURE = ("chapter", "section", "part", "toc")
_RE_TOC_ALONE = re.compile(r"目[\s\u3000]*[录錄次]")  # (not …事项目录, an annex's caption)


def _body_start(segs: list[Seg], lo: int, first: int) -> int:
    """The first structural line of a body whose first article is at ``first`` (its header
    starts at ``lo``): a chapter, section, part or 目录 line, else the article. A 目录 whose
    entries are no headings, with a title or notice under it (a gazette issue's contents
    above the instrument), is the header's: the body starts after that title."""
    start = next((i for i in range(lo, first) if segs[i].kind in _STRUCTURE), first)
    if start < first and segs[start].kind == "toc" and _RE_TOC_ALONE.fullmatch(segs[start].key):
        for i in range(start + 1, first):
            if segs[i].kind in ("chapter", "section", "part"):
                break
            if segs[i].kind in ("title", "notice"):
                return _body_start(segs, i + 1, first)
    return start


def _title_key(segs: list[Seg], lo: int, hi: int) -> str:
    """The key of the last title line in ``segs[lo:hi]`` (the one nearest the body), without 《》."""
    return next((s.key.strip("《》") for s in reversed(segs[lo:hi]) if s.kind == "title"), "")


def _new_title(segs: list[Seg], firsts: list[int], a: int, b: int) -> bool:
    """Whether, between the article labels at ``a`` and ``b``, the body of the instrument that
    begins at ``firsts[-1]`` ends and another title (not its own, as a running header) follows."""
    own = _title_key(segs, firsts[-2] if len(firsts) > 1 else 0, firsts[-1])
    end = _body_end(segs, a, b, own)
    return any(s.kind == "title" and s.key.strip("《》") != own for s in segs[end:b])


# an ordinal alone on its line (二、, （三）)
_RE_BARE_ORDINAL = re.compile(
    r"[一二三四五六七八九十]{1,3}[、．.]|[（(][一二三四五六七八九十]{1,3}[）)]"
)
# a compiler's note: 整理说明：以下依次收录…, 说明：, 附注：
_RE_COMPILER_NOTE = re.compile(r"(?:整理|编辑|编写|校注|录入|出版)?(?:说明|附注)[:：]")


def _body_end(segs: list[Seg], last_art: int, limit: int, title_key: str = "") -> int:
    """Index after the last segment of an instrument whose last article label is at ``last_art``
    (``title_key``: its title, which a page's running header repeats)."""
    prev_text = _body_of(segs[last_art].rest)
    header = -1  # a running header: the title after a page number
    for i in range(last_art + 1, limit):
        s = segs[i]
        if s.kind in ("blank", "note") or i == header:
            continue  # (an editor's note between two 款 of the last article: not its end)
        if s.kind == "noise" and (
            not ends_sentence(prev_text) or RE_HEADING.fullmatch(prev_text.strip())
        ):
            continue  # a page break inside the last article's sentence, or after its heading
        if s.kind == "noise" and title_key:
            k = next((k for k in range(i + 1, limit) if segs[k].kind != "blank"), limit)
            if k < limit and segs[k].kind == "title" and segs[k].key.strip("《》") == title_key:
                header = k
                continue  # a page break between two 款 of the last article: the next page
        if s.kind == "noise" and _law_goes_on(segs, i, limit):
            continue  # 分享到： between two 款 of the last article: the law goes on
        if s.kind in ("noise", "notice", "tizhu", "toc", "chapter", "section", "part", "annex"):
            return i
        if s.kind == "title" and ends_sentence(prev_text):
            return i
        if s.kind == "item" and "施行" in prev_text and _RE_BARE_ORDINAL.fullmatch(s.key):
            return i  # 二、 alone after the 施行 clause: a compilation's next part, no item
        if s.kind == "text" and ends_sentence(prev_text) and _wrapped_heading(segs, i, limit):
            return i  # …关于印发《…和 / …职责规定》的通知, wrapped over two lines
        if (
            s.kind == "text"
            and "施行" in prev_text
            and ends_sentence(prev_text)
            and len(s.key) <= 12
            and not ends_sentence(s.raw)
            and not _RE_SELF.search(s.key)  # (列于本法附件二的全 ⏎ 国人民…: the law's, wrapped)
            and not (i + 1 < limit and segs[i + 1].key.startswith(_GOES_ON))  # (…发布 ⏎ 的司法…)
        ):
            return i  # after the 施行 clause, a bare heading (制定过程, 条例解读) is the page's
        if (
            s.kind == "text"
            and "施行" in prev_text
            and ends_sentence(prev_text)
            and _after_blank(segs, i)
            and not re.search(r"[，,。；;：:、！？]", s.key)
            and s.key.count("《") == s.key.count("》")
            and not _RE_SELF.search(s.key)
        ):
            return i  # … or, after a blank line, a masthead (澳门特别行政区公报——第一组)
        if (
            s.kind == "text"
            and "施行" in prev_text
            and ends_sentence(prev_text)
            and (
                (
                    not re.search(r"[，,。；;：:、]", s.key)
                    and _RE_NAMES_TITLE.search(s.key)
                    and s.key.count("《") <= s.key.count("》")  # (…和《青岛市下 ⏎ 水道…: wrapped)
                )
                or re.search(r"如下[：:。]$", s.key)  # …条例，全文如下。: a report's lead
            )
        ):
            return (
                i  # … or a line naming a title ([政策法规] 烟台市养老服务条例 全文发布: a post's)
            )
        if (
            s.kind == "text"
            and ends_sentence(prev_text)
            and (
                RE_HEADING_LINE.fullmatch(s.key)
                or s.key.startswith(("编者按", "编者注"))
                or _RE_COMPILER_NOTE.match(s.key)
            )
        ):
            return i  # 【记者观察】, 编者按： or 整理说明： under the last article: no 款
        if s.kind == "text" and len(s.key) <= 14 and RE_DRAFT.search(s.key):
            k = next((k for k in range(i + 1, limit) if segs[k].kind not in ("blank", "noise")), 0)
            if k and segs[k].kind == "title":
                return i  # 二次审议稿 ⏎ 某市…条例: the stage of the next instrument, over its title
        if s.kind == "article":
            prev_text = _body_of(s.rest)
            continue
        if s.kind == "title" and not ends_sentence(prev_text):
            continue  # a running header inside a broken sentence
        prev_text = s.raw
    return limit


# a line that names an instrument's title somewhere in it (…烟台市养老服务条例 全文发布)
_RE_NAMES_TITLE = re.compile(rf"[^\s（）()【】\[\]]{{2,40}}?(?:{'|'.join(KINDS)})")


# what a line cannot open with unless it goes on a sentence from the line above
_GOES_ON = tuple("的之地得，、；。：）》”")
_RE_SELF = re.compile(r"本(?:法|条例|规定|办法|细则|决定|规则|解释)")


def _law_goes_on(segs: list[Seg], i: int, limit: int) -> bool:
    """After the page furniture ``segs[i]``, the next line of text (furniture and blank lines
    aside) goes on the law: a sentence of its own that names the instrument as 本法, 本条例 …
    (列于本法附件一的…予以废止。), not a page's heading or a report."""
    k = next((k for k in range(i + 1, limit) if segs[k].kind not in ("blank", "noise")), None)
    return (
        k is not None
        and segs[k].kind == "text"
        and bool(_RE_SELF.search(segs[k].key))
        and not _RE_SELF.match(segs[k].key)  # (本条例的出台…: a report's own sentence)
    )


def _body_of(rest: str) -> str:
    """The text after a label, without its heading: 【施行日期】 alone is no finished sentence."""
    m = RE_HEADING.match(rest or "")
    return rest[m.end() :].strip() if m else (rest or "")


def _wrapped_heading(segs: list[Seg], i: int, limit: int) -> bool:
    """Whether the unpunctuated lines from ``i`` on read, joined, as a notice heading or a title."""
    key = ""
    for s in segs[i : min(limit, i + 4)]:
        if s.kind == "blank":
            continue
        if s.kind not in ("text", "notice", "title"):
            return False
        key += s.key
        if ends_sentence(s.raw) and not s.raw.endswith(("）", ")")):
            return False
        # (two text lines that read as a title together: 融水苗族自治县施行《…》 ⏎ …的变通规定)
        if (
            s.kind in ("notice", "title")
            or RE_NOTICE.search(key)
            or (key != s.key and RE_TITLE.match(key))
        ):
            return bool(RE_NOTICE.search(key) or RE_TITLE.match(key)) and len(key) <= 80
    return False


@dataclass
class _P:  # paragraph under construction
    parts: list[tuple[int, int]] = field(default_factory=list)  # source spans of the lead text
    items: list[list[tuple[int, int]]] = field(default_factory=list)
    item_nos: list[int] = field(default_factory=list)
    style: str = ""  # "cn" for （一） items, "num" for (1) ① 1. items
    marker: int = 0  # of "num" items: which of (1) ① 1. ⑴ (the group of RE_SUBITEM)
    sub: bool = False  # the last line was a 目 of a "num" item (1.… ⏎ (1)…)
    start: int = 0
    end: int = 0


@dataclass
class _A:  # article under construction
    seg: Seg
    heading: str | None = None
    heading_raw: str | None = None
    chapter: Chapter | None = None
    section: Section | None = None
    part: Part | None = None
    paras: list[_P] = field(default_factory=list)
    end: int = 0
    last_text: str = ""  # last text appended (to decide whether the next line continues it)
    in_item: bool = False


_MARGIN = " \t\u3000\xa0" + INVISIBLE


_RE_HALF = re.compile(r"[\x00-\u10ff\uff61-\uffdc]+")
_RE_INVISIBLE = re.compile(f"[{INVISIBLE}]+")


def _width(line: str) -> float:
    """A line's width in the units of a CJK character: a half-width character is half of one,
    an invisible one (a zero-width space) none."""
    shown = _RE_INVISIBLE.sub("", line)
    return len(shown) - (len(shown) - len(_RE_HALF.sub("", shown))) / 2


def _wrapped_at_margin(text: str, body: list[Seg], is_label=None, every=False) -> set[int]:
    """The lines that go on the 款 of the line above although it ends a sentence, in a copy
    broken at a fixed width whose 款 are marked — set in (a PDF: 　　第一条　… at the indent, the
    rest of each 款 from the margin) or a blank line before each (a Word copy saved as text).
    A style of the whole body, read off its lines: three labels or more, nine in ten marked
    (at one indent, or after a blank line); lines under a line that ends mid-sentence (surely
    wrapped), three or more, nine in ten unmarked, and half of the lines above them within two
    characters of one width, the full line's (a random or a web copy's breaks have none; a
    label alone on its line is no wrapped line); and the 款 marked too, not only the articles:
    two or more short lines that end a sentence, nine in ten of the text lines after them
    marked.
    Then an unmarked text line goes on the 款 above it, and so does an unmarked line that opens
    like an item where the items are marked as well. Blank lines between all lines (a
    double-spaced copy) and a page break's lines are passed over (in a copy set in).
    ``is_label`` tells a label (default: an article's; a 决定's 一、 paragraphs in a body
    without articles); ``every``: it marks every paragraph (a text of paragraphs set in), so
    the lines after a short one that ends a sentence are labels too."""
    if is_label is None:
        is_label = _is_article
    # (first the labels that open their lines alone: most bodies are marked neither way, or
    # double-spaced)
    arts = [
        (i, lead)
        for i, s in enumerate(body)
        if is_label(s)
        and not (lead := _margin_lead(text[text.rfind("\n", 0, s.start) + 1 : s.start])).strip(
            _MARGIN
        )
    ]
    if len(arts) < 3:
        return set()
    common, n = Counter(lead for _, lead in arts).most_common(1)[0]
    shown = [s for s in body if s.kind not in ("blank", "noise")]
    if not (common and 10 * n >= 9 * len(arts)) and (
        5 * sum(s.blank_before for s in shown) >= 4 * len(shown)
        or 10 * sum(_after_blank(body, i) for i, _ in arts) < 9 * len(arts)
    ):
        return set()
    # each line's first segment: (index, indent, where its line starts — its width below —, blank
    # lines before it but not at a page break, blank lines before it, a page break before it)
    heads = []
    gap = page = False
    for i, s in enumerate(body):
        if s.kind in ("blank", "noise") or (s.kind == "title" and page):
            gap, page = gap or s.kind == "blank", page or s.kind != "blank"
            continue  # (the title repeated under a page number: a running header)
        ls = text.rfind("\n", 0, s.start) + 1
        lead = _margin_lead(text[ls : s.start])
        if lead.strip(_MARGIN):
            continue  # not the line's first segment, or after markup
        heads.append((i, lead, ls, gap and not page, gap, page))
        gap = page = False
    labels = [(lead, gap) for i, lead, _, _, gap, _ in heads if is_label(body[i])]
    if len(labels) < 3:
        return set()
    indent, n = Counter(lead for lead, _ in labels).most_common(1)[0]
    margin = min((h[1] for h in heads), key=len)  # (every line set in alike: 　　 more in a 款)
    spaced = 5 * sum(h[3] for h in heads) >= 4 * len(heads)
    set_in = len(indent) > len(margin) and 10 * n >= 9 * len(labels)
    if not set_in and (spaced or 10 * sum(gap for _, gap in labels) < 9 * len(labels)):
        return set()
    # each line as (index, marked, width, unsure): marked by its indent, or by a blank line
    # before it — where blank lines around a page break's furniture say nothing (unsure: the
    # line before it does); a set-in copy's lines pair across no blank line unless all have one
    stops = [text.find("\n", h[2]) for h in heads]
    width = [
        _width(text[h[2] : e if e >= 0 else None].rstrip())
        for h, e in zip(heads, stops, strict=True)
    ]
    if set_in:
        lines = [
            (h[0], len(h[1]) > len(margin), w, False) for h, w in zip(heads, width, strict=True)
        ]
        pairs = [
            (a, b)
            for a, b, h in zip(lines, lines[1:], heads[1:], strict=False)
            if spaced or not h[3]
        ]
    else:
        lines = [(h[0], h[4] and not h[5], w, h[5]) for h, w in zip(heads, width, strict=True)]
        pairs = list(zip(lines, lines[1:], strict=False))
    pairs = [(a, b) for a, b in pairs if body[a[0]].kind in _RUNS_ON]
    wrapped = [  # (not a label alone on its line: 第三条 ⏎ （部门职责）…)
        (a, b)
        for a, b in pairs
        if body[b[0]].kind == "text" and not ends_sentence(body[a[0]].raw) and a[2] >= 12
    ]
    if len(wrapped) < 3 or 10 * sum(not b[1] for a, b in wrapped) < 9 * len(wrapped):
        return set()
    widths = [a[2] for a, b in wrapped if not b[1]]
    full = max(set(widths), key=lambda w: sum(abs(v - w) <= 1 for v in widths))
    if 2 * sum(abs(w - full) <= 2 for w in widths) < len(widths):
        return set()
    # (a 款 after another in an article, not the next article; in a body without articles an
    # item or a paragraph under its numbered one)
    after = {"text"} if is_label is _is_article else {"text"} | _ITEMS
    ends = [
        b[1]
        for a, b in pairs
        if body[b[0]].kind in after
        and (every or not is_label(body[b[0]]))
        and ends_sentence(body[a[0]].raw)
        and a[2] < full - 2
        and not b[3]
    ]
    if len(ends) < 2 or 10 * sum(ends) < 9 * len(ends):
        return set()  # 款 not marked, only the articles (blank lines between them, labels set in)
    # items marked as 款 are (nine in ten of those after a line that ends a clause): then an
    # unmarked line that opens like one is a broken reference (第（一）、（三）、⏎（七）项…)
    items = [b[1] for a, b in pairs if body[b[0]].kind in _ITEMS and ends_paragraph(body[a[0]].raw)]
    kinds = {"text"} | (_ITEMS if len(items) >= 2 and 10 * sum(items) >= 9 * len(items) else set())
    return {
        b[0]
        for a, b in pairs
        if not b[1]
        and body[b[0]].kind in kinds
        and not (b[3] and ends_sentence(body[a[0]].raw) and a[2] < full - 2)
        and not (body[b[0]].kind in _ITEMS and _item_ended(body, b[0]))
    }


def _heading_goes_on(body: list[Seg], i: int) -> int | None:
    """Under a label alone, ``body[i]`` opens a （heading） that a wrap broke: （业主委员会委员 ⏎
    条件）业主委员会…. The index of the line that closes it, no blank line between, the heading
    24 characters at most and without sentence punctuation."""
    raw = body[i].raw.strip()
    if raw[:1] not in "（(" or "）" in raw or ")" in raw or i + 1 >= len(body):
        return None
    nxt = body[i + 1]
    if nxt.kind != "text":
        return None
    ends = [k for k in (nxt.raw.find("）"), nxt.raw.find(")")) if k >= 0]
    if not ends:
        return None
    heading = raw[1:] + nxt.raw[: min(ends)]
    if len(heading) > 24 or re.search(r"[，,。；;：:（(]", heading):
        return None
    return i + 1


# a line that is a 【heading】 and nothing else
RE_HEADING_LINE = re.compile(r"【([^【】]{1,24})】")


def _headings_above(body: list[Seg]) -> dict[int, int]:
    """Article label → the line right above it (no other line between, blank lines and page
    furniture aside) that is a 【heading】 alone, where the label carries none of its own:
    【适用范围】 ⏎ 第二条　…"""
    out: dict[int, int] = {}
    for i, s in enumerate(body):
        if s.kind != "text" or s.key[:1] != "【" or not RE_HEADING_LINE.fullmatch(s.key):
            continue
        j = next(
            (k for k in range(i + 1, len(body)) if body[k].kind not in ("blank", "noise")), None
        )
        if j is not None and body[j].kind == "article" and not _after_heading(body[j].rest)[0]:
            out[j] = i
    return out


def _is_article(s: Seg) -> bool:
    return s.kind == "article"


def _item_ended(body: list[Seg], i: int) -> bool:
    """The text before the item ``body[i]`` ends a clause: … （二）公务船舶专用码头用海； ⏎
    （三）…, items run together on lines broken at the margin, not a broken reference."""
    prev = next((s for s in reversed(body[:i]) if s.kind not in ("blank", "noise")), None)
    return prev is not None and prev.kind in _ITEMS and ends_paragraph(prev.raw)


def _full_lines_go_on(text: str, body: list[Seg]) -> set[int]:
    """The lines that go on the 款 of the line above in a copy broken at a fixed width with no
    marks at all — no indent, no blank lines (a PDF's text pasted flat): where the line above
    fills the type area, it is the type area's break, not the 款's end, whatever it ends with.
    A style of the whole body: five or more lines under a line that ends mid-sentence, nine in
    ten of those lines at one width (the type area, a closing mark hanging past it aside), the
    labels at the margin, hardly a blank line. A shorter line ends its 款 as before."""
    # (first, cheaply, the text lines under a line that does not end a sentence: a copy with
    # its 款 on lines of their own has next to none)
    under = 0
    for a, b in zip(body, body[1:], strict=False):
        if b.kind == "text" and a.kind in _RUNS_ON and a.raw[-1:] not in TERMINAL:
            under += 1
            if under >= 5:
                break
    else:
        return set()
    lines = []  # (index, width) of each line's first segment
    blanks = shown = 0
    for i, s in enumerate(body):
        if s.kind in ("blank", "noise"):
            blanks += s.kind == "blank"
            continue
        ls = text.rfind("\n", 0, s.start) + 1
        if text[ls : s.start].strip(INVISIBLE):
            if not text[ls : s.start].strip(_MARGIN + INVISIBLE):
                return set()  # a line set in: marked, not flat
            continue  # not the line's first segment
        shown += 1
        stop = text.find("\n", ls)
        lines.append((i, _width(text[ls : stop if stop >= 0 else None].rstrip())))
    if 10 * blanks > shown:
        return set()
    pairs = [
        (a, b)
        for a, b in zip(lines, lines[1:], strict=False)
        if body[a[0]].kind in _RUNS_ON and body[b[0]].kind == "text" and b[0] == a[0] + 1
    ]
    wrapped = [a[1] for a, b in pairs if not ends_sentence(body[a[0]].raw) and a[1] >= 12]
    if len(wrapped) < 5:
        return set()
    full = max(set(wrapped), key=lambda w: sum(w <= v <= w + 2 for v in wrapped))
    if 10 * sum(full <= w <= full + 2 for w in wrapped) < 9 * len(wrapped):
        return set()
    return {
        b[0]
        for a, b in pairs
        if a[1] >= full and body[a[0]].raw.rstrip(_MARGIN).endswith(("；", ";"))
    }


def _after_blank(body: list[Seg], i: int) -> bool:
    """A blank line stands before ``body[i]``, page furniture aside."""
    k = i - 1
    while k >= 0 and body[k].kind == "noise":
        k -= 1
    return k >= 0 and (body[k].kind == "blank" or body[i].blank_before)


def _margin_lead(lead: str) -> str:
    """What stands before a line's first segment, as its indent: after a line number in the
    margin, zero-width spaces aside."""
    if lead.strip(_MARGIN) and (m := RE_LINE_NUMBER.match(lead)):
        lead = lead[m.end(1) :]
    return lead.strip(INVISIBLE)


_RUNS_ON = frozenset({"text", "article", "item", "subitem"})
_ITEMS = frozenset({"item", "subitem"})


def body_structure(
    text: str, body: list[Seg], norm, warnings: list[str], title_key: str = "", doc_id: str = ""
):
    """Chapters, sections, articles, the preamble (text before the first article) and the
    parts (编) of a body; ``norm`` normalizes a source string; warnings are appended to
    ``warnings``."""
    chapters: list[Chapter] = []
    sections: list[Section] = []
    parts: list[Part] = []
    built: list[_A] = []
    chapter: Chapter | None = None
    section: Section | None = None
    part: Part | None = None
    cur: _A | None = None
    consumed: set[int] = set()  # a heading's title read from the next line
    preamble: list[str] = []

    bare = _bare_chapters(body)  # index → chapter number: bare titles the 目录 names

    def is_real_heading(i: int, level: str) -> bool:
        stop = {
            "part": ("part",),
            "chapter": ("chapter", "part"),
            "section": ("chapter", "part", "section"),
        }[level]
        for k in range(i + 1, len(body)):
            s = body[k]
            if s.kind == "article":
                return True
            if (s.kind in stop and not (level == "part" and _sub_part(s))) or k in bare:
                return False
        return False

    # the key of each article's text after its label and heading, for all articles in one
    # call of OpenCC (is it an item: 第五条 （一）…?)
    arts = [s for s in body if s.kind == "article"]
    rest_keys = dict(
        zip(map(id, arts), keys_of([_after_heading(s.rest)[1] for s in arts]), strict=True)
    )

    line_headings = _line_headings(body, rest_keys)
    item_headings = _item_headings(body)
    at_margin = _wrapped_at_margin(text, body) or _full_lines_go_on(text, body)
    above = _headings_above(body)  # 【适用范围】 ⏎ 第二条　…: the heading on the line above
    consumed.update(above.values())
    last = -1  # the index of the line read before this one (no blank line or noise)
    for i, s in enumerate(body):
        if i in consumed:
            continue
        if s.kind in ("blank", "noise", "toc", "note"):
            continue
        prev, last = last, i
        if s.kind == "title" and title_key and s.key.strip("《》") == title_key:
            continue  # the title repeated as a running page header
        if (
            s.kind == "title"
            and cur is not None
            and cur.paras
            and not ends_paragraph(cur.last_text)
        ):
            continue  # a running page header inside a broken sentence
        if i in bare and (cur is None or ends_sentence(cur.last_text)):
            label = f"第{_cn(bare[i])}章"
            chapter = Chapter(
                bare[i], label, norm(s.raw).replace(" ", ""), s.start, s.end, _no(part)
            )
            chapters.append(chapter)
            section = cur = None
            continue  # 总  则, a chapter the 目录 lists as 第一章 总则
        if (
            s.kind == "text"
            and s.key in BARE_HEADINGS
            and (cur is None or ends_sentence(cur.last_text))
        ):
            cur = chapter = section = None
            if s.key == "附则":
                part = None  # a code's 附则 after its last 编 is in none
            continue  # a heading without a 第X章 label (附  则): its articles are in no chapter
        if (
            ((s.kind == "item" and RE_ORDINAL_HEADING.match(s.key)) or RE_DIVISION.match(s.key))
            and (cur is None or cur.last_text.rstrip().endswith(("。", "！", "？")))
            and _heads_an_article(body, i)
        ):
            cur = None
            continue  # 二、关于保证合同 between two articles (a 司法解释's parts): no 项 of either
        if s.kind in ("chapter", "section", "part"):
            if not is_real_heading(i, "chapter" if _sub_part(s) else s.kind):
                continue  # a table-of-contents entry
            title_raw, end = s.rest, s.end
            j = next(
                (k for k in range(i + 1, len(body)) if body[k].kind not in ("blank", "noise")), None
            )
            if (
                not title_raw
                and j is not None
                and body[j].kind in ("text", "title")
                and len(body[j].key) <= 20
            ):
                title_raw, end = body[j].raw, body[j].end  # 第一章 / 总则 on two lines
                consumed.add(j)
            elif (
                j is not None
                and body[j].kind == "text"
                and len(body[j].key) <= 30
                and not re.search(r"[。；;：:]", body[j].key)
                and (_RE_TITLE_GOES_ON.search(title_raw) or _wrapped_title(body, i, j, s.kind))
            ):
                title_raw, end = (
                    title_raw + body[j].raw,
                    body[j].end,
                )  # …主席、副主席，乡长、 / 副乡长…
                consumed.add(j)
            label = (
                f"第{label_num(s.raw)}{ {'chapter': '章', 'section': '节', 'part': '编'}[s.kind] }"
            )
            if s.kind == "section":
                section = Section(
                    s.num,
                    label,
                    norm(title_raw).replace(" ", ""),
                    chapter.no if chapter else None,
                    s.start,
                    end,
                    _no(part),
                )
                sections.append(section)
            elif s.kind == "chapter":
                chapter = Chapter(
                    s.num, label, norm(title_raw).replace(" ", ""), s.start, end, _no(part)
                )
                chapters.append(chapter)
                section = None
            else:  # a 编 opens a new part: its articles belong to no chapter until one begins
                chapter = section = None
                if not _sub_part(s):  # a 分编 (民法典) stays inside its 编
                    part = Part(s.num, label, norm(title_raw).replace(" ", ""), s.start, end)
                    parts.append(part)
            cur = None
            continue
        if s.kind == "article":
            cur = _A(seg=s, chapter=chapter, section=section, part=part, end=s.end)
            built.append(cur)
            m, rest = _after_heading(s.rest)
            if m:
                cur.heading = norm(m.group(1) or m.group(2)).strip()
                cur.heading_raw = m.group(0)
            elif i in line_headings:  # 第二条 存单纠纷案件的案由 ⏎ 人民法院可将…
                cur.heading, cur.heading_raw, rest = norm(rest).strip(), rest, ""
            elif i in above:
                h = RE_HEADING_LINE.fullmatch(body[above[i]].key)
                cur.heading, cur.heading_raw = norm(h.group(1)).strip(), body[above[i]].raw
            if rest:
                rs = s.end - len(rest)
                if RE_ITEM.match(rest_keys[id(s)]):
                    _add_item(cur, rs, s.end, rest, rest_keys[id(s)])
                else:
                    cur.paras.append(_P(parts=[(rs, s.end)], start=rs, end=s.end))
                    cur.last_text = rest
            continue
        if (
            cur is None
            and chapter is not None
            and section is None
            and s.kind in ("text", "title")  # (一般规定 ends as a title may)
            and (not built or built[-1].chapter is not chapter)
            and _lost_first_section(body, i)
        ):  # 第三章 ⏎ 一般规定 ⏎ 第三十三条 … ⏎ 第二节 …: its 第一节 label was lost
            section = Section(
                1, "第一节", norm(s.raw).replace(" ", ""), chapter.no, s.start, s.end, _no(part)
            )
            sections.append(section)
            continue
        if cur is None:
            if s.kind in ("text", "item", "subitem", "title", "notice", "tizhu"):
                if not built:  # a 序言 or preamble before the first article
                    line = norm(s.raw)
                    if not (preamble and line == preamble[-1] and RE_PREAMBLE.fullmatch(line)):
                        preamble.append(line)  # 序言 twice: the 目录's entry, then the heading
                else:
                    warnings.append(f"text outside any article ignored: {norm(s.raw)[:30]}")
            continue
        # a heading on its own line right after a bare label: 第三条 / （目的与依据） / 正文
        if not cur.paras and cur.heading is None and s.kind == "text":
            m = RE_HEADING.match(s.raw)
            if m and not _RE_REPEALED.fullmatch(s.raw.strip()):
                cur.heading = norm(m.group(1) or m.group(2)).strip()
                cur.heading_raw = m.group(0)
                cur.end = s.end
                body_raw = s.raw[m.end() :]
                if body_raw.strip():  # （目的和依据）为了规范…: heading, then the body
                    bs = s.end - len(body_raw.lstrip())
                    cur.paras.append(_P(parts=[(bs, s.end)], start=bs, end=s.end))
                    cur.last_text = body_raw
                continue
            if (j := _heading_goes_on(body, i)) is not None:  # （业主委员会委员 ⏎ 条件）业主…
                nxt = body[j]
                close = min(k for k in (nxt.raw.find("）"), nxt.raw.find(")")) if k >= 0)
                cur.heading = norm(s.raw.strip()[1:] + nxt.raw[:close]).strip()
                cur.heading_raw = s.raw + nxt.raw[: close + 1]
                consumed.add(j)
                body_raw = nxt.raw[close + 1 :]
                cur.end = nxt.end
                if body_raw.strip():
                    bs = nxt.end - len(body_raw.lstrip())
                    cur.paras.append(_P(parts=[(bs, nxt.end)], start=bs, end=nxt.end))
                    cur.last_text = body_raw
                continue
        cur.end = s.end
        if i in at_margin and cur.paras:
            # …制作调解书。当事人不愿调解或者调解不成 ⏎ 的，…; …第（一）、（三）、 ⏎ （七）项规定的
            _extend(cur, s, new_line=False)
        elif s.kind == "item":
            _add_item(cur, s.start, s.end, s.raw, s.key)
        elif (
            s.kind == "subitem"
            and s.key[:1] in _CIRCLED
            and (not cur.paras or cur.last_text.rstrip().endswith(("。", "！", "？")))
        ):
            # ①市、区人民政府应当…。⏎ ②…: a web page's numbers of the 款, not 目 — a circled
            # number that opens the article's text or follows a finished sentence
            cur.paras.append(_P(parts=[(s.start, s.end)], start=s.start, end=s.end))
            cur.in_item = False
            cur.last_text = s.raw
        elif (
            s.kind == "text"
            and cur.in_item
            and cur.last_text.rstrip().endswith("。")
            and _item_sentence_goes_on(body, i)
        ):
            # （四）…队伍。⏎ 发生突发事件时，…；⏎ （五）…: the item's second sentence on a line
            # of its own, the list going on after it
            _extend(cur, s, new_line=False)
        elif s.kind == "subitem" and cur.in_item and cur.paras[-1].style == "cn":
            _extend(cur, s, new_line=True)  # a 目 inside a （一） item
        elif (
            s.kind == "subitem"
            and cur.in_item
            and cur.paras[-1].style == "num"
            and _marker_kind(s.key) not in (0, cur.paras[-1].marker)
            and (cur.paras[-1].sub or cur.last_text.rstrip().endswith(("：", ":")))
        ):
            # 3.收入、住房状况证明材料，包括： ⏎ (1)劳动合同…: a 目 of a 1. item, numbered otherwise
            _extend(cur, s, new_line=True)
            cur.paras[-1].sub = True
        elif s.kind == "subitem":
            _add_item(cur, s.start, s.end, s.raw, s.key, style="num")
        elif (
            cur.paras
            and not cur.in_item
            and (
                cur.last_text.rstrip().endswith(("：", ":"))
                or (len(cur.paras[-1].parts) > 1 and _formula_line(cur.last_text))
            )
            and _formula_line(s.raw)
        ):
            _extend(cur, s, new_line=True)  # …的计算公式为： ⏎ 应纳税额＝销售额×比例税率: its 款
        elif (
            cur.paras
            and not ends_paragraph(cur.last_text)
            and not _unpunctuated_list(text, cur)
            and not _RE_FORMULA.search(cur.last_text)
        ):
            # a line broken mid-sentence; after an item's own heading line (（一）配制记录 ⏎
            # 配制记录应包括：…) a new line of the item
            _extend(cur, s, new_line=prev in item_headings)
        else:
            cur.paras.append(_P(parts=[(s.start, s.end)], start=s.start, end=s.end))
            cur.in_item = False
            cur.last_text = s.raw

    lines = _pieces(text, built)
    if hasattr(norm, "prefetch"):
        norm.prefetch([ln for ls in lines.values() for ln in ls])  # one normalization call
    articles = [_finish(text, a, norm, doc_id, lines) for a in built]
    _check_numbering(articles, warnings)
    return chapters, sections, articles, unwrap(preamble), parts


_CIRCLED = frozenset("①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳")

# a formula (应纳税额＝销售额×比例税率) is a line of its own, unpunctuated: it goes on in no line
_RE_FORMULA = re.compile(r"[^\s＝=][＝=÷][^\s＝=]")


def _formula_line(raw: str) -> bool:
    """A line that is a formula (应纳税额＝销售额×比例税率), no sentence around it."""
    return bool(_RE_FORMULA.search(raw)) and not re.search(r"[，,；;：:]", raw)


def _unpunctuated_list(text: str, a: _A) -> bool:
    """Items drafted without punctuation (（一）发布公告　（二）报名…): a line break ends the last
    one, it does not continue it."""
    p = a.paras[-1] if a.paras else None
    if not a.in_item or not p or len(p.items) < 2:
        return False
    return not any(ends_paragraph(text[sp[0][0] : sp[-1][1]]) for sp in p.items[:-1])


def _bare_chapters(body: list[Seg]) -> dict[int, int]:
    """Chapter headings written without their 第…章 label, known from the 目录: when a run of
    chapter headings numbered 1, 2, 3 … stands before the first article (a table of contents),
    a line of the body that is exactly the title the 目录 gives the next chapter opens it
    (目录 ``第一章 总 则`` … then ``总 则`` over 第一条). ``{segment index: chapter number}``."""
    first_art = next((i for i, s in enumerate(body) if s.kind == "article"), len(body))
    toc = [s for s in body[:first_art] if s.kind == "chapter"]
    if len(toc) < 2 or [s.num for s in toc] != list(range(1, len(toc) + 1)):
        return {}
    titles = {s.num: s.rest for s in toc}
    out: dict[int, int] = {}
    last = 0
    for i, s in enumerate(body):
        if i < first_art and s.kind == "chapter":
            continue  # the 目录 itself
        if s.kind == "chapter" and s.num is not None:
            last = s.num
        elif s.kind in ("text", "title") and s.key == titles.get(last + 1):
            out[i] = last = last + 1
    return out


def _line_headings(body: list[Seg], rest_keys: dict[int, str]) -> set[int]:
    """The article lines whose text after the label is a heading without brackets, the style of
    older 司法解释 (第二条 存单纠纷案件的案由 ⏎ 人民法院可将…): a phrase of at most 20 characters
    without punctuation, the next line a text line more than twice as long as the label's line
    (a line broken by a fixed width is never shorter than the line after it, so a wrapped
    sentence is not taken). It is a style of the whole instrument: at least two articles written
    so, and with the articles of the same style (a phrase of up to 40 characters) whose next line
    is text or an item (第五条 对一般存单纠纷案件的认定和处理 ⏎ （一）认定) two thirds of all; a line
    broken after a few words here and there (a web copy's stray breaks) is no heading, nor a
    phrase with the words of a rule (应当, 适用, 为了 …: ``rest_keys``, the simplified keys of
    the articles' text)."""
    strict, loose = set(), set()
    for i, s in enumerate(body):
        rest = _after_heading(s.rest)[1].strip() if s.kind == "article" else ""
        if not _RE_LINE_HEADING.fullmatch(rest) or _RE_RULE_WORDS.search(rest_keys[id(s)]):
            continue
        nxt = next(_shown_after(body, i), None)
        if nxt is None:
            continue
        length = len(nxt.raw.strip())
        if nxt.kind == "text" and len(rest) <= 20 and length >= 20 and length > 2 * len(s.raw):
            strict.add(i)
        elif nxt.kind in ("text", "item"):
            loose.add(i)
    # a style of the whole instrument, not a line broken after a few words here and there
    articles = sum(1 for s in body if s.kind == "article")
    if len(strict) < 2 or 3 * len(strict | loose) < 2 * articles:
        return set()
    return strict | loose


def _item_sentence_goes_on(body: list[Seg], i: int) -> bool:
    """The text from ``body[i]`` on (over wrapped lines) ends with ；and an item follows it: the
    second sentence of the item before, the list going on (…队伍。⏎ 发生突发事件时，…；⏎ （五）)."""
    for k, s in enumerate(itertools.islice(body, i, i + 8), i):
        if s.kind in ("blank", "noise", "note"):
            continue
        if s.kind != "text":
            return False
        line = s.raw.rstrip()
        if line.endswith(("；", ";")):
            return next((b.kind for b in _shown_after(body, k)), None) == "item"
        if ends_paragraph(line):
            return False
    return False


def _lost_first_section(body: list[Seg], i: int) -> bool:
    """``body[i]``, a short line without punctuation between a chapter heading and an article,
    is the title of the chapter's first section whose 第一节 label was lost: the chapter's first
    labelled section is its 第二节."""
    key = body[i].key
    if len(key) > 20 or not _RE_LINE_HEADING.fullmatch(key) or _RE_RULE_WORDS.search(key):
        return False
    nxt = next(_shown_after(body, i), None)
    if nxt is None or nxt.kind != "article":
        return False
    for s in itertools.islice(body, i + 1, None):
        if s.kind in ("chapter", "part"):
            return False
        if s.kind == "section":
            return s.num == 2
    return False


def _item_headings(body: list[Seg]) -> set[int]:
    """The items that are a heading on a line of their own, the item's text on the next line
    (（一）配制规程和标准操作规程 ⏎ 配制规程包括：…): a phrase of at most 20 characters without
    punctuation, the next line a text line at least 20 characters long and more than twice as
    long. A style of the instrument: at least two items written so (a line broken after a few
    words here and there is no heading); then also those whose text line is shorter."""
    strict, loose = set(), set()
    short = [i for i, s in enumerate(body) if s.kind == "item" and len(s.key) <= 26]
    if len(short) < 2:  # (a marker, then at most 20 characters)
        return set()
    for i in short:
        s = body[i]
        m = RE_ITEM.match(s.key)
        rest = s.key[m.end() :] if m else s.key
        if not _RE_LINE_HEADING.fullmatch(rest) or len(rest) > 20 or _RE_RULE_WORDS.search(rest):
            continue
        nxt = next(_shown_after(body, i), None)
        if nxt is not None and nxt.kind == "text":
            length = len(nxt.key)
            (strict if length >= 20 and length > 2 * len(s.key) else loose).add(i)
    # with the style shown, an item whose text line is short has a heading line too
    return strict | loose if len(strict) >= 2 else set()


# the words of a rule's sentence, never of a heading (a line broken after 本条例适用于本市…)
_RE_RULE_WORDS = re.compile(
    r"应当|可以|不得|必须|负责|适用|为了|根据|依照|按照|依据|本(?:条例|办法|规定|法|细则|决定)|是指|所称"
)
# a heading written after the label without brackets: no punctuation, not opened by a bracket
_RE_LINE_HEADING = re.compile(r"[^\s。；;：:，,、！？（(【\[<“\"][^\s。；;：:，,、！？]{1,39}")


def _after_heading(rest: str) -> tuple[re.Match | None, str]:
    """An article's text after its label: the heading that opens it (（目的）…) and what follows."""
    m = RE_HEADING.match(rest)
    if m and not RE_ITEM.match(rest) and not _RE_REPEALED.fullmatch(rest.strip()):
        return m, rest[m.end() :].lstrip().lstrip("*").lstrip()
    return None, rest


# what stands in an article that was deleted (第一百九十九条 （删去）): its text, not a heading
_RE_REPEALED = re.compile(
    r"[（(【\[]已?(?:删去|删除|刪去|刪除|废止|廢止|取消)[）)】\]]"
)  # (繁体 too)


def _add_item(a: _A, start: int, end: int, raw: str, key: str, style: str = "cn") -> None:
    """An item (项) of ``a`` from ``raw`` (``key``: its :func:`key_of`)."""
    if not a.paras or (a.paras[-1].style and a.paras[-1].style != style):
        a.paras.append(_P(start=start, end=end))
    p = a.paras[-1]
    p.style = style
    p.marker = p.marker or (_marker_kind(key) if style == "num" else 0)
    p.sub = False
    p.items.append([(start, end)])
    p.item_nos.append(_item_no(key, len(p.items)))
    p.end = end
    a.in_item = True
    a.last_text = raw


def _marker_kind(key: str) -> int:
    """Which kind of number opens ``key``: 1 for (1), 2 for ①, 3 for 1., 4 for ⑴; 0 none."""
    m = RE_SUBITEM.match(key)
    return next((k for k in range(1, 5) if m.group(k)), 0) if m else 0


def _item_no(key: str, default: int) -> int:
    m = RE_ITEM.match(key)
    if m:
        if m.group(2):
            return ord(m.group(2)) - ord("㈠") + 1
        return to_int(m.group(1) or m.group(3))
    m = RE_SUBITEM.match(key)
    if m:
        if m.group(2):
            return ord(m.group(2)) - ord("①") + 1
        if m.group(4):
            return ord(m.group(4)) - ord("⑴") + 1
        return int(m.group(1) or m.group(3))
    return default


def _extend(a: _A, s: Seg, new_line: bool) -> None:
    p = a.paras[-1]
    if a.in_item and p.items:
        p.items[-1].append((s.start, s.end) if not new_line else (-s.start - 1, s.end))
    else:
        p.parts.append((s.start, s.end) if not new_line else (-s.start - 1, s.end))
    p.end = s.end
    a.last_text = s.raw


def _join(text: str, spans: list[tuple[int, int]], norm, known: dict | None = None) -> str:
    """The normalized text of source spans: pieces of one broken line are joined before they are
    normalized (社群資 / 訊共享 is one word); a sub-item (1. 2.) keeps its own line. ``known``:
    the lines of span lists already cut (:func:`_pieces`)."""
    lines = known.get(id(spans)) if known else None
    if lines is None:
        lines = _lines(text, spans)
    return "\n".join(norm(line) for line in lines)


def _lines(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The source lines :func:`_join` normalizes: the spans of each line, trimmed and joined."""
    lines: list[list[str]] = [[]]
    for st, en in spans:
        if st < 0:
            lines.append([])
            st = -st - 1
        piece = text[st:en]
        lines[-1].append(rstrip_edge(piece[RE_EDGE.match(piece).end() :]))
    return ["".join(parts) for parts in lines]


def _pieces(text: str, built: list[_A]) -> dict[int, list[str]]:
    """The lines the articles' 款 and 项 will normalize (what ``norm.prefetch`` takes), by the
    ``id`` of their span list: cut once, while ``built`` holds the lists."""
    out: dict[int, list[str]] = {}
    for a in built:
        for p in a.paras:
            if p.parts:
                out[id(p.parts)] = _lines(text, p.parts)
            for spans in p.items:
                out[id(spans)] = _lines(text, spans)
    return out


def _paragraph(text: str, n: int, p: _P, norm, known: dict | None = None) -> Paragraph:
    lead = _join(text, p.parts, norm, known) if p.parts else ""
    items = []
    for no, spans in zip(p.item_nos, p.items, strict=True):
        full = _join(text, spans, norm, known)
        m = RE_MARKER.match(full)
        label = sys.intern(m.group(0).strip()) if m else ""  # （一） …: one string for all
        istart = spans[0][0]
        iend = spans[-1][1]
        items.append(
            Item(no, label, full[m.end() :] if m else full, text[istart:iend], istart, iend)
        )
    pstart = p.parts[0][0] if p.parts else p.items[0][0][0]
    return Paragraph(n, lead, text[pstart : p.end], pstart, p.end, tuple(items))


def _finish(text: str, a: _A, norm, doc_id: str, known: dict | None = None) -> Article:
    s = a.seg
    paras = [_paragraph(text, n, p, norm, known) for n, p in enumerate(a.paras, 1)]
    lines = []
    for p in paras:
        if p.text:
            lines.append(p.text)
        lines.extend(f"{it.label}{it.text}" for it in p.items)
    # one string per label for all the articles of a collection (第一条 ×2,000)
    label = sys.intern(f"第{label_num(s.raw)}条" + (f"之{_cn(s.sub)}" if s.sub else ""))
    return Article(
        doc_id=doc_id, no=s.num, label=label, heading=a.heading,
        chapter_no=a.chapter.no if a.chapter else None, chapter_title=a.chapter.title if a.chapter else None,
        section_no=a.section.no if a.section else None, section_title=a.section.title if a.section else None,
        text="\n".join(lines), original=text[s.start : a.end], start=s.start, end=a.end,
        paragraphs=tuple(paras), part_no=_no(a.part), part_title=a.part.title if a.part else None,
    )  # fmt: skip


def _no(part: Part | None) -> int | None:
    return part.no if part else None


def _sub_part(s: Seg) -> bool:
    """第一分编 通则: a part of a 编 (民法典), not a 编."""
    return s.kind == "part" and "分编" in s.key[:10]


def _cn(n: int) -> str:
    import cn2an

    return cn2an.an2cn(n)


def _check_numbering(articles: list[Article], warnings: list[str]) -> None:
    seen: set[int] = set()
    prev, prev_label = 0, "the start"
    for a in articles:
        if "之" in a.label and a.no == prev:  # an inserted article, 第十条之一 after 第十条
            prev_label = a.label
            continue
        if a.no in seen:
            warnings.append(f"article number repeated: {a.label} after {prev_label}")
        elif a.no != prev + 1:
            if a.no < prev:
                warnings.append(f"article numbers out of order: {a.label} after {prev_label}")
            else:
                warnings.append(f"article numbering jumps from {prev_label} to {a.label}")
        seen.add(a.no)
        prev, prev_label = a.no, a.label


# -- instruments drafted without articles -----------------------------------------------------


def paragraph_instrument(segs: list[Seg], titled: bool = False) -> Instrument | None:
    """A text without article labels read as one instrument of paragraphs: the header ends at
    the first numbered paragraph (一、), heading (第一章) or, with neither, at the first text after
    the title, 题注 and notices. None when there is no such text, or when the text has neither a
    title nor numbered paragraphs (a news item that cites a law is no instrument); ``titled``:
    the file's markup names it (# 人体损伤程度鉴定标准, a title of no kind the parser knows)."""
    kinds = [s.kind for s in segs]
    numbered = next((i for i, s in enumerate(segs) if _top_numbered(s)), None)
    titled = titled or any(k in ("title", "notice") for k in kinds[: numbered or len(kinds)])
    titled = titled or wrapped_title(segs) is not None
    if numbered is None and not titled:
        return None
    start = next(
        (i for i, s in enumerate(segs) if _top_numbered(s) or s.kind in ("chapter", "section")),
        None,
    )
    if start is not None and _top_numbered(segs[start]) and _top_no(segs[start]) != 1:
        start = None  # 三、 first: the source lost 一、 and 二、, whose text comes before it
    if start is None:
        last_head = max(
            (i for i, k in enumerate(kinds) if k in ("title", "tizhu", "notice")), default=-1
        )
        # (a 题注 broken by a wrap goes on until its verb or its closing bracket)
        while last_head >= 0 and kinds[last_head] in ("tizhu", "text"):
            key = segs[last_head].key
            if ends_sentence(key) or key.endswith(("）", ")")) or RE_TIZHU_VERB_END.search(key):
                break
            nxt = next((k for k in range(last_head + 1, len(segs)) if segs[k].raw), None)
            if nxt is None or kinds[nxt] != "text" or segs[nxt].blank_before:
                break
            last_head = nxt
        # (the end of a Markdown law file's own header: # title, date lines, <!-- INFO END -->)
        info_end = next((i for i, s in enumerate(segs) if RE_INFO_END.match(s.raw)), -1)
        start = next(
            (
                i
                for i in range(max(last_head, info_end) + 1, len(segs))
                if kinds[i] in ("text", "item") and not _header_line(segs[i].key)
            ),
            None,
        )
    if start is None:
        return None
    end = max(i for i, k in enumerate(kinds) if k not in ("blank", "noise")) + 1
    return Instrument(0, start, _closing_start(segs, start, end), end)


def _closing_start(segs: list[Seg], start: int, end: int) -> int:
    """Where the 落款 under a text of paragraphs begins — up to three signing organs, one a
    line, then the date alone (农业农村部 ⏎ 2019年3月5日) — or ``end`` when it has none."""
    shown = [i for i in range(start, end) if segs[i].kind not in ("blank", "noise")]
    k = closing_start([segs[i].key for i in shown])
    return shown[k] if k is not None and shown[k] > start else end


# header lines before the body of a text without articles: a 文号 (高检发释字〔2001〕3号), a date
# line of a collection (2001年7月5日 施行), an addressee (各省、自治区、直辖市人民政府：)
_RE_HEADER_LINE = re.compile(
    r"[^，,。；;：:]{1,24}[〔［\[（(【]\d{4}[〕］\]）)】]第?\d{1,5}号"
    rf"|(?:{RE_DATE.pattern}|{RE_CN_DATE.pattern})(?:起?施行|起?实施)"
    r"|[^，,。；;：:“”]{2,120}(?<!如下)[：:]"
)


def _header_line(key: str) -> bool:
    return bool(_RE_HEADER_LINE.fullmatch(key))


def _markdown_heading(text: str, s: Seg) -> bool:
    """The source line of ``s`` is a Markdown heading (``## 一、制度工作时间的计算``)."""
    head = text[text.rfind("\n", 0, s.start) + 1 : s.start].lstrip()
    return head.startswith("#")


def _top_no(s: Seg) -> int | None:
    m = RE_ITEM.match(s.key)
    return to_int(m.group(3)) if m and m.group(3) else None


def _top_numbered(s: Seg) -> bool:
    """一、 at the start of a line: a numbered paragraph of a 决定 (not a （一） item)."""
    if s.kind != "item":
        return False
    m = RE_ITEM.match(s.key)
    return bool(m and m.group(3))


def _quote_goes_on(before: str, line: str) -> bool:
    """``line`` opens with “ while the paragraph ``before`` it left a quotation open (its last “
    after its last ”: a quoted 款 opens with “ and only the last one closes)."""
    return line.lstrip().startswith(("“", "「")) and max(
        before.rfind("“"), before.rfind("「")
    ) > max(before.rfind("”"), before.rfind("」"))


def _set_in(text: str, body: list[Seg]):
    """A test of a segment: it opens its line after an indent (　　在刑法第三十七条后…) or after a
    blank line — as a paragraph of a copy marks its start."""
    ids = set()
    for i, s in enumerate(body):
        if s.kind in ("blank", "noise"):
            continue
        lead = _margin_lead(text[text.rfind("\n", 0, s.start) + 1 : s.start])
        if not lead.strip(_MARGIN) and (lead or _after_blank(body, i)):
            ids.add(id(s))
    return lambda s: id(s) in ids


def paragraph_structure(text: str, body: list[Seg], norm):
    """Chapters, sections and paragraphs of a body without articles. Where the paragraphs are
    numbered (一、二、) an unnumbered line goes on with the numbered paragraph before it (the
    quoted text of an amendment, a closing sentence); otherwise each paragraph of the source is
    one. （一） items belong to the paragraph above them."""
    chapters: list[Chapter] = []
    sections: list[Section] = []
    numbered = any(_top_numbered(s) for s in body)
    holder = _A(seg=body[0]) if body else None  # the paragraphs, built as one article's 款
    chapter: Chapter | None = None
    prev_heading = False  # the line before was a Markdown heading (## 一、…): a line of its own
    # a copy broken at a fixed width whose paragraphs are set in: a line at the margin goes on
    # (one whose 一、 paragraphs are set in, as an article's labels are)
    # (or, unnumbered, whose paragraphs are set in: each line at an indent opens one)
    at_margin = (
        _wrapped_at_margin(text, body, _top_numbered)
        if numbered
        else _wrapped_at_margin(text, body, _set_in(text, body), every=True)
    )
    for n, s in enumerate(body):
        if s.kind in ("blank", "noise", "toc", "note"):
            continue
        if n in at_margin and holder.paras:
            _extend(holder, s, new_line=False)
            continue
        heading = _markdown_heading(text, s)  # opens a paragraph, as 一、 does
        own_line, prev_heading = prev_heading, heading
        if s.kind in ("chapter", "section", "part") and s.rest:
            label = (
                f"第{label_num(s.raw)}{ {'chapter': '章', 'section': '节', 'part': '编'}[s.kind] }"
            )
            title = norm(s.rest).replace(" ", "")
            if s.kind == "chapter":
                chapter = Chapter(s.num, label, title, s.start, s.end)
                chapters.append(chapter)
            elif s.kind == "section":
                sections.append(
                    Section(s.num, label, title, chapter.no if chapter else None, s.start, s.end)
                )
            continue
        finished = ends_paragraph(holder.last_text)
        top = _top_numbered(s) or heading
        own_line = own_line or bool(_RE_FORMULA.search(holder.last_text))
        # a quoted provision of several paragraphs (an amendment's new text: each of them opens
        # with “, only the last closes) is one paragraph of the instrument, a line each
        quoted = (
            finished
            and not top
            and bool(holder.paras)
            and _quote_goes_on(text[holder.paras[-1].start : s.start], s.raw)
        )
        if not holder.paras or top or (not numbered and finished and not quoted):
            if s.kind in ("item", "subitem") and holder.paras and not top:
                _add_item(holder, s.start, s.end, s.raw, s.key, "cn" if s.kind == "item" else "num")
                continue
            holder.paras.append(_P(parts=[(s.start, s.end)], start=s.start, end=s.end))
            holder.in_item, holder.last_text = False, s.raw
            continue
        if s.kind in ("item", "subitem"):
            _add_item(holder, s.start, s.end, s.raw, s.key, "cn" if s.kind == "item" else "num")
        elif holder.in_item and not finished:
            _extend(holder, s, new_line=own_line)  # an item broken over two lines
        elif holder.in_item and not quoted:  # text after the items: a paragraph of its own
            holder.paras.append(_P(parts=[(s.start, s.end)], start=s.start, end=s.end))
            holder.in_item, holder.last_text = False, s.raw
        else:  # the paragraph goes on: a broken line, or a new line of it
            p = holder.paras[-1]
            p.parts.append(
                (s.start, s.end) if not (finished or own_line) else (-s.start - 1, s.end)
            )
            p.end, holder.last_text = s.end, s.raw
    paras = [_paragraph(text, n, p, norm) for n, p in enumerate(holder.paras if holder else [], 1)]
    return chapters, sections, paras
