"""Regulation text → documents → 章/节/条/款/项, with metadata and source spans.

The parser is general: it knows the conventions of Chinese legislative drafting, not the files it
was developed on. It works in four passes over the *source* text, so every unit keeps its exact
source span and normalization never moves an offset:

1. **segments** — physical lines, cut further where the drafting shows a break inside a line:
   an article label after a full stop (``…村民。 第四十九条 乡镇…``), an item after ``；`` or a
   space (``…政策; (二)组织…``), a new paragraph after ``。`` and a space.
2. **classify** — each segment is blank, noise (watermarks, web boilerplate, from
   ``data/noise.txt``), a chapter/section/article label, an item, a title, a notice heading, a
   题注 (dates), a 目录 marker or plain text. Classification runs on a simplified, space-free key
   so traditional script (第一條, 第一節) and spaced titles (总  则) read the same.
3. **documents** — article numbering that restarts at 1 opens a new instrument; what lies between
   two instruments (notices, titles, 题注, tables of contents) is header, never articles.
4. **structure** — chapters (a heading with no article before the next heading is a table of
   contents entry), sections, articles with headings (【…】, （…）, (…)), 款 and 项, lines broken
   mid-sentence joined, numbering gaps and repeats reported as warnings, never renumbered.

例：``parse_text("第一条 为了……，制定本条例。")[0].articles[0].label == "第一条"``
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import ParseError
from .model import Article, Chapter, Document, Event, Item, Paragraph, Section

__all__ = ["ParseError", "parse_text", "parse_file", "read_text", "to_int"]


# -- numerals ---------------------------------------------------------------------------------

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
NUM = rf"[{_CN_DIGITS}0-9０-９]+"
_HS = " \t\u3000\u00a0"  # horizontal spaces, NBSP included
_SPACED_NUM = rf"[{_CN_DIGITS}0-9０-９](?:[{_HS}]?[{_CN_DIGITS}0-9０-９])*"  # 第 十 一 条
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@lru_cache(maxsize=4096)
def to_int(numeral: str) -> int:
    """第一百零五条 → 105: Chinese or Arabic (also full-width) numerals to int, via cn2an."""
    s = numeral.translate(_FULLWIDTH_DIGITS)
    if s.isdigit():
        return int(s)
    import cn2an

    return int(cn2an.cn2an(s.replace("〇", "零"), "smart"))


# -- patterns (applied to the simplified, space-free key of a segment) --------------------------

_TERMINAL = "。；;：:！!？?…」”）)】』"
# what may follow an article label when it really is a label (not 第八条第二款, 第十条规定, 第三条的…)
_NOT_AFTER_LABEL = "第款项的规至，,和及或中所以与等規項與於"
_LABEL_END = rf"(?![{_NOT_AFTER_LABEL}])(?!、\s*(?:第|$))(?!之(?![一二三四五六七八九十]))"
RE_ARTICLE = re.compile(rf"^第({NUM})条(?:之([一二三四五六七八九十]+))?{_LABEL_END}")
RE_CHAPTER = re.compile(rf"^第({NUM})章(.*)$")
RE_SECTION = re.compile(rf"^第({NUM})节(.*)$")
RE_PART = re.compile(rf"^第({NUM})编(.*)$")
# first-level items (项): （一） (一) ㈠, and 一、 in older drafting; never 第（二）项 or 一、二级
RE_ITEM = re.compile(
    r"^(?:[（(]([零〇一二三四五六七八九十百]+)[）)](?![项目])|([㈠-㈩])|([一二三四五六七八九十]{1,3})、(?![一二三四五六七八九十]))"
)
# second-level markers: 目 inside a （一） item, or the items themselves where there is no （一）
RE_SUBITEM = re.compile(r"^(?:[（(]([0-9]{1,2})[）)]|([①-⑳])|([0-9]{1,2})[.．、](?![0-9])|([⑴-⒇]))")
RE_MARKER = re.compile(
    r"^(?:[（(][^（）()]{1,4}[）)]|[①-⑳⑴-⒇㈠-㈩]|[0-9]{1,2}[.．、](?![0-9])|[一二三四五六七八九十]{1,3}、)\s*"
)
RE_ANNEX = re.compile(r"^(附件|附表|附录)[0-9一二三四五六七八九十]*[:：]?(?!.*[。；])")
_BARE_HEADINGS = {"总则", "附则", "分则", "法律责任", "罚则", "附录"}
RE_HEADING = re.compile(r"^(?:【([^】]{1,24})】|[（(]([^（）()，,。；;：:]{1,24})[）)])")
RE_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
RE_CN_DATE = re.compile(
    r"([零〇一二三四五六七八九]{4})年([十一二三四五六七八九]{1,3})月([十一二三四五六七八九]{1,3})日"
)
KINDS = (
    "职责规定", "实施细则", "实施办法", "暂行办法", "暂行规定", "条例", "规定", "办法", "细则",
    "规则", "决定", "规程", "章程", "准则", "意见",
)  # fmt: skip
RE_TITLE = re.compile(
    r"^《?(?P<title>[^，,。；;：:！？\s]{2,60}?(?:"
    + "|".join(KINDS)
    + r")(?:[（(][^（）()]{1,20}[）)])?)》?"
    r"(?:[（(]?(?:征求意见稿|草案|送审稿|修订草案|草案修改稿|试行)[）)]?)?"
    r"(?:[（(]\d{4}年(?:修订|修正|修改)(?:本|版)?[）)])?$"
)
RE_NOTICE = re.compile(r"(公告|通知|决定|令|公报)$|^关于.*的(通知|决定|公告|说明|报告|批复|函)$")
RE_DRAFT = re.compile(r"草案|征求意见稿|送审稿|审议稿|修改稿|草稿|讨论稿")
RE_TIZHU = re.compile(
    r"^(?:[（(【].*)?(?:\d{4}|[零〇一二三四五六七八九]{4})年.{0,120}(通过|批准|修订|修正|公布|发布|印发)"
)
_MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}
_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)  # fmt: skip
_CN_YEAR_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@lru_cache(maxsize=1)
def _noise_patterns() -> tuple[re.Pattern, ...]:
    text = resources.files("jdcorpus.data").joinpath("noise.txt").read_text("utf-8")
    pats = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return tuple(re.compile(p) for p in pats)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def _key(s: str) -> str:
    """Simplified, space-free form of a segment used for classification only."""
    s = re.sub(
        r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]+|\*\*", "", s.translate(_FULLWIDTH_DIGITS)
    )
    return _t2s().convert(s)


# -- pass 1: segments ---------------------------------------------------------------------------

# a break inside a physical line: before an article label that follows a sentence end, before an
# item marker that follows ；：。 or a space, after 。！？ followed by a space (a new paragraph)
_INLINE_BREAK = re.compile(
    rf"(?<=[。；;！？!?”」])\s*(?=第[{_HS}]*{_SPACED_NUM}[{_HS}]*[条條]{_LABEL_END})"
    rf"|(?:(?<=[；;。：:])\s*|\s+)(?=[（(][零〇一二三四五六七八九十]+[）)]|[（(][0-9]{{1,2}}[）)]|[①-⑳])"
    r"|(?<=[；;：:])\s*(?=[0-9]{1,2}[.．、][^0-9]|[一二三四五六七八九十]{1,3}、(?![一二三四五六七八九十])|[⑴-⒇㈠-㈩])"
    rf"|(?<=[。！？])[{_HS}]+(?=\S)"
)


@dataclass
class Seg:
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


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# Markdown / wiki markup at a line start: headings, quotes, list bullets, bold around a label
_RE_MARKUP = re.compile(r"^(?:#{1,6}[ \t]*|>[ \t]?|[-*+•·][ \t]+|\*\*(?=第|[（(【《]))+")


_RE_EDGE = re.compile(rf"[\s{_INVISIBLE}]*")
_RE_EDGE_END = re.compile(rf"[\s{_INVISIBLE}]+$")


def _trim(piece: str) -> tuple[int, str]:
    """(offset of the content, content): white space, invisible characters and line-start markup
    removed."""
    lead = _RE_EDGE.match(piece).end()
    body = piece[lead:]
    while True:
        m = _RE_MARKUP.match(body)
        if not m or not m.end():
            break
        body = body[m.end() :]
        extra = _RE_EDGE.match(body).end()
        body = body[extra:]
        lead += m.end() + extra
    return lead, _RE_EDGE_END.sub("", body)


def _segments(text: str) -> list[Seg]:
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
    key = seg.key = _key(raw)
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
        rf"^第\s*({_SPACED_NUM})\s*[条條](?:之[一二三四五六七八九十]+)?",
        raw.translate(_FULLWIDTH_DIGITS),
    )
    ma = RE_ARTICLE.match(key)
    # a space after the label settles it: 第三条 中国共产党… is a label even though 第三条中… could
    # be a reference; without one, the word that follows decides (see _NOT_AFTER_LABEL)
    spaced = m and re.match(rf"[{_HS}]+(?!第)", raw.translate(_FULLWIDTH_DIGITS)[m.end() :])
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


# -- pass 3 and 4 -------------------------------------------------------------------------------


def _ends_paragraph(s: str) -> bool:
    """Inside an article a line ends its 款 or 项 only with sentence punctuation: a line-final
    ） (…报请县（市） / 区人民政府。) or a bare item marker （二） continues on the next line."""
    return bool(s) and s.rstrip()[-1] in "。；;：:！!？?…」”』"


def _ends_sentence(s: str) -> bool:
    return bool(s) and s.rstrip()[-1] in _TERMINAL


@dataclass
class _P:  # paragraph under construction
    parts: list[tuple[int, int]] = field(default_factory=list)  # source spans of the lead text
    items: list[list[tuple[int, int]]] = field(default_factory=list)
    item_nos: list[int] = field(default_factory=list)
    style: str = ""  # "cn" for （一） items, "num" for (1) ① 1. items
    start: int = 0
    end: int = 0


@dataclass
class _A:  # article under construction
    seg: Seg
    heading: str | None = None
    heading_raw: str | None = None
    chapter: Chapter | None = None
    section: Section | None = None
    paras: list[_P] = field(default_factory=list)
    end: int = 0
    last_text: str = ""  # last text appended (to decide whether the next line continues it)
    in_item: bool = False


def parse_file(path: str | Path, *, encoding: str | None = None, **meta) -> list[Document]:
    """Parse a regulation file of any format :mod:`jdcorpus.formats` reads (text in any common
    encoding, ``.docx``, HTML, Markdown); ``meta`` as for :func:`parse_text`. Raises
    :class:`ParseError`."""
    from .formats import read_source

    p = Path(path)
    src = read_source(p, encoding=encoding)
    meta.setdefault("source_file", p.name)
    return parse_text(src.text, **meta)


def read_text(path, *, encoding: str | None = None) -> str:
    """The text of a regulation file (see :func:`jdcorpus.formats.read_source`): decoded from
    its encoding, or extracted from a ``.docx`` or a web page. Offsets refer to this text."""
    from .formats import read_source

    return read_source(Path(path), encoding=encoding).text


_RE_TAG = re.compile(
    r"<(?:html|body|p|div|br|span|table|tr|td|li|h[1-6]|font|strong|b)\b[^>]*>", re.I
)
_RE_ENTITY = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|mdash|emsp|ensp|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
)


def html_to_text(text: str) -> str:
    """Text copied from a web page: tags become line breaks (blocks) or nothing, entities their
    characters. Plain text is returned unchanged. The parser's offsets refer to the result."""
    if _RE_TAG.search(text):
        import lxml.html

        try:
            root = lxml.html.document_fromstring(text)
        except (ValueError, lxml.etree.ParserError):
            return text
        for bad in root.xpath("//script|//style|//noscript|//head|//nav|//footer"):
            bad.drop_tree()
        for el in root.iter(*_BLOCKS):
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
        text = root.text_content()
    elif _RE_ENTITY.search(text):
        import html

        text = html.unescape(text)
    else:
        return text
    text = text.replace("\xa0", " ")
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)


def parse_text(
    text: str,
    *,
    source_file: str | None = None,
    city: str | None = None,
    province: str | None = None,
    title: str | None = None,
    doc_id: str | None = None,
    ids: dict[str, str] | None = None,
    taken: set[str] | None = None,
    **_ignored,
) -> list[Document]:
    """Parse one regulation text (which may hold several instruments) into documents.

    Known metadata (``city``, ``province``, ``title``, ``doc_id``; ``ids`` maps titles to ids)
    overrides what is read from the text. Raises :class:`ParseError` when no article is found.
    """
    text = html_to_text(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    segs = _segments(text)
    prev_blank = False
    for s in segs:
        _classify(s)
        s.blank_before = prev_blank
        prev_blank = s.kind == "blank"
    _mark_article_tocs(segs)
    _demote_broken_titles(segs)  # first: a wrapped line ending in 本条例 is no title …
    _demote_wrapped_references(segs)  # … so the reference after it is seen as one
    arts = [i for i, s in enumerate(segs) if s.kind == "article"]
    if not arts:
        raise ParseError(
            "no articles found: the text has no article labels such as 第一条 or 第1条"
        )

    # pass 3: instruments — numbering that restarts at 1 opens a new one
    firsts = [arts[0]] + [
        b for a, b in zip(arts, arts[1:], strict=False) if segs[b].num == 1 and segs[a].num != 1
    ]
    from .normalize import detect_script

    taken = set(taken or ())
    docs: list[Document] = []
    header_from = 0
    for k, first in enumerate(firsts):
        nxt = firsts[k + 1] if k + 1 < len(firsts) else len(segs)
        last_art = max(i for i in arts if first <= i < nxt)
        body_end = _body_end(segs, last_art, nxt)
        # header: from the end of the previous body to the first structural line of this body
        body_start = first
        for i in range(header_from, first):
            if segs[i].kind in ("chapter", "section", "part", "toc"):
                body_start = i
                break
        header = segs[header_from:body_start]
        body = segs[body_start:body_end]
        # the script of this instrument alone: a traditional text may follow a simplified one
        script = detect_script(text[segs[header_from].start : segs[body_end - 1].end])
        doc = _build_document(
            text, header, body, segs[body_end:nxt] if k + 1 == len(firsts) else [], script,
            source_file=source_file, city=city, province=province, title=title,
            ids=ids or {}, doc_id=doc_id if len(firsts) == 1 else None, taken=taken,
        )  # fmt: skip
        taken.add(doc.id)
        docs.append(_inherit_promulgation(doc, docs))
        header_from = body_end
    return docs


def _inherit_promulgation(doc: Document, earlier: list[Document]) -> Document:
    """One notice may promulgate several instruments of a file (印发《A》和《B》): the later ones
    take the date of the earlier document whose notice names them."""
    if doc.promulgated or doc.status != "in_force":
        return doc
    from dataclasses import replace

    for prev in reversed(earlier):
        if prev.promulgated and any(doc.title in n for n in prev.notices):
            ev = Event(prev.promulgated, "promulgated", None)
            return replace(
                doc,
                promulgated=prev.promulgated,
                events=tuple(sorted([*doc.events, ev], key=lambda e: e.date)),
            )
    return doc


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
            and not _ends_sentence(prev_text)
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
                and not _ends_sentence(prev_text)
                and (
                    s.num not in (last_no, last_no + 1)
                    or _RE_REFERS.search(prev.key if prev else "")
                )
            ):
                s.kind, s.num = "text", None
            else:
                last_no = s.num
        prev = s


def _body_end(segs: list[Seg], last_art: int, limit: int) -> int:
    """Index after the last segment of an instrument whose last article label is at ``last_art``."""
    prev_text = _body_of(segs[last_art].rest)
    for i in range(last_art + 1, limit):
        s = segs[i]
        if s.kind == "blank":
            continue
        if s.kind == "noise" and not _ends_sentence(prev_text):
            continue  # a page break inside the last article's sentence
        if s.kind in ("noise", "notice", "tizhu", "toc", "chapter", "section", "part", "annex"):
            return i
        if s.kind == "title" and _ends_sentence(prev_text):
            return i
        if s.kind == "text" and _ends_sentence(prev_text) and _wrapped_heading(segs, i, limit):
            return i  # …关于印发《…和 / …职责规定》的通知, wrapped over two lines
        if (
            s.kind == "text"
            and "施行" in prev_text
            and _ends_sentence(prev_text)
            and len(s.key) <= 12
            and not _ends_sentence(s.raw)
        ):
            return i  # after the 施行 clause, a bare heading (制定过程, 条例解读) is the page's
        if s.kind == "article":
            prev_text = _body_of(s.rest)
            continue
        if s.kind == "title" and not _ends_sentence(prev_text):
            continue  # a running header inside a broken sentence
        prev_text = s.raw
    return limit


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
        if _ends_sentence(s.raw) and not s.raw.endswith(("）", ")")):
            return False
        if s.kind in ("notice", "title") or RE_NOTICE.search(key):
            return bool(RE_NOTICE.search(key) or RE_TITLE.match(key)) and len(key) <= 80
    return False


def _build_document(text, header, body, trailer, script, *, source_file, city, province, title,
                    ids, doc_id, taken) -> Document:  # fmt: skip
    from .normalize import normalize

    steps: set[str] = set()

    def norm(s: str) -> str:
        out, ran = normalize(s, script=script)
        steps.update(ran)
        return out

    warnings: list[str] = []
    # -- header: title, notices, 题注
    title_segs = [s for s in header if s.kind == "title"]
    title_seg = title_segs[-1] if title_segs else None
    original_title = title_seg.raw if title_seg else ""
    doc_title = title or (_clean_title(norm(title_seg.raw)) if title_seg else None)
    if not doc_title:
        m = re.search(
            r"《([^》]{2,60})》", "".join(norm(s.raw) for s in header if s.kind != "noise")
        )
        doc_title = m.group(1) if m else "（无标题）"
        if not m:
            warnings.append("no title found in the text")
    # draft words count on the title or the lines right around it (征求意见稿 above or below the
    # title), not anywhere in a web page (a link to …（草案）的说明 is not the law's status)
    near = [s for s in header if s.kind not in ("noise", "blank")]
    if title_seg in near:
        t = near.index(title_seg)
        near = near[max(0, t - 2) : t + 3]
    else:
        near = near[:6]
    status = (
        "draft"
        if any(RE_DRAFT.search(k) for k in [doc_title, *(s.key for s in near)])
        else "in_force"
    )
    kind = _kind(doc_title)
    # notices and preambles: blocks of header text, a notice heading opening a new block; a 题注
    # broken over several lines is a block too, and is metadata, not a notice
    blocks: list[list[Seg]] = []
    for s in header:
        closed_tizhu = (
            bool(blocks and blocks[-1])
            and blocks[-1][0].kind == "tizhu"
            and blocks[-1][-1].raw.endswith(("）", ")", "】"))
        )
        if (
            s.kind in ("notice", "tizhu")
            or (s.kind == "title" and blocks and blocks[-1])
            or closed_tizhu
        ):
            blocks.append([])
        if s.kind in ("notice", "text", "tizhu"):
            if not blocks:
                blocks.append([])
            blocks[-1].append(s)
    notices, promulgations, texts = [], [], []
    for b in blocks:
        key = "".join(s.key for s in b)
        if not b or RE_DRAFT.fullmatch(key.strip("（()）")):
            continue
        texts.append(key)
        if RE_TIZHU.match(key):
            continue
        notices.append("\n".join(norm(s.raw) for s in b))
        date = _promulgation([s.key for s in b])
        if date:
            promulgations.append(date)

    # -- body structure
    title_key = _key(title_seg.raw).strip("《》") if title_seg else ""
    chapters, sections, articles, preamble = _structure(text, body, norm, warnings, title_key)
    if preamble:
        notices.append("\n".join(preamble))
    kept = [s for s in trailer if s.kind not in ("blank", "noise")]
    if kept and kept[0].kind in ("annex", "notice", "title"):  # 附件, 起草说明: kept beside the law
        notices.append("\n".join(norm(s.raw) for s in kept))
    elif kept:
        warnings.append(f"text after the last article ignored: {norm(kept[0].raw)[:30]}…")

    # -- dates
    header_text = "".join(s.key for s in header if s.kind != "noise")
    # a 题注 may stand after a web page's own 目录, inside what is structurally the body
    pre_body = []
    for s in body:
        if s.kind == "article":
            break
        if s.kind in ("tizhu", "text", "notice"):
            pre_body.append(s.key)
    events = _events(texts + ["".join(pre_body)] if pre_body else texts)
    # a database's metadata block (【发布日期】2020.01.06, 实施日期：…) when the text says nothing
    listed = _metadata_fields(header)
    if "promulgated" in listed and not any(e.kind == "promulgated" for e in events):
        events = sorted(
            [*events, Event(listed["promulgated"], "promulgated", None)], key=lambda e: e.date
        )
    if status == "in_force" and promulgations and not any(e.kind == "promulgated" for e in events):
        events = sorted(
            [*events, Event(promulgations[-1], "promulgated", None)], key=lambda e: e.date
        )
    if status == "draft":  # a draft is neither adopted nor promulgated, whatever its notice says
        events = [e for e in events if e.kind not in ("promulgated",)]
    effective = None
    for a in reversed(articles):
        m = re.search(r"自(.{4,14}?日|公布之日|发布之日|印发之日)起?施行", a.text.replace(" ", ""))
        if m:
            effective = _iso(m.group(1)) if "之日" not in m.group(1) else "promulgation"
            break
    if effective is None:
        m = re.search(r"自(\d{4}年\d{1,2}月\d{1,2}日)起?施行", header_text)
        effective = _iso(m.group(1)) if m else listed.get("effective")

    def first(kind, last=False):
        ds = [e.date for e in events if e.kind == kind]
        return (ds[-1] if last else ds[0]) if ds else None

    promulgated = first("promulgated")
    if effective == "promulgation":
        effective = promulgated
    doc_city = city or _city_from_title(doc_title)
    doc_province = province or _province(doc_city, header_text + "".join(pre_body))
    did = doc_id or ids.get(doc_title) or _make_id(doc_city, kind, doc_title, taken)
    articles = tuple(_with_doc(a, did) for a in articles)
    start = header[0].start if header else (body[0].start if body else 0)
    end = max((s.end for s in body), default=start)
    return Document(
        id=did, title=doc_title, city=doc_city, province=doc_province, kind=kind, status=status,
        adopted=first("adopted"), approved=first("approved", last=True),
        revised=first("revised", last=True), promulgated=promulgated, effective=effective,
        source_file=source_file, start=start, end=end, original_title=original_title,
        script=script, articles=articles, chapters=tuple(chapters), sections=tuple(sections),
        events=tuple(events), notices=tuple(notices), warnings=tuple(warnings),
        steps=tuple(_ordered_steps(steps)), source_text=text,
    )  # fmt: skip


def _ordered_steps(names: set[str]) -> list[str]:
    from .normalize import list_steps

    order = [n for n, _ in list_steps()]
    return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


def _with_doc(a: Article, did: str) -> Article:
    from dataclasses import replace

    return replace(a, doc_id=did)


def _clean_title(t: str) -> str:
    t = t.strip().strip("《》")
    t = re.sub(r"》?[（(]\d{4}年(修订|修正|修改)(本|版)?[）)]$", "", t)  # an edition note
    return re.sub(r"》?[（(]?(征求意见稿|送审稿)[）)]?$", "", t).strip("《》")


def _kind(title: str) -> str | None:
    t = re.sub(r"[（(][^（）()]*[）)]$", "", title or "")
    for k in KINDS:
        if t.endswith(k):
            return k
    return None


def _city_from_title(title: str) -> str | None:
    if not title:
        return None
    m = re.match(r"^(.{2,4}?)经济特区", title)
    if m:
        return m.group(1)
    m = re.match(r"^(.{2,12}?(?:自治州|自治县|地区|盟))", title)
    if m:
        return m.group(1)
    m = re.match(r"^(.{2,8}?)市", title)
    if m:
        return m.group(1)
    m = re.match(r"^(.{2,8}?县)", title)
    if m and not re.match(r"^.{2,8}?省", title):
        return m.group(1)
    return None


def _province(city: str | None, header_text: str) -> str | None:
    if city in _MUNICIPALITIES:
        return city
    # the provincial congress that approved a city's regulation names the province
    names = "|".join(_PROVINCES)
    m = re.search(
        rf"({names})(?:省|[^，。省]{{0,6}}?自治区)第[^，。]{{1,12}}届人民代表大会常务委员会",
        header_text,
    )
    return m.group(1) if m else None


_EVENT_WORDS = (
    ("审议批准", "approved"), ("批准", "approved"), ("通过", "adopted"), ("修订", "revised"),
    ("修正", "amended"), ("公布", "promulgated"), ("发布", "promulgated"), ("印发", "promulgated"),
)  # fmt: skip


def _iso(date: str) -> str | None:
    m = RE_DATE.search(date)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    else:
        m = RE_CN_DATE.search(date)
        if not m:
            return None
        y = int("".join(str(_CN_YEAR_DIGIT[c]) for c in m.group(1)))
        mo, d = to_int(m.group(2)), to_int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_ANY_DATE = rf"(?:{RE_DATE.pattern}|{RE_CN_DATE.pattern})"


_ORGAN = re.compile(
    r"会议|委员会|常委会|人民政府|政府|办公厅|办公室|党委|市委|省委|区委|县委|州委|人大"
)
_NO_DATE = r"(?:(?!\d{4}年|[零〇一二三四五六七八九]{4}年)[^，,。；;（）()])"
_PROMULGATION = re.compile(
    r"现予公布|现予发布|予以公布|现予公告|公布施行|发布施行|印发给你们|现予印发|现将.{0,80}印发|颁布施行"
)
RE_DATE_LINE = re.compile(rf"^[^，,。；;]{{0,30}}?({RE_DATE.pattern}|{RE_CN_DATE.pattern})$")


def _events(texts: list[str]) -> list[Event]:
    """Dated events of a header's 题注 and notices: 2022年10月27日…会议通过 → adopted.

    A date counts only when an organ (会议, 委员会, 人民政府, 办公厅 …) or nothing stands between it
    and the verb, so 公众可于2024年3月15日前通过电子邮件 is not an adoption.
    """
    events: list[Event] = []
    words = "|".join(w for w, _ in _EVENT_WORDS)

    def add(date, kind, body):
        body = (body or "").strip() or None
        if date and not any(e.date == date and e.kind == kind for e in events):
            events.append(Event(date, kind, body))

    for t in texts:
        # 题注 style: date, organ, verb
        for m in re.finditer(rf"({_ANY_DATE})({_NO_DATE}{{0,60}}?)(?:于)?({words})", t):
            body = m.group(m.lastindex - 1)
            if not body or _ORGAN.search(body):
                add(_iso(m.group(1)), dict(_EVENT_WORDS)[m.group(m.lastindex)], body)
        # notice style: organ, 于, date, verb
        for m in re.finditer(rf"({_NO_DATE}{{0,60}}?)于({_ANY_DATE})({words})", t):
            body = re.sub(r"^.*?(已由|已经|经)", "", m.group(1))
            if _ORGAN.search(body):
                add(_iso(m.group(2)), dict(_EVENT_WORDS)[m.group(m.lastindex)], body)
    events.sort(key=lambda e: e.date)
    return events


_RE_FIELD = re.compile(
    r"^[【\[]?(发布日期|公布日期|颁布日期|实施日期|施行日期|生效日期)[】\]:：]?"
    r"(\d{4})[-.年/](\d{1,2})[-.月/](\d{1,2})日?$"
)
_FIELD_KIND = {"发布日期": "promulgated", "公布日期": "promulgated", "颁布日期": "promulgated"}


def _metadata_fields(segs: list[Seg]) -> dict[str, str]:
    """Dates of a legal database's metadata block: 【发布日期】2020.01.06 → promulgated."""
    out: dict[str, str] = {}
    for s in segs:
        m = _RE_FIELD.match(s.key) if s.key else None
        if m:
            y, mo, d = (int(x) for x in m.group(2, 3, 4))
            if 1 <= mo <= 12 and 1 <= d <= 31:
                out.setdefault(
                    _FIELD_KIND.get(m.group(1), "effective"), f"{y:04d}-{mo:02d}-{d:02d}"
                )
    return out


def _promulgation(block_keys: list[str]) -> str | None:
    """The date a notice promulgates its instrument: the date alone on the notice's last lines
    (after the signing organ), when the notice says it publishes (现予公布, 印发给你们 …)."""
    if not _PROMULGATION.search("".join(block_keys)):
        return None
    for k in reversed(block_keys):
        m = RE_DATE_LINE.match(k)
        if m:
            return _iso(m.group(1))
    return None


def _make_id(city: str | None, kind: str | None, title: str, taken: set[str]) -> str:
    from pypinyin import lazy_pinyin

    base = "".join(lazy_pinyin(city)) if city else "".join(lazy_pinyin(title[:4]))
    if kind:
        base += "-" + "".join(lazy_pinyin(kind))
    base = re.sub(r"[^a-z0-9-]+", "", base.lower()) or "doc"
    did, n = base, 2
    while did in taken:
        did, n = f"{base}-{n}", n + 1
    return did


def _structure(text: str, body: list[Seg], norm, warnings: list[str], title_key: str = ""):
    chapters: list[Chapter] = []
    sections: list[Section] = []
    built: list[_A] = []
    chapter: Chapter | None = None
    section: Section | None = None
    cur: _A | None = None
    consumed: set[int] = set()  # a heading's title read from the next line
    preamble: list[str] = []

    def is_real_heading(i: int, level: str) -> bool:
        stop = ("chapter", "part") if level == "chapter" else ("chapter", "part", "section")
        for s in body[i + 1 :]:
            if s.kind == "article":
                return True
            if s.kind in stop:
                return False
        return False

    for i, s in enumerate(body):
        if i in consumed:
            continue
        if s.kind in ("blank", "noise", "toc"):
            continue
        if s.kind == "title" and title_key and s.key.strip("《》") == title_key:
            continue  # the title repeated as a running page header
        if (
            s.kind == "title"
            and cur is not None
            and cur.paras
            and not _ends_paragraph(cur.last_text)
        ):
            continue  # a running page header inside a broken sentence
        if (
            s.kind == "text"
            and s.key in _BARE_HEADINGS
            and (cur is None or _ends_sentence(cur.last_text))
        ):
            cur = None
            continue  # a heading without a 第X章 label: 附  则
        if s.kind in ("chapter", "section", "part"):
            if not is_real_heading(i, "section" if s.kind == "section" else "chapter"):
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
            label = (
                f"第{_label_num(s.raw)}{ {'chapter': '章', 'section': '节', 'part': '编'}[s.kind] }"
            )
            if s.kind == "section":
                section = Section(
                    s.num,
                    label,
                    norm(title_raw).replace(" ", ""),
                    chapter.no if chapter else None,
                    s.start,
                    end,
                )
                sections.append(section)
            elif s.kind == "chapter":
                chapter = Chapter(s.num, label, norm(title_raw).replace(" ", ""), s.start, end)
                chapters.append(chapter)
                section = None
            else:  # a 编 opens a new part: its articles belong to no chapter until one begins
                chapter = section = None
            cur = None
            continue
        if s.kind == "article":
            cur = _A(seg=s, chapter=chapter, section=section, end=s.end)
            built.append(cur)
            rest = s.rest
            m = RE_HEADING.match(rest)
            if m and not RE_ITEM.match(rest):
                cur.heading = norm(m.group(1) or m.group(2)).strip()
                cur.heading_raw = m.group(0)
                rest = rest[m.end() :].lstrip().lstrip("*").lstrip()
            if rest:
                rs = s.end - len(rest)
                if RE_ITEM.match(_key(rest)):
                    _add_item(cur, rs, s.end, rest)
                else:
                    cur.paras.append(_P(parts=[(rs, s.end)], start=rs, end=s.end))
                    cur.last_text = rest
            continue
        if cur is None:
            if s.kind in ("text", "item", "subitem", "title", "notice", "tizhu"):
                if not built:  # a 序言 or preamble before the first article
                    preamble.append(norm(s.raw))
                else:
                    warnings.append(f"text outside any article ignored: {norm(s.raw)[:30]}")
            continue
        # a heading on its own line right after a bare label: 第三条 / （目的与依据） / 正文
        if not cur.paras and cur.heading is None and s.kind == "text":
            m = RE_HEADING.match(s.raw)
            if m:
                cur.heading = norm(m.group(1) or m.group(2)).strip()
                cur.heading_raw = m.group(0)
                cur.end = s.end
                body_raw = s.raw[m.end() :]
                if body_raw.strip():  # （目的和依据）为了规范…: heading, then the body
                    bs = s.end - len(body_raw.lstrip())
                    cur.paras.append(_P(parts=[(bs, s.end)], start=bs, end=s.end))
                    cur.last_text = body_raw
                continue
        cur.end = s.end
        if s.kind == "item":
            _add_item(cur, s.start, s.end, s.raw)
        elif s.kind == "subitem" and cur.in_item and cur.paras[-1].style == "cn":
            _extend(cur, s, new_line=True)  # a 目 inside a （一） item
        elif s.kind == "subitem":
            _add_item(cur, s.start, s.end, s.raw, style="num")
        elif cur.paras and not _ends_paragraph(cur.last_text) and not _unpunctuated_list(text, cur):
            _extend(cur, s, new_line=False)  # a line broken mid-sentence
        else:
            cur.paras.append(_P(parts=[(s.start, s.end)], start=s.start, end=s.end))
            cur.in_item = False
            cur.last_text = s.raw

    articles = [_finish(text, a, norm) for a in built]
    _check_numbering(articles, warnings)
    return chapters, sections, articles, preamble


def _unpunctuated_list(text: str, a: _A) -> bool:
    """Items drafted without punctuation (（一）发布公告　（二）报名…): a line break ends the last
    one, it does not continue it."""
    p = a.paras[-1] if a.paras else None
    if not a.in_item or not p or len(p.items) < 2:
        return False
    return not any(_ends_paragraph(text[sp[0][0] : sp[-1][1]]) for sp in p.items[:-1])


def _label_num(raw: str) -> str:
    m = re.match(rf"\s*第\s*({_SPACED_NUM})", raw)
    return re.sub(r"\s+", "", m.group(1)).translate(_FULLWIDTH_DIGITS) if m else ""


def _add_item(a: _A, start: int, end: int, raw: str, style: str = "cn") -> None:
    if not a.paras or (a.paras[-1].style and a.paras[-1].style != style):
        a.paras.append(_P(start=start, end=end))
    p = a.paras[-1]
    p.style = style
    p.items.append([(start, end)])
    p.item_nos.append(_item_no(_key(raw), len(p.items)))
    p.end = end
    a.in_item = True
    a.last_text = raw


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
        p.parts.append((s.start, s.end))
    p.end = s.end
    a.last_text = s.raw


def _join(text: str, spans: list[tuple[int, int]], norm) -> str:
    """The normalized text of source spans: pieces of one broken line are joined before they are
    normalized (社群資 / 訊共享 is one word); a sub-item (1. 2.) keeps its own line."""
    lines: list[list[str]] = [[]]
    for st, en in spans:
        if st < 0:
            lines.append([])
            st = -st - 1
        lines[-1].append(_RE_EDGE_END.sub("", text[st:en][_RE_EDGE.match(text[st:en]).end() :]))
    return "\n".join(norm("".join(parts)) for parts in lines)


def _finish(text: str, a: _A, norm) -> Article:
    s = a.seg
    paras = []
    for n, p in enumerate(a.paras, 1):
        lead = _join(text, p.parts, norm) if p.parts else ""
        items = []
        for no, spans in zip(p.item_nos, p.items, strict=True):
            full = _join(text, spans, norm)
            m = RE_MARKER.match(full)
            label = m.group(0).strip() if m else ""
            istart = spans[0][0]
            iend = spans[-1][1]
            items.append(
                Item(no, label, full[m.end() :] if m else full, text[istart:iend], istart, iend)
            )
        pstart = p.parts[0][0] if p.parts else p.items[0][0][0]
        paras.append(Paragraph(n, lead, text[pstart : p.end], pstart, p.end, tuple(items)))
    lines = []
    for p in paras:
        if p.text:
            lines.append(p.text)
        lines.extend(f"{it.label}{it.text}" for it in p.items)
    label = f"第{_label_num(s.raw)}条" + (f"之{_cn(s.sub)}" if s.sub else "")
    return Article(
        doc_id="", no=s.num, label=label, heading=a.heading,
        chapter_no=a.chapter.no if a.chapter else None, chapter_title=a.chapter.title if a.chapter else None,
        section_no=a.section.no if a.section else None, section_title=a.section.title if a.section else None,
        text="\n".join(lines), original=text[s.start : a.end], start=s.start, end=a.end,
        paragraphs=tuple(paras),
    )  # fmt: skip


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
