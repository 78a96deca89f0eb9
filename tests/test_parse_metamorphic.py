"""Metamorphic tests of the parser: what a real-world copy does to a text must not change its law.

Every bundled corpus file and every parse fixture that parses is transformed the way copying,
converting or publishing a text transforms it — CRLF line ends, a BOM, full-width indentation,
trailing blanks, double spacing, PDF hard wrapping, simplified → traditional, half-width
punctuation, web-page noise lines, zero-width spaces, no-break spaces — and parsed again. The
parse of the copy must equal the parse of the original: the same documents, article numbers,
labels, headings, chapters and sections, 款 and 项 per article, and the same normalized article
text (compared without white space where the transformation changes spacing, after OpenCC t2s
where it changes the script). Nothing here is a hand-written answer: the original's own parse is
the expectation, so a failure is a place where the parser depends on an accident of the copy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import pytest

from jdcorpus.normalize import detect_script
from jdcorpus.parse import ParseError, parse_text, read_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).parent / "fixtures" / "parse"


# -- inputs ---------------------------------------------------------------------------------------


def _inputs() -> dict[str, Path]:
    """Input id → file: corpus files named by their first document id, fixtures by number+city."""
    out: dict[str, Path] = {}
    catalog = json.loads((CORPUS / "catalog.json").read_text(encoding="utf-8"))
    for f in catalog["files"]:
        out[f["documents"][0]["id"].split("-")[0]] = CORPUS / f["file"]
    spec = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))["fixtures"]
    for fx in spec:
        if "error" not in fx:  # fixtures that are not regulations have nothing to keep invariant
            out["-".join(fx["file"].split("_")[:2])] = FIXTURES / fx["file"]
    return out


INPUTS = _inputs()


@cache
def source(name: str) -> str:
    return read_text(INPUTS[name])


# -- transformations ----------------------------------------------------------------------------

_TERMINAL = "。；;：:！!？?…"  # a line that ends here could end a 款: a wrap never breaks after it
# closing punctuation never starts a line in Chinese typesetting (禁则), so a wrap never puts it there
_NO_LINE_START = "，,。、；;：:！!？?）)】」』”’…》"
# spans a wrap never splits nor ends a line with: labels (with a heading right after them; a 章
# or 节 with its title: a typeset heading is never broken), item
# markers, the markup residue of a web copy (<br>, &nbsp;), which is one token, and runs of ASCII
_NUM = "[零〇一二两三四五六七八九十百千0-9０-９]+"
_PROTECTED = re.compile(
    rf"第\s*{_NUM}\s*[章节節编編][ \t\u3000]*[^\s，,。；;：:、第<>]{{1,20}}"  # a heading, title included
    rf"|第\s*{_NUM}\s*[条條章节節编編](?:之[一二三四五六七八九十]+)?"
    r"(?:[ \t\u3000]*(?:【[^】\n]{1,24}】|[（(][^（）()\n]{1,24}[）)]))?"
    r"|[（(][零〇一二三四五六七八九十]+[）)]"
    r"|<[^<>\n]{0,80}>|&#?\w{1,8};"
    r"|[!-~]{2,}"  # a typesetter never breaks inside a Latin word or a number
)


# a 第…条 followed by one of these is a reference in running text (第十七条规定没收的…), plain text
# for the wrap: a break before it after a sentence end would honestly read as a new 款
_REFERENCE_AFTER = re.compile(
    r"(?:[规規]定|所[称稱]|所列|[关關][于於]|的|、|和|或|及|至|中|第|款|[项項])"
)


def _wrap_line(line: str, width: int) -> list[str]:
    """Cut a line into pieces of at most ``width`` characters where possible (at least ``width``
    where not), at cuts that split no protected span nor part it from the text after it, leave no
    line ending a sentence before plain text (a PDF break there could honestly be read as a new
    款; a reference such as 第十七条规定的… is plain text) and start no line with closing
    punctuation."""
    spans = [m.span() for m in _PROTECTED.finditer(line)]
    starts = {a for a, b in spans if not _REFERENCE_AFTER.match(line, b)}

    def allowed(c: int, start: int) -> bool:
        if any(a < c <= b for a, b in spans) or line[c:].lstrip()[:1] in tuple(_NO_LINE_START):
            return False
        return c in starts or line[start:c].rstrip()[-1:] not in tuple(_TERMINAL)

    pieces, start = [], 0
    while len(line) - start > width:
        back = range(start + width, start, -1)
        cut = next((c for c in back if allowed(c, start)), None)
        if cut is None:
            cut = next((c for c in range(start + width + 1, len(line)) if allowed(c, start)), None)
        if cut is None:
            break
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return pieces


def wrap(width: int) -> Callable[[str], str]:
    def hard_wrap(text: str) -> str:
        """Every line longer than ``width`` broken into lines of ``width`` characters (a PDF copy)."""
        return "\n".join(p for ln in text.split("\n") for p in _wrap_line(ln, width))

    return hard_wrap


def crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\n", "\r\n")


def bom(text: str) -> str:
    """A UTF-8 byte-order mark in front."""
    return "\ufeff" + text


def fullwidth_indent(text: str) -> str:
    """Every line indented with two ideographic spaces, as Word and web pages indent 款."""
    return "\n".join("\u3000\u3000" + ln for ln in text.split("\n"))


def trailing_blanks(text: str) -> str:
    """Spaces and tabs left at the ends of lines."""
    tails = (" ", "\t", "  \t ", "\u3000")
    return "\n".join(ln + tails[i % len(tails)] for i, ln in enumerate(text.split("\n")))


def double_spaced(text: str) -> str:
    """A blank line between every pair of lines."""
    return "\n\n".join(text.split("\n"))


@lru_cache(maxsize=2)
def _opencc(config: str):
    import opencc

    return opencc.OpenCC(config)


def s2t(text: str) -> str:
    """Simplified → traditional with OpenCC s2t (a Hong Kong or Taiwan reprint)."""
    return _opencc("s2t").convert(text)


_HALF = str.maketrans("，；：（）", ",;:()")


def halfwidth_punctuation(text: str) -> str:
    """Full-width ，；：（） typed as half-width ,;:() (an English input method)."""
    return text.translate(_HALF)


_NOISE = ("打印本页 关闭窗口", "来源：某某网", "【字体：大 中 小】", "版权所有 ©2024")


def web_noise(text: str) -> str:
    """Web-page boilerplate lines above and below the text."""
    return "\n".join((*_NOISE, text, *_NOISE))


def zero_width(text: str) -> str:
    """A zero-width space at the start of every other line."""
    return "\n".join(("\u200b" if i % 2 else "") + ln for i, ln in enumerate(text.split("\n")))


def nbsp(text: str) -> str:
    """No-break spaces instead of spaces (HTML &nbsp;)."""
    return text.replace(" ", "\u00a0")


@dataclass(frozen=True)
class Transform:
    name: str
    func: Callable[[str], str]
    compare: str = "exact"  # how article text is compared: exact | nospace | t2s
    only_simplified: bool = False  # applies to simplified sources only


TRANSFORMS = {
    t.name: t
    for t in (
        Transform("crlf", crlf),
        Transform("bom", bom),
        Transform("indent", fullwidth_indent),
        Transform("trailing", trailing_blanks),
        Transform("blanklines", double_spaced),
        # a join point may have been a space between Latin words or digits: spacing may differ
        Transform("wrap40", wrap(40), compare="nospace"),
        Transform("wrap60", wrap(60), compare="nospace"),
        Transform("s2t", s2t, compare="t2s", only_simplified=True),
        Transform("halfwidth", halfwidth_punctuation),
        Transform("webnoise", web_noise),
        Transform("zwsp", zero_width),
        Transform("nbsp", nbsp),
    )
}


# -- parses and what is compared ----------------------------------------------------------------


@cache
def parsed(name: str, transform: str | None = None):
    """The documents of an input, original (``transform=None``) or transformed; or the ParseError."""
    text = source(name)
    if transform:
        text = TRANSFORMS[transform].func(text)
    try:
        return tuple(parse_text(text))
    except ParseError as e:
        return e


def _fold(compare: str) -> Callable[[str], str]:
    if compare == "t2s":
        t2s = _opencc("t2s")
        return lambda s: re.sub(r"\s+", "", t2s.convert(s)) if s else s
    if compare == "nospace":
        return lambda s: re.sub(r"\s+", "", s) if s else s
    return lambda s: s


def structure(docs, fold) -> list:
    """Per document: title, then per article its number, label, heading, chapter, section, 款 and 项."""
    return [
        (
            fold(d.title),
            [fold(c.title) for c in d.chapters],
            [fold(s.title) for s in d.sections],
            [
                (
                    a.no,
                    fold(a.label),
                    fold(a.heading),
                    fold(a.chapter_title),
                    fold(a.section_title),
                    len(a.paragraphs),
                    len(a.items),
                )
                for a in d.articles
            ],
        )
        for d in docs
    ]


METADATA = ("kind", "status", "adopted", "approved", "revised", "promulgated", "effective")


def _cases():
    for name in INPUTS:
        simplified = detect_script(source(name)) == "simplified"
        for t in TRANSFORMS.values():
            if t.only_simplified and not simplified:
                continue
            if t.func(source(name)) == source(name):  # nothing to wrap, no space, no ，
                continue
            yield pytest.param(name, t.name, id=f"{name}-{t.name}")


CASES = list(_cases())


def _pair(name: str, transform: str):
    base, new = parsed(name), parsed(name, transform)
    assert not isinstance(base, ParseError), f"{name} no longer parses: {base}"
    assert not isinstance(new, ParseError), f"the {transform} copy does not parse: {new}"
    return base, new


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return f"at {i}: {x!r} → {y!r}"
    return f"lengths {len(a)} → {len(b)}"


@pytest.mark.parametrize("name,transform", CASES)
def test_structure_is_invariant(name, transform):
    """The copy parses into the same documents, articles, labels, headings, chapters, sections, 款 and 项."""
    base, new = _pair(name, transform)
    fold = _fold(TRANSFORMS[transform].compare)
    assert len(new) == len(base), f"documents {[d.title for d in base]} → {[d.title for d in new]}"
    for d0, (s0, s1) in zip(
        base, zip(structure(base, fold), structure(new, fold), strict=True), strict=True
    ):
        assert s1[0] == s0[0], "title"
        assert s1[1] == s0[1], f"{d0.id} chapter titles"
        assert s1[2] == s0[2], f"{d0.id} section titles"
        assert [a[0] for a in s1[3]] == [a[0] for a in s0[3]], f"{d0.id} article numbers"
        diff = [(x, y) for x, y in zip(s0[3], s1[3], strict=True) if x != y]
        assert not diff, (
            f"{d0.id}: {len(diff)} article(s) differ "
            "(no, label, heading, chapter, section, 款, 项); first: "
            f"{diff[0][0]} → {diff[0][1]}"
        )


@pytest.mark.parametrize("name,transform", CASES)
def test_article_text_is_invariant(name, transform):
    """Every article of the copy has the same normalized text (modulo spacing or script where the copy changes them)."""
    base, new = _pair(name, transform)
    fold = _fold(TRANSFORMS[transform].compare)
    assert len(new) == len(base), "document count differs (see the structure test)"
    for d0, d1 in zip(base, new, strict=True):
        t0 = [(a.no, fold(a.text)) for a in d0.articles]
        t1 = [(a.no, fold(a.text)) for a in d1.articles]
        if t0 != t1:
            pairs = [(x, y) for x, y in zip(t0, t1, strict=False) if x != y]
            first = pairs[0] if pairs else (t0[len(t1) :][:1], t1[len(t0) :][:1])
            pytest.fail(
                f"{d0.id}: {len(pairs)} article text(s) differ; first:\n"
                f"  original {first[0]!r}\n  copy     {first[1]!r}"
            )


@pytest.mark.parametrize("name,transform", CASES)
def test_metadata_is_invariant(name, transform):
    """The copy keeps each document's kind, status and dates (adopted, approved, revised, …)."""
    base, new = _pair(name, transform)
    assert len(new) == len(base), "document count differs (see the structure test)"
    for d0, d1 in zip(base, new, strict=True):
        m0 = {k: getattr(d0, k) for k in METADATA}
        m1 = {k: getattr(d1, k) for k in METADATA}
        assert m1 == m0, f"{d0.id}: " + ", ".join(
            f"{k} {m0[k]!r} → {m1[k]!r}" for k in METADATA if m0[k] != m1[k]
        )


def test_wrap_keeps_the_text_and_protects_labels():
    """The wrap only inserts line breaks: never inside or right after a label or marker, never
    after a sentence end before plain text, never before closing punctuation."""
    line = (
        "第八条（网格划分）"
        + "街道办事处应当依照本条例第十二条第二款的规定，划分网格；（二）组织。" * 4
    )
    pieces = _wrap_line(line, 12)
    assert "".join(pieces) == line and len(pieces) > 5
    assert all(len(p) <= 12 for p in pieces[1:])
    assert pieces[0].startswith("第八条（网格划分）")
    for p, q in zip(pieces, pieces[1:], strict=False):
        assert q[0] not in _NO_LINE_START, (p, q)
        assert not re.search(
            r"第[一二三四五六七八九十]*$|第[一二三四五六七八九十]+条$|（二?$", p
        ), (p, q)
        assert p[-1] not in _TERMINAL or q.startswith("（二）"), (p, q)
    assert _wrap_line("短行", 12) == ["短行"]
