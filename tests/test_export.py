"""Renderers and exporters (jdcorpus.export)."""

from __future__ import annotations

import csv
import dataclasses
import importlib.util
import io
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lhtml

from jdcorpus import export
from jdcorpus.corpus import Corpus
from jdcorpus.model import to_dict
from jdcorpus.render import text as rtext
from jdcorpus.render import views
from jdcorpus.results import Results

HERE = Path(__file__).parent
AKN = "{%s}" % export.AKN_NS  # noqa: UP031


def _handmade():
    spec = importlib.util.spec_from_file_location("handmade", HERE / "fixtures" / "handmade.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


handmade = _handmade()


@pytest.fixture(scope="module")
def corpus():
    return handmade.corpus()


@pytest.fixture(scope="module")
def akn_schema():
    return etree.XMLSchema(etree.parse(str(HERE / "fixtures" / "akn" / "akomantoso30.xsd")))


# -- display width and tables -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, width",
    [
        ("abc", 3),
        ("第八条", 6),
        ("第12条", 6),
        ("ＡＢ", 4),  # full-width Latin
        ("（一）", 6),
        ("\x1b[1;31m网格\x1b[0m", 4),  # colour codes take no room
        ("e\u0301", 1),  # combining accent
        ("", 0),
    ],
)
def test_display_width(text, width):
    """Wide and full-width characters count two columns, ANSI codes and combining marks none."""
    assert rtext.display_width(text) == width


ROWS = [
    {"doc": "changchun", "city": "长春", "article": 8, "score": 3.14159, "heading": None},
    {"doc": "hohhot", "city": "呼和浩特", "article": 12, "score": 0.5, "heading": "职责"},
    {"doc": "x", "city": "通化", "article": 105, "score": 10.0, "heading": "目的与依据"},
]


def _column_starts(line: str, cells: list[str]) -> list[int]:
    starts, pos = [], 0
    for cell in cells:
        i = line.index(cell, pos)
        starts.append(rtext.display_width(line[:i]))
        pos = i + len(cell)
    return starts


def test_table_columns_align_by_display_width():
    """Every column starts at the same terminal column on every line, CJK or not."""
    out = rtext.render_rows(ROWS, "table", columns=["city", "doc", "heading"])
    lines = out.splitlines()
    header = _column_starts(lines[0], ["city", "doc", "heading"])
    for row, line in zip(ROWS, lines[2:], strict=True):
        cells = [row["city"], row["doc"], row["heading"] or ""]
        starts = _column_starts(line, cells[:2])
        assert starts == header[:2], line
        if row["heading"]:
            assert _column_starts(line, cells)[2] == header[2]


def test_table_numbers_right_aligned_and_floats_rounded():
    """Numeric columns are right-aligned and floats shown with three decimals."""
    out = rtext.render_rows(ROWS, "table", columns=["article", "score"])
    lines = out.splitlines()
    assert [line.split() for line in lines[2:]] == [
        ["8", "3.142"],
        ["12", "0.500"],
        ["105", "10.000"],
    ]
    # right-aligned: every value ends in the column where its header ends
    header_ends = [lines[0].index(h) + len(h) for h in ("article", "score")]
    for line in lines[2:]:
        value_ends = [m.end() for m in re.finditer(r"\S+", line)]
        assert value_ends == header_ends, line


def test_table_truncates_long_cells():
    """A cell longer than the limit is cut to that display width and ends with '…'."""
    long = "街道办事处应当履行下列职责" * 10
    out = rtext.render_rows([{"no": 1, "text": long}], "table", max_cell=30)
    line = out.splitlines()[2]
    assert line.endswith("…")
    assert rtext.display_width(line.split("  ", 1)[1].strip()) <= 30


def test_table_fits_width():
    """With a narrow width the widest column shrinks so the line fits."""
    wide = rtext.render_rows(ROWS, "table", columns=["city", "doc", "heading"], width=200)
    assert max(rtext.display_width(line) for line in wide.splitlines()) == 31
    out = rtext.render_rows(ROWS, "table", columns=["city", "doc", "heading"], width=28)
    assert max(rtext.display_width(line) for line in out.splitlines()) == 28
    assert "…" in out


def test_truncation_keeps_colour_codes_whole():
    """Cutting a highlighted cell never splits an escape sequence and resets the colour."""
    cell = "\x1b[31m网格\x1b[0m化管理" * 10
    out = rtext._truncate(cell, 9)
    assert rtext.display_width(out) <= 9
    assert out.endswith("\x1b[0m…")
    assert rtext.ANSI.sub("", out) == "网格化管…"


def test_table_title_and_empty():
    """A title goes on the first line; no rows says so instead of printing an empty table."""
    assert rtext.render_rows([], "table", title="hits") == "hits\n(no rows)\n"
    assert rtext.render_rows(ROWS, "table", title="hits").startswith("hits\n")


def test_json_rows():
    """JSON is a list of objects, Chinese kept literal, None as null, columns chosen in order."""
    out = rtext.render_rows(ROWS, "json", columns=["city", "heading"])
    assert "呼和浩特" in out
    assert json.loads(out) == [{"city": r["city"], "heading": r["heading"]} for r in ROWS]


def test_csv_rows():
    """CSV has a header and one line per row; None is an empty cell; it parses back."""
    out = rtext.render_rows(ROWS, "csv")
    back = list(csv.DictReader(io.StringIO(out)))
    assert list(back[0]) == list(ROWS[0])
    assert (
        back[0]["heading"] == "" and back[1]["city"] == "呼和浩特" and back[2]["article"] == "105"
    )


def test_unknown_format():
    """An unknown format is a ValueError (the CLI turns it into a one-line message)."""
    with pytest.raises(ValueError, match="format"):
        rtext.render_rows(ROWS, "xml")


@dataclass(frozen=True, slots=True)
class Link:
    a_doc: str
    a_article: int
    b_doc: str
    b_article: int
    score: float
    label: str
    spans: tuple[int, ...] = ()


def test_dataclass_rows():
    """Dataclass rows render like dicts of their fields; tuples are JSON lists / joined cells."""
    rows = Results([Link("changchun", 8, "hohhot", 9, 0.91234, "near-verbatim", (1, 2))])
    data = json.loads(rtext.render_rows(rows, "json"))
    assert data == [
        {
            "a_doc": "changchun",
            "a_article": 8,
            "b_doc": "hohhot",
            "b_article": 9,
            "score": 0.91234,
            "label": "near-verbatim",
            "spans": [1, 2],
        }
    ]
    assert "0.912" in rtext.render_rows(rows, "table")
    assert (
        next(csv.reader(io.StringIO(rtext.render_rows(rows, "csv").splitlines()[1])))[-1]
        == "[1, 2]"
    )


def test_empty_results_with_row_type_have_a_header():
    """An empty Results whose row type is known still gives the CSV header."""
    rows = Results()
    rows.row_type = Link
    assert (
        rtext.render_rows(rows, "csv") == ",".join(f.name for f in dataclasses.fields(Link)) + "\n"
    )
    assert rtext.render_rows(rows, "json") == "[]\n"


# -- document rows, outline, article, parse ---------------------------------------------------------


def test_document_rows_keys(corpus):
    """`jdcorpus docs` rows have exactly the keys of issue 2 (the last three being counts), then
    the corpus (None for a corpus made in memory) and the source file (issue 9)."""
    rows = views.document_rows(corpus)
    keys = "id, city, province, title, kind, status, adopted, approved, effective, articles, chapters, sections, corpus, source_file"
    assert [list(r) for r in rows] == [keys.split(", ")] * 2
    assert rows[0] | {} == {
        "id": "alpha",
        "city": "长春",
        "province": "吉林",
        "title": "长春市街道办事处工作条例",
        "kind": "条例",
        "status": "in_force",
        "adopted": "2019-06-01",
        "approved": "2019-07-30",
        "effective": None,
        "articles": 3,
        "chapters": 2,
        "sections": 1,
        "corpus": None,
        "source_file": rows[0]["source_file"],
    }


def test_outline_json(corpus):
    """The outline gives each chapter and section with its first and last article numbers."""
    data = json.loads(views.render_outline(corpus.get("alpha"), "json"))
    assert [(c["title"], c["first"], c["last"], c["articles"]) for c in data["chapters"]] == [
        ("总则", 1, 1, 1),
        ("职责", 2, 3, 2),
    ]
    assert data["chapters"][1]["sections"][0] | {} == {
        "no": 1,
        "label": "第一节",
        "title": "一般规定",
        "first": 2,
        "last": 3,
        "articles": 2,
        "part": None,
    }
    assert data["warnings"] == ["施行日期未写明"]
    assert data["counts"] == {
        "articles": 3,
        "parts": 0,
        "chapters": 2,
        "sections": 1,
        "paragraphs": 4,
        "items": 2,
    }
    assert [a["no"] for a in data["articles"]] == [1, 2, 3]


def test_outline_table(corpus):
    """The table outline shows metadata, chapter ranges, each article, and the warnings."""
    out = views.render_outline(corpus.get("alpha"), "table")
    assert out.startswith("长春市街道办事处工作条例\n")
    assert "第二章 职责  第二条–第三条 (2)" in out
    assert "  第一节 一般规定  第二条–第三条" in out
    assert "warnings:\n  - 施行日期未写明" in out
    beta = views.render_outline(corpus.get("beta"), "table")
    assert "第一条【目的与依据】" in beta and "effective: —" in beta


def test_outline_csv(corpus):
    """The CSV outline is one row per article."""
    rows = list(csv.DictReader(io.StringIO(views.render_outline(corpus.get("alpha"), "csv"))))
    assert [(r["no"], r["chapter_title"], r["section_title"]) for r in rows] == [
        ("1", "总则", ""),
        ("2", "职责", "一般规定"),
        ("3", "职责", "一般规定"),
    ]


def test_article_views(corpus):
    """One article as text (place, 款, indented 项), JSON (the model) and CSV (a row per 款/项)."""
    doc = corpus.get("alpha")
    art = doc.article(2)
    table = views.render_article(doc, art, "table")
    assert table.splitlines()[:2] == [
        "长春市街道办事处工作条例 第二条",
        "第二章 职责 › 第一节 一般规定",
    ]
    assert "    （一）推进网格化管理；" in table and "  区人民政府应当予以支持。" in table
    data = json.loads(views.render_article(doc, art, "json"))
    assert data.pop("doc_title") == doc.title and data.pop("city") == "长春"
    assert data == to_dict(art)
    rows = list(csv.DictReader(io.StringIO(views.render_article(doc, art, "csv"))))
    assert [(r["paragraph_no"], r["item_no"]) for r in rows] == [
        ("1", ""),
        ("1", "1"),
        ("1", "2"),
        ("2", ""),
    ]


def test_parse_json_shape(corpus):
    """`jdcorpus parse --format json` has exactly the keys of issue 2; chapter/section are titles."""
    data = json.loads(views.render_parse(list(corpus.documents), "json"))
    assert list(data) == ["documents"]
    doc = data["documents"][0]
    assert list(doc) == [
        "title",
        "city",
        "kind",
        "status",
        "adopted",
        "approved",
        "effective",
        "warnings",
        "articles",
    ]
    art = doc["articles"][1]
    assert list(art) == [
        "no",
        "label",
        "heading",
        "chapter",
        "section",
        "text",
        "original",
        "paragraphs",
    ]
    assert (art["chapter"], art["section"]) == ("职责", "一般规定")
    assert doc["articles"][0]["section"] is None
    assert art["paragraphs"] == [
        {"text": "街道办事处履行下列职责：", "items": ["推进网格化管理；", "组织志愿服务。"]},
        {"text": "区人民政府应当予以支持。", "items": []},
    ]
    beta = data["documents"][1]["articles"][0]
    assert beta["chapter"] is None and beta["heading"] == "目的与依据"


def test_parse_table_and_csv(corpus):
    """The table form of parse is the readable outline; CSV is one row per article."""
    docs = list(corpus.documents)
    assert views.render_parse(docs, "table").count("status:") == 2
    rows = list(csv.DictReader(io.StringIO(views.render_parse(docs, "csv"))))
    assert len(rows) == 5 and rows[-1]["document"] == "苏州市街道办事处工作规定（修订草案）"


# -- Akoma Ntoso, HTML ------------------------------------------------------------------------------


def _akn(doc):
    return etree.fromstring(export.to_akn(doc))


@pytest.mark.parametrize("doc_id", ["alpha", "beta"])
def test_akn_validates_and_mirrors_the_model(doc_id, corpus, akn_schema):
    """The AKN act validates against the OASIS schema and holds every article, 款 and 项."""
    doc = corpus.get(doc_id)
    root = _akn(doc)
    assert akn_schema.validate(root), akn_schema.error_log
    assert len(root.findall(f".//{AKN}article")) == len(doc.articles)
    assert len(root.findall(f".//{AKN}paragraph")) == sum(len(a.paragraphs) for a in doc.articles)
    assert len(root.findall(f".//{AKN}point")) == sum(len(a.items) for a in doc.articles)
    assert len(root.findall(f".//{AKN}chapter")) == len(doc.chapters)
    assert root.find(f".//{AKN}docTitle").text == doc.title
    eids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert len(eids) == len(set(eids))


def test_akn_hierarchy(corpus):
    """Chapters hold sections hold articles; a 款 with items has its lead in intro, items as points."""
    root = _akn(corpus.get("alpha"))
    art = root.find(
        f".//{AKN}chapter[@eId='chp_2']/{AKN}section[@eId='chp_2__sec_1']"
        f"/{AKN}article[@eId='chp_2__sec_1__art_2']"
    )
    assert art is not None and art.find(f"{AKN}num").text == "第二条"
    para = art.find(f"{AKN}paragraph[@eId='chp_2__sec_1__art_2__para_1']")
    assert para.find(f"{AKN}intro/{AKN}p").text == "街道办事处履行下列职责："
    points = para.findall(f"{AKN}point")
    assert [(p.get("eId"), p.find(f"{AKN}num").text) for p in points] == [
        ("chp_2__sec_1__art_2__para_1__point_1", "（一）"),
        ("chp_2__sec_1__art_2__para_1__point_2", "（二）"),
    ]
    assert root.find(f".//{AKN}FRBRdate").get("date") == "2019-06-01"
    draft = _akn(corpus.get("beta"))
    assert draft.find(f".//{AKN}docStatus").text == "草案"
    assert draft.find(f".//{AKN}article[@eId='art_1']/{AKN}heading").text == "目的与依据"


def test_akn_draft_is_a_bill_and_an_act_is_an_act(corpus, akn_schema):
    """A draft is an AKN ``bill`` (URI /akn/cn/bill/…), a law in force an ``act``."""
    draft, act = _akn(corpus.get("beta")), _akn(corpus.get("alpha"))
    assert [e.tag for e in draft] == [f"{AKN}bill"] and [e.tag for e in act] == [f"{AKN}act"]
    assert draft.find(f".//{AKN}FRBRWork/{AKN}FRBRuri").get("value").startswith("/akn/cn/bill/")
    assert act.find(f".//{AKN}FRBRWork/{AKN}FRBRuri").get("value").startswith("/akn/cn/act/")
    assert akn_schema.validate(draft), akn_schema.error_log


def test_akn_repeated_article_numbers_get_unique_eids(corpus, akn_schema):
    """A source that repeats an article number still gives unique eIds (art_3, art_3_2)."""
    doc = corpus.get("alpha")
    dup = dataclasses.replace(doc.articles[2], start=doc.articles[2].start + 1)
    doc2 = dataclasses.replace(doc, articles=(*doc.articles, dup))
    root = _akn(doc2)
    assert akn_schema.validate(root), akn_schema.error_log
    ids = [a.get("eId") for a in root.iter(f"{AKN}article")]
    assert ids == [
        "chp_1__art_1",
        "chp_2__sec_1__art_2",
        "chp_2__sec_1__art_3",
        "chp_2__sec_1__art_3_2",
    ]


def test_html(corpus):
    """The HTML page has the title, an anchor per article and the items as a list."""
    page = lhtml.fromstring(export.to_html(corpus.get("alpha")))
    assert page.findtext(".//h1") == "长春市街道办事处工作条例"
    assert [d.get("id") for d in page.xpath("//div[@class='article']")] == [
        "art_1",
        "art_2",
        "art_3",
    ]
    assert [li.text_content().strip() for li in page.xpath("//div[@id='art_2']//li")] == [
        "（一）推进网格化管理；",
        "（二）组织志愿服务。",
    ]


# -- files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_export_articles(suffix, corpus, tmp_path):
    """Articles go to CSV, JSON or Parquet by suffix, one record per article, dtypes kept."""
    import pandas as pd

    from jdcorpus.frames import articles_frame, read_articles_csv

    path = export.export_articles(corpus, tmp_path / f"a{suffix}")
    expected = articles_frame(corpus)
    if suffix == ".csv":
        pd.testing.assert_frame_equal(read_articles_csv(path), expected)
    elif suffix == ".parquet":
        pd.testing.assert_frame_equal(pd.read_parquet(path), expected)
    else:
        records = json.loads(path.read_text("utf-8"))
        assert [(r["doc_id"], r["article_no"]) for r in records] == list(
            zip(expected.doc_id, expected.article_no, strict=True)
        )
        assert records[0]["heading"] is None and records[3]["heading"] == "目的与依据"
    assert [p.name for p in tmp_path.iterdir()] == [f"a{suffix}"]  # no temporary file left


@pytest.mark.parametrize(
    "suffix, marker",
    [(".xml", b"<akomaNtoso"), (".html", b"<!DOCTYPE html>"), (".json", b'"articles"')],
)
def test_export_document(suffix, marker, corpus, tmp_path):
    """A document goes to AKN, HTML or JSON by suffix."""
    path = export.export_document(corpus.get("alpha"), tmp_path / f"d{suffix}")
    assert marker in path.read_bytes()


def test_export_unknown_suffix(corpus, tmp_path):
    """An unknown file type is a ValueError and writes nothing."""
    with pytest.raises(ValueError, match="format"):
        export.export_articles(corpus, tmp_path / "a.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    """A write that fails midway leaves the previous file intact and no temporary file behind."""
    target = tmp_path / "out.csv"
    target.write_text("old", "utf-8")

    def boom(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError, match="disk full"):
        export.write_atomic(target, "new")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


# -- the bundled corpus -------------------------------------------------------------------------------


def _units(doc):
    """Everything of a document's body that AKN carries: structure, numbers, labels and texts."""
    return (
        [(c.no, c.label, c.title) for c in doc.chapters],
        [(s.no, s.label, s.title, s.chapter_no) for s in doc.sections],
        [
            (a.no, a.label, a.heading, a.chapter_no, a.chapter_title, a.section_no, a.section_title)
            + (
                a.text,
                [(p.no, p.text, [(i.no, i.label, i.text) for i in p.items]) for p in a.paragraphs],
            )
            for a in doc.articles
        ],
    )


BUNDLED_IDS = ["changchun", "hohhot", "beijing-tiaoli", "beijing-zhize", "suzhou", "tonghua"]


@pytest.mark.parametrize("doc_id", BUNDLED_IDS)
def test_bundled_akn_validates_and_reads_back(doc_id, bundled, akn_schema):
    """Each bundled document exports to schema-valid Akoma Ntoso 3.0 and reads back to the same
    chapters, sections, articles, 款 and 项 (numbers, labels, headings, texts), dates and events."""
    doc = bundled.get(doc_id)
    data = export.to_akn(doc)
    root = etree.fromstring(data)
    assert akn_schema.validate(root), (doc.id, akn_schema.error_log)
    back = export.from_akn(data)
    assert _units(back) == _units(doc)
    assert (back.notices, back.annexes) == (doc.notices, doc.annexes)
    assert (back.id, back.title, back.kind, back.status, back.city) == (
        doc.id,
        doc.title,
        doc.kind,
        doc.status,
        doc.city,
    )
    for name in ("adopted", "approved", "revised", "promulgated", "effective"):
        assert getattr(back, name) == getattr(doc, name), name
    assert set(doc.events) <= set(back.events)  # plus the 施行 date as an event
    assert {e.kind for e in back.events if e not in doc.events} <= {"effective"}
    eids = [e.get("eId") for e in root.iter() if e.get("eId")]
    assert len(eids) == len(set(eids))


def test_akn_metadata_of_a_bundled_act(bundled):
    """FRBR levels, named dates, country and language, lifecycle, workflow organs, references."""
    root = _akn(bundled.get("hohhot"))
    work = root.find(f".//{AKN}FRBRWork")
    assert work.find(f"{AKN}FRBRthis").get("value") == (
        "/akn/cn/act/regulation/2002-11-01/hohhot/!main"
    )
    assert work.find(f"{AKN}FRBRcountry").get("value") == "cn"
    assert [(d.get("name"), d.get("date")) for d in work.findall(f"{AKN}FRBRdate")] == [
        ("adoption", "2002-11-01"),
        ("approval", "2023-06-01"),
        ("revision", "2023-04-27"),
    ]
    expr = root.find(f".//{AKN}FRBRExpression")
    assert expr.find(f"{AKN}FRBRlanguage").get("language") == "zho"
    assert expr.find(f"{AKN}FRBRuri").get("value").endswith("/hohhot/zho@2023-04-27")
    assert root.find(f".//{AKN}FRBRManifestation/{AKN}FRBRthis").get("value").endswith("!main.xml")
    events = root.findall(f".//{AKN}lifecycle/{AKN}eventRef")
    assert [(e.get("date"), e.get("type")) for e in events] == [
        ("2002-11-01", "generation"),
        ("2003-04-03", None),
        ("2023-04-27", "amendment"),
        ("2023-06-01", None),
    ]
    orgs = {
        o.get("eId"): o.get("showAs")
        for o in root.iterfind(f".//{AKN}references/{AKN}TLCOrganization")
    }
    steps = root.findall(f".//{AKN}workflow/{AKN}step")
    assert [orgs[s.get("by")[1:]] for s in steps] == [
        "呼和浩特市人民代表大会常务委员会",
        "内蒙古自治区人民代表大会常务委员会",
        "呼和浩特市人民代表大会常务委员会",
        "内蒙古自治区人民代表大会常务委员会",
    ]
    assert work.find(f"{AKN}FRBRauthor").get("href") == steps[0].get("by")
    every_id = {e.get("eId") for e in root.iter() if e.get("eId")}
    refs = [e.get(a) for e in root.iter() for a in ("refersTo", "by", "href", "as", "start")]
    assert {r[1:] for r in refs if r and r.startswith("#")} <= every_id  # no dangling reference
    assert root.find(f".//{AKN}timeInterval") is None  # hohhot states no 施行 date
    in_force = _akn(bundled.get("changchun")).find(f".//{AKN}timeInterval")
    assert in_force.get("start") == "#evt_3"  # adopted, approved, then in force 2023-01-01


def test_bundled_outline_ranges_cover_all_articles(bundled):
    """In each bundled document the chapter ranges of the outline add up to every article."""
    for doc in bundled.documents:
        data = json.loads(views.render_outline(doc, "json"))
        counted = sum(c["articles"] for c in data["chapters"])
        counted += sum(s["articles"] for s in data["sections"])
        loose = [a for a in doc.articles if a.chapter_no is None and a.section_no is None]
        assert counted + len(loose) == len(doc.articles), doc.id


def test_bundled_docs_rows(bundled):
    """`jdcorpus docs` rows of the bundled corpus agree with the model objects."""
    rows = views.document_rows(bundled)
    assert [r["id"] for r in rows] == [d.id for d in bundled.documents]
    assert [r["articles"] for r in rows] == [len(d.articles) for d in bundled.documents]
    table = rtext.render_rows(rows, "table", views.document_table_columns(rows))
    assert all(d.title in table for d in bundled.documents)


def test_corpus_of_one_document(corpus):
    """Renderers take any corpus, e.g. one built from a single document."""
    single = Corpus([corpus.get("beta")])
    assert len(views.document_rows(single)) == 1


def _odd_documents(corpus):
    """alpha with a trailing chapter heading that has no article; beta with a 节 but no 章."""
    from jdcorpus.model import Chapter, Section

    alpha = corpus.get("alpha")
    end = len(alpha.source_text)
    empty_chapter = dataclasses.replace(
        alpha, chapters=(*alpha.chapters, Chapter(3, "第三章", "附则", end, end))
    )
    beta = corpus.get("beta")
    in_section = tuple(
        dataclasses.replace(a, section_no=1, section_title="一般规定") for a in beta.articles
    )
    loose_section = dataclasses.replace(
        beta, articles=in_section, sections=(Section(1, "第一节", "一般规定", None, 0, 0),)
    )
    return empty_chapter, loose_section


def test_akn_empty_chapter_and_section_without_chapter(corpus, akn_schema):
    """A chapter heading with no article and a 节 outside any 章 still give valid AKN."""
    empty_chapter, loose_section = _odd_documents(corpus)
    root = _akn(empty_chapter)
    assert akn_schema.validate(root), akn_schema.error_log
    last = root.findall(f".//{AKN}body/{AKN}chapter")[-1]
    assert last.get("eId") == "chp_3" and last.find(f"{AKN}content") is not None
    root = _akn(loose_section)
    assert akn_schema.validate(root), akn_schema.error_log
    arts = root.findall(f"{AKN}bill/{AKN}body/{AKN}section[@eId='sec_1']/{AKN}article")
    assert [a.get("eId") for a in arts] == ["sec_1__art_1", "sec_1__art_2"]


def test_akn_of_a_document_of_paragraphs_validates_and_reads_back(akn_schema):
    """An instrument without articles is written as AKN paragraphs (with their points, inside
    their chapters), which validate and read back to the same paragraphs and chapters."""
    from jdcorpus.parse import parse_text

    text = (
        "某市关于某事的决定\n第一章 总则\n一、市人民政府负责。\n二、禁止下列行为：\n（一）甲；\n"
        "（二）乙。\n第二章 附则\n三、本决定自公布之日起施行。\n"
    )
    (doc,) = parse_text(text, require_articles=False)
    root = _akn(doc)
    assert akn_schema.validate(root), akn_schema.error_log
    paras = root.findall(f".//{AKN}body/{AKN}chapter/{AKN}paragraph")
    assert [p.get("eId") for p in paras] == ["chp_1__para_1", "chp_1__para_2", "chp_2__para_3"]
    assert not root.findall(f".//{AKN}article")
    back = export.from_akn(export.to_akn(doc))
    assert back.articles == ()
    assert [(p.no, p.text, [(i.label, i.text) for i in p.items]) for p in back.paragraphs] == [
        (p.no, p.text, [(i.label, i.text) for i in p.items]) for p in doc.paragraphs
    ]
    assert [c.title for c in back.chapters] == ["总则", "附则"]


def test_notices_and_annexes_in_akn_html_and_json(akn_schema, tmp_path):
    """A 序言 or promulgation notice kept from the header and the 附件 after the last article are
    exported: AKN ``preface`` containers and ``attachments`` (valid, read back to the same
    texts), HTML sections before and after the articles, and the JSON outline."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "某市人民代表大会常务委员会公告\n《某市养犬条例》已通过，现予公布。\n某市人大常委会\n"
        "2020年1月1日\n某市养犬条例\n第一条 为了规范养犬，制定本条例。\n"
        "第二条 本条例自2020年3月1日起施行。\n附件：\n犬只登记表\n一、犬主姓名\n"
    )
    assert len(doc.notices) == 1 and "现予公布" in doc.notices[0]
    assert doc.annexes == ("附件：\n犬只登记表\n一、犬主姓名",)
    root = _akn(doc)
    assert akn_schema.validate(root), akn_schema.error_log
    box = root.findall(f".//{AKN}preface/{AKN}container")
    assert [c.get("name") for c in box] == ["notice"]
    att = root.findall(f".//{AKN}attachments/{AKN}attachment/{AKN}interstitial/{AKN}p")
    assert [p.text for p in att] == ["附件：", "犬只登记表", "一、犬主姓名"]
    back = export.from_akn(export.to_akn(doc))
    assert (back.notices, back.annexes) == (doc.notices, doc.annexes)

    page = lhtml.fromstring(export.to_html(doc))
    order = [e.get("id") for e in page.xpath("//article/*[@id]")]
    assert order == ["notice_1", "art_1", "art_2", "annex_1"]
    assert page.get_element_by_id("annex_1").text_content().split() == [
        "附件：", "犬只登记表", "一、犬主姓名"
    ]  # fmt: skip
    outline = json.loads(views.render_outline(doc, "json"))
    assert (outline["notices"], outline["annexes"]) == (list(doc.notices), list(doc.annexes))


def test_a_codes_parts_in_akn_html_and_the_outline(akn_schema):
    """A code's 编 wrap their chapters: AKN <part> (valid, eIds unique although every 编 has a
    第一章, read back to the same parts and places), an HTML section per part, and the outline
    names each part above its first chapter and marks the articles after its last one."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text((HERE / "fixtures" / "code_with_parts.txt").read_text("utf-8"))
    root = _akn(doc)
    assert akn_schema.validate(root), akn_schema.error_log
    ids = root.xpath("//@eId")
    assert len(ids) == len(set(ids))
    body = root.find(f".//{AKN}body")
    assert [e.get("eId") for e in body] == ["part_1", "part_2", "art_5"]
    assert [c.get("eId") for c in body[1].findall(f"{AKN}chapter")] == [
        "part_2__chp_1",
        "part_2__chp_2",
    ]
    back = export.from_akn(export.to_akn(doc))
    place = [(a.no, a.part_no, a.part_title, a.chapter_no, a.section_no) for a in doc.articles]
    assert [
        (a.no, a.part_no, a.part_title, a.chapter_no, a.section_no) for a in back.articles
    ] == place
    assert [(p.no, p.title) for p in back.parts] == [(1, "总则"), (2, "物权")]
    assert [(c.part_no, c.no) for c in back.chapters] == [(c.part_no, c.no) for c in doc.chapters]
    page = lhtml.fromstring(export.to_html(doc))
    assert page.xpath("//section[@class='part']/@id") == ["part_1", "part_2"]
    assert page.xpath("//section[@id='part_2']/section/@id") == ["part_2__chp_1", "part_2__chp_2"]
    table = views.render_outline(doc, "table").splitlines()
    heads = [ln for ln in table if ln.startswith(("第", "（"))]
    assert heads == [
        "第一编 总则",
        "第一章 基本规定  第一条 (1)",
        "第二章 自然人  第二条 (1)",
        "第二编 物权",
        "第一章 一般规定  第三条 (1)",
        "第二章 一般规定  第四条 (1)",
        "（章外）",
    ]
    shown = views.render_article(doc, doc.article(4), "table").splitlines()
    assert shown[1] == "第二编 物权 › 第二章 一般规定 › 第一节 登记"
    data = json.loads(views.render_outline(doc, "json"))
    assert data["counts"]["parts"] == 2 and [p["title"] for p in data["parts"]] == ["总则", "物权"]
    assert [(c["part"], c["no"], c["first"]) for c in data["chapters"]] == [
        (1, 1, 1),
        (1, 2, 2),
        (2, 1, 3),
        (2, 2, 4),
    ]


def test_html_empty_chapter_and_section_without_chapter(corpus):
    """The HTML page keeps an empty chapter heading and nests articles under a loose 节."""
    empty_chapter, loose_section = _odd_documents(corpus)
    page = lhtml.fromstring(export.to_html(empty_chapter))
    assert [s.get("id") for s in page.xpath("//section[@class='chapter']")] == [
        "chp_1",
        "chp_2",
        "chp_3",
    ]
    assert page.xpath("//section[@id='chp_2__sec_1']/div/@id") == ["art_2", "art_3"]
    page = lhtml.fromstring(export.to_html(loose_section))
    assert page.xpath("//section[@id='sec_1']/div/@id") == ["art_1", "art_2"]
    outline = json.loads(views.render_outline(loose_section, "json"))
    assert outline["chapters"] == [] and outline["sections"][0]["articles"] == 2


@pytest.mark.parametrize(
    "body, organ",
    [
        ("长春市第十六届人民代表大会常务委员会第四次会议", "长春市人民代表大会常务委员会"),
        ("吉林省第十三届人民代表大会常务委员会第三十七次会议", "吉林省人民代表大会常务委员会"),
        ("中共北京市委常委会会议", "中共北京市委常委会"),
        ("北京市人民政府", "北京市人民政府"),
    ],
)
def test_organ_of_a_meeting(body, organ):
    """The TLCOrganization of an event is the organ, without the session and the meeting."""
    assert export.organ_of(body) == organ
