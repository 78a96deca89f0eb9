"""The comparison commands of the ``jdcorpus`` CLI on the bundled corpus."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main

COMMANDS = [
    ["align", "长春", "呼和浩特"],
    ["families"],
    ["coverage"],
    ["reuse"],
    ["gaps", "苏州"],
    ["diff", "长春:27", "呼和浩特:24"],
]


def run(args):
    return CliRunner().invoke(main, args, catch_exceptions=False)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_command_has_help(args):
    """Every comparison command explains itself with --help."""
    r = run([args[0], "--help"])
    assert r.exit_code == 0
    assert "--format" in r.output


TABLE_HEADINGS = [
    # (command, words a drafting reader must see in the table)
    (
        ["align", "长春", "呼和浩特"],
        ["长春市街道办事处工作条例", "对应条文", "相似度", "关系", "近乎逐字"],
    ),
    (["families"], ["条文族", "主题", "文件数", "长春1", "呼和浩特1"]),
    (["coverage"], ["覆盖矩阵", "主题", "北京·条例", "北京·职责规定", "苏州", "—"]),
    (["reuse"], ["跨城市文字复用", "共享比例", "最长共同片段", "长春 第27条", "长春 → 呼和浩特"]),
    (["gaps", "苏州"], ["草案比较", "对应文件数", "最相近的条文", "草案缺少"]),
    (
        ["diff", "长春:27", "呼和浩特:24"],
        ["长春 第二十七条", "呼和浩特 第二十四条", "⟨县（市）区⟩", "实质性改动"],
    ),
]


@pytest.mark.parametrize(("args", "words"), TABLE_HEADINGS, ids=[a[0] for a, _ in TABLE_HEADINGS])
def test_table_output_is_readable(args, words):
    """Table output carries Chinese headings, document names and labels."""
    r = run(args)
    assert r.exit_code == 0, r.output
    for w in words:
        assert w in r.output, w


def test_align_json_keys():
    """align --format json gives exactly the documented keys."""
    r = run(["align", "长春", "呼和浩特", "--format", "json"])
    rows = json.loads(r.output)
    assert rows and all(
        list(x) == ["a_doc", "a_article", "b_doc", "b_article", "score", "label", "a_sub", "b_sub"]
        for x in rows
    )
    assert {(x["a_sub"], x["b_sub"]) for x in rows} == {(None, None)}
    assert {"changchun"} == {x["a_doc"] for x in rows}
    assert any((x["a_article"], x["b_article"]) == (27, 24) for x in rows)


def test_reuse_json_keys():
    """reuse --format json gives exactly the documented keys, with the known copy in it."""
    r = run(["reuse", "--format", "json"])
    rows = json.loads(r.output)
    assert all(
        list(x)
        == ["a_doc", "a_article", "b_doc", "b_article", "containment", "longest_run", "direction"]
        for x in rows
    )
    hit = [
        x
        for x in rows
        if (x["a_doc"], x["a_article"], x["b_doc"], x["b_article"])
        == ("changchun", 27, "hohhot", 24)
    ]
    assert hit and hit[0]["direction"] == "changchun -> hohhot"


def test_coverage_csv_has_a_cell_per_family_and_document():
    """coverage --format csv lists every family × document cell, empty where there is none."""
    r = run(["coverage", "--format", "csv"])
    lines = r.output.strip().splitlines()
    assert lines[0] == "family,label,doc,article,score"
    families = json.loads(run(["families", "--format", "json"]).output)
    assert len(lines) - 1 == 6 * len(families)
    assert any(line.endswith(",,") for line in lines[1:])


def test_gaps_json_kinds():
    """gaps --format json reports matches and missing families with the documented keys."""
    rows = json.loads(run(["gaps", "苏州", "--format", "json"]).output)
    assert {"match", "missing"} <= {x["kind"] for x in rows}
    assert set(rows[0]) == {
        "kind",
        "draft_article",
        "family",
        "family_label",
        "doc",
        "article",
        "score",
        "label",
        "documents",
        "draft_sub",
        "sub",
    }
    assert {(x["draft_sub"], x["sub"]) for x in rows} == {(None, None)}


def test_diff_json_rebuilds_the_articles():
    """diff --format json ops put back together give both articles' texts."""
    from jdcorpus import load_corpus

    corpus = load_corpus()
    rows = json.loads(run(["diff", "长春:38", "beijing-tiaoli:17", "--format", "json"]).output)
    assert "".join(x["a_text"] for x in rows) == corpus.article("changchun", 38).text
    assert "".join(x["b_text"] for x in rows) == corpus.article("beijing-tiaoli", 17).text
    assert {"equal", "replace"} <= {x["op"] for x in rows}


def test_diff_writes_html(tmp_path):
    """diff --html writes a side-by-side page and still prints the table."""
    out = tmp_path / "diff.html"
    r = run(["diff", "长春:27", "呼和浩特:24", "--html", str(out)])
    assert r.exit_code == 0
    page = out.read_text("utf-8")
    assert "<table>" in page and 'class="jur"' in page and "长春 第二十七条" in page
    assert "实质性改动" in r.output


ERRORS = [
    # (arguments, words of the one-line error, exit code: 2 for an argument of the wrong form,
    # 1 for one the corpus does not answer)
    (["align", "长春", "上海"], "no document", 1),
    (["align", "北京", "长春"], "names 2 documents", 1),
    (["align", "长春", "长春"], "two different documents", 2),
    (["diff", "长春", "呼和浩特:24"], "DOC:ARTICLE", 2),
    (["diff", "长春:999", "呼和浩特:24"], "no article 999", 1),
    (["gaps", "杭州"], "no document", 1),
]


@pytest.mark.parametrize(
    ("args", "message", "code"), ERRORS, ids=[" ".join(a) for a, _, _ in ERRORS]
)
def test_errors_are_one_line(args, message, code):
    """Bad documents or article references give a one-line error and a non-zero exit code."""
    r = CliRunner().invoke(main, args)
    assert r.exit_code == code, r.output
    assert message in r.output
    # CliRunner keeps an escaped exception out of the output: check that none escaped
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert len(r.output.strip().splitlines()) == 1


def test_gaps_rejects_min_docs_zero():
    """--min-docs must be at least 1: a usage error naming the option, not a crash."""
    r = CliRunner().invoke(main, ["gaps", "苏州", "--min-docs", "0"])
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Invalid value for '--min-docs'" in r.output and "x>=1" in r.output


def test_align_hides_related_links_unless_all():
    """align prints near-verbatim and same-provision links; --all adds the related ones."""
    default = json.loads(run(["align", "长春", "通化", "--format", "json"]).output)
    every = json.loads(run(["align", "长春", "通化", "--all", "--format", "json"]).output)
    assert {x["label"] for x in default} <= {"near-verbatim", "same-provision"}
    assert [x for x in every if x["label"] != "related"] == default
    assert any(x["label"] == "related" for x in every)


def test_families_json_has_readable_labels_and_terms():
    """families --format json gives each family a readable label and its key terms."""
    fams = json.loads(run(["families", "--format", "json"]).output)
    assert {"family", "label", "documents", "articles", "terms"} <= set(fams[0])
    assert fams[0]["label"] == "立法目的" and "、" in fams[0]["terms"]
