"""What a document says about itself: title, city, province, kind, status, dates and events,
notices — read from an instrument's header (and its last articles for the date it takes effect).

:func:`build_document` assembles a :class:`~jdcorpus.model.Document` from one instrument: its
metadata read here, its structure from :mod:`.structure`.
"""

from __future__ import annotations

import re
from functools import cache

from ..model import Document, Event, Paragraph
from .patterns import (
    BARE_HEADINGS,
    INVISIBLE,
    KINDS,
    LAW_KINDS,
    RE_ANNEX,
    RE_ANY_YEAR,
    RE_CN_DATE,
    RE_DATE,
    RE_DATE_LINE,
    RE_DRAFT,
    RE_ISSUERS,
    RE_ORDINAL_HEADING,
    RE_PREAMBLE,
    RE_SIGNATURE,
    RE_TITLE,
    RE_TIZHU,
    closing_start,
    ends_paragraph,
    key_of,
    to_int,
    unwrap,
)
from .segments import Seg
from .structure import body_structure, paragraph_structure

_MUNICIPALITIES = {"北京", "上海", "天津", "重庆"}
_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)  # fmt: skip
_CN_YEAR_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}

# a title that opens with a province (山东省…, 广西壮族自治区…, 中国（浙江）自由贸易试验区…)
_RE_PROVINCE_OPENS = re.compile(
    rf"(?:中国[（(])?({'|'.join(_PROVINCES)})(?:省|市|[）)]|[^，。省]{{0,6}}?自治区)"
)

#: The title of an instrument in whose text no title was found.
UNTITLED = "（无标题）"


def inherit_promulgation(doc: Document, earlier: list[Document]) -> Document:
    """One notice may promulgate several instruments of a file (印发《A》和《B》): the later ones
    take the date of the earlier document whose notice names them — not an earlier text of the
    same title (a compilation's original and amended versions: the notice was the original's)."""
    if doc.promulgated or doc.status != "in_force":
        return doc
    from dataclasses import replace

    for prev in reversed(earlier):
        if prev.title == doc.title:
            continue
        if prev.promulgated and any(doc.title in n for n in prev.notices):
            ev = Event(prev.promulgated, "promulgated", None)
            return replace(
                doc,
                promulgated=prev.promulgated,
                events=tuple(sorted([*doc.events, ev], key=lambda e: e.date)),
            )
    return doc


_RE_SAME_DAY = re.compile(r"与《([^》]{2,60})》(?:同步|同时|一并)(?:施行|实施)")


def inherit_effective(doc: Document, earlier: list[Document]) -> Document:
    """本办法与《…实施细则》同步施行: an instrument with no date of its own takes effect with the
    earlier one of the same file that it names."""
    if doc.effective:
        return doc
    from dataclasses import replace

    named = {m.group(1) for a in doc.articles[-3:] for m in _RE_SAME_DAY.finditer(a.text)}
    for prev in reversed(earlier):
        if prev.effective and prev.title in named:
            return replace(doc, effective=prev.effective)
    return doc


_RE_TITLE_MARKS = re.compile(r"[、，,·\s\u3000]")


def build_document(text, header, body, trailer, script, *, source_file, city, province, title,
                    ids, doc_id, taken, paragraphs_only=False,
                    fallback_title=None) -> Document:  # fmt: skip
    """The document of one instrument: ``header``, ``body`` and ``trailer`` are its segments,
    ``script`` the script its text is normalized from; known metadata overrides what is read.
    ``paragraphs_only``: the body has no articles, its paragraphs are the document's;
    ``fallback_title``: the title a file's markup states (a Markdown ``# `` heading), taken when
    no line of the text reads as one."""
    norm = _Normalizer(script)
    steps = norm.steps

    warnings: list[str] = []
    # -- header: title, notices, 题注
    title_segs = [s for s in header if s.kind == "title"]
    title_seg = title_segs[-1] if title_segs else None
    if title_seg is not None:
        # the same title twice, once with its marks (最高人民法院、最高人民检察院关于…) and once
        # set with spaces instead (最高人民法院 最高人民检察院 关于…): the one with its marks
        bare = _RE_TITLE_MARKS.sub("", title_seg.key)
        same = [s for s in title_segs if _RE_TITLE_MARKS.sub("", s.key) == bare]
        longest = max(len(s.key) for s in same)
        title_seg = [s for s in same if len(s.key) == longest][-1]
    original_title = title_seg.raw if title_seg else ""
    doc_title = title or (_clean_title(norm(title_seg.raw)) if title_seg else None)
    issuers: Seg | None = None  # the line of organs above a 关于… title, part of it
    if doc_title and not title and doc_title.startswith("关于"):
        organs, issuers = _issuers(header, title_seg, norm)
        doc_title = organs + doc_title
    if doc_title and not title and title_seg is not None:
        # a title wrapped over two lines, a blank between them (北京市人民代表大会常务委员会任免⏎⏎
        # 国家机关工作人员条例): the line above joins it when it names the place or the organs
        above = _line_above(header, title_seg)
        if above is not None:
            joined = _clean_title(norm(above.raw) + doc_title)
            if _names_issuer(joined) and not _names_issuer(doc_title) and RE_TITLE.match(joined):
                doc_title, original_title = joined, above.raw + "\n" + title_seg.raw
        # the file's markup states the whole title (# 北京市…国家机关工作人员条例)
        if fallback_title:
            whole = _clean_title(norm(fallback_title))
            if whole.endswith(doc_title) and _names_issuer(whole) and not _names_issuer(doc_title):
                doc_title = whole
    if not doc_title and fallback_title:
        doc_title = _clean_title(norm(fallback_title))
        # the line that states it (# 反分裂国家法: no place, so no title by RE_TITLE) is the
        # title's line, not a notice
        title_seg = next(
            (s for s in header if s.kind == "text" and _clean_title(norm(s.raw)) == doc_title),
            title_seg,
        )
        original_title = title_seg.raw if title_seg else original_title
    # 某市人民代表大会常务委员会⏎关于…的决定: a 关于… line (no 印发《…》) under its organs
    if not doc_title:
        for s in header:
            if s.kind == "notice" and s.key.startswith("关于") and "《" not in s.key:
                organs, issuers = _issuers(header, s, norm)
                if organs:
                    title_seg, original_title = s, s.raw
                    doc_title = organs + _clean_title(norm(s.raw))
                    break
    # a title centred over two lines, neither a title alone (融水苗族自治县施行《中华人民共和国民法典》
    # ⏎ 婚姻家庭编的变通规定: the second is the tail of an unfinished line)
    # (nearer the body than any other title line: a list of related titles may stand above it)
    if not title:
        lines = []
        for s in header:
            if s.kind in ("tizhu", "article"):
                break
            if s.kind not in ("blank", "noise"):
                lines.append(s)
        pair = None
        for a, b in zip(lines[:-1], lines[1:], strict=True):
            if a.kind != "text" or b.kind != "text" or len(a.key) + len(b.key) > 80:
                continue
            if re.search(r"[，,。；;：:！？]", a.key + b.key):
                continue
            joined = _clean_title(norm(a.raw) + norm(b.raw)).replace(" ", "")
            balanced = joined.count("《") == joined.count("》")  # (no wrapped 题注: no date)
            if balanced and RE_TITLE.match(joined) and not RE_ANY_YEAR.search(joined):
                pair = a, b, joined
        if pair and (title_seg is None or header.index(pair[1]) > header.index(title_seg)):
            issuers, title_seg, doc_title = pair
            original_title = issuers.raw + "\n" + title_seg.raw
    # a notice or reply that is itself the instrument: its 关于…的通知 line, first in the text,
    # is the title (关于职工全年月平均工作时间和工资折算问题的通知 ⏎ 各省…：⏎ 一、…)
    if not doc_title:
        first = next((s for s in header if s.kind not in ("blank", "noise")), None)
        if (
            first is not None
            and first.kind in ("notice", "text")
            and _RE_SELF_TITLE.search(first.key)
        ):
            title_seg, original_title = first, first.raw
            doc_title = _clean_title(norm(first.raw))
    if not doc_title:
        m = re.search(
            r"《([^》]{2,60})》", "".join(norm(s.raw) for s in header if s.kind != "noise")
        )
        doc_title = m.group(1) if m else UNTITLED
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
    header_lines = [s for s in header if s.kind not in ("blank", "noise")]
    # 一、一般规定 right before 第一条: the heading of a 司法解释's first part, as those between
    # its articles are (they are no structure of the model), not a line of a notice
    part_heading = (
        header_lines[-1]
        if header_lines and RE_ORDINAL_HEADING.match(header_lines[-1].key)
        else None
    )
    for s in header:
        if s is part_heading:
            continue
        if s is issuers or (s is title_seg and s.kind != "title"):  # the title's own lines
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        closed_tizhu = (
            bool(blocks and blocks[-1])
            and blocks[-1][0].kind == "tizhu"
            and blocks[-1][-1].raw.endswith(("）", ")", "】"))
        )
        # a notice ends with its date, alone on the last line after the signing organ (a remark
        # in brackets may follow it: （此件公开发布）)
        closed_notice = (
            bool(blocks and len(blocks[-1]) > 1)
            and blocks[-1][0].kind == "notice"
            and bool(RE_DATE_LINE.match(blocks[-1][-1].key))
            and not s.key.startswith(("（", "(", "【", "["))
        )
        # a 题注 written as lines without brackets (LawRefBook: 2003年5月16日 …会议通过 ⏎ …修正)
        # goes on in no sentence (为了…制定本规定。) and no 序言: they are a block of their own
        after_bare_tizhu = (
            bool(blocks and blocks[-1])
            and blocks[-1][0].kind == "tizhu"
            and not blocks[-1][0].raw.lstrip().startswith(("（", "(", "【", "["))
            and s.kind == "text"
            and (
                ends_paragraph(s.key)
                or bool(RE_PREAMBLE.fullmatch(s.key))
                # the 题注 line ends with its verb and this line names no date: the text of
                # a 决议 that opens with its meeting (…会议听 ⏎ 取和审议了…), not a broken 题注
                or (
                    bool(_RE_VERB_END.search(blocks[-1][-1].key))
                    and not RE_ANY_YEAR.search(s.key)
                    and not _RE_VERB_END.search(s.key)  # …会议批准: a 题注 line without its date
                )
            )
        )
        if (
            s.kind in ("notice", "tizhu")
            or (s.kind == "title" and blocks and blocks[-1])
            or closed_tizhu
            or closed_notice
            or after_bare_tizhu
        ):
            blocks.append([])
        if s.kind in ("notice", "text", "tizhu"):
            if not blocks:
                blocks.append([])
            blocks[-1].append(s)
    blocks = _drop_page_chatter(blocks, header)
    notices, promulgations, texts = [], [], []
    # a 题注 under a notice's heading (关于批准《…办法》的决定 ⏎ （…会议通过）) dates the notice,
    # when the instrument has a 题注 of its own under its title
    own_tizhu = title_seg is not None and any(
        b and b[0].kind == "tizhu" and b[0].start > title_seg.start for b in blocks
    )
    shown = [s for s in header if s.kind not in ("blank", "noise")]
    above = {id(b): a for a, b in zip(shown[:-1], shown[1:], strict=True)}  # the line above
    for b in blocks:
        key = "".join(s.key for s in b)
        heading = above.get(id(b[0])) if b else None
        if (
            own_tizhu
            and b
            and b[0].kind == "tizhu"
            and b[0].start < title_seg.start
            and heading is not None
            and heading is not title_seg
            and heading.kind in ("title", "notice")
            and RE_TIZHU.match(key)
        ):
            continue
        if not b or RE_DRAFT.fullmatch(key.strip("（()）")):
            continue
        if _same_title(key, doc_title):  # the title again, or its first line (broken)
            continue
        if key.replace("　", "") in BARE_HEADINGS:  # 总则 over 第一条, its 第一章 lost: no notice
            continue
        texts.append(key)
        if RE_TIZHU.match(key):
            continue
        lines = [norm(s.raw) for s in b]
        lines = _unwrap_block(b, lines)  # a hard-wrapped notice or 序言: its paragraphs
        notices.append("\n".join(lines))
        date = _promulgation([s.key for s in b])
        if date:
            promulgations.append(date)

    # -- the id (it depends on the title and the place only), then the body structure
    doc_city = (
        city
        or _city_from_title(doc_title)
        or _municipality(doc_title, header)
        or _district_city(doc_title, header)
    )
    did = doc_id or ids.get(doc_title) or _make_id(doc_city, kind, doc_title, taken)
    # (the whole title, also when it stands on two lines: a page's running header repeats it)
    title_key = key_of(original_title).strip("《》") if title_seg else ""
    paragraphs: list[Paragraph] = []
    if paragraphs_only:
        chapters, sections, paragraphs = paragraph_structure(text, body, norm)
        articles, preamble, parts = [], [], []
        warnings.append(
            f"no article labels (第一条 …): the text is read as {len(paragraphs)} "
            + ("paragraph" if len(paragraphs) == 1 else "paragraphs")
        )
    else:
        chapters, sections, articles, preamble, parts = body_structure(
            text, body, norm, warnings, title_key, doc_id=did
        )
    if preamble:
        notices.append("\n".join(preamble))
    kept = [s for s in trailer if s.kind not in ("blank", "noise")]
    # 附件：⏎1、…规程 — 附件： alone on its line is read as a web page's noise, but right before
    # the text that follows the last article it opens the annexes, as 附件1： does
    shown = [s for s in trailer if s.kind != "blank"]
    opened = (
        len(shown) > 1
        and shown[0].kind == "noise"
        and bool(RE_ANNEX.match(shown[0].key))
        and shown[1] is (kept[0] if kept else None)
    )
    annexes = []
    closing = _closing(kept)  # 某市人民政府 ⏎ 2019年3月5日 under the last article: the 落款
    if closing:
        kept = []
    if kept and (opened or kept[0].kind in ("annex", "notice", "title")):
        # 附件, 起草说明: kept beside the law
        annexes.append("\n".join(norm(s.raw) for s in ([shown[0]] if opened else []) + kept))
    elif kept:
        warnings.append(f"text after the last article ignored: {norm(kept[0].raw)[:30]}…")

    # -- dates
    header_text = "".join(s.key for s in header if s.kind != "noise")
    # a 题注 may stand after a web page's own 目录, inside what is structurally the body
    pre_body = []
    for s in body if not paragraphs_only else ():  # without articles the body is all text
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
    if status == "in_force" and closing and not any(e.kind == "promulgated" for e in events):
        events = sorted([*events, Event(*closing)], key=lambda e: e.date)
    if status == "draft":  # a draft is neither adopted nor promulgated, whatever its notice says
        events = [e for e in events if e.kind not in ("promulgated",)]
    effective = None
    for unit in reversed([*articles, *paragraphs]):
        m = re.search(
            r"自(.{4,14}?日|公布之日|发布之日|印发之日)"
            r"(?:起?施行|起实行(?![\u4e00-\u9fff])|起?实施(?![\u4e00-\u9fff]))",
            unit.text.replace(" ", ""),
        )
        if m:
            effective = _iso(m.group(1)) if "之日" not in m.group(1) else "promulgation"
            break
    if effective is None:
        # 二〇二四年一月一日 too; 实行 in older laws (本修正案自2021年3月1日起实行), 实施 in
        # rules and the Basic Laws (1999年12月20日 实施)
        m = re.search(
            rf"自({_ANY_DATE})(?:起?施行|起实行(?![\u4e00-\u9fff])|起?实施(?![\u4e00-\u9fff]))",
            header_text,
        )
        if m is None:  # or a line of a collection's own dates: 2021年1月1日 施行 (LawRefBook)
            lines = (
                re.fullmatch(rf"({_ANY_DATE})(?:施行|实施)", s.key)
                for s in header
                if s.kind != "noise"
            )
            m = next(filter(None, lines), None)
        effective = _iso(m.group(1)) if m else listed.get("effective")

    def first(kind, last=False):
        ds = [e.date for e in events if e.kind == kind]
        return (ds[-1] if last else ds[0]) if ds else None

    promulgated = first("promulgated")
    if effective == "promulgation":
        effective = promulgated
    doc_province = province or _province(doc_city, header_text + "".join(pre_body), doc_title)
    articles = tuple(articles)
    start = header[0].start if header else (body[0].start if body else 0)
    end = max((s.end for s in body), default=start)
    return Document(
        id=did, title=doc_title, city=doc_city, province=doc_province, kind=kind, status=status,
        adopted=first("adopted"), approved=first("approved", last=True),
        revised=first("revised", last=True), promulgated=promulgated, effective=effective,
        source_file=source_file, start=start, end=end, original_title=original_title,
        script=script, articles=articles, chapters=tuple(chapters), sections=tuple(sections),
        parts=tuple(parts), events=tuple(events), notices=tuple(notices), annexes=tuple(annexes),
        warnings=tuple(warnings), steps=tuple(_ordered_steps(steps)), paragraphs=tuple(paragraphs),
        source_text=text,
    )  # fmt: skip


class _Normalizer:
    """:func:`~jdcorpus.normalize.normalize` for the strings of one instrument, remembered, and
    the union of the steps that changed them (what the document records). ``prefetch``
    normalizes many strings in one call; a string is normalized the same either way."""

    def __init__(self, script: str):
        self.script = script
        self.cache: dict[str, str] = {}
        self.steps: set[str] = set()

    def prefetch(self, strings: list[str]) -> None:
        from ..normalize import normalize_lines

        todo = list(dict.fromkeys(s for s in strings if s not in self.cache and "\n" not in s))
        outs, ran = normalize_lines(todo, self.script)
        self.cache.update(zip(todo, outs, strict=True))
        self.steps.update(ran)

    def __call__(self, s: str) -> str:
        out = self.cache.get(s)
        if out is None:
            from ..normalize import normalize

            out, ran = normalize(s, script=self.script)
            self.cache[s] = out
            self.steps.update(ran)
        return out


def _ordered_steps(names: set[str]) -> list[str]:
    from ..normalize import list_steps

    order = [n for n, _ in list_steps()]
    return sorted(names, key=lambda n: order.index(n) if n in order else len(order))


def _line_above(header: list, seg: Seg) -> Seg | None:
    """The text line above ``seg`` in the header, across blank and invisible lines: a piece of
    a title wrapped before it (no sentence or list punctuation, no date), else None."""
    i = next((k for k, s in enumerate(header) if s is seg), 0)
    for s in reversed(header[:i]):
        if s.kind in ("blank", "noise") or not s.key.strip(INVISIBLE + " \u3000"):
            continue
        if s.kind != "text" or len(s.key) > 40 or re.search(r"[，,。；;：:、！？\d]", s.key):
            return None
        return s
    return None


def _names_issuer(title: str) -> bool:
    """Whether a title opens with its place or its organs (北京市…, 中华人民共和国…, 国务院…)."""
    return bool(
        _city_from_title(title)
        or title.startswith(("中华人民共和国", "全国人民代表大会", "国务院", "最高人民"))
        or _RE_PROVINCE_OPENS.match(title)
    )


def _clean_title(t: str) -> str:
    t = t.strip().strip("《》")
    t = re.sub(r"》?[（(]\d{4}年(修订|修正|修改)(本|版)?[）)]$", "", t)  # an edition note
    return re.sub(r"》?[（(]?(征求意见稿|送审稿)[）)]?$", "", t).strip("《》")


def _kind(title: str) -> str | None:
    t = re.sub(r"[（(][^（）()]*[）)]$", "", title or "")
    for k in KINDS:
        if t.endswith(k):
            return k
    national = t.startswith(("中华人民共和国", "全国人民代表大会", "最高人民"))
    if t.startswith("最高人民") and t.endswith("安排"):
        return "安排"  # 最高人民法院关于内地与香港特别行政区法院…的安排
    for k in LAW_KINDS:  # a national law (中华人民共和国刑法, 民法典, 刑法修正案（十一）)
        # (…法律适用法 is a law's name; without the national prefix …用法 is a wrapped line)
        if t.endswith(k) and (
            national or not re.search(r"[本该此其依合违执守方做用说看想手疗]法$", t)
        ):
            return k
    # a notice or reply that is itself the instrument (…关于…问题的通知, 最高人民法院…的答复): its
    # kind, read from the title only (as a line, 关于…的通知 heads the instrument it issues)
    m = re.search(r"关于.{2,}的(通知|答复|复函)$", t)
    return m.group(1) if m else None


def _city_from_title(title: str) -> str | None:
    if not title or title.startswith(("中华", "中国", "全国", "国务院", "最高人民", "关于")):
        return None  # a national instrument (中华人民共和国城市维护建设税法 names no 城市)
    m = re.match(rf"({'|'.join(_MUNICIPALITIES)})市", title)
    if m:  # 上海市民用机场地区管理条例, 重庆市区县（自治县）…: the municipality
        return m.group(1)
    m = _RE_PROVINCE_OPENS.match(title)
    if m:
        # a province's regulation names no city (山东省城市建设管理条例, 广东省市场监管条例,
        # 河南省技术市场条例), unless an autonomous prefecture or county follows the province
        m = re.match(r"^(.{2,12}?(?:自治州|自治县))", title[m.end() :])
        return m.group(1) if m and not re.search(r"[的因或往于对向为在]", m.group(1)) else None
    m = re.match(r"^(.{2,4}?)经济特区", title)
    if m:
        return m.group(1)
    m = re.match(r"^(.{2,12}?(?:自治州|自治县|地区|盟))", title)
    # a place name, not a phrase that ends in 地区 (中国公民因私事往来香港地区…)
    if m and not re.search(r"[的因或往于对向为在]", m.group(1)):
        return m.group(1)
    m = re.match(r"^(.{2,8}?)市(?!场)", title)  # 市场 is a word (人力资源市场暂行条例)
    if m:
        # 城市 is a word: 杭州城市大脑…条例 is 杭州's, as 聊城市…条例 is 聊城's
        city = m.group(1)
        return city[:-1] if len(city) > 2 and city.endswith("城") else city
    m = re.match(r"^(.{2,8}?县)", title)
    if m and not re.match(r"^.{2,8}?省", title):
        return m.group(1)
    return None


def _drop_page_chatter(blocks: list[list], header: list) -> list[list]:
    """Blocks of plain text lines with web-page furniture between them and the next notice
    heading (回复 ⏎ 城南旧事 ⏎ 支持一下，楼主辛苦了！ ⏎ 返回列表 发新帖 ⏎ 关于印发…的通知; an
    encyclopedia's summary ⏎ 基本介绍 ⏎ …公告): the page's text, not a notice of the instrument."""
    place = {id(s): n for n, s in enumerate(header)}
    noise = [n for n, s in enumerate(header) if s.kind == "noise"]
    heads = [place[id(b[0])] for b in blocks if b and b[0].kind == "notice"]
    if not noise or not heads:
        return blocks

    def chatter(b: list) -> bool:
        if not b or any(s.kind != "text" for s in b):
            return False
        end = place[id(b[-1])]
        nxt = next((h for h in heads if h > end), None)
        return nxt is not None and any(end < n < nxt for n in noise)

    return [b for b in blocks if not chatter(b)]


def _district_city(title: str, header: list) -> str | None:
    """历下区既有住宅加装电梯实施办法: a district's text is its city's, when the header names
    the city with the district (济南市历下区人民政府办公室 in a red header or the 落款)."""
    m = re.match(r"^(.{2,4}?区)", title)
    if not m or re.search(r"[的因或往于对向为在]", m.group(1)):
        return None
    own = re.compile(
        rf"(?:^|日|[（(])(?:[\u4e00-\u9fff]{{2,3}}?(?:省|自治区))?(?!关于)([\u4e00-\u9fff]{{2,4}}?)市"
        rf"{m.group(1)}(?:人民|委员会|党)"
    )  # (the organ opens its line, or follows a 题注's date: no 关于济南市…)
    return next(
        (hit.group(1) for s in header if s.kind != "noise" and (hit := own.search(s.key))), None
    )


def _municipality(title: str, header: list) -> str | None:
    """北京历史文化名城保护条例, 中国（上海）自由贸易试验区条例: a municipality named without its 市
    is the city when its own congress or government made the text (上海市…人民代表大会常务委员会…
    通过 in the header), not in a State Council regulation (上海航运交易所管理规定)."""
    m = re.match(rf"(?:中国[（(])?({'|'.join(_MUNICIPALITIES)})", title)
    if not m:
        return None
    own = re.compile(rf"{m.group(1)}市(?:第.{{1,6}}届)?人民(?:代表大会|政府)")
    return m.group(1) if any(own.search(s.key) for s in header if s.kind != "noise") else None


def _province(city: str | None, header_text: str, title: str = "") -> str | None:
    if city in _MUNICIPALITIES:
        return city
    # a province's own regulation names it first (山东省人民代表大会议事规则), or in brackets
    # (中国（浙江）自由贸易试验区条例)
    m = _RE_PROVINCE_OPENS.match(title)
    if m:
        return m.group(1)
    # the provincial congress that approved a city's regulation names the province
    names = "|".join(_PROVINCES)
    m = re.search(
        rf"({names})(?:省|[^，。省]{{0,6}}?自治区)第[^，。]{{1,12}}届人民代表大会常务委员会",
        header_text,
    )
    return m.group(1) if m else None


_EVENT_WORDS = (
    ("审议批准", "approved"), ("批准", "approved"), ("通过", "adopted"), ("修订", "revised"),
    ("修正", "amended"), ("修改", "amended"), ("公布", "promulgated"), ("发布", "promulgated"),
    ("印发", "promulgated"),
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
    r"|国务院|政务院|人民法院|人民检察院|[部局署]令|令第|号令"  # 国务院令第596号公布, 海关总署第4号令公布
    r"|[^\s，,。；;]{2,}[部局署]\s*$"  # 1990年10月22日 对外经济贸易部发布, 国家标准局发布
)
# (a year alone may stand in an organ's meeting: 国家互联网信息办公室2021年第20次室务会议审议通过)
_NO_DATE = r"(?:(?!\d{4}年\d|[零〇一二三四五六七八九]{4}年[一二三四五六七八九十])[^，,。；;（）()])"
# a quoted title (one level of 《》 may nest inside it: 〈…《中华人民共和国工会法》…〉)
_QUOTED = r"《(?:[^《》]|《[^《》]*》)*》"
# 2022年3月24日《国家市场监督管理总局关于修改和废止有关规章的决定》修改: the decision names its organ
_RE_DECISION = re.compile(rf"{_QUOTED}(?<=[决定议]》)(?:第[一二三四五六七八九十]{{1,3}}次)?")
_RE_PASSED_DECISION = re.compile(
    rf"(?:通过|公布|发布)的(?={_QUOTED}(?:第[一二三四五六七八九十]{{1,3}}次)?(?:修正|修订))"
)
_PROMULGATION = re.compile(
    r"现予公布|现予发布|予以公布|现予公告|公布施行|发布施行|印发给你们|现予印发|现将.{0,80}印发|颁布施行"
)


def _events(texts: list[str]) -> list[Event]:
    """Dated events of a header's 题注 and notices: 2022年10月27日…会议通过 → adopted.

    A date counts only when an organ (会议, 委员会, 人民政府, 办公厅 …) or nothing stands between it
    and the verb, so 公众可于2024年3月15日前通过电子邮件 is not an adoption.
    """
    events: list[Event] = []
    # (修改 is the event, 关于修改 the name of the decision that made it)
    words = "|".join(w if w != "修改" else "(?<!关于)修改" for w, _ in _EVENT_WORDS)

    def add(date, kind, body):
        body = (body or "").strip() or None
        if date and not any(e.date == date and e.kind == kind for e in events):
            events.append(Event(date, kind, body))

    for t in texts:
        # …会议通过的《关于修改…的决定》第二次修正: the event is the 修正, not the decision's 通过
        t = _RE_PASSED_DECISION.sub("", t)
        # 题注 style: date, organ, verb; a quoted title between them counts as one character
        # (…会议《关于修改〈中华人民共和国地方各级人民代表大会和地方各级人民政府组织法〉的决定》第二次修正)
        for m in re.finditer(
            rf"({_ANY_DATE})((?:{_QUOTED}|{_NO_DATE}){{0,60}}?)(?:于)?({words})", t
        ):
            body = m.group(m.lastindex - 1)
            if _another_instrument(m, t):
                continue
            if not body or _ORGAN.search(body) or _RE_DECISION.fullmatch(body.strip()):
                add(_iso(m.group(1)), dict(_EVENT_WORDS)[m.group(m.lastindex)], body)
        # notice style: organ, 于, date, verb
        # (…于2000年3月17日发布的《…》同时废止: another instrument's event, not this one's)
        for m in re.finditer(rf"({_NO_DATE}{{0,60}}?)于({_ANY_DATE})({words})", t):
            body = re.sub(r"^.*?(已由|已经|经)", "", m.group(1))
            if _ORGAN.search(body) and not _another_instrument(m, t):
                add(_iso(m.group(2)), dict(_EVENT_WORDS)[m.group(m.lastindex)], body)
    # a joint 题注 (2013年3月8日最高人民法院审判委员会第1571次会议、2013年3月18日最高人民检察院…
    # 会议通过): the first meeting shares the verb of the next — in one text, or alone on its line
    # (RE_TIZHU) before the next one's
    for k, t in enumerate(texts):
        for m in _RE_SHARED_VERB.finditer(t):
            add(_iso(m.group("date")), "adopted", m.group("meeting"))
        m = _RE_MEETING_ONLY.fullmatch(t)
        if m and any(e.kind == "adopted" for e in _events(texts[k + 1 : k + 2])):
            add(_iso(m.group("date")), "adopted", m.group("meeting"))
    events.sort(key=lambda e: e.date)
    return events


_RE_SELF_TITLE = re.compile(r"^[^《》，,。；;：:]*关于[^《》，,。；;：:]{2,}的(?:通知|答复|复函)$")


def _unwrap_block(block: list[Seg], lines: list[str]) -> list[str]:
    """The lines of a notice or 序言 as its paragraphs (:func:`unwrap`: a long line that ends
    mid-sentence goes on in the next), but a notice's heading line, and a title, a signing organ,
    a date or a bracket (（第12号）) after a line, keep lines of their own."""
    if RE_PREAMBLE.fullmatch(lines[0]):
        return unwrap(lines)
    out = [lines[0]]
    for s, prev, line in zip(block[1:], lines[:-1], lines[1:], strict=True):
        own = (
            (len(out) == 1 and block[0].kind == "notice")
            or RE_TITLE.match(s.key)
            or RE_SIGNATURE.fullmatch(s.key)
            or RE_DATE_LINE.match(s.key)
            or s.key.startswith(("（", "(", "【", "["))
        )
        if not own and len(prev) >= 20 and not ends_paragraph(prev):
            out[-1] += line
        else:
            out.append(line)
    return out


def _same_title(key: str, title: str) -> bool:
    def bare(t: str) -> str:
        return re.sub(r"[《》〈〉<>\s]", "", t)

    k, t = bare(key), bare(title)
    # (or its first line, broken before the line the title was read from)
    return len(k) >= 4 and (k == t or (t.startswith(k) and len(k) < len(t)))


_RE_VERB_END = re.compile(r"(?:通过|批准|修订|修正|公布|发布|印发|施行|实施)[）)】]?$")


def _another_instrument(m: re.Match, t: str) -> bool:
    """…2000年3月17日劳动保障部发布的《…》同时废止: the date another instrument was promulgated
    (a 批准的《…决定》修正 is this one's amendment, and stays)."""
    return m.group(m.lastindex) in ("公布", "发布", "印发") and t.startswith("的", m.end())


_MEETING = r"[^，,。；;：:、]{0,80}?会议"
_RE_MEETING_ONLY = re.compile(rf"(?P<date>{_ANY_DATE})(?P<meeting>{_MEETING})")
_RE_SHARED_VERB = re.compile(
    rf"(?P<date>{_ANY_DATE})(?P<meeting>{_MEETING})(?=[、，,]?{_ANY_DATE}{_MEETING}(?:审议)?通过)"
)


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


def _closing(lines: list[Seg]) -> tuple[str, str, str | None] | None:
    """The 落款 of an instrument — its signing organs, one a line, then the date alone on the
    last line (农业农村部 ⏎ 2019年3月5日) — as a promulgation event ``(date, "promulgated",
    organs)``; None when ``lines`` hold anything else."""
    keys = [s.key for s in lines]
    if closing_start(keys) != 0:
        return None
    date = _iso(RE_DATE_LINE.match(keys[-1]).group(1))
    return (date, "promulgated", "、".join(keys[:-1]) or None) if date else None


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


_ORGAN_PREFIX = re.compile(
    r"^(?:(?:中华人民共和国)?(?:最高人民法院|最高人民检察院|全国人民代表大会(?:常务委员会)?"
    r"|国务院(?:办公厅)?)[、和]?)+"
)


def _issuers(header: list, title_seg, norm) -> tuple[str, Seg | None]:
    """The organs a title ``关于…`` is issued by when they stand on the line above it (最高人民法院
    最高人民检察院⏎关于办理…的规定): ``最高人民法院、最高人民检察院`` and that line; else ('', None)."""
    at = header.index(title_seg)
    above = next((s for s in reversed(header[:at]) if s.kind not in ("blank", "noise")), None)
    if above is None or not RE_ISSUERS.match(above.key):
        return "", None
    organs = [norm(x) for x in re.split(r"[\s\u3000、和]+", above.raw.strip()) if x]
    return "、".join(organs), above


def _make_id(city: str | None, kind: str | None, title: str, taken: set[str]) -> str:
    """An id for a document: its place and kind (``shanghai-tiaoli``), or for a national
    instrument its subject and kind (``xing-fa``); when that is taken, the longer id that adds
    the subject (:func:`fuller_id`), and only then a number."""
    base = _base_id(city, kind, title)
    return base if base not in taken else _longer_id(city, kind, title, base, taken)


def _longer_id(city, kind, title, did: str, taken) -> str:
    """The id after ``did`` is taken: the subject's start (:func:`fuller_id`), then more of
    it (上海市促进浦东新区商事调解规定 beside 上海市促进浦东新区保税维修…规定), then a number."""
    short, longer = fuller_id(city, kind, title), fuller_id(city, kind, title, more=True)
    if short and short not in taken:
        return short
    # the same title again (another version of one law) is numbered: id, id-2 (``taken`` may
    # map ids to titles); a different subject that opens alike says more of itself
    same = isinstance(taken, dict) and taken.get(short) == title
    if longer and not same and longer not in taken:
        return longer
    return next_free(short or did, taken)


def next_free(did: str, taken) -> str:
    """``did``, or ``did-2``, ``did-3`` … whichever is not in ``taken`` first."""
    out, n = did, 2
    while out in taken:
        out, n = f"{did}-{n}", n + 1
    return out


def unique_id(doc: Document, taken) -> str:
    """The id ``doc`` gets beside the ids in ``taken``: its own, else the longer id naming its
    subject (上海市物业管理条例 beside another 上海 条例: ``shanghai-wuyeguanli-tiaoli``), else a
    number after it. Used wherever documents of several files meet (a folder, ``add``)."""
    if doc.id not in taken:
        return doc.id
    return _longer_id(doc.city, doc.kind, doc.title, doc.id, taken)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return re.sub(r"[^a-z0-9]+", "", "".join(lazy_pinyin(text)).lower())


@cache
def _place_readings() -> dict[str, str]:
    from .._data import data_lines

    out = {}
    for n, line in data_lines("place_pinyin.tsv"):
        place, _, reading = line.partition("\t")
        if not place or not re.fullmatch(r"[a-z]+", reading.strip()):
            raise ValueError(f"place_pinyin.tsv line {n}: place<TAB>pinyin")
        out[place] = reading.strip()
    return out


def _place_pinyin(place: str) -> str:
    """A place name in pinyin, read as a place: 长治 changzhi, 漯河 luohe (``place_pinyin.tsv``)."""
    readings = _place_readings()
    for k in range(len(place), 1, -1):
        if place[:k] in readings:
            return readings[place[:k]] + _pinyin(place[k:])
    if place.startswith("长"):  # 长沙, 长治, 长宁: cháng, where pypinyin reads zhǎng
        return "chang" + _pinyin(place[1:])
    return _pinyin(place)


def _place_and_subject(city: str | None, kind: str | None, title: str) -> tuple[str | None, str]:
    """The place an id names (the city, else a province the title opens with) and the subject:
    the title without its place, issuing organs, 关于, national prefix, brackets and kind."""
    stem, place = title, city
    if not city:
        m = _RE_PROVINCE_OPENS.match(title)
        if m:
            place, stem = m.group(1), title[m.end() :]
    organs = _ORGAN_PREFIX.match(stem)
    if stem.startswith("中华人民共和国") or organs:
        # a national instrument is named by its subject, not by the organ that made it:
        # 最高人民法院关于办理盗窃刑事案件…的解释 → banlidaoqie-jieshi — the organs only when they
        # issue it (…关于): 中华人民共和国国务院组织法 is guowuyuanzu-fa
        if organs and stem[organs.end() :].startswith("关于"):
            stem = stem[organs.end() + 2 :]
        stem = re.sub(r"中华人民共和国|[《》〈〉]", "", stem) or title
    elif place:
        for _ in range(2):  # 北京市人民代表大会常务委员会关于北京市耕地占用税…的决定
            if stem.startswith(place):
                stem = re.sub(r"^(?:市|省|经济特区)", "", stem[len(place) :])
            # its own organs (人民代表大会常务委员会规范性文件备案审查条例) say nothing of the subject
            rest = re.sub(r"^(?:各级)?(?:人民代表大会(?:常务委员会)?|人民政府)?(?:关于)?", "", stem)
            stem = rest if len(rest) > 2 else stem
        stem = re.sub(r"[《》〈〉]|中华人民共和国", "", stem)
    if not place and stem.startswith("关于") and len(stem) > 4:
        stem = stem[2:]  # 关于审理…的规定 (its organs on a line of their own) is named by 审理…
    if kind:
        stem = re.sub(r"[（(][^（）()]*[）)]$", "", stem).removesuffix(kind) or stem
        if place and stem != title:
            stem = stem.removesuffix("的")
    return place, stem


def _base_id(city: str | None, kind: str | None, title: str) -> str:
    place, subject = _place_and_subject(city, kind, title)
    base = _place_pinyin(place) if place else _pinyin(subject[:4])
    if kind:
        base += "-" + _pinyin(kind)
    return (base + _ordinal(kind, title)).strip("-") or "doc"


def _ordinal(kind: str | None, title: str) -> str:
    """刑法修正案（十一） → ``11``: the twelve amendments' ids stay apart; else ''."""
    m = re.search(r"修正案[（(]([一二三四五六七八九十]{1,3})[）)]$", title)
    return str(to_int(m.group(1))) if m and kind == "修正案" else ""


def fuller_id(city: str | None, kind: str | None, title: str, *, more: bool = False) -> str | None:
    """The longer id of a document whose short one is taken: its place, the first six
    characters of its subject and its kind (``shanghai-wuyeguanli-tiaoli``); for a national
    instrument the first eight of its subject (``renminjingchajingxian-tiaoli``); with ``more``
    twice as many. None when it would say no more than the shorter one."""
    place, subject = _place_and_subject(city, kind, title)
    width = (6 if place else 8) * (2 if more else 1)
    head = subject[:width]
    if not _pinyin(head) or (not place and len(subject) <= 4):
        return None
    if more and len(subject) <= width // 2:
        return None
    parts = [_place_pinyin(place)] if place else []
    parts.append(_pinyin(head))
    if kind:
        parts.append(_pinyin(kind) + _ordinal(kind, title))
    return "-".join(p for p in parts if p)
