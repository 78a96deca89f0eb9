"""Metamorphic parser tests, second round: texts put together, and transformations combined.

``test_parse_metamorphic`` transforms one text at a time. Here the copies are harder, and each
is still something a real copy does to a regulation:

1. two texts concatenated (A, a blank line, B) must parse to the documents of A followed by
   the documents of B, each with its own structure and text;
2. the same with a web page between them (上一篇/下一篇 links, a 相关法规 list) or with a
   印发通知 in front of B;
3. several of the single-text transformations at once (traditional + PDF wrap + CRLF, …);
4. two consecutive articles of one chapter run together on one line after their 。;
5. a page break (a page number and a running header repeating the title) between two lines
   of one article;
6. article labels rewritten from Chinese numerals to Arabic or full-width digits;
7. article headings rewritten from one bracket style to another, or put alone on their line.

As before, the expectation is the parse of the untransformed text (never a hand-written
answer), so a failure is a place where the parser depends on an accident of the copy.
Transformations that need positions (4-7) work on ``Document.source_text``, to which the
parser's offsets refer, and compare against the parse of that same text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache, partial

import pytest
from test_parse_metamorphic import (
    INPUTS,
    METADATA,
    TRANSFORMS,
    _fold,
    kuan_marks,
    parsed,
    source,
)

from jdcorpus.normalize import detect_script
from jdcorpus.parse import ParseError, parse_text

CORPUS_INPUTS = [n for n in INPUTS if not n[:2].isdigit()]
FIXTURE_INPUTS = [n for n in INPUTS if n[:2].isdigit()]


@cache
def parse(text: str):
    """The documents of a text, or the ParseError (cached: many cases share a text)."""
    try:
        return tuple(parse_text(text))
    except ParseError as e:
        return e


def base_text(name: str) -> str:
    """The text the parser's offsets refer to (the source after its own decoding steps)."""
    return parsed(name)[0].source_text


# -- comparing parses ---------------------------------------------------------------------------


def _shape(doc, fold, labels: bool) -> dict:
    """What must not change: title, chapters, sections, and per article its number, label,
    heading, chapter, section and the item numbers of each 款; and the article texts."""
    return {
        "title": fold(doc.title),
        "chapters": [(c.no, fold(c.title)) for c in doc.chapters],
        "sections": [(s.no, s.chapter_no, fold(s.title)) for s in doc.sections],
        "article numbers": [a.no for a in doc.articles],
        "articles": [
            (
                a.no,
                fold(a.label) if labels else None,
                fold(a.heading),
                a.chapter_no,
                a.section_no,
                [[it.no for it in p.items] for p in a.paragraphs],
            )
            for a in doc.articles
        ],
        "texts": [(a.no, fold(a.text)) for a in doc.articles],
    }


def structure_differences(expected, got, fold=lambda s: s, labels=True) -> list[str]:
    """Where ``got`` (documents) departs from ``expected`` (documents): one line per aspect."""
    if isinstance(got, ParseError):
        return [f"the copy does not parse: {got}"]
    if len(got) != len(expected):
        return [f"documents {[d.title for d in expected]} → {[d.title for d in got]}"]
    out = []
    for i, (d0, d1) in enumerate(zip(expected, got, strict=True)):
        s0, s1 = _shape(d0, fold, labels), _shape(d1, fold, labels)
        for key in s0:
            if s0[key] != s1[key]:
                x, y = s0[key], s1[key]
                if isinstance(x, list):
                    pairs = [(p, q) for p, q in zip(x, y, strict=False) if p != q]
                    first = pairs[0] if pairs else (x[len(y) :][:1], y[len(x) :][:1])
                    out.append(f"doc {i} ({d0.title}) {key}: {len(pairs)} differ; first {first}")
                else:
                    out.append(f"doc {i} {key}: {x!r} → {y!r}")
                break  # the first aspect that differs; later ones usually follow from it
    return out


def metadata_differences(expected, got, keys=METADATA) -> list[str]:
    """Where the documents ``got`` differ from ``expected`` in the metadata ``keys``."""
    if isinstance(got, ParseError) or len(got) != len(expected):
        return ["document count differs (see the structure test)"]
    out = []
    for i, (d0, d1) in enumerate(zip(expected, got, strict=True)):
        out += [
            f"doc {i} ({d0.title}) {k}: {getattr(d0, k)!r} → {getattr(d1, k)!r}"
            for k in keys
            if getattr(d0, k) != getattr(d1, k)
        ]
    return out


def _ok(name: str):
    docs = parsed(name)
    assert not isinstance(docs, ParseError), f"{name} no longer parses: {docs}"
    return docs


# Every combination below once exposed a parser bug (all fixed); a case that fails again is a
# regression, never an expected failure.


def _param(values: tuple, id_: str):
    return pytest.param(*values, id=id_)


# == 1 and 2: concatenation =======================================================================


def _pairs() -> list[tuple[str, str]]:
    """~40 ordered pairs of different inputs: every corpus file before and after another corpus
    file and before and after a fixture, and fixture pairs drawn with a fixed seed."""
    rng = random.Random(20240611)
    pairs = []
    for i, c in enumerate(CORPUS_INPUTS):
        pairs.append((c, CORPUS_INPUTS[(i + 1) % len(CORPUS_INPUTS)]))
    fx = FIXTURE_INPUTS[:]
    rng.shuffle(fx)
    for i, c in enumerate(CORPUS_INPUTS):
        pairs += [(c, fx[2 * i]), (fx[2 * i + 1], c)]
    rest = fx[2 * len(CORPUS_INPUTS) :]
    while len(pairs) < 40:
        a, b = rng.sample(rest, 2)
        if (a, b) not in pairs:
            pairs.append((a, b))
    return pairs


PAIRS = _pairs()


def concat(a: str, b: str, between: str = "") -> str:
    return source(a) + "\n\n" + (between + "\n\n" if between else "") + source(b)


def _concat_cases():
    return [_param((a, b), f"{a}+{b}") for a, b in PAIRS]


@pytest.mark.parametrize("a,b", _concat_cases())
def test_concatenation_structure(a, b):
    """A + blank line + B parses to the documents of A then those of B, each unchanged."""
    expected = _ok(a) + _ok(b)
    diffs = structure_differences(expected, parse(concat(a, b)))
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("a,b", _concat_cases())
def test_concatenation_metadata(a, b):
    """A + blank line + B keeps each document's kind, status and dates."""
    expected = _ok(a) + _ok(b)
    diffs = metadata_differences(expected, parse(concat(a, b)), (*METADATA, "city", "province"))
    assert not diffs, "\n".join(diffs)


# what a web page puts between two regulations it shows one after the other
NAV = "上一篇：关于进一步加强社区工作者队伍建设的意见\n下一篇：关于做好2024年城乡社区换届选举工作的通知"
RELATED = "相关法规\n· 某市物业管理条例\n· 某市居民委员会工作条例\n· 某市城乡规划条例"
NOTICE_DATE = "2021-03-01"


def notice_for(title: str) -> str:
    """A 印发通知 promulgating ``title``, dated NOTICE_DATE."""
    return (
        f"市人民政府关于印发《{title}》的通知\n"
        "各区人民政府，市政府各委、办、局：\n"
        f"现将《{title}》印发给你们，请认真贯彻执行。\n"
        "市人民政府\n"
        "2021年3月1日"
    )


def with_separator(a: str, b: str, kind: str) -> str:
    title_b = _ok(b)[0].original_title.replace("\n", "").strip("《》")  # (a title on two lines)
    parts = {
        "nav": [NAV],
        "related": [RELATED],
        "notice": [notice_for(title_b)],
        "nav+notice": [NAV, notice_for(title_b)],
    }[kind]
    return concat(a, b, "\n\n".join(parts))


# an untitled B would rightly take its title from a 相关法规 entry or the notice: not invariant
SEPARATED_PAIRS = [(a, b) for a, b in PAIRS[:15] if _ok(b)[0].original_title]


SEPARATORS = ("nav", "related", "notice", "nav+notice")


def _separator_cases():
    return [
        _param((a, b, kind), f"{a}+{kind}+{b}") for a, b in SEPARATED_PAIRS for kind in SEPARATORS
    ]


@pytest.mark.parametrize("a,b,kind", _separator_cases())
def test_separated_concatenation_structure(a, b, kind):
    """A web page's links, a related-regulations list or a 印发通知 between A and B are header,
    never articles: the documents of A then B, each unchanged."""
    expected = _ok(a) + _ok(b)
    diffs = structure_differences(expected, parse(with_separator(a, b, kind)))
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("a,b,kind", _separator_cases())
def test_separated_concatenation_metadata(a, b, kind):
    """What stands between A and B changes no document's kind, status or dates; a 印发通知 in
    front of B becomes one more notice of B and the promulgation date of an in-force B that had
    none."""
    expected = _ok(a) + _ok(b)
    got = parse(with_separator(a, b, kind))
    if "notice" not in kind:
        diffs = metadata_differences(expected, got)
        assert not diffs, "\n".join(diffs)
        return
    n = len(_ok(a))
    keys = tuple(k for k in METADATA if k not in ("promulgated", "effective"))
    diffs = metadata_differences(expected[:n], got[:n]) + metadata_differences(
        expected[n:], got[n:], keys
    )
    assert not diffs, "\n".join(diffs)
    d0, d1 = expected[n], got[n]
    assert len(d1.notices) == len(d0.notices) + 1, "the 印发通知 is not one more notice of B"
    assert any("印发给你们" in x for x in d1.notices), "the 印发通知 is not among B's notices"
    if d0.status == "in_force":
        want = {d0.promulgated, NOTICE_DATE} if d0.promulgated else {NOTICE_DATE}
        assert d1.promulgated in want, f"B promulgated {d0.promulgated!r} → {d1.promulgated!r}"
    else:
        assert d1.promulgated == d0.promulgated, "a draft is never promulgated"
    if d0.effective not in (None, d0.promulgated):  # not 自公布之日起施行: a date of its own
        assert d1.effective == d0.effective, f"B effective {d0.effective!r} → {d1.effective!r}"


# == 3: composites of the single-text transformations ============================================

COMPOSITES = {
    "s2t+wrap60+crlf": ("s2t", "wrap60", "crlf"),
    "blanklines+webnoise+nbsp": ("blanklines", "webnoise", "nbsp"),
    "indent+halfwidth+bom": ("indent", "halfwidth", "bom"),
    "s2t+halfwidth+indent": ("s2t", "halfwidth", "indent"),
    "wrap40+zwsp+trailing": ("wrap40", "zwsp", "trailing"),
    "blanklines+wrap40+crlf": ("blanklines", "wrap40", "crlf"),
    "halfwidth+wrap60+webnoise+bom": ("halfwidth", "wrap60", "webnoise", "bom"),
    "s2t+nbsp+blanklines+trailing": ("s2t", "nbsp", "blanklines", "trailing"),
}
_STRENGTH = ["exact", "nospace", "t2s"]


def composite_text(name: str, composite: str) -> str:
    text = source(name)
    for t in COMPOSITES[composite]:
        text = TRANSFORMS[t].func(text)
    return text


def composite_fold(composite: str) -> Callable[[str], str]:
    return _fold(max((TRANSFORMS[t].compare for t in COMPOSITES[composite]), key=_STRENGTH.index))


def _composite_cases():
    for name in INPUTS:
        simplified = detect_script(source(name)) == "simplified"
        for comp, parts in COMPOSITES.items():
            if not simplified and any(TRANSFORMS[t].only_simplified for t in parts):
                continue
            if kuan_marks(source(name)) == "blank" and any(
                TRANSFORMS[t].adds_blanks for t in parts
            ):
                continue  # (its 款 follow blank lines: double spacing takes that away)
            yield pytest.param(name, comp, id=f"{name}-{comp}")


@pytest.mark.parametrize("name,composite", list(_composite_cases()))
def test_composite_structure(name, composite):
    """Several copy transformations at once leave structure and article text as they were."""
    diffs = structure_differences(
        _ok(name), parse(composite_text(name, composite)), composite_fold(composite)
    )
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("name,composite", list(_composite_cases()))
def test_composite_metadata(name, composite):
    """Several copy transformations at once leave kind, status and dates as they were."""
    diffs = metadata_differences(_ok(name), parse(composite_text(name, composite)))
    assert not diffs, "\n".join(diffs)


# == 4-7: transformations at the parser's own offsets =============================================


def _edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace the spans ``text[a:b]`` by ``new`` (spans do not overlap)."""
    for a, b, new in sorted(edits, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def _neighbours(name: str):
    """Consecutive articles of one document, with nothing but white space between them."""
    text = base_text(name)
    for d in _ok(name):
        for x, y in zip(d.articles, d.articles[1:], strict=False):
            if not text[x.end : y.start].strip():
                yield x, y


def run_together(name: str, sep: str) -> str:
    """Every other article of a chapter (or section) joined to the one before it on one line,
    where the earlier one ends with 。: ``…制定本条例。第二条 本市…``."""
    edits, last = [], None
    for x, y in _neighbours(name):
        same_place = (x.chapter_no, x.section_no) == (y.chapter_no, y.section_no)
        if same_place and x.original.rstrip().endswith("。") and last is not x:
            edits.append((x.end, y.start, sep))
            last = y
    return _edit(base_text(name), edits)


_ARTICLE_LINES = re.compile(r"[^\n]*\S[^\n]*")


def page_break(name: str, style: str) -> str:
    """In every article of two or more lines, a page break between its middle lines: a page
    number and a running header repeating the document's title (on one line, as a header is,
    also when the title stands on two lines at the top of the text)."""
    text = base_text(name)
    edits, page = [], 2
    for d in _ok(name):
        head = d.original_title.replace("\n", "").strip("《》") if d.original_title else ""
        for a in d.articles:
            lines = list(_ARTICLE_LINES.finditer(text, a.start, a.end))
            if len(lines) < 2:
                continue
            cut = lines[len(lines) // 2 - 1].end() + 1  # after the newline ending a middle line
            if style == "dash":
                block = f"— {page} —\n" + (f"{head}\n" if head else "")
            else:  # a PDF copy: page furniture set off by blank lines
                block = f"\n- {page} -\n\n" + (f"{head}\n\n" if head else "")
            edits.append((cut, cut, block))
            page += 1
    return _edit(text, edits)


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_NUMERAL = r"[零〇一二两三四五六七八九十百千0-9０-９](?:[ \t\u3000]?[零〇一二两三四五六七八九十百千0-9０-９])*"
_LABEL = re.compile(rf"[第笫][ \t\u3000]*({_NUMERAL})[ \t\u3000]*([条條])")  # (笫: a typo)
_HEADING_LABEL = re.compile(rf"第[ \t\u3000]*({_NUMERAL})[ \t\u3000]*([章节節])")
_SPLIT_LABEL = re.compile(rf"第{_NUMERAL}[ \t\u3000]*\n")


def relabel(name: str, style: str, headings: bool = False) -> str:
    """Every article label's number written in Arabic (第12条) or full-width (第１２条) digits,
    and with ``headings`` the 章 and 节 labels too; references inside the text are left as they
    are."""
    text = base_text(name)
    edits = []
    for d in _ok(name):
        for h in (*d.chapters, *d.sections) if headings else ():
            m = _HEADING_LABEL.match(text, h.start)
            if m is None and not _HEADING_LABEL.search(text, h.start, h.end):
                continue  # a 第一节 whose label the source lost (its bare title): none to rewrite
            if m is None and _SPLIT_LABEL.match(text, h.start):
                continue  # 第三 ⏎ 38 ⏎ … ⏎ 章: cut by a page break, left as it is
            assert m, f"no label at the start of {h.label}: {text[h.start : h.start + 12]!r}"
            edits.append((m.start(), m.end(), f"第{h.no}{m.group(2)}"))
        for a in d.articles:
            m = _LABEL.match(text, a.start)
            if m is None and _SPLIT_LABEL.match(text, a.start):
                continue  # 第十 ⏎ 39 ⏎ … ⏎ 二条: a label cut by a page break, left as it is
            assert m, f"no label at the start of {a.label}: {text[a.start : a.start + 12]!r}"
            digits = str(a.no) if style == "arabic" else str(a.no).translate(_FULL)
            edits.append((m.start(), m.end(), f"第{digits}{m.group(2)}"))
    return _edit(text, edits)


# a heading right after the label, on its line or on the next one; and the space before the body
_HEADING = re.compile(
    r"[ \t\u3000]*\n?[ \t\u3000]*(?:【([^】\n]{1,24})】|[（(〔\[]([^（）()〔〕\[\]\n]{1,24})[）)〕\]])"
    r"(?:\*\*)?[ \t\u3000]*\n?[ \t\u3000]*"  # ** closing a Markdown bold label and heading
)
HEADING_STYLES = {
    "paren": lambda h: f"（{h}）",
    "halfparen": lambda h: f"({h})",
    "lenticular": lambda h: f"【{h}】",
    "ownline": lambda h: f"\n【{h}】\n",
    "paren-ownline": lambda h: f"\n（{h}）\n",
    "label-line": lambda h: f"【{h}】\n",  # 第一条【立法目的】 / body on the next line
}


def reheading(name: str, style: str) -> str:
    """Every article heading rewritten in ``style`` (brackets, and whether it has a line of its
    own); headings with punctuation cannot stand in round brackets and are left alone."""
    text = base_text(name)
    edits = []
    for d in _ok(name):
        for a in d.articles:
            if a.heading is None:
                continue
            lab = _LABEL.match(text, a.start)
            m = _HEADING.match(text, lab.end())
            if not m and re.search(rf"【{re.escape(a.heading)}】\s*$", text[: a.start]):
                continue  # 【立法目的】 ⏎ 第一条　…: the heading on the line above, left alone
            assert m, f"{a.label}: heading {a.heading!r} not found after the label"
            h = m.group(1) or m.group(2)
            if "paren" in style and re.search(r"[，,。；;：:（）()]", h):
                continue
            new = HEADING_STYLES[style](h)
            if "\n" not in new and not new.endswith("\n"):
                new += " " if re.search(r"[ \t\u3000]$", m.group(0)) else ""
                if "\n" in m.group(0).rstrip(" \t\u3000"):
                    new += "\n"
            edits.append((m.start(), m.end(), new))
    return _edit(text, edits)


OFFSET_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "runon-nospace": lambda n: run_together(n, ""),
    "runon-space": lambda n: run_together(n, " "),
    "runon-ideographic-space": lambda n: run_together(n, "\u3000"),
    "pagebreak-dash": lambda n: page_break(n, "dash"),
    "pagebreak-pdf": lambda n: page_break(n, "pdf"),
    "labels-arabic": lambda n: relabel(n, "arabic"),
    "labels-fullwidth": lambda n: relabel(n, "fullwidth"),
    "labels-arabic-with-chapters": lambda n: relabel(n, "arabic", headings=True),
    **{f"heading-{s}": partial(reheading, style=s) for s in HEADING_STYLES},
}


@cache
def offset_text(name: str, transform: str) -> str:
    return OFFSET_TRANSFORMS[transform](name)


def _offset_cases():
    for name in INPUTS:
        for t in OFFSET_TRANSFORMS:
            if offset_text(name, t) != base_text(name):  # no heading, nothing to run together
                yield _param((name, t), f"{name}-{t}")


@pytest.mark.parametrize("name,transform", list(_offset_cases()))
def test_offset_transform_structure(name, transform):
    """Run-together articles, a page break inside an article, Arabic or full-width labels and
    restyled headings change no article's number, heading, place, 款, 项 or text."""
    expected = parse(base_text(name))
    got = parse(offset_text(name, transform))
    diffs = structure_differences(expected, got, labels=not transform.startswith("labels"))
    if transform.startswith("labels") and not diffs:
        # a label is normalized to Arabic digits whatever the source wrote: 第１２条 → 第12条
        want = [
            re.sub(r"^第[^条]+条", f"第{a.no}条", a.label) for d in expected for a in d.articles
        ]
        have = [a.label for d in got for a in d.articles]
        if have != want:
            diffs.append(f"labels {want[:3]}… → {have[:3]}…")
    assert not diffs, "\n".join(diffs)


def test_offset_transforms_do_what_they_say():
    """The position-based copies really run articles together, break pages, relabel and
    restyle headings (so the invariance tests above cannot pass by changing nothing)."""
    text = base_text("changchun")
    runon = offset_text("changchun", "runon-nospace")
    assert re.search(r"。第[一二三四五六七八九十]+条", runon) and len(runon) < len(text)
    assert runon.count("\n") < text.count("\n") - 10
    assert offset_text("changchun", "pagebreak-dash").count("— ") >= 5
    arabic = offset_text("changchun", "labels-arabic")
    assert re.search(r"^第12条", arabic, re.M) and not re.search(r"^第十二条", arabic, re.M)
    assert "本条例第八条" in offset_text("01-yanbian", "labels-arabic")  # references stay
    assert re.search(r"^第１２条", offset_text("changchun", "labels-fullwidth"), re.M)
    assert re.search(r"^第1章", offset_text("changchun", "labels-arabic-with-chapters"), re.M)
    assert "第一条（立法目的）" in offset_text("suzhou", "heading-paren")
    assert "第一条\n【立法目的】\n" in offset_text("suzhou", "heading-ownline")
    assert "第一条【立法目的】\n为了" in offset_text("suzhou", "heading-label-line")
