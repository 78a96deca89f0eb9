"""The parser on regulation texts it was not written against (tests/fixtures/parse/).

Hand-written fixtures in styles the bundled seeds do not have (traditional script with
web noise, 节 without chapters, labels alone on their line, Arabic and full-width numbers, PDF
wrapping with page numbers, GBK, BOM + CRLF, two instruments per file, drafts, 起草说明 …), and a
second, adversarial round (15+: full-width spacing, leader-dot tables of contents, (1)/①/1. items,
running page headers, Taiwan phrasing, HTML residue, amendment decisions, 第十条之一 …) and a
third (27+: fixed-width wrapping, double spacing, Markdown, Big5, UTF-16, 序言, 附件 lists,
tables of contents listing articles, invisible characters, empty files) and a fourth (39+:
province and district regulations, 盟 and long 自治州 names, 决定 with articles, 试行 and 若干规定,
审议稿/送审稿 drafts, multi-event 题注, 编 above chapters, Arabic 第1章/第1节, items （十一） and
一、 ⑴ ㈠ 1、, references opening a sentence, a second instrument named only by its notice) and,
written blind in round 17, two more (82+: a 通知 and a 批复 without articles, look-alike zeros
in dates, formulas and item headings, a 决议 with a bare 题注, a lost 第一节 label; 89+: editor's
notes between articles, ★ and ● marks, an English translation after the text, a title centred
over two lines, wrapped references opening a line, a 修改决定 after the amended text; 96+:
national instruments and damaged copies — page breaks inside labels, OCR typos, 编 without
chapters, inconsistent Markdown). The
ground truth is ``expected.json``, counted by hand from the texts; every case below is one row
of it, so a failure names the fixture, the document and the expectation that broke.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from jdcorpus.parse import parse_file, read_text
from jdcorpus.parse.formats import read_source

FIXTURES = Path(__file__).parent / "fixtures" / "parse"
SPEC = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))["fixtures"]
FILES = [fx["file"] for fx in SPEC]
# fixtures that are not regulations: parsing them must fail with a ParseError naming the reason
ERRORS = {fx["file"]: fx["error"] for fx in SPEC if "error" in fx}
PARSED = [f for f in FILES if f not in ERRORS]

# Document-level expectations and how each is read off a Document.
DOC_GETTERS = {
    "title": lambda d: d.title,
    "city": lambda d: d.city,
    "province": lambda d: d.province,
    "kind": lambda d: d.kind,
    "status": lambda d: d.status,
    "adopted": lambda d: d.adopted,
    "approved": lambda d: d.approved,
    "revised": lambda d: d.revised,
    "effective": lambda d: d.effective,
    "promulgated": lambda d: d.promulgated,
    "script": lambda d: d.script,
    "articles": lambda d: len(d.articles),
    "chapters": lambda d: len(d.chapters),
    "sections": lambda d: len(d.sections),
    "chapter_titles": lambda d: [c.title for c in d.chapters],
    "section_titles": lambda d: [s.title for s in d.sections],
    "numbers": lambda d: [a.no for a in d.articles],
    "labels": lambda d: [a.label for a in d.articles],
    "warnings": lambda d: bool(d.warnings),
}


# the marker of a 目 (1. / （1） / ①) that opens a line of an item's text
SUBITEM = re.compile(r"\d+[.．、]|[（(]\d{1,2}[）)]|[①-⑳]")
FORMULA = re.compile(r"^[^，,。；;：:]*[^\s＝=][＝=÷][^\s＝=][^，,。；;：:]*$")


def _heading_line(item) -> bool:
    """The item opens with a heading line of its own (（一）配制记录 ⏎ 记录每批次…)."""
    lines = item.text.split("\n")
    return len(lines) > 1 and not SUBITEM.match(lines[1]) and not re.search(r"[，。；：]", lines[0])


def _subitems(item) -> int:
    return sum(1 for ln in item.text.split("\n")[1:] if SUBITEM.match(ln))


def _formula_lines(paragraph) -> int:
    """The formula lines (应纳税额＝销售额×比例税率) a 款's lead holds after its first line."""
    return sum(1 for ln in paragraph.text.split("\n")[1:] if FORMULA.match(ln))


@functools.cache
def parsed(name: str):
    """Documents parsed from one fixture file (cached: each file is parsed once per session)."""
    return tuple(parse_file(FIXTURES / name))


def _stem(name: str) -> str:
    return name.split("_", 1)[0]


def accepts(expected, actual) -> bool:
    """An expectation holds: the value is the pinned one (expected.json lists no alternatives)."""
    return actual == expected


def _doc(name: str, i: int):
    docs = parsed(name)
    assert len(docs) > i, f"{name}: only {len(docs)} document(s) parsed, wanted document {i}"
    return docs[i]


def _doc_cases():
    for fx in SPEC:
        for i, d in enumerate(fx["documents"]):
            for key in DOC_GETTERS:
                if key in d:
                    yield pytest.param(
                        fx["file"], i, key, d[key], id=f"{_stem(fx['file'])}:d{i}:{key}"
                    )


def _article_cases():
    for fx in SPEC:
        for i, d in enumerate(fx["documents"]):
            for a in d.get("selected", []):
                nth = a.get("nth", 0)
                suffix = f"#{nth}" if "nth" in a else ""
                yield pytest.param(
                    fx["file"], i, a, id=f"{_stem(fx['file'])}:d{i}:{a['no']}{suffix}"
                )


def _absent_cases():
    for fx in SPEC:
        for i, d in enumerate(fx["documents"]):
            if d.get("absent"):
                yield pytest.param(fx["file"], i, d["absent"], id=f"{_stem(fx['file'])}:d{i}")


def test_expectations_cover_every_fixture():
    """expected.json lists every fixture file exactly once, with its declared encoding."""
    on_disk = sorted(p.name for p in FIXTURES.glob("*.txt"))
    assert sorted(FILES) == on_disk
    for fx in SPEC:
        raw = (FIXTURES / fx["file"]).read_bytes()
        text = raw.decode(fx["encoding"])  # the declared encoding really decodes it
        assert ("\r\n" in text) == fx.get("crlf", False), fx["file"]


def test_every_expectation_is_pinned_and_decisions_have_reasons():
    """No expectation accepts alternatives: a decision (a title's stage mark, a kind, a city's
    form, an effective date) is pinned, and the fixture's notes say why."""

    def alternatives(value) -> bool:
        if isinstance(value, dict):
            return "one_of" in value or any(alternatives(v) for v in value.values())
        return isinstance(value, list) and any(alternatives(v) for v in value)

    assert not [fx["file"] for fx in SPEC if alternatives(fx["documents"])]
    for fx in SPEC:
        assert all(isinstance(n, str) and len(n) > 40 for n in fx.get("notes", [])), fx["file"]


@pytest.mark.parametrize("name", PARSED, ids=_stem)
def test_document_count(name):
    """A file yields exactly the instruments it holds: notices, 说明 and web pages add none."""
    expected = [d["title"] for d in next(fx for fx in SPEC if fx["file"] == name)["documents"]]
    got = [d.title for d in parsed(name)]
    assert len(got) == len(expected), f"titles parsed: {got}"
    for e, g in zip(expected, got, strict=True):
        assert accepts(e, g), f"title {g!r}, expected {e!r}"


@pytest.mark.parametrize("name", sorted(ERRORS), ids=_stem)
def test_parse_error(name):
    """A text that holds no regulation (an amendment decision, an empty file, a title) is a ParseError."""
    from jdcorpus.parse import ParseError

    with pytest.raises(ParseError, match=ERRORS[name]):
        parse_file(FIXTURES / name)


# fixtures drafted without articles whose notes say what a paragraph reading should give
PARAGRAPH_DOCS = {fx["file"]: fx["future_document"] for fx in SPEC if "future_document" in fx}
PARAGRAPH_GETTERS = DOC_GETTERS | {
    "paragraphs": lambda d: len(d.paragraphs),
    "paragraph_labels": lambda d: [re.match(r"\S+?、", p.text).group(0) for p in d.paragraphs],
}


@pytest.mark.parametrize("name", sorted(PARAGRAPH_DOCS), ids=_stem)
def test_paragraph_document(name):
    """With require_articles=False a 决定 drafted in 一、二、 paragraphs is one document with no
    articles, its numbered paragraphs (quoted 第…条 of an amendment stay inside them), its
    metadata, and a warning that it has no articles."""
    (doc,) = parse_file(FIXTURES / name, require_articles=False)
    for key, want in PARAGRAPH_DOCS[name].items():
        got = PARAGRAPH_GETTERS[key](doc)
        assert accepts(want, got), f"{key}: got {got!r}, expected {want!r}"
    assert any("no article labels" in w for w in doc.warnings)
    assert all(doc.source(p.start, p.end) == p.original for p in doc.paragraphs)


@pytest.mark.parametrize("name,i,key,expected", list(_doc_cases()))
def test_document_expectation(name, i, key, expected):
    """One document-level fact (metadata, date, count, titles, numbering) matches the hand count."""
    got = DOC_GETTERS[key](_doc(name, i))
    if key == "warnings":
        assert got is expected, f"warnings: {_doc(name, i).warnings}"
    else:
        assert accepts(expected, got), f"{key}: got {got!r}, expected {expected!r}"


@pytest.mark.parametrize("name,i,spec", list(_article_cases()))
def test_article(name, i, spec):
    """A selected article has the hand-counted label, heading, 款, 项, chapter/section and text."""
    doc = _doc(name, i)
    same_no = [a for a in doc.articles if a.no == spec["no"]]
    nth = spec.get("nth", 0)
    assert len(same_no) > nth, (
        f"no article {spec['no']} (#{nth}); numbers parsed: {[a.no for a in doc.articles]}"
    )
    a = same_no[nth]
    problems = []
    if "label" in spec and not accepts(spec["label"], a.label):
        problems.append(f"label {a.label!r} != {spec['label']!r}")
    if "heading" in spec and a.heading != spec["heading"]:
        problems.append(f"heading {a.heading!r} != {spec['heading']!r}")
    if "paragraphs" in spec and len(a.paragraphs) != spec["paragraphs"]:
        problems.append(f"{len(a.paragraphs)} paragraphs != {spec['paragraphs']}")
    if "items" in spec and len(a.items) != spec["items"]:
        problems.append(f"{len(a.items)} items != {spec['items']}")
    subitems = sum(_subitems(it) for it in a.items)  # an item's text breaks before each 目
    if "items" in spec and subitems != spec.get("subitems", 0):
        problems.append(f"{subitems} 目 != {spec.get('subitems', 0)}")
    if "paragraphs" in spec and "items" in spec:
        # the hand count, not the parse, says how many lines the text has: one per 款, 项 and 目
        # (and one more for each formula line of a 款 and each item's own heading line)
        want = spec["paragraphs"] + spec["items"] + spec.get("subitems", 0)
        lines = [ln for ln in a.text.split("\n") if ln.strip()]
        extra = sum(_formula_lines(p) for p in a.paragraphs) + sum(
            _heading_line(it) for it in a.items
        )
        if len(lines) - extra != want:
            problems.append(f"{len(lines)} text lines != {want} (款 + 项 + 目 counted by hand)")
    if "chapter" in spec and a.chapter_title != spec["chapter"]:
        problems.append(f"chapter {a.chapter_title!r} != {spec['chapter']!r}")
    if "section" in spec and a.section_title != spec["section"]:
        problems.append(f"section {a.section_title!r} != {spec['section']!r}")
    problems += [f"text lacks {s!r}" for s in spec.get("contains", []) if s not in a.text]
    problems += [f"text has {s!r}" for s in spec.get("not_contains", []) if s in a.text]
    assert not problems, "; ".join(problems) + f"\n--- text ---\n{a.text}"


@pytest.mark.parametrize("name,i,absent", list(_absent_cases()))
def test_noise_not_in_articles(name, i, absent):
    """Notice, web-page, watermark and 说明 text never ends up in an article or its heading."""
    doc = _doc(name, i)
    hits = [
        (a.no, s) for a in doc.articles for s in absent if s in a.text or s in (a.heading or "")
    ]
    assert not hits, f"noise inside articles (no, string): {hits}"


def _notice_cases():
    for fx in SPEC:
        for i, d in enumerate(fx["documents"]):
            if d.get("notices_contain"):
                yield pytest.param(
                    fx["file"], i, d["notices_contain"], id=f"{_stem(fx['file'])}:d{i}"
                )


@pytest.mark.parametrize("name,i,wanted", list(_notice_cases()))
def test_notices_kept(name, i, wanted):
    """A promulgation notice or a 序言 left out of the articles is kept in ``Document.notices``."""
    notices = "\n".join(_doc(name, i).notices)
    missing = [s for s in wanted if s not in notices]
    assert not missing, f"not in notices: {missing}; notices: {notices[:200]!r}"


@pytest.mark.parametrize("name", PARSED, ids=_stem)
def test_original_is_the_source_span(name):
    """Every article's ``original`` is exactly its source span and starts at its 第…条 label (as
    typed: 笫五条, a typo the normalized label mends, starts with 笫)."""
    for d in parsed(name):
        for a in d.articles:
            assert d.source(a.start, a.end) == a.original, a.label
            assert a.original.lstrip().startswith(("第", "笫")), (a.label, a.original[:20])
            for p in a.paragraphs:
                assert d.source(p.start, p.end) == p.original, (a.label, p.no)
                for it in p.items:
                    assert d.source(it.start, it.end) == it.original, (a.label, it.label)


@pytest.mark.parametrize("name", PARSED, ids=_stem)
def test_text_agrees_with_the_structure(name):
    """Consistency (the hand counts are checked in test_article): an article's text holds one
    line per 款 lead, per 项 and per 目 of its own structure, numbered 1, 2, 3 …"""

    for d in parsed(name):
        for a in d.articles:
            lines = [ln for ln in a.text.split("\n") if ln.strip()]
            for it in a.items:  # an item's text breaks only before a 目 marker (and after
                # its own heading line)
                rest = it.text.split("\n")[1 + _heading_line(it) :]
                assert all(SUBITEM.match(ln) for ln in rest), it
            for p in a.paragraphs:  # a 款's lead breaks only before a formula line
                assert _formula_lines(p) == p.text.count("\n"), p
            want = sum(
                (p.text.count("\n") + 1 if p.text else 0)
                + sum(1 + it.text.count("\n") for it in p.items)
                for p in a.paragraphs
            )
            assert len(lines) == want, f"{a.label}: {len(lines)} lines, {want} units\n{a.text}"
            assert [p.no for p in a.paragraphs] == list(range(1, len(a.paragraphs) + 1))
            for p in a.paragraphs:
                assert [it.no for it in p.items] == list(range(1, len(p.items) + 1)), a.label
            assert not a.text.startswith(a.label), a.label


@pytest.mark.parametrize("name", PARSED, ids=_stem)
def test_text_is_normalized_simplified(name):
    """Titles, headings and article texts are simplified (OpenCC t2s changes nothing), no CR/BOM."""
    import opencc

    t2s = opencc.OpenCC("t2s")
    for d in parsed(name):
        assert t2s.convert(d.title) == d.title
        for a in d.articles:
            for s in (a.text, a.heading or "", a.label):
                assert t2s.convert(s) == s, (a.label, s)
                assert "\r" not in s and "\ufeff" not in s, a.label
            assert not any("０" <= ch <= "９" for ch in a.text + a.label), a.label


@pytest.mark.parametrize("name", FILES, ids=_stem)
def test_read_text_decodes_the_declared_encoding(name):
    """read_text finds every fixture's encoding by itself (GBK, Big5, UTF-16, BOM) and gives the
    text the declared encoding gives, with ``\n`` line ends (for CRLF, and for a lone CR: a
    classic Mac's) and no BOM."""
    fx = next(fx for fx in SPEC if fx["file"] == name)
    raw = (FIXTURES / name).read_bytes()
    source = read_source(FIXTURES / name, allow_empty=True)
    text = read_text(FIXTURES / name)
    assert source.text == text
    assert not text.startswith("\ufeff") and "\r" not in text
    want = raw.decode(fx["encoding"]).lstrip("\ufeff")
    # a page, a table, a note … saved as .txt, or text with tracked changes: read as its text,
    # not its markup
    revised = any("tracked changes accepted" in w for w in source.warnings)
    if revised or source.format in ("html", "csv", "org", "jsonl", "latex", "asciidoc"):
        assert not re.search(r"<(?:p|div|br|td|span|html|body)\b|^#\+\w+:|,,,", text, re.I | re.M)
        assert not re.search(r"\[(?:删除|插入|批注)[：:]", text)
        cjk = [ch for ch in text.replace("【注】", "") if "\u4e00" <= ch <= "\u9fff"]  # (a note)
        assert cjk and sum(ch in want for ch in cjk) == len(cjk)  # decoded as declared
        return
    assert text == want.replace("\r\n", "\n").replace("\r", "\n")
