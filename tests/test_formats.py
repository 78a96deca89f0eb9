"""Reading files in every format and encoding (jdcorpus.formats): the same regulation gives the
same articles whatever it was saved as, and what is no regulation file is refused with a reason."""

from __future__ import annotations

import codecs
import importlib.util
import io
import json
from pathlib import Path

import pytest

from jdcorpus.errors import SourceError
from jdcorpus.parse import parse_text
from jdcorpus.parse.formats import decode, docx_text, html_text, markdown_meta, read_source

HERE = Path(__file__).parent
LAWREFBOOK = HERE / "fixtures" / "lawrefbook"
EXPECTED = json.loads((LAWREFBOOK / "expected.json").read_text("utf-8"))["files"]
LAWS = sorted(name for name, counts in EXPECTED.items() if counts)


def _load(name):
    spec = importlib.util.spec_from_file_location(name, HERE / "fixtures" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


mk = _load("make_formats")


def articles(text: str):
    """What must be the same in every format: each article's number, label, heading, chapter
    and normalized text; and the title and dates of the document."""
    (doc,) = parse_text(text)
    return (
        doc.title,
        doc.adopted,
        [(a.no, a.label, a.heading, a.chapter_title, a.text) for a in doc.articles],
    )


def _python_docx(md: str) -> bytes:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for ln in mk.plain_lines(md):
        d.add_paragraph(ln)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _variants(md: str) -> dict[str, tuple[str, bytes]]:
    """The law saved as each format a researcher meets: (file name, bytes)."""
    plain = "\n".join(mk.plain_lines(md)) + "\n"
    crlf = plain.replace("\n", "\r\n")
    return {
        "markdown": ("law.md", md.encode("utf-8")),
        "utf-8": ("law.txt", plain.encode("utf-8")),
        "utf-8 BOM CRLF": ("law.TXT", codecs.BOM_UTF8 + crlf.encode("utf-8")),
        "gb18030": ("law.txt", crlf.encode("gb18030")),
        "gbk": ("law.Txt", plain.replace("\xa0", " ").encode("gbk")),  # GBK has no NBSP
        "utf-16 BOM": ("law.txt", plain.encode("utf-16")),
        "utf-16-le no BOM": ("law.txt", plain.encode("utf-16-le")),
        "utf-16-be no BOM": ("law.txt", crlf.encode("utf-16-be")),
        "docx (python-docx)": ("law.docx", _python_docx(md)),
        "docx (Word numbering)": ("law.DOCX", mk.numbered_docx(md)),
        "html": ("law.html", mk.html_page(md).encode("utf-8")),
        "htm gb2312": (
            "law.htm",
            mk.html_page(md).replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"),
        ),
        "csv (a spreadsheet, GBK, as .txt)": ("law.txt", mk.csv_table(md)),
        "org": ("law.org", mk.org_note(md)),
        "org (as .txt)": ("law.txt", mk.org_note(md)),
        "json lines (as .txt)": ("law.txt", mk.jsonl_dump(md)),
        "latex (as .txt)": ("law.txt", mk.latex_source(md)),
        "asciidoc": ("law.adoc", mk.asciidoc_source(md)),
    }


@pytest.mark.parametrize("law", LAWS, ids=[f"law{i}" for i in range(len(LAWS))])
def test_every_format_gives_the_same_articles(law):
    """Markdown, text in six encodings, two kinds of .docx, two web pages, a spreadsheet's CSV,
    an Org-mode note, a JSON Lines dump, a LaTeX and an AsciiDoc source of one law: the same
    title, dates and articles (numbers, labels, headings, chapters, text)."""
    md = (LAWREFBOOK / law).read_text("utf-8")
    want = articles(md)
    assert len(want[2]) == EXPECTED[law]["articles"]
    for fmt, (name, data) in _variants(md).items():
        src = read_source(data=data, name=name)
        assert articles(src.text) == want, fmt


def test_big5_gives_the_same_articles():
    """A Big5 (traditional script) copy is detected and gives the same articles once normalized."""
    import opencc

    md = (LAWREFBOOK / LAWS[0]).read_text("utf-8")
    traditional = opencc.OpenCC("s2tw").convert("\n".join(mk.plain_lines(md)))
    src = read_source(data=traditional.encode("big5"), name="law.txt")
    assert src.encoding.startswith("big5")
    got, want = articles(src.text), articles(md)
    assert [a[:2] for a in got[2]] == [a[:2] for a in want[2]]
    assert got[0] == want[0]


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be", "big5"]
)
def test_decode_names_the_encoding(encoding):
    """Detection finds each encoding of a Chinese text (Big5 may be read by its HKSCS superset)."""
    text = "第一條 為了規範社區工作，制定本條例。\n第二條 本條例適用於本市。\n" * 3
    raw = text.encode(encoding)
    got, used = decode(raw)
    assert got == text
    assert codecs.lookup(used).name.startswith(codecs.lookup(encoding).name.split("-sig")[0][:4])


def test_encoding_override():
    """--encoding decodes as told, and says so when the bytes are not in that encoding."""
    raw = "第一条 社区。".encode("gb18030")
    assert decode(raw, encoding="gbk")[0] == "第一条 社区。"
    with pytest.raises(SourceError, match="not utf-8"):
        decode(raw, encoding="utf-8", name="a.txt")
    with pytest.raises(SourceError, match="unknown encoding"):
        decode(raw, encoding="klingon", name="a.txt")


def test_docx_numbering_restored_and_reported():
    """Word's automatic 第%1条 and （%2） labels are written into the text, counted, restarted
    per article, and the restoration is reported as a warning."""
    md = (LAWREFBOOK / "温州市销售燃放烟花爆竹管理规定(2021-10-14).md").read_text("utf-8")
    text, warnings = docx_text(mk.numbered_docx(md), "law.docx")
    assert "第一条 为了" in text and "第十二条 " in text
    assert text.count("（一）") == md.count("（一）")
    assert any("numbering restored" in w for w in warnings)


def test_docx_numbering_in_an_unknown_format_is_a_warning():
    """A list format jdcorpus cannot write (Hebrew letters) is left out with a warning."""
    body = mk._para("为了规范，制定本规定。", (4, 0)) + mk._para("本规定自公布之日起施行。", (4, 0))
    text, warnings = docx_text(mk.docx_bytes(mk.document_xml(body)), "law.docx")
    assert text.splitlines() == ["为了规范，制定本规定。", "本规定自公布之日起施行。"]
    assert any("not restored" in w and "hebrew1" in w for w in warnings)


def test_docx_tables_are_ignored_with_a_warning():
    """A table's cells are not read (their 第九十九条 is no article), and a warning says so."""
    md = (LAWREFBOOK / "温州市销售燃放烟花爆竹管理规定(2021-10-14).md").read_text("utf-8")
    text, warnings = docx_text(mk.numbered_docx(md, table_after=3), "law.docx")
    assert "表格" not in text
    assert any("1 table" in w for w in warnings)
    assert articles(text) == articles(md)


def test_docx_reads_runs_tabs_breaks_and_leaves_out_deleted_text():
    """Runs join, a tab is a space, a break a new line; deleted text and field codes are not text."""
    body = (
        "<w:p><w:r><w:t>第一条</w:t></w:r><w:r><w:tab/><w:t>为了</w:t></w:r>"
        "<w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>"
        "<w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>规范。</w:t><w:br/><w:t>第二条 施行。</w:t></w:r></w:p>"
    )
    text, _ = docx_text(mk.docx_bytes(mk.document_xml(body)), "a.docx")
    assert text == "第一条\t为了规范。\n第二条 施行。"


def test_html_drops_scripts_styles_navigation_and_footer():
    """Only the page's text is read: nothing from scripts, styles, navigation or the footer."""
    md = (LAWREFBOOK / LAWS[0]).read_text("utf-8")
    text = html_text(mk.html_page(md))
    for decoy in (
        "第九十四条",
        "第九十五条",
        "第九十六条",
        "第九十七条",
        "第九十八条",
        "法规库",
        "首页",
    ):
        assert decoy not in text


def test_markdown_metadata():
    """LawRefBook's # title and the date lines above <!-- INFO END --> are read as metadata."""
    md = (LAWREFBOOK / "北京市街道办事处条例(2019-11-27).md").read_text("utf-8")
    meta = markdown_meta(md)
    assert meta["title"] == "北京市街道办事处条例"
    assert meta["info"][0].startswith("2019年11月27日")
    (doc,) = parse_text(read_source(data=md.encode(), name="x.md").text)
    assert (doc.title, doc.adopted) == ("北京市街道办事处条例", "2019-11-27")


@pytest.mark.parametrize(
    "name,data,reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", " \n\u3000\n".encode(), "empty file"),
        ("picture.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(100), "unknown file type '.jpg'"),
        ("law.pdf", b"%PDF-1.4 ...", "unknown file type '.pdf'"),
        ("law.txt", b"%PDF-1.4 " + bytes(50), "a PDF file"),
        ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Word .doc"),
        ("noise.txt", bytes(range(128, 256)) * 40, "undecodable"),
        ("binary.txt", bytes(range(256)) * 40, "binary file"),
        ("law.docx", "第一条 文字。".encode(), "not a zip archive"),
        ("law.docx", mk.docx_bytes("<x/>", numbering=None)[:100], "not a zip archive"),
        ("law.html", b"<html><script>document.write('x')</script></html>", "the page has no text"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "",
)
def test_bad_files_are_refused_with_a_reason_naming_the_file(name, data, reason):
    """Each kind of bad file: a SourceError on one line that names the file and says why."""
    with pytest.raises(SourceError) as e:
        read_source(data=data, name=name)
    msg = e.value.message
    assert msg.startswith(f"{name}: ") and reason in msg, msg
    assert "\n" not in msg


def test_docx_with_entities_is_refused():
    """A DTD with entity expansion (billion laughs) or an external entity is never expanded."""
    body = mk._para("第一条 文字。") + "<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>"
    for prolog, text in (
        (mk.BILLION_LAUGHS, body),
        (mk.EXTERNAL_ENTITY, body.replace("lol9", "xxe")),
    ):
        data = mk.docx_bytes(mk.document_xml(text, prolog))
        with pytest.raises(SourceError, match="law.docx: .*DTD or XML entities"):
            read_source(data=data, name="law.docx")


def test_docx_zip_bomb_is_refused_without_inflating_it(tmp_path, monkeypatch):
    """A document.xml that inflates past the limit stops at the limit with a one-line reason."""
    import jdcorpus.parse.formats as formats

    monkeypatch.setattr(formats, "MAX_XML_BYTES", 8 << 20)
    bomb = tmp_path / "bomb.docx"
    mk.zip_bomb(bomb, 40 << 20)
    assert bomb.stat().st_size < 200_000
    with pytest.raises(SourceError, match="bomb.docx: word/document.xml inflates beyond"):
        read_source(bomb, name="bomb.docx")


def test_too_large_is_refused_before_reading(tmp_path):
    """A file over 20 MB is refused from its size alone."""
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(21 * 1024 * 1024)
    with pytest.raises(SourceError, match="big.txt: too large"):
        read_source(big, name="big.txt")


def test_a_text_without_articles_reads_but_does_not_parse():
    """A 决定 of 一、二、 paragraphs is read fine; the parser finds no 第…条 in it."""
    from jdcorpus.errors import ParseError

    decision = next(n for n, c in EXPECTED.items() if c is None)
    src = read_source(LAWREFBOOK / decision)
    assert src.format == "markdown" and "决定" in src.meta["title"]
    with pytest.raises(ParseError):
        parse_text(src.text)


def test_fingerprint_suffixes_are_the_formats_read():
    """The search path fingerprints a folder by the suffixes the readers read (and catalogs)."""
    from jdcorpus._cache import SOURCE_SUFFIXES
    from jdcorpus.parse.formats import EXTENSIONS

    assert set(EXTENSIONS) | {".json"} == SOURCE_SUFFIXES


def test_a_text_with_ascii_commas_is_no_table_and_a_table_needs_one_width():
    """A regulation typed with half-width punctuation (, ; : on every line, in varying numbers)
    is read as text; a table is read as one only when nine in ten of its rows have one number
    of cells (three or more) — a list of two columns stays text."""
    law = (
        "某市养犬管理条例\n\n"
        + "".join(
            f"第{n}条 养犬人应当遵守法律,法规{',依法登记' * (k % 3)};不得干扰他人正常生活.\n"
            for k, n in enumerate("一二三四五六七八九十")
        )
        + "第十一条 本条例自2024年1月1日起施行.\n"
    )
    src = read_source(data=law.encode("utf-8"), name="law.txt")
    assert src.format == "text" and src.text == law
    (doc,) = parse_text(src.text)
    assert len(doc.articles) == 11
    pairs = "".join(f"词{n},释义{n}\n" for n in range(30))
    assert read_source(data=pairs.encode("utf-8"), name="list.txt").format == "text"


def test_an_org_note_keeps_only_the_law():
    """An Org-mode note: keyword lines, a comment block (which quotes an old article), comment
    lines, a :noexport: subtree and footnote references are no text; the starred headings and
    the list entries are."""
    note = (
        "#+TITLE: 笔记\n#+AUTHOR: 甲\n\n* 某市养犬管理条例\n** 第一章 总则\n"
        "第一条 为了规范养犬行为，制定本条例。[fn:1]\n"
        "#+BEGIN_COMMENT\n第二条 旧的第二条。\n#+END_COMMENT\n# 校注：以上为现行文本。\n"
        "第二条 养犬人应当遵守下列规定：\n- （一）依法登记；\n- （二）文明养犬。\n"
        "第三条 本条例自2024年1月1日起施行。\n"
        "* 资料来源 :noexport:\n第九十九条 引文。\n[fn:1] 立法目的条款。\n"
    )
    src = read_source(data=note.encode("utf-8"), name="note.org")
    assert src.format == "org" and src.meta["title"] == "笔记"
    (doc,) = parse_text(src.text)
    assert doc.title == "某市养犬管理条例" and doc.chapters[0].title == "总则"
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条"]
    assert doc.articles[0].text == "为了规范养犬行为，制定本条例。"
    assert [len(p.items) for p in doc.articles[1].paragraphs] == [2]
    assert "旧的" not in src.text and "校注" not in src.text and "引文" not in src.text


def test_tracked_changes_saved_as_text_are_accepted_and_said():
    """Word's "all markup" saved as text ([删除：…] [插入：…] [批注：…]): the text after the
    changes is read — a deleted article is gone with its line, a label renumbered inside the
    marks reads as its new number — and a warning names how many marks were accepted."""
    text = (
        "某市停车管理办法（征求意见稿）\n\n"
        "第一条　为了规范停车秩序，[删除：缓解停车难，][插入：缓解供需矛盾，]制定本办法。\n"
        "第二条　本办法适用于中心城区。[批注：甲：范围待定。]\n"
        "[删除：第三条　机动车应当有序停放。]\n"
        "第[删除：四][插入：三]条　本办法自[删除：2023年12月1日][插入：2024年3月1日]起施行。\n"
    )
    src = read_source(data=text.encode("utf-8"), name="draft.txt")
    assert src.warnings == ("draft.txt: tracked changes accepted (4 删除, 3 插入, 1 批注)",)
    (doc,) = parse_text(src.text)
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条"]
    assert doc.articles[0].text == "为了规范停车秩序，缓解供需矛盾，制定本办法。"
    assert doc.articles[1].text == "本办法适用于中心城区。"
    assert doc.effective == "2024-03-01"


def test_an_export_without_text_is_refused_with_its_format_named():
    """A JSON Lines dump whose records hold no string field is refused in one line that names
    the file and the format it was read as."""
    data = b'{"a": 1}\n{"b": 2}\n{"c": [1, 2]}\n'
    with pytest.raises(SourceError, match=r"^dump\.txt: read as jsonl, it holds no text$"):
        read_source(data=data, name="dump.txt")
