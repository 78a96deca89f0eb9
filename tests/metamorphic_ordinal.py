"""Metamorphic generators for the parser: ordinal-word bodies and back-references.

Plain functions, no tests. Each takes a regulation text and a ``random.Random`` and returns a
new text whose article structure is, to a human reader, the same as the input's: the same
articles, the same numbers, in the same order. A test can parse both and compare (article
count, ``[a.no for a in doc.articles]``, chapters), and check that the inserted string ended up
in the right article.

- :func:`prepend_ordinal` puts an opening that starts with an ordinal word (第三人、第一审、
  第二类、第一次、第三方 …) or with a reference (第五条所称…, 第十四条规定的…, including the NEXT
  article's number) right after an article label, keeping the label's separator (a space, a
  full-width space, or nothing when the label is glued to its body).
- :func:`insert_back_reference` puts ``第三条关于……的规定，适用于本条所列情形；`` after a mid-line
  ``；`` of an article body, naming an EARLIER article.

Article boundaries come from :func:`article_spans`, a deliberately simple regex over line
starts written independently of ``jdcorpus.parse``: a line (after indentation) that starts
with 第…条 opens an article unless the label is followed by a reference word (规定、所称、关于、
的、、 or 第…款/项) or its number does not increase. It does not see run-together labels
mid-line (…。第五条…); texts of that kind keep those articles unmutated, which is harmless.
It finds exactly the hand-counted numbers of 40 of the 51 single-document fixtures in
tests/fixtures/parse/expected.json (not: traditional script, HTML, Markdown, run-on and wrapped
texts); use :func:`spans_are_complete` to keep to texts where it sees every article, since
only there is "same numbers before and after" a sound expectation.

Pass ``log=[]`` to receive ``(article_number, inserted_string)`` pairs for each change.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

__all__ = [
    "ArticleSpan",
    "article_spans",
    "cn_numeral",
    "insert_back_reference",
    "parse_numeral",
    "prepend_ordinal",
    "spans_are_complete",
]

_DIGITS = "零一二三四五六七八九"
_CN_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}

# A label at a line start: indentation, 第…条 (Chinese or Arabic numeral, optional 之一), separator.
_LABEL = re.compile(
    r"^(?P<indent>[ \t\u3000\u00a0]*)"
    r"(?P<label>第\s*(?P<num>[零〇一二两三四五六七八九十百千]+|\d+)\s*条(?:之[一二三四五六七八九十]+)?)"
    r"(?P<sep>[ \t\u3000\u00a0]*)",
    re.M,
)
# What follows a 第…条 that is a reference, not a label.
_REFERENCE_AFTER = re.compile(
    r"(?:规定|所称|所列|关于|的|、|和|或者|至|第[零〇一二两三四五六七八九十百千\d]+[款项])"
)


def parse_numeral(s: str) -> int:
    """An article number written in Chinese (二十三, 一百零五, 两) or Arabic digits, as an int."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    total, current = 0, 0
    for ch in s:
        if ch in _CN_VALUE:
            current = _CN_VALUE[ch]
        elif ch in _CN_UNIT:
            total += (current or 1) * _CN_UNIT[ch]
            current = 0
        else:
            raise ValueError(f"not a numeral: {s!r}")
    return total + current


def cn_numeral(n: int) -> str:
    """The Chinese numeral used in article labels: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五."""
    if n <= 0:
        raise ValueError(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        tens, units = divmod(n, 10)
        return _DIGITS[tens] + "十" + (_DIGITS[units] if units else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        if rest == 0:
            tail = ""
        elif rest < 10:
            tail = "零" + _DIGITS[rest]
        elif rest < 20:
            tail = "一" + cn_numeral(rest)  # 一百一十五
        else:
            tail = cn_numeral(rest)
        return _DIGITS[hundreds] + "百" + tail
    raise ValueError(f"article number too large: {n}")


@dataclass(frozen=True)
class ArticleSpan:
    """One article found by :func:`article_spans`: offsets into the text it came from."""

    no: int
    label: str
    start: int  # where the line starts (before indentation)
    label_end: int  # just after the label
    body_start: int  # just after the separator (== label_end when the body is glued)
    end: int  # start of the next article's line, or the end of the text
    arabic: bool  # the label uses Arabic digits (第5条)


# Material appended after the last article, which belongs to no article: a blank line, then a
# line opening with 附 (附：, 附件, 附表, 附录); or a report's 【heading】 with no label under it.
_ANNEX = re.compile(
    r"\n[ \t\u3000]*\n[ \t\u3000]*附(?:件|表|录)?[\s：:0-9一二三四五六七八九十]"
    # or a 【heading】 alone with no label under it: a report's 【记者观察】 after the last article
    r"|\n[ \t\u3000]*【[^】\n]{1,24}】[ \t\u3000]*\n(?![ \t\u3000]*第)"
)

# A body that opens with its first 款's own mark (①, ⑴): an opening put before it would stand
# ahead of the mark, which no one writes.
_KUAN_MARK = "①⑴"


def article_spans(text: str) -> list[ArticleSpan]:
    """Articles whose label starts a line, in order (see the module docstring for the rule)."""
    found: list[tuple[int, str, int, int, int, bool]] = []
    last = 0
    for m in _LABEL.finditer(text):
        if _REFERENCE_AFTER.match(text, m.end()):
            continue
        try:
            no = parse_numeral(m.group("num"))
        except ValueError:
            continue
        if no <= last:  # a repeated or smaller number on a line start: a reference or noise
            continue
        last = no
        found.append(
            (no, m.group("label"), m.start(), m.end("label"), m.end(), m.group("num").isdigit())
        )
    spans = []
    for i, (no, label, start, label_end, body_start, arabic) in enumerate(found):
        end = found[i + 1][2] if i + 1 < len(found) else len(text)
        if annex := _ANNEX.search(text, body_start, end):  # 附：⏎ an appended decision
            end = annex.start() + 1
        spans.append(ArticleSpan(no, label, start, label_end, body_start, end, arabic))
    return spans


def spans_are_complete(text: str) -> bool:
    """:func:`article_spans` sees articles 1, 2, …, n with no gap (and at least two of them)."""
    numbers = [s.no for s in article_spans(text)]
    return len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))


def _label(n: int, arabic: bool) -> str:
    return f"第{n}条" if arabic else f"第{cn_numeral(n)}条"


# Openings that start with an ordinal word; each is a whole clause ending in 。 or ，so that the
# original body still reads as a sentence after it.
_ORDINAL_OPENINGS = (
    "第三人因本条所列行为受到损害的，可以依法请求赔偿。",
    "第一审案件的当事人，可以依照本条规定申请帮助。",
    "第二类事项按照本条规定办理。",
    "第三类事项由市人民政府另行规定。",
    "第一次申请的，应当提交书面材料。",
    "第三方机构受委托参与本条所列工作的，应当遵守保密规定。",
    "第一责任人由单位主要负责人担任。",
    "第二次违反本条规定的，从重处理。",
)
_TOPICS = ("期限", "程序", "公示", "登记", "监督检查", "备案", "经费保障", "信息公开")


def prepend_ordinal(
    text: str,
    rng: random.Random,
    *,
    rate: float = 0.5,
    log: list[tuple[int, str]] | None = None,
) -> str:
    """Insert an ordinal-word or article-reference opening right after some article labels.

    Each article is chosen with probability ``rate``. The opening is one of
    :data:`_ORDINAL_OPENINGS`, or a reference clause naming another article of the same text:
    an earlier one (第五条所称事项，适用本条规定。), a later one, or the very next one
    (第十四条规定的情形除外，) — the hardest case, since the next number in sequence is what a
    parser looks for. Article numbers and order do not change.
    """
    spans = article_spans(text)
    numbers = [s.no for s in spans]
    out, pos = [], 0
    for i, s in enumerate(spans):
        if rng.random() >= rate or text[s.body_start : s.body_start + 1] in _KUAN_MARK:
            continue
        kind = rng.choice(("ordinal", "ordinal", "earlier", "later", "next"))
        if kind == "earlier" and i > 0:
            ref = rng.choice(numbers[:i])
            opening = f"{_label(ref, s.arabic)}所称{rng.choice(_TOPICS)}，适用本条规定。"
        elif kind == "later" and i + 2 < len(spans):
            ref = rng.choice(numbers[i + 2 :])
            opening = f"{_label(ref, s.arabic)}规定的{rng.choice(_TOPICS)}除外，"
        elif kind == "next" and i + 1 < len(spans):
            opening = f"{_label(numbers[i + 1], s.arabic)}规定的情形除外，"
        else:
            opening = rng.choice(_ORDINAL_OPENINGS)
        out.append(text[pos : s.body_start])
        out.append(opening)
        pos = s.body_start
        if log is not None:
            log.append((s.no, opening))
    out.append(text[pos:])
    return "".join(out)


def insert_back_reference(
    text: str,
    rng: random.Random,
    *,
    rate: float = 0.5,
    log: list[tuple[int, str]] | None = None,
) -> str:
    """After a mid-line ``；`` inside some article bodies, insert a reference to an EARLIER article.

    The inserted clause is ``第N条关于<topic>的规定，适用于本条所列情形；`` with N the number
    of an article before this one (sometimes the one just before). Only a ``；`` followed by
    more text on the same line is used, so an item ending in ``；`` keeps its line. Articles
    without such a ``；`` (and the first article) are left alone. Article numbers and order do
    not change.
    """
    spans = article_spans(text)
    numbers = [s.no for s in spans]
    out, pos = [], 0
    for i, s in enumerate(spans):
        if i == 0 or rng.random() >= rate:
            continue
        body = text[s.body_start : s.end]
        cuts = [
            m.end() for m in re.finditer("；", body) if not re.match(r"\s*(\n|$)", body[m.end() :])
        ]
        if not cuts:
            continue
        cut = s.body_start + rng.choice(cuts)
        ref = numbers[i - 1] if rng.random() < 0.3 else rng.choice(numbers[:i])
        clause = f"{_label(ref, s.arabic)}关于{rng.choice(_TOPICS)}的规定，适用于本条所列情形；"
        out.append(text[pos:cut])
        out.append(clause)
        pos = cut
        if log is not None:
            log.append((s.no, clause))
    out.append(text[pos:])
    return "".join(out)
