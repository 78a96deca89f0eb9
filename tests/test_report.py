"""The 对照表 (jdcorpus.report, jdcorpus.render.report_html): its data, its web page and its Word
file, read back with lxml and python-docx. The browser checks are in test_report_browser.py."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lhtml

from jdcorpus import compare
from jdcorpus import report as rp
from jdcorpus.errors import JdcorpusError, UnknownDocument, UsageError
from jdcorpus.render import report_html as rh

HERE = Path(__file__).parent
DRAFT_FILE = HERE / "fixtures" / "report" / "draft_wuxi_gb18030.txt"


@pytest.fixture(scope="module")
def suzhou(bundled):
    """The report of the bundled draft against every other bundled document."""
    return rp.build_report("suzhou", corpus=bundled, date="2024-05-06")


@pytest.fixture(scope="module")
def page(suzhou):
    return lhtml.fromstring(rh.report_html(suzhou))


# -- the data ------------------------------------------------------------------------------------


def test_rows_are_the_draft_articles_in_order(suzhou, bundled):
    """One row per draft article, in order, with one cell per compared document."""
    draft = bundled.get("suzhou")
    assert [r.no for r in suzhou.rows] == [a.no for a in draft.articles]
    assert [r.article.text for r in suzhou.rows] == [a.text for a in draft.articles]
    assert all(len(r.cells) == len(suzhou.compared) for r in suzhou.rows)
    assert {d.id for d in suzhou.compared} == {d.id for d in bundled.documents} - {"suzhou"}
    assert suzhou.draft.id == "suzhou" and suzhou.draft.status == "draft"
    assert (suzhou.date, suzhou.version) == ("2024-05-06", __import__("jdcorpus").__version__)
    assert {d.id: d.name for d in suzhou.docs} == {
        "suzhou": "苏州",
        "changchun": "长春",
        "hohhot": "呼和浩特",
        "beijing-tiaoli": "北京·条例",
        "beijing-zhize": "北京·职责规定",
        "tonghua": "通化",
    }


def test_column_names_stay_unique():
    """Two documents of one city and kind (a text added twice) keep apart by their ids."""
    from types import SimpleNamespace as D

    docs = [D(id="bj", city="北京", kind="条例"), D(id="bj-2", city="北京", kind="条例")]
    docs.append(D(id="x", city=None, kind=None))
    assert rp.column_names(docs) == {"bj": "北京·条例·bj", "bj-2": "北京·条例·bj-2", "x": "x"}


def test_each_cell_is_the_best_aligned_article_and_names_the_others(suzhou, bundled):
    """A cell holds the best link of align(draft, doc) for its draft article; the document's
    other linked articles are named, best first; no link, no cell."""
    for j, doc in enumerate(suzhou.compared):
        links = compare.align(bundled, "suzhou", doc.id)
        for row in suzhou.rows:
            mine = sorted(
                (lk for lk in links if lk.a_article == row.no),
                key=lambda lk: (-lk.score, lk.b_article),
            )
            cell = row.cells[j]
            if not mine:
                assert cell is None
                continue
            assert (cell.article.doc, cell.article.no) == (doc.id, mine[0].b_article)
            assert (cell.score, cell.relation) == (mine[0].score, mine[0].label)
            assert [(a.no, s) for a, s, _ in cell.others] == [
                (lk.b_article, lk.score) for lk in mine[1:]
            ]
    assert any(c is not None and c.others for r in suzhou.rows for c in r.cells)
    assert any(c is None for r in suzhou.rows for c in r.cells)


def test_the_diff_runs_from_the_draft_to_the_cell(suzhou):
    """The diff's a-side spells the draft article, its b-side the compared article."""
    for row in suzhou.rows:
        for cell in row.cells:
            if cell is None:
                continue
            assert "".join(op.a_text for op in cell.diff) == row.article.text
            assert "".join(op.b_text for op in cell.diff) == cell.article.text
    ops = {op.op for r in suzhou.rows for c in r.cells if c for op in c.diff}
    assert {"equal", "insert", "delete", "jurisdiction"} <= ops | {"replace"}


def test_missing_provisions_are_families_without_the_draft(suzhou, bundled):
    """Each missing provision is a family no draft article belongs to, carried by at least two
    compared documents, listed with every compared article of the family."""
    fams = {f.family: f for f in compare.families(bundled)}
    assert suzhou.missing
    for m in suzhou.missing:
        keys = set(fams[m.family].articles)
        assert not any(k.startswith("suzhou:") for k in keys)
        assert {f"{a.doc}:{a.no}" for a in m.articles} == keys
        assert m.documents == len({a.doc for a in m.articles}) >= 2
    assert [m.documents for m in suzhou.missing] == sorted(
        (m.documents for m in suzhou.missing), reverse=True
    )
    gap_families = {
        g.family for g in compare.gaps(bundled, "suzhou", min_docs=2) if g.kind == "missing"
    }
    assert {m.family for m in suzhou.missing} == gap_families


def test_heatmap_is_coverage_of_the_draft_and_the_compared(suzhou, bundled):
    """The heatmap is compare.coverage restricted to the report's documents, draft first; the
    families the draft has come first."""
    heat = suzhou.heatmap
    assert heat.docs == ("suzhou", *(d.id for d in suzhou.compared))
    cells = {(c.family, c.doc): c for c in compare.coverage(bundled)}
    for (fam, label), scores, arts in zip(heat.families, heat.scores, heat.articles, strict=True):
        for d, s, a in zip(heat.docs, scores, arts, strict=True):
            assert (cells[fam, d].article, cells[fam, d].score) == (a, s)
            assert cells[fam, d].label == label
    has = [a[0] is not None for a in heat.articles]
    assert has == sorted(has, reverse=True) and any(has) and not all(has)


def test_against_and_top(bundled):
    """--against fixes the columns in the order given; --top keeps the N documents with the most
    aligned draft articles and the report says so."""
    r = rp.build_report("suzhou", ["长春", "hohhot", "changchun"], corpus=bundled)
    assert [d.id for d in r.compared] == ["changchun", "hohhot"]
    assert "用户指定" in r.selection
    full = rp.build_report("suzhou", corpus=bundled)
    top2 = rp.build_report("suzhou", top=2, corpus=bundled)
    ranked = sorted(full.compared, key=lambda d: -d.aligned)
    assert [d.id for d in top2.compared] == [d.id for d in ranked[:2]]
    assert "共 5 部" in top2.selection and "最多的 2 部" in top2.selection
    assert "全部 5 部" in full.selection
    with pytest.raises(UsageError, match="draft itself"):
        rp.build_report("suzhou", ["苏州"], corpus=bundled)
    with pytest.raises(UsageError, match="top"):
        rp.build_report("suzhou", top=0, corpus=bundled)


def test_a_draft_file_outside_the_corpus(bundled):
    """A draft file (GB18030 here) is parsed on the fly and compared without joining the corpus."""
    r = rp.build_report(DRAFT_FILE, corpus=bundled)
    assert r.draft.source_file == str(DRAFT_FILE)
    assert r.draft.title == "无锡市街道办事处条例（草案）" and r.draft.status == "draft"
    assert [row.no for row in r.rows] == list(range(1, 10))
    assert len(r.compared) == 6 and r.draft.id not in {d.id for d in bundled.documents}
    assert r.draft.id not in {d.id for d in r.compared}
    assert len(bundled.documents) == 6  # the corpus itself is unchanged
    net = r.rows[4]  # 第五条 网格化管理
    assert any(c is not None for c in net.cells)


def _draft_as(suffix: str, folder: Path) -> Path:
    """The GB18030 draft fixture written as Word, a web page or Markdown."""
    lines = [x for x in DRAFT_FILE.read_bytes().decode("gb18030").splitlines() if x.strip()]
    path = folder / f"draft{suffix}"
    if suffix == ".docx":
        import docx

        d = docx.Document()
        for line in lines:
            d.add_paragraph(line)
        d.save(path)
    elif suffix == ".html":
        body = "".join(f"<p>{x}</p>" for x in lines)
        path.write_text(
            f"<html><head><title>草案</title></head><body>{body}</body></html>", "utf-8"
        )
    else:
        path.write_text(f"# {lines[0]}\n\n" + "\n\n".join(lines[1:]) + "\n", "utf-8")
    return path


@pytest.mark.parametrize("suffix", [".docx", ".html", ".md"])
def test_a_draft_in_word_html_or_markdown(suffix, bundled, tmp_path):
    """A draft saved as .docx, .html or .md gives the same rows and cells as the text file."""
    as_text = rp.build_report(DRAFT_FILE, corpus=bundled)
    other = rp.build_report(_draft_as(suffix, tmp_path), corpus=bundled)
    assert [(r.no, r.article.text) for r in other.rows] == [
        (r.no, r.article.text) for r in as_text.rows
    ]
    assert [d.id for d in other.compared] == [d.id for d in as_text.compared]

    def cells(rep):
        return [[c and (c.article.doc, c.article.no) for c in r.cells] for r in rep.rows]

    assert cells(other) == cells(as_text)


def test_unknown_draft_names(bundled):
    """A name that is no document and no file, and a missing file, are one-line errors."""
    with pytest.raises(UnknownDocument):
        rp.build_report("nowhere", corpus=bundled)
    with pytest.raises(JdcorpusError, match="no such file"):
        rp.build_report("nowhere.txt", corpus=bundled)


# -- HTML ------------------------------------------------------------------------------------------


def test_html_rows_marks_and_empty_cells(suzhou, page):
    """tr[data-article] per draft article; <ins>/<del> marks; class="none" for each empty cell."""
    rows = page.xpath("//table[@class='compare']/tbody/tr")
    assert [tr.get("data-article") for tr in rows] == [str(r.no) for r in suzhou.rows]
    empty = sum(c is None for r in suzhou.rows for c in r.cells)
    assert len(page.xpath("//table[@class='compare']//td[@class='none']")) == empty
    assert page.xpath("//table[@class='compare']//ins") and page.xpath(
        "//table[@class='compare']//del"
    )
    heads = page.xpath("//table[@class='compare']/thead/tr/th")
    assert len(heads) == 1 + len(suzhou.compared)
    # the compared cell reads as its article: the text outside <del> is the compared article
    row = rows[0]
    cell = row.xpath("td[not(@class='none')]")[0]
    c = next(c for c in suzhou.rows[0].cells if c is not None)
    for d in cell.xpath(".//del"):
        d.drop_tree()
    text = "".join(cell.xpath(".//div[@class='text']")[0].itertext())
    assert text == c.article.text.replace("\n", "")


def test_html_header_names_documents_dates_status_version(suzhou, page):
    """The header lists every document with its dates and status, the report date and version."""
    header = page.xpath("//header")[0].text_content()
    for d in suzhou.docs:
        assert d.title in header
    assert "2019-11-27" in header and "现行有效" in header and "草案" in header
    assert "2024-05-06" in header and f"jdcorpus {suzhou.version}" in header
    assert suzhou.selection in header


def test_html_is_self_contained(page):
    """No script, no external resource: styles inline, the heatmap inline SVG."""
    assert page.xpath("//script") == []
    assert page.xpath("//link") == [] and page.xpath("//img") == []
    refs = [v for v in page.xpath("//@src | //@href")]
    assert refs == []
    assert page.xpath("//style") and page.xpath(
        "//section[@class='coverage']//*[local-name()='svg']"
    )
    css = page.xpath("//style")[0].text
    assert "@import" not in css and "url(" not in css
    assert "position: sticky" in css and "size: landscape" in css
    assert "table-header-group" in css


def test_html_escapes_every_text():
    """Markup in a document's text or heading is shown as text, never interpreted."""
    spec = importlib.util.spec_from_file_location("handmade", HERE / "fixtures" / "handmade.py")
    handmade = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(handmade)
    corpus = handmade.corpus()
    beta = corpus.get("beta")
    evil = dataclasses.replace(
        beta.articles[0], heading='<script>alert("x")</script>', text="A&B <b>不是粗体</b>"
    )
    articles = tuple(dataclasses.replace(a, doc_id="evil") for a in (evil, *beta.articles[1:]))
    draft = dataclasses.replace(beta, id="evil", title="<i>草案</i>", articles=articles)
    r = rp.build_report(draft, corpus=handmade.Corpus([corpus.get("alpha")]))
    out = rh.report_html(r)
    assert "<script>" not in out and "<b>不是粗体" not in out and "<i>草案" not in out
    page = lhtml.fromstring(out)
    th = page.xpath("//tr[@data-article='1']/th")[0]
    assert '【<script>alert("x")</script>】' in th.text_content()
    assert "A&B <b>不是粗体</b>" in th.text_content()
    assert "<i>草案</i>" in page.xpath("//title")[0].text


def test_diff_marks_split_at_line_breaks():
    """A mark spanning a 款 break is closed and reopened, so each 款 is one paragraph."""
    ops = [
        compare.DiffOp("equal", "甲", "甲"),
        compare.DiffOp("insert", "", "乙\n丙"),
        compare.DiffOp("jurisdiction", "苏州市", "长春市"),
    ]
    assert rh.diff_marks(ops) == (
        '<p>甲<ins>乙</ins></p><p><ins>丙</ins><span class="jur" title="草案：苏州市">长春市</span></p>'
    )


# -- DOCX ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def word(suzhou):
    import docx

    return docx.Document(io.BytesIO(rp.to_docx(suzhou)))


def test_docx_table_is_the_report(suzhou, word):
    """A real Word table: a header row repeated on each page, then one row per draft article with
    the draft's text and each compared article's label; empty cells say so."""
    from docx.oxml.ns import qn

    table = max(word.tables, key=lambda t: len(t.rows))
    assert len(table.rows) == 1 + len(suzhou.rows)
    assert len(table.columns) == 1 + len(suzhou.compared)
    head = table.rows[0]
    assert head._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text.split("\n")[0] for c in head.cells] == [f"草案：{suzhou.draft.name}"] + [
        d.name for d in suzhou.compared
    ]
    for row, tr in zip(suzhou.rows, table.rows[1:], strict=True):
        assert tr.cells[0].text.startswith(row.article.label)
        assert row.article.text.split("\n")[0] in tr.cells[0].text
        for c, cell in zip(row.cells, tr.cells[1:], strict=True):
            if c is None:
                assert cell.text == "无对应条文"
            else:
                assert cell.text.startswith(c.article.label)


def test_docx_marks_insertions_and_deletions(suzhou, word):
    """Inserted text is underlined in colour, deleted text struck through, in the runs of the
    cells; together they spell the diff."""
    table = max(word.tables, key=lambda t: len(t.rows))
    cell = table.rows[1].cells[1 + next(j for j, c in enumerate(suzhou.rows[0].cells) if c)]
    c = next(c for c in suzhou.rows[0].cells if c)
    runs = [r for p in cell.paragraphs for r in p.runs]
    ins = "".join(r.text for r in runs if r.font.underline is True)
    dele = "".join(r.text for r in runs if r.font.strike)
    expect_ins = "".join(op.b_text for op in c.diff if op.op in ("insert", "replace"))
    expect_del = "".join(op.a_text for op in c.diff if op.op in ("delete", "replace"))
    assert ins == expect_ins.replace("\n", "") and dele == expect_del.replace("\n", "")
    assert ins and dele
    colours = {str(r.font.color.rgb) for r in runs if r.font.underline is True}
    assert colours == {rp.INS_COLOUR}
    assert {str(r.font.color.rgb) for r in runs if r.font.strike} == {rp.DEL_COLOUR}


def test_docx_is_landscape_with_gaps_and_heatmap(suzhou, word):
    """Landscape pages (A3 for five compared documents), the gaps list and one heatmap picture."""
    from docx.enum.section import WD_ORIENT

    sec = word.sections[0]
    assert sec.orientation == WD_ORIENT.LANDSCAPE and sec.page_width > sec.page_height
    assert round(sec.page_width.mm) == 420
    text = "\n".join(p.text for p in word.paragraphs)
    assert "二、草案未规定而对照文件规定的事项" in text and "三、覆盖概览" in text
    for m in suzhou.missing:
        assert m.label in text
    assert len(word.inline_shapes) == 1
    png = word.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert word.part.related_parts[png].blob.startswith(b"\x89PNG")


def test_docx_without_matplotlib_says_how_to_get_the_heatmap(suzhou, monkeypatch):
    """Without matplotlib the Word file still comes, with a note in place of the image."""
    import docx

    monkeypatch.setattr(rp, "heatmap_png", lambda *a, **k: None)
    word = docx.Document(io.BytesIO(rp.to_docx(suzhou)))
    assert len(word.inline_shapes) == 0
    assert any("matplotlib" in p.text for p in word.paragraphs)


def test_docx_a4_for_few_documents(bundled):
    """Up to three compared documents fit landscape A4."""
    import docx

    r = rp.build_report("suzhou", ["长春"], corpus=bundled)
    sec = docx.Document(io.BytesIO(rp.to_docx(r))).sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (297, 210)


# -- writing and the command ---------------------------------------------------------------------


def test_write_report_formats(suzhou, tmp_path):
    """The suffix picks the format; an unknown suffix is refused and writes nothing."""
    assert rp.write_report(suzhou, tmp_path / "r.HTML") == "html"
    assert (tmp_path / "r.HTML").read_text("utf-8").startswith("<!DOCTYPE html>")
    assert rp.write_report(suzhou, tmp_path / "r.docx") == "docx"
    assert (tmp_path / "r.docx").read_bytes()[:2] == b"PK"
    assert rp.write_report(suzhou, tmp_path / "r.out", "html") == "html"
    with pytest.raises(UsageError, match="suffix"):
        rp.write_report(suzhou, tmp_path / "r.pdf")
    assert not (tmp_path / "r.pdf").exists()
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "r.HTML")
    rp.write_report(suzhou, link)
    assert link.is_symlink()
    # a folder is refused when the format is read, before any work (it was after the report)
    with pytest.raises(UsageError, match="is a directory"):
        rp.report_format(tmp_path, "html")


def _jdcorpus(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "jdcorpus", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )


def test_cli_report_to_stdout_and_errors(tmp_path):
    """`-o -` writes the HTML to standard output; bad formats and names are one-line errors
    that write nothing."""
    r = _jdcorpus("report", "suzhou", "--against", "长春,hohhot", "-o", "-")
    assert r.returncode == 0, r.stderr
    page = lhtml.fromstring(r.stdout)
    assert len(page.xpath("//tr[@data-article]")) == 22
    assert len(page.xpath("//table[@class='compare']/thead/tr/th")) == 3
    r = _jdcorpus("report", "suzhou", "-o", str(tmp_path / "r.pdf"))
    assert r.returncode != 0 and r.stderr.startswith("Error: cannot tell the format")
    r = _jdcorpus("report", "nowhere", "-o", str(tmp_path / "r.html"))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "nowhere" in r.stderr
    assert list(tmp_path.iterdir()) == []
