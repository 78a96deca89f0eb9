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
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .._data import data_text
from .patterns import (
    BARE_HEADINGS,
    FULLWIDTH_DIGITS,
    HS,
    INVISIBLE,
    NUM,
    RE_ANNEX,
    RE_ANY_YEAR,
    RE_ARTICLE,
    RE_CHAPTER,
    RE_DATE_LINE,
    RE_EDGE,
    RE_ISSUERS,
    RE_ITEM,
    RE_NOTICE,
    RE_ORDINAL_HEADING,
    RE_PART,
    RE_REPEALS,
    RE_SECTION,
    RE_SUBITEM,
    RE_TITLE,
    RE_TIZHU,
    RE_TIZHU_VERB_END,
    SPACED_NUM,
    ends_sentence,
    halfwidth_digits,
    key_of,
    keys_of,
    rstrip_edge,
    to_int,
)


def segment_text(text: str) -> list[Seg]:
    """The classified segments of ``text`` (passes 1 and 2)."""
    segs = _physical_segments(text)
    filled = [s for s in segs if s.raw]
    keys = keys_of([s.raw for s in filled])
    for s, key in zip(filled, keys, strict=True):
        s.key = key
    # the unanchored noise patterns, searched once in the whole text and once in all keys: a
    # segment can hold a match only when one of these does (a match in a segment is one in the
    # text, unless the pattern is anchored: then every segment is searched)
    floating = _noise_patterns()[1]
    noisy = bool(
        "^" in floating.pattern
        or "$" in floating.pattern
        or floating.search(text)
        or floating.search("\n".join(keys))
    )
    prev_blank = has_note = has_commentary = False
    page_nos: list[int] = []  # page numbers alone on their line
    heads: set[int] = set()  # 第十 alone on its line: a label a page break may have cut
    for i, s in enumerate(segs):
        _classify(s, noisy)
        s.blank_before = prev_blank
        kind = s.kind
        prev_blank = kind == "blank"
        if kind == "noise":
            if _RE_PAGE_NO.fullmatch(s.raw):
                page_nos.append(i)
            elif i and _sentence_tail(s, segs[i - 1]):
                s.kind = "text"  # …不少于陆地面积的 ⏎ 65％。: the end of a wrapped sentence
        elif kind == "note":
            has_note = True
            has_commentary = has_commentary or bool(_RE_COMMENTARY.match(s.key))
        if (
            kind in ("text", "title", "notice")
            and i
            and segs[i - 1].kind == "noise"
            and _english(segs[i - 1].raw, 2, 2)
            and _english(s.raw, 2, 2)
        ):
            s.kind = "noise"  # a wrapped line of English that names a thing in Chinese
        elif kind == "tizhu" and not ends_sentence(s.key) and _wrapped_repeal(segs, i):
            s.kind = "text"  # 1994年…会议通过的《北京 ⏎ 市严格限制养犬规定》同时废止。
        elif kind in ("text", "title") and _RE_OPEN_DATE.match(s.key) and _wrapped_tizhu(segs, i):
            s.kind = "tizhu"  # （2024年3月25日…会议、2024年4月18 ⏎ 日…会议通过，…施行）
        elif kind == "text" and len(s.key) <= 8 and s.key[:1] == "第":
            if _RE_LABEL_HEAD.fullmatch(s.key):
                heads.add(i)
        elif kind in ("chapter", "section", "part") and i and _lists_headings(text, segs[i - 1], s):
            s.kind = segs[i - 1].kind  # 【章节】第一章　总则　…⏎第五章　附则: the list wrapped
    if len(page_nos) > 1:
        _mark_running_headers(segs, page_nos)
    if heads:
        segs = _join_split_labels(segs, heads)
    _mark_article_tocs(segs)
    if has_note:
        _mark_note_quotes(segs)
    if has_commentary:
        _mark_commentary(segs)
    _demote_broken_titles(segs)  # first: a wrapped line ending in 本条例 is no title …
    return _resolve_labels(text, segs)  # … so the reference after it is seen as one


# the end of a sentence wrapped onto a line of its own without a CJK character: 65％。, 500元 is
# not one (元 is CJK), 2019）。 is; a page number, a URL or a line of English is not
_RE_BARE_TAIL = re.compile(r"[^\s]{0,40}[。；，、：％）》”;:,)](?:[）》”)]?[。；，：;:,])?")


def _sentence_tail(seg: Seg, prev: Seg) -> bool:
    """``seg``, noise for want of a CJK character, ends the sentence that the line above it
    (text, an article or an item, no blank line between) leaves unfinished."""
    if prev.kind not in ("text", "article", "item", "subitem") or ends_sentence(prev.raw):
        return False
    if not _RE_BARE_TAIL.fullmatch(seg.raw):
        return False
    at_start, anywhere = _noise_patterns()
    return not (at_start.match(seg.raw) or anywhere.search(seg.raw))


def _lists_headings(text: str, prev: Seg, seg: Seg) -> bool:
    """``prev``, right before the heading ``seg``, is a database line or a table of contents
    that lists headings (【章节】第一章　总则　第二章　…), so ``seg`` continues the list: the
    line under one that lists two or more, or a piece of the same database line (a copy whose
    line breaks were lost is cut before every heading; a table of contents on one line with
    the text is ended by its own rule) — when its number goes on from the last one listed."""
    if prev.kind not in ("noise", "toc"):
        return False
    listed = _RE_MORE_HEADINGS.findall(prev.raw)
    if not listed or (seg.num or 0) <= to_int(listed[-1][1:-1]):
        return False  # (…第六章　附则 ⏎ 第一章　总则: the list ends, the body begins)
    return len(listed) >= 2 or (prev.kind == "noise" and "\n" not in text[prev.end : seg.start])


# what stands in 《》: a title names its own 废止 and 通过, no sentence of the text
_RE_IN_TITLE_MARKS = re.compile(r"《[^》]*》")


def _wrapped_repeal(segs: list[Seg], i: int) -> bool:
    """The line ``segs[i]``, which opens with a date and names a meeting, begins a sentence
    wrapped over the next lines (up to sixteen, no blank line between: a repeal may list four
    instruments) that repeals an earlier instrument: the last 款 of a final article
    (:data:`RE_REPEALS`), not a 题注."""
    keys = [segs[i].key]
    for s in segs[i + 1 : i + 17]:
        if not s.raw:
            return False
        keys.append(s.key)
        if ends_sentence(s.key):
            return bool(RE_REPEALS.search(_RE_IN_TITLE_MARKS.sub("", "".join(keys))))
    return False


# a line that opens with a date, in a bracket that does not close on its line or bare, and
# ends no sentence
_RE_OPEN_DATE = re.compile(
    r"(?:[（(](?:\d{4}|[零〇一二三四五六七八九]{4})年[^）)]*"
    r"|(?:\d{4}|[零〇一二三四五六七八九]{4})年[^。；;：:）)]*[^。；;：:）)，,、\d])$"
)


def _wrapped_tizhu(segs: list[Seg], i: int) -> bool:
    """The line ``segs[i]`` opens with a date and a wrap breaks it: a bracket left open that
    the lines under it close (up to four, no blank line between), or a bare line whose next
    line ends with the verb (2001年6月21日 最高人民法院…会议、2001年7月2日最高人民检 ⏎ 察院…会议
    通过). Together they are a 题注 (its date or its verb may be on the next line), not text."""
    key = segs[i].key
    bracket = key[:1] in "（("
    keys = [key]
    for s in segs[i + 1 : i + (5 if bracket else 2)]:
        if not s.raw:
            return False
        keys.append(s.key)
        whole = "".join(keys)
        if not bracket:
            return bool(
                RE_TIZHU_VERB_END.search(s.key) and RE_TIZHU.match(whole) and "。" not in whole
            ) and not RE_REPEALS.search(_RE_IN_TITLE_MARKS.sub("", whole))
        if s.key.endswith(("）", ")")):
            return bool(RE_TIZHU.match(whole)) and not RE_REPEALS.search(
                _RE_IN_TITLE_MARKS.sub("", whole)
            )
        if "）" in s.key or ")" in s.key:
            return False
    return False


@lru_cache(maxsize=1)
def _noise_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The patterns of ``data/noise.txt`` as two alternations, the same matches as searching
    each: the branches anchored at the start (``^…``, tried at the start only) and the others.
    One alternation of literal-led branches is scanned once, not once per pattern."""
    text = data_text("noise.txt")
    pats = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    branches = [b for p in pats for b in _top_branches(p)]
    anchored = [b for b in branches if b.startswith("^")]
    floating = [b for b in branches if not b.startswith("^")] or ["(?!)"]
    return (
        re.compile("|".join(f"(?:{b})" for b in anchored)),
        re.compile("|".join(f"(?:{b})" for b in floating)),
    )


def _top_branches(pattern: str) -> list[str]:
    """``^a|b(c|d)`` → ``['^a', 'b(c|d)']``: the alternatives at the top level of a pattern."""
    out, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "]":  # []…] holds a literal ]
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


_RE_CJK = re.compile(r"[\u3400-\u9fff]")


# -- pass 1: segments ---------------------------------------------------------------------------

# a break inside a physical line: before an article label that follows a sentence end (tentative:
# undone when the numbering shows a reference, see _resolve_labels), before an item marker that
# follows ；：。 or a space, after 。！？ followed by a space (a new paragraph)
_INLINE_BREAK = re.compile(
    rf"(?<=[。；;！？!?”」])(?P<label>\s*)(?=[第笫][{HS}]*{SPACED_NUM}[{HS}]*[条條])"  # (笫: a typo)
    # (not in a reference spaced out: 第 （二）、 （三）项)
    rf"|(?:(?<=[；;。：:])\s*|(?<![第、和或至及与\s])\s+)(?=[（(][零〇一二三四五六七八九十]+[）)]|[（(][0-9]{{1,2}}[）)]|[①-⑳])"
    r"|(?<=[；;：:])\s*(?=[0-9]{1,2}[.．、][^0-9]|[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])|[⑴-⒇㈠-㈩])"
    # (not before a dated note in brackets that ends the line: …指令性计划。 (2011年1月8日删除))
    rf"|(?<=[。！？])[{HS}]+(?=\S)(?![（(][^（）()]{{0,20}}(?:\d{{4}}年|删)[^（）()]{{0,30}}[）)][{HS}]*$)"
)


# a text whose line breaks were lost (a news repost: title, 题注, 目录, chapters and articles on
# one line, separated by single spaces) shows labels after spaces inside lines: there, a space
# before a label, a 目录 or a bracketed 题注 is a lost line break too
_RE_SPACED_LABEL = re.compile(rf"[{HS}]+第[{HS}]*{SPACED_NUM}[{HS}]*[条條][{HS}]")
_FLAT_BREAK = re.compile(
    rf"(?<=[^\s{INVISIBLE}])[{HS}]+(?:(?P<label>)(?=第[{HS}]*{SPACED_NUM}[{HS}]*[条條])"
    rf"|(?=第[{HS}]*{SPACED_NUM}[{HS}]*分?[章节編编節][{HS}]"
    rf"|目[{HS}]*[录錄次][{HS}]|[（(](?:\d{{4}}|[〇零一二三四五六七八九]{{4}})年))"
)


@dataclass(slots=True)  # a long text has hundreds of thousands
class Seg:
    """A piece of the source (a line, or part of one) with what it was classified as."""

    start: int
    end: int
    raw: str  # source text of the segment, stripped
    key: str = ""
    kind: str = (
        "text"  # blank noise note chapter section part article item subitem title notice tizhu toc
    )
    num: int | None = None
    rest: str = ""  # text after a label (raw)
    rest_start: int = 0
    blank_before: bool = False
    sub: int | None = None  # 第十条之一 → 1
    # a 第…条 at the start of the segment, label or reference: its number, 之一 and the text after
    label: int | None = None
    label_sub: int | None = None
    label_rest: str = ""
    strong: bool = False  # what follows reads as an article's text, not as a reference
    tentative: bool = False  # cut from its line before the label only: undone if no label


# Markdown / wiki markup at a line start: headings, quotes, list bullets, bold around a label;
# a web page's bullets and marks (● 款, ★第三条 for a key article), with or without a space
_RE_MARKUP = re.compile(
    r"^(?:#{1,6}[ \t]*|>[ \t]?|[-*+•·][ \t]+|\*\*(?=第|[（(【《])|[●★☆■□◆◇▲△▶►◎※][ \t\u3000]*)+"
)


# the characters _RE_MARKUP can start with (a quick test before the pattern)
_MARKUP_FIRST = frozenset("#>-*+•·●★☆■□◆◇▲△▶►◎※")


def _flattened(text: str) -> bool:
    """At least three labels stand after spaces inside lines (:data:`_RE_SPACED_LABEL`)."""
    n = 0
    for m in _RE_SPACED_LABEL.finditer(text):
        before = text[m.start() - 1] if m.start() else "\n"
        if not (before.isspace() or before in INVISIBLE):
            n += 1
            if n == 3:
                return True
    return False


def _trim(piece: str) -> tuple[int, str]:
    """(offset of the content, content): white space, invisible characters and line-start markup
    removed."""
    lead = RE_EDGE.match(piece).end()
    body = piece[lead:]
    while body[:1] in _MARKUP_FIRST:
        m = _RE_MARKUP.match(body)
        if not m or not m.end():
            break
        body = body[m.end() :]
        extra = RE_EDGE.match(body).end()
        body = body[extra:]
        lead += m.end() + extra
    body = rstrip_edge(body)
    if body[-2:] == "**" and body.count("**") % 2:  # **第六条 …。**: the bold's close
        body = rstrip_edge(body[:-2])
    return lead, body


# what every break of _INLINE_BREAK needs around its place, led by one character class (the
# regex engine then skips to those characters instead of trying the pattern at every position):
# a line without a match of this holds no inline break
_NEAR_INLINE_BREAK = re.compile(
    r"[。；;！？!?”」：:\s](?:"
    r"(?<=[。；;！？!?”」])[^\S\n]*[第笫]"
    r"|(?<=[；;。：:])[^\S\n]*[（(①-⑳]"
    r"|(?<=[^\S\n])[（(①-⑳]"
    r"|(?<=[；;：:])[^\S\n]*[0-9一二三四五六七八九十⑴-⒇㈠-㈩]"
    r"|(?<=[。！？])[^\S\n]"
    r")"
)


# the same for _FLAT_BREAK: white space before 第, 目 or a bracket
_NEAR_FLAT_BREAK = re.compile(rf"[{HS}](?=[{HS}]*[第目（(])")


def _lines_with_breaks(text: str, flat: bool = False) -> set[int]:
    """The numbers of the lines of ``text`` that may hold an inline break (``flat``: or a break
    of a flattened text): those a match of :data:`_NEAR_INLINE_BREAK` (or
    :data:`_NEAR_FLAT_BREAK`) touches (no match of them crosses a line). Only these lines are
    searched for breaks one by one: one quick scan of the text instead of one per line."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    scans = [_NEAR_INLINE_BREAK, _NEAR_FLAT_BREAK] if flat else [_NEAR_INLINE_BREAK]
    return {bisect_right(starts, m.start()) - 1 for rx in scans for m in rx.finditer(text)}


# a line number in the margin (a Word or court copy printed with them: "  29   15平方米。"; a
# terminal's cat -n: "    29\t15平方米。", a number and a TAB alone on a blank line)
RE_LINE_NUMBER = re.compile(r"[ \t]*(\d{1,6})(?:\t|[ \t\u3000]{2,}(?=\S)|[ \t\u3000]*$)")


def _line_numbers(lines: list[str]) -> bool:
    """Whether the text's lines are numbered in the margin: nine in ten of its lines (ten or
    more), blank ones aside, open with the number one more than the line before's (a shell's
    command line may stand above them and its prompt under them)."""
    first = islice((ln for ln in lines if ln.strip()), 2)
    if not any(RE_LINE_NUMBER.match(ln) for ln in first):
        return False
    shown = [ln for ln in lines if ln.strip()]
    if shown and not RE_LINE_NUMBER.match(shown[0]):
        shown = shown[1:]  # (the command line above and the prompt under cat -n's output)
    if shown and not RE_LINE_NUMBER.match(shown[-1]):
        shown = shown[:-1]
    if len(shown) < 10:
        return False
    prev, hits = 0, 0
    for ln in shown:
        m = RE_LINE_NUMBER.match(ln)
        if m and int(m.group(1)) == prev + 1:
            hits += 1
        if m:
            prev = int(m.group(1))
    return 10 * hits >= 9 * len(shown)


# another heading label in a heading's title: the line lists headings (a database's 【章节】 line)
_RE_MORE_HEADINGS = re.compile(r"第[一二三四五六七八九十百]+[章节编]")


def _physical_segments(text: str) -> list[Seg]:
    """Pass 1: the lines of ``text`` cut at the breaks a line may hide (:data:`_INLINE_BREAK`);
    an empty line is one blank segment."""
    segs: list[Seg] = []
    pos = 0
    flat = _flattened(text)
    breaks = [_INLINE_BREAK, _FLAT_BREAK] if flat else [_INLINE_BREAK]
    candidates = _lines_with_breaks(text, flat)
    lines = text.split("\n")
    numbered = _line_numbers(lines)
    for i, line in enumerate(lines):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        if numbered and (m := RE_LINE_NUMBER.match(line)):
            line = " " * m.end() + line[m.end() :]  # the number is margin: no segment's text
        matches = [m for rx in breaks for m in rx.finditer(line)] if i in candidates else None
        if not matches:  # the whole line is one segment (or one blank)
            lead, stripped = _trim(line)
            if stripped:
                s = line_start + lead
                segs.append(Seg(s, s + len(stripped), stripped))
            else:
                segs.append(Seg(line_start, line_start, "", kind="blank"))
            continue
        cuts = [0]
        tentative = set()
        for m in matches:
            # a zero-width match cuts at its position; a whitespace match after the whitespace
            cut = m.start() if m.start() == m.end() else m.end()
            cuts.append(cut)
            # before a label only; after 。 and a space the line breaks anyway (a new 款)
            if (
                m.group("label") is not None
                and not (m.end() > m.start() and line[m.start() - 1] in "。！？")
                and _trim(line[:cut])[1]
            ):
                tentative.add(cut)
        cuts = sorted(set(c for c in cuts if 0 <= c <= len(line))) + [len(line)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = line[a:b]
            lead, stripped = _trim(piece)
            if not stripped:
                if a == 0 and b == len(line):
                    segs.append(Seg(line_start, line_start, "", kind="blank"))
                continue
            s = line_start + a + lead
            segs.append(Seg(s, s + len(stripped), stripped, tentative=a in tentative))
        if not _trim(line)[1] and not (
            segs and segs[-1].kind == "blank" and segs[-1].start == line_start
        ):
            segs.append(Seg(line_start, line_start, "", kind="blank"))
    return segs


# -- pass 2: classify ---------------------------------------------------------------------------

# an editor's note in a compilation or a database copy (【注】, 注：, 编者注：, [注]): no law; and
# the heading of a commentary's block in a 逐条释义 book (【释义】, 【相关规定】, 【本章概述】)
_COMMENTARY = (
    r"【(?:释义|条文释义|条文解读|解读|理解与适用|适用要点|相关规定|相关法条|关联法条|本章概述"
    r"|本节概述|典型案例|案例|实务指引)】"
)
_RE_COMMENTARY = re.compile(_COMMENTARY)
_RE_NOTE = re.compile(
    r"(?:【(?:注|注释|编者注|编者按)】|\[(?:注|编者注)\]|(?:注|注\d{1,2}|注释|编者注|编者按)[:：]"
    rf"|{_COMMENTARY})"
)


def _mark_commentary(segs: list[Seg]) -> None:
    """A commentary's heading (【释义】, 【相关规定】, 【本章概述】 … in a 逐条释义 book) opens a block
    of commentary that runs to the next heading or the label of the next article (its number
    one more than the last article's, or an inserted 之一 of it): its paragraphs and （一） lines
    are no 款 and items, and a label it quotes (第二十二条　… of the law it cites) no article."""
    last_no = 0
    inside = False
    for s in segs:
        if s.kind in ("chapter", "section", "part"):
            inside = False
        elif s.kind == "article" and (
            not inside or s.num == last_no + 1 or (s.sub is not None and s.num == last_no)
        ):
            inside = False
            last_no = s.num or last_no
        elif s.kind == "note" and _RE_COMMENTARY.match(s.key):
            inside = True
        elif inside and s.kind not in ("blank", "noise"):
            s.kind, s.label = "note", None


def _mark_note_quotes(segs: list[Seg]) -> None:
    """A note that ends with ： quotes what it introduces on the lines after it (注：2022年修正前，
    本条规定为：⏎ “第九条 …”): they are the note's, not an article, while the quotation is open;
    so is the text line after a note broken mid-sentence (a wrapped copy)."""
    expect = in_quote = wrapped = False
    for s in segs:
        if s.kind == "blank":
            continue
        if s.kind == "note":
            expect = s.key.endswith(("：", ":"))  # what follows is quoted
            in_quote, wrapped = False, not expect and not ends_sentence(s.key)
            continue
        starts = expect and s.key.startswith(("“", "「", '"'))
        if starts or in_quote or (wrapped and s.kind == "text"):
            # the quotation the note opens (until it closes), or its own line broken mid-sentence
            opens = s.key.count("“") + s.key.count("「") - s.key.count("”") - s.key.count("」")
            if starts:
                in_quote = opens > 0  # “第九条 … with no ” yet
            elif in_quote:
                in_quote = opens >= 0  # open until a line closes it
            s.kind, s.label = "note", None
            expect, wrapped = False, not in_quote and not ends_sentence(s.key) and not starts
            continue
        expect = in_quote = wrapped = False


_RE_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _english(raw: str, words: int = 4, times: int = 4) -> bool:
    """A line of English (a bilingual copy's translation: Article 12 The Suzhou Arbitration
    Commission (苏州仲裁委员会) shall…, opening with a letter): ``words`` words or more, and ``times`` as many letters in
    them as CJK characters (PM2.5、VOCs in a Chinese sentence are few). A line under one of
    English, a piece of the same wrapped sentence, needs two words, twice as many letters."""
    found = _RE_LATIN_WORD.findall(raw)
    if len(found) < words:
        return False
    return sum(map(len, found)) >= times * len(_RE_CJK.findall(raw))


def _classify(seg: Seg, noisy: bool = True) -> None:
    """The kind of ``seg``; ``noisy``: the text may hold an unanchored noise pattern."""
    raw = seg.raw
    if not raw:
        seg.kind = "blank"
        return
    key = seg.key or key_of(raw)
    seg.key = key
    at_start, anywhere = _noise_patterns()
    if (
        at_start.match(key)
        or at_start.match(raw)
        or (noisy and (anywhere.search(key) or anywhere.search(raw)))
        or not _RE_CJK.search(raw)
        or (raw[0].isascii() and raw[0].isalpha() and _english(raw))
    ):
        seg.kind = "noise"
        return
    if key in ("目录", "目次"):
        seg.kind = "toc"
        return
    if _RE_NOTE.match(key):  # 【注】本条第三款根据…修改。 — an editor's, between the articles
        seg.kind = "note"
        return
    if key.startswith("第"):
        for kind, rx in (("chapter", RE_CHAPTER), ("section", RE_SECTION), ("part", RE_PART)):
            m = rx.match(key)
            if m and _RE_MORE_HEADINGS.search(m.group(2)) and not ends_sentence(key):
                # 第四章　监督检查　第五章　附则: a list, no heading (第六章第七节的有关规定定罪处罚。
                # is the end of a sentence that cites them)
                seg.kind = "toc"
                return
            if m and _is_heading_title(m.group(2), spaced=bool(_RE_SPACED_LABEL_END.match(raw))):
                seg.kind, seg.num = kind, to_int(m.group(1))
                # (第一章、总则 and 第一章：总则: the mark after the label is no part of the title)
                seg.rest = _strip_toc_page(m.group(2)).removesuffix("。").lstrip("、：:．.，,")
                return
    m = _RE_LABEL.match(halfwidth_digits(raw)) if key.startswith("第") else None
    if m:
        ma = RE_ARTICLE.match(key)
        # a space after the label settles it: 第三条 中国共产党… is a label even though 第三条中…
        # could be a reference; without one, the word that follows decides (_NOT_AFTER_LABEL).
        # Otherwise (第十七条第一审…, 第五条规定的…) the numbering decides: _resolve_labels.
        spaced = _RE_SPACED.match(raw, m.end())
        seg.label = to_int(re.sub(r"\s+", "", m.group(1)))
        seg.label_sub = to_int(m.group(2)) if m.group(2) else None  # 第十条之一
        seg.label_rest = _rest_after(raw, m)
        seg.strong = bool(ma or spaced)
        if seg.strong:
            _make_article(seg, sub=seg.label_sub)  # 第一百二十条之三 以制作… (以 after 之三)
            return
    if RE_ITEM.match(key):
        seg.kind = "item"
        return
    if RE_SUBITEM.match(key):
        seg.kind = "subitem"
        return
    if RE_TIZHU.match(key) and not RE_REPEALS.search(_RE_IN_TITLE_MARKS.sub("", key)):
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


# what a heading's title cannot start with: the words that go on with a reference (第三章规定的…)
_RE_REFERENCE_GOES_ON = re.compile(r"^(?:规定|所称|所列|的|之|中|至|第|和|及|或|、|，|,)")


def _is_heading_title(title: str, *, spaced: bool = False) -> bool:
    """A 章/节/编 title is short and no sentence; a comma may join two subjects
    (…主席团，主席、副主席), but then it does not read as the rest of a reference. A short title
    set apart from its label may end in a stray full stop (### 第五节 生活、卫生。)."""
    if spaced and title.endswith("。") and len(title) <= 16:
        title = title[:-1]
    if len(title) > 30 or re.search(r"[。；;]", title):
        return False
    return not re.search(r"[，,]", title) or not _RE_REFERENCE_GOES_ON.match(title)


_RE_SPACED = re.compile(rf"[{HS}]+(?!第)")
# a 章/节/编 label followed by white space (第五节 生活、卫生。): set apart as a heading's is
_RE_SPACED_LABEL_END = re.compile(
    rf"^#*[{HS}]*第[{HS}]*{SPACED_NUM}[{HS}]*分?[章节編编節][{HS}]+\S"
)
# 笫 is 第 mistyped (it looks the same)
_RE_LABEL = re.compile(rf"^[第笫]\s*({SPACED_NUM})\s*[条條](?:之([一二三四五六七八九十]+))?")


def _rest_after(raw: str, label: re.Match) -> str:
    """The text after a label: 第一条　为了… → 为了…"""
    return raw[label.end() :].lstrip().lstrip("*】：:、.．").lstrip()


def _make_article(seg: Seg, sub: int | None) -> None:
    seg.kind, seg.num, seg.sub = "article", seg.label, sub
    seg.rest = seg.label_rest
    seg.rest_start = seg.end - len(seg.rest)


def _strip_toc_page(title: str) -> str:
    """'总则……1' → '总则' (page numbers and leader dots of a table of contents)."""
    title = re.sub(r"[.…·．\-—_ ]*\d*$", "", title)
    # 总则（第一条至第五条）: the article range of a chapter heading
    return re.sub(rf"[（(]第{NUM}条?(?:[至到—\-~～－]+第?{NUM}条)?[）)]$", "", title)


# a line that opens by citing an article (第七条第二款规定, 第十条规定): no title
_RE_CITES = re.compile(rf"第{SPACED_NUM}条(?:第{SPACED_NUM}[款项])?")

# what a line cannot open with unless it goes on a sentence from the line above
_GOES_ON = tuple("的之地得，、；。：）》”")


def _goes_on(segs: list[Seg], i: int) -> bool:
    """The line right under ``segs[i]`` (no blank line between) goes on its sentence: …安排不少于
    国家和省规定 ⏎ 的比例用于…, a wrapped line that ends like a title is none."""
    nxt = segs[i + 1] if i + 1 < len(segs) else None
    return nxt is not None and nxt.kind == "text" and nxt.key.startswith(_GOES_ON)


def wrapped_title(segs: list[Seg]) -> int | None:
    """Where the text's first two lines end, when they are one title that a fixed width broke
    (最高人民法院、…学历、学位证 ⏎ 明刑事案件如何适用法律问题的解释): both plain text (neither a title
    alone), no sentence mark or date in them, and read together a title. None otherwise."""
    shown = list(islice((i for i, s in enumerate(segs) if s.kind not in ("blank", "noise")), 2))
    if len(shown) < 2 or any(segs[i].kind != "text" for i in shown):
        return None
    joined = segs[shown[0]].key + segs[shown[1]].key
    if (
        len(joined) <= 80
        and not re.search(r"[，,。；;：:！？]", joined)
        and not RE_ANY_YEAR.search(joined)
        and joined.count("《") == joined.count("》")
        and RE_TITLE.match(joined)
    ):
        return shown[1]
    return None


def _demote_broken_titles(segs: list[Seg]) -> None:
    """A title is a line of its own: not the tail of an unfinished line (a wrapped 题注 that ends
    in …关于修改《某某条例), and with its 《》 balanced."""
    prev: Seg | None = None
    depth = 0  # open （ of a 题注 wrapped over several lines, blank lines between them or not
    after_noise = False
    title_end = wrapped_title(segs)  # (a title broken in two: the line under it starts anew)
    for i, s in enumerate(segs):
        if s.kind == "blank":
            prev = None
            continue
        if s.kind == "noise":
            after_noise = True
            continue
        if s.kind == "title" and after_noise and not _RE_CITES.match(s.key):
            after_noise = False
            continue  # a running header after a page number (which cites no article)
        after_noise = False
        if s.kind in ("chapter", "section", "part", "article", "toc"):
            depth = 0
        prev_text = (prev.rest if prev.kind == "article" else prev.raw) if prev is not None else ""
        unfinished = (
            prev is not None
            and prev.kind in ("text", "tizhu", "notice", "article", "item", "subitem")
            and bool(prev_text)
            and not ends_sentence(prev_text)
            and not RE_DATE_LINE.match(prev.key)  # the date that closes a notice
            # the organs that issue a 关于… title, on the line above it
            and not (s.key.startswith("关于") and RE_ISSUERS.match(prev.key))
            and not (title_end is not None and prev is segs[title_end])
            # a bare 题注 that ends with its verb (…会议通过 ⏎ 2001年7月3日…公告公布)
            and not (s.kind == "tizhu" and RE_TIZHU_VERB_END.search(prev.key))
        )
        if s.kind == "title":
            unbalanced = s.key.count("《") != s.key.count("》") and not s.key.startswith("《")
            bare_label = prev is not None and prev.kind == "article" and not prev_text
            cites = bool(_RE_CITES.match(s.key))  # 第七条第二款规定: a reference, no title
            if unbalanced or unfinished or depth > 0 or bare_label or cites or _goes_on(segs, i):
                s.kind = "text"  # (第二条 ⏎ （施行日期）本规定 ⏎ 自…: the label's body)
        elif s.kind == "tizhu" and unfinished and not s.key.startswith(("（", "(", "【")):
            s.kind = "text"  # a wrapped notice line that happens to begin with a date
        if s.kind != "noise":
            depth = max(
                0,
                depth + s.key.count("（") + s.key.count("(") - s.key.count("）") - s.key.count(")"),
            )
            prev = s


# a page number alone on its line (38, - 3 -, — 3 —, 第3页): page furniture
_RE_PAGE_NO = re.compile(
    r"[\s\-—–－·•_/|]*(?:第?\d{1,4}页?|[\-—–－]\s*\d{1,4}\s*[\-—–－])[\s\-—–－·•_/|]*"
)


def _mark_running_headers(segs: list[Seg], page_nos: list[int]) -> None:
    """A line that follows a page number (at ``page_nos``) twice or more (全国人民代表大会常务委员会
    公报　2024 · 6, the gazette's running header) is page furniture wherever it follows one."""
    after: list[int] = []
    for i in page_nos:
        j = next((k for k in range(i + 1, len(segs)) if segs[k].kind != "blank"), None)
        if j is not None and segs[j].kind in ("text", "title", "notice", "tizhu"):
            after.append(j)
    if len(after) < 2:
        return
    seen = Counter(segs[j].key for j in after)
    for j in after:
        if seen[segs[j].key] >= 2 and segs[j].kind != "title":  # (a title: the running header
            segs[j].kind = "noise"  # the parser knows already)


# a label cut after its number (第十 ⏎ page break ⏎ 二条　…): the head, alone on its line …
_RE_LABEL_HEAD = re.compile(r"第[零〇一二两三四五六七八九十百千0-9]{1,7}")
# … and the rest of the label that opens the line after the break
_RE_LABEL_TAIL = re.compile(r"[零〇一二两三四五六七八九十百千0-9]{0,7}[条章节编]")


def _join_split_labels(segs: list[Seg], heads: set[int]) -> list[Seg]:
    """A label or heading cut by a page break or a wrap (　　第十 ⏎ 39 ⏎ running header ⏎ 二条　县级…;
    第三 ⏎ … ⏎ 章　供水工程运行管理; the heads at ``heads``) is read whole: the line after the
    break becomes one segment from the head on (its source span holds the page furniture, its
    text is the label's)."""
    out: list[Seg] = []
    drop_to = -1
    for i, s in enumerate(segs):
        if i <= drop_to:
            continue
        if i in heads:
            k, after_noise = i + 1, False
            while k < len(segs) and (
                segs[k].kind in ("blank", "noise") or (segs[k].kind == "title" and after_noise)
            ):
                after_noise = after_noise or segs[k].kind == "noise"
                k += 1
            if k < len(segs) and segs[k].kind != "blank" and _RE_LABEL_TAIL.match(segs[k].key):
                t = segs[k]
                t.raw, t.key, t.start = s.raw + t.raw, "", s.start
                t.kind, t.label, t.label_sub, t.label_rest, t.strong = "text", None, None, "", False
                _classify(t)
                t.blank_before = s.blank_before
                out.append(t)
                drop_to = k
                continue
        out.append(s)
    return out


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
_HEADINGS = ("chapter", "section", "part", "toc")
_RE_REFERS = re.compile(
    r"(本条例|本规定|本办法|本细则|本法|本决定|》|依照|按照|根据|依据|违反|适用|参照|前|和|或者|及|、|第"
    r"|条至|条到)$"  # (…依次改为第十五条至 ⏎ 第二十五条: a range)
)


def _resolve_labels(text: str, segs: list[Seg]) -> list[Seg]:
    """Which 第…条 at the start of a segment open an article: article numbers advance by one.

    - A label followed by the article's own text (a space, or a word that does not continue a
      reference) opens an article, unless it continues an unfinished line and is not the next
      number (``…未按照本条例\n第六条确定的标准…``: a wrapped reference).
    - A label followed by what could continue a reference (第十七条第一审…, 第五条规定的…,
      第九条　第三人…) opens an article when it is the next number, starts a line or follows a
      finished sentence, and the next label at a line start does not carry the same number (then it is a
      paragraph that opens with a reference to the next article).
    - A label run together with the text before it (…。第八条…) opens an article only as the next
      number, or close after it when no clear label in between says otherwise; a reference to an
      earlier article never does. The line is joined again where it does not.

    Returns the segments with the tentative cuts that opened no article joined again.
    """
    cands = [i for i, s in enumerate(segs) if s.label is not None and s.kind != "toc"]
    upcoming: dict[int, int | None] = {}
    nxt = None
    for i in reversed(cands):
        upcoming[i] = nxt  # the number of the next 第…条 after i that starts a line
        if not segs[i].tentative:
            nxt = segs[i].label
    last_no = 0
    prev: Seg | None = None
    after_noise = False
    rejoin: set[int] = set()
    for i, s in enumerate(segs):
        if s.kind in ("blank", "noise"):
            after_noise = after_noise or s.kind == "noise"
            continue
        if s.kind == "title" and after_noise:
            continue  # a running header after a page number: page furniture, not the text
        after_noise = False
        if s.label is not None and s.kind != "toc":
            if _opens_article(s, prev, last_no, upcoming[i]):
                if s.kind != "article":
                    _make_article(s, s.label_sub)
                last_no = s.num
            else:
                if s.kind == "article":
                    s.kind, s.num, s.sub = "text", None, None
                if (
                    s.tentative
                    and i
                    and (segs[i - 1] is prev or i - 1 in rejoin)
                    and "\n" not in text[segs[i - 1].end : s.start]
                ):
                    rejoin.add(i)
                    continue  # the same line goes on: prev stays the segment before
        prev = s
    if not rejoin:
        return segs
    out: list[Seg] = []
    for i, s in enumerate(segs):
        if i in rejoin:
            _extend_segment(text, out[-1], s.end)
        else:
            out.append(s)
    return out


def _opens_article(s: Seg, prev: Seg | None, last_no: int, upcoming: int | None) -> bool:
    num = s.label
    prev_text = (prev.rest if prev.kind == "article" else prev.raw) if prev else ""
    # a heading refers to nothing, though its title may end like a reference (第一章 基本规定)
    refers = bool(prev and prev.kind not in _HEADINGS and _RE_REFERS.search(prev.key))
    if s.tentative:  # run together with a finished sentence before it, on the same line
        if s.label_sub is not None:
            return num == last_no
        if num == last_no + 1:
            return s.strong or upcoming != num
        if (
            num == 1
            and prev is not None
            and (prev.kind in ("title", "tizhu") or (prev.kind in _HEADINGS and prev.num == 1))
        ):
            return True  # a flattened instrument after another: 第一章 总则 第一条 …
        if not s.strong:
            return False  # (a new instrument never starts inside a line of the last one)
        return last_no + 1 < num <= last_no + 3 and (upcoming is None or upcoming > num)
    unfinished = prev is not None and prev.kind in (
        "text", "item", "subitem", "article", "tizhu", "notice",
    )  # fmt: skip
    if prev is not None and RE_DATE_LINE.match(prev.key) and not refers:
        unfinished = False  # the date that closes a notice
    if num == 1 and last_no > 1 and not refers:
        unfinished = False  # numbering starts again: a new instrument
    unfinished = unfinished and bool(prev_text) and not ends_sentence(prev_text)
    # 附  则, 二、关于保证合同: a heading is finished, though it has no full stop
    unfinished = unfinished and prev.key not in BARE_HEADINGS
    unfinished = unfinished and not (prev.kind == "item" and RE_ORDINAL_HEADING.match(prev.key))
    if s.strong:
        if 1 < num < last_no - 1 and upcoming != num + 1 and not _spaced_label(s.raw):
            return False  # back to 第三条, no 第四条 after it: 第三条列举了… in an appended 说明
        return not (unfinished and (num not in (last_no, last_no + 1) or refers))
    # (a 题注 ends with its line; a line before a blank line is finished unless it refers)
    if refers or (unfinished and prev.kind not in ("tizhu", "title") and not s.blank_before):
        return False
    if s.label_sub is not None:
        return num == last_no
    return num == last_no + 1 and upcoming != num


def _spaced_label(raw: str) -> bool:
    """The label of ``raw`` is set apart from its text by a space (第三条 戊。, not 第三条列举了…)."""
    m = _RE_LABEL.match(halfwidth_digits(raw))
    return bool(m and _RE_SPACED.match(raw, m.end()))


def _extend_segment(text: str, seg: Seg, end: int) -> None:
    """``seg`` goes on to ``end`` (a cut inside its line undone)."""
    seg.end = end
    seg.raw = text[seg.start : end]
    seg.key = key_of(seg.raw)
    if seg.label is not None:
        m = _RE_LABEL.match(seg.raw.translate(FULLWIDTH_DIGITS))
        seg.label_rest = _rest_after(seg.raw, m)
        if seg.kind == "article":
            seg.rest = seg.label_rest
            seg.rest_start = seg.end - len(seg.rest)
