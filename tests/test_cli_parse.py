"""``jdcorpus parse FILE``: the JSON shape of issue 2, the other formats, and clean errors."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "parse"

# The keys issue 2 gives for `jdcorpus parse --format json`.
DOC_KEYS = {"title", "city", "kind", "status", "adopted", "approved", "effective", "warnings",
            "articles"}  # fmt: skip
ARTICLE_KEYS = {"no", "label", "heading", "chapter", "section", "text", "original", "paragraphs"}
PARAGRAPH_KEYS = {"text", "items"}


def run(*args):
    return CliRunner().invoke(main, ["parse", *map(str, args)])


def parse_json(path: Path) -> dict:
    result = run(path, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_shape_is_issue_2():
    """The JSON has documents → articles → paragraphs → items with exactly the keys of issue 2."""
    data = parse_json(FIXTURES / "05_zhuhai_arabic_sections.txt")
    assert set(data) == {"documents"}
    (doc,) = data["documents"]
    assert DOC_KEYS <= set(doc), DOC_KEYS - set(doc)
    assert isinstance(doc["warnings"], list)
    assert len(doc["articles"]) == 15
    for a in doc["articles"]:
        assert set(a) == ARTICLE_KEYS
        assert isinstance(a["no"], int) and isinstance(a["text"], str)
        for p in a["paragraphs"]:
            assert set(p) == PARAGRAPH_KEYS
            assert isinstance(p["text"], str)
            assert all(isinstance(it, str) for it in p["items"])


def test_json_chapter_and_section_are_titles_or_null():
    """chapter/section are the titles (社区服务内容 / 公共服务), null outside any 节."""
    doc = parse_json(FIXTURES / "05_zhuhai_arabic_sections.txt")["documents"][0]
    by_no = {a["no"]: a for a in doc["articles"]}
    assert (by_no[10]["chapter"], by_no[10]["section"]) == ("社区服务内容", "公共服务")
    assert (by_no[1]["chapter"], by_no[1]["section"]) == ("总则", None)
    assert (by_no[14]["chapter"], by_no[14]["section"]) == ("法律责任", None)
    assert len(by_no[10]["paragraphs"][0]["items"]) == 5
    assert "（一）" not in by_no[10]["paragraphs"][0]["items"][0]


def test_json_metadata_and_two_documents():
    """Two instruments in one file come out as two documents with their own metadata."""
    docs = parse_json(FIXTURES / "06_wenzhou_notice_two_instruments.txt")["documents"]
    got = [(d["title"], d["kind"], d["status"], d["effective"], len(d["articles"])) for d in docs]
    assert got == [
        ("温州市街道办事处职责清单管理规定", "规定", "in_force", "2023-09-15", 9),
        ("温州市社区工作事项准入办法", "办法", "in_force", "2023-10-01", 8),
    ]


def test_json_on_a_gbk_file():
    """A GBK-encoded CRLF file is decoded and its text comes out as UTF-8 JSON without CR."""
    doc = parse_json(FIXTURES / "07_changyang_county_gbk_crlf.txt")["documents"][0]
    assert doc["title"] == "长阳土家族自治县城乡社区治理条例"
    assert doc["adopted"] == "2022-01-12"
    assert all("\r" not in a["text"] for a in doc["articles"])


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_other_formats(fmt):
    """Table and CSV output succeed and mention the document or its articles."""
    result = run(FIXTURES / "08_meishan_bom_crlf_label_alone.txt", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert "眉山市城乡社区发展治理促进条例" in result.output or "第十一条" in result.output


NEWS = (
    "本报讯 近日，某街道办事处召开居民议事会，传达学习《北京市街道办事处条例》第十条的规定，"
    "围绕老旧小区加装电梯、停车管理等问题听取居民意见。\n"
    "会上，社区书记介绍了依照条例第八条第二款规定开展的网格化服务情况。\n"
)


def _bad_inputs(tmp: Path) -> dict[str, Path]:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + zlib.compress(bytes(range(256)) * 64)
    cases = {
        "missing": tmp / "no-such-file.txt",
        "binary": tmp / "picture.txt",
        "undecodable": tmp / "noise.txt",
        "empty": tmp / "empty.txt",
        "no-articles": tmp / "news.txt",
    }
    cases["binary"].write_bytes(png)
    cases["undecodable"].write_bytes(bytes(range(128, 256)) * 40 + b"\x00\xff\xfe\x00" * 50)
    cases["empty"].write_bytes(b"")
    cases["no-articles"].write_text(NEWS, encoding="utf-8")
    return cases


@pytest.mark.parametrize("case", ["missing", "binary", "undecodable", "empty", "no-articles"])
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_bad_input_is_a_one_line_error(tmp_path, case, fmt):
    """A missing, binary, undecodable, empty or article-less file: one-line error, exit ≠ 0."""
    result = run(_bad_inputs(tmp_path)[case], "--format", fmt)
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:"), lines[0]
    assert "{" not in result.stdout  # no partial JSON printed before the error


def test_a_decision_without_articles_is_shown_as_paragraphs_with_a_warning():
    """A 决定 in 一、二、 paragraphs is no error for parse: its paragraphs are shown, the document
    has no articles, and a warning says so (in the document and on standard error)."""
    name = FIXTURES / "66_yancheng_decision_paragraphs_no_articles.txt"
    result = run(name, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "warning:" in result.stderr and "no article labels" in result.stderr
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["articles"] == [] and len(doc["paragraphs"]) == 8
    assert (
        doc["paragraphs"][3]["text"].startswith("四、") and len(doc["paragraphs"][3]["items"]) == 4
    )
    assert any("no article labels" in w for w in doc["warnings"])
    table = run(name)
    assert table.exit_code == 0 and "paragraphs: 8" in table.stdout and "八、本决定" in table.stdout
