"""``jdcorpus search`` and ``jdcorpus index`` (issue 3), run through click's CliRunner."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from jdcorpus import index
from jdcorpus.cli import main
from jdcorpus.render.hits import format_hits
from jdcorpus.render.text import use_color

KEYS = [
    "doc",
    "city",
    "title",
    "article",
    "label",
    "heading",
    "chapter",
    "score",
    "snippet",
    "matches",
]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def matching(corpus, term: str, keep=lambda d, a: True) -> set[tuple[str, int]]:
    """The independent oracle of a one-term search: (doc, article) of every article whose
    normalized text or heading contains the term, among those ``keep`` accepts."""
    return {
        (d.id, a.no)
        for d in corpus.documents
        for a in d.articles
        if keep(d, a) and (term in a.text or term in (a.heading or ""))
    }


def as_json(*args: str) -> list[dict]:
    res = run("search", *args, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_json_has_exactly_the_documented_keys():
    """Each JSON hit has the keys doc … matches, in order; matches are offsets into the snippet."""
    rows = as_json("网格")
    assert rows and all(list(r) == KEYS for r in rows)
    for r in rows:
        assert r["matches"]
        for s, e in r["matches"]:
            assert "网格" in r["snippet"][s:e]


def test_json_equals_the_library_hits():
    """The command prints the hits of ``index.search`` (same order, same fields)."""
    rows = as_json("社区 工作者", "--limit", "5")
    hits = index.search(None, "社区 工作者", limit=5)
    assert [(r["doc"], r["article"], r["score"]) for r in rows] == [
        (h.doc, h.article, h.score) for h in hits
    ]


def test_csv_header_and_rows(bundled):
    """CSV: the same keys as a header, one row per article containing the term, matches as JSON."""
    res = run("search", "物业", "--format", "csv", "--limit", "0")
    assert res.exit_code == 0
    rows = list(csv.reader(io.StringIO(res.output)))
    assert rows[0] == KEYS
    assert {(r[0], int(r[3])) for r in rows[1:]} == matching(bundled, "物业")
    assert len(rows) - 1 == len(matching(bundled, "物业"))
    assert all(json.loads(r[-1]) for r in rows[1:])


def test_count_and_limit(bundled):
    """--count prints the number of hits; --limit bounds the list, 0 lists them all."""
    total = len(matching(bundled, "网格"))
    assert total > 3
    res = run("search", "网格", "--count")
    assert res.exit_code == 0 and res.output.strip() == str(total)
    assert len(as_json("网格", "--limit", "3")) == 3
    assert len(as_json("网格", "--limit", "0")) == total


def test_traditional_query_on_the_command_line():
    """``jdcorpus search 網格`` lists what ``jdcorpus search 网格`` lists (the header echoes the query)."""
    trad, simp = run("search", "網格").output, run("search", "网格").output
    assert trad.splitlines()[1:] == simp.splitlines()[1:]
    assert len(simp.splitlines()) > 3


@pytest.mark.parametrize(
    "option, value, keep",
    [
        ("--city", "北京", lambda d, a: d.city == "北京"),
        ("--doc", "changchun", lambda d, a: d.id == "changchun"),
        ("--kind", "条例", lambda d, a: d.kind == "条例"),
        ("--status", "draft", lambda d, a: d.status == "draft"),
        ("--chapter", "总则", lambda d, a: "总则" in (a.chapter_title or "")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_filter_options_select_exactly_the_matching_articles(bundled, option, value, keep):
    """Each filter option lists exactly the articles that contain the term and pass the filter."""
    rows = as_json("社区", option, value, "--limit", "0")
    got = [(r["doc"], r["article"]) for r in rows]
    expected = matching(bundled, "社区", keep)
    assert len(got) == len(set(got)) and set(got) == expected
    assert expected and expected < matching(bundled, "社区"), "the filter must keep some, not all"


def test_the_part_filter_selects_the_articles_of_one_bian():
    """--part (and part:) keeps the articles of one 编 of a code, by number or title, and works
    beside --chapter: the two 第一章 of a code are told apart."""
    from pathlib import Path

    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_text

    code = (Path(__file__).parent / "fixtures" / "code_with_parts.txt").read_text("utf-8")
    corpus = Corpus(parse_text(code), name="code")
    q = "甲 OR 乙 OR 丙 OR 丁 OR 施行"

    def nos(query=q, **filters):
        return sorted(h.article for h in index.search(corpus, query, limit=None, **filters))

    assert nos() == [1, 2, 3, 4, 5]
    assert nos(part="物权") == nos(part="2") == nos(f"({q}) part:物权") == [3, 4]
    assert nos(part="总则") == [1, 2]
    assert nos(chapter="1") == [1, 3] and nos(chapter="1", part="物权") == [3]


def test_table_output_without_a_terminal_has_no_colour(bundled):
    """Piped output: a header line, a line per hit and its snippet, no ANSI codes."""
    res = run("search", "接诉即办")
    assert res.exit_code == 0
    assert "\x1b[" not in res.output
    lines = res.output.splitlines()
    total = len(matching(bundled, "接诉即办"))
    assert lines[0].startswith(f"{total} articles match")
    assert len(lines) == 1 + 2 * total
    assert "接诉即办" in lines[2]


class _TTY(io.StringIO):
    def isatty(self):
        return True


def test_colour_on_a_terminal_unless_no_color(monkeypatch):
    """Colour when stdout is a terminal; NO_COLOR (any value) turns it off."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(_TTY())
    assert not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(_TTY())
    hits = index.search(None, "网格员", limit=2)
    coloured = format_hits(hits, color=True)
    assert "\x1b[1;31m网格员\x1b[0m" in coloured
    assert "\x1b[" not in format_hits(hits, color=False)


@pytest.mark.parametrize(
    "args, message",
    [
        (['"网格'], "unbalanced quote"),
        (["foo:网格"], "unknown field 'foo'"),
        (["网格", "OR"], "operator without an operand"),
        (["网格 AND AND 社区"], "operator without an operand"),  # was searched as the word AND
        (["网格", "--status", "repealed"], "no document has status"),
        (["网格", "--doc", "北京"], "names 2 documents"),
        # a pasted text: 100,000 characters took minutes before the query was refused
        (["网格" * 20000], "a term of 40,000 characters in the query; at most 200"),
    ],
)
def test_bad_queries_give_a_one_line_error(args, message):
    """A malformed query or filter: non-zero exit, one line naming the problem, no traceback."""
    res = run("search", *args)
    assert res.exit_code == 1, res.output
    assert message in res.output
    # CliRunner keeps an escaped exception out of the output: check that none escaped
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    assert len(res.output.strip().splitlines()) == 1


def test_index_build_status_clear(tmp_path):
    """index build makes the index, status reports it, clear removes it."""
    env = {"JDCORPUS_CACHE_DIR": str(tmp_path)}
    res = run("index", "status", "--format", "json", env=env)
    assert res.exit_code == 0 and json.loads(res.output)[0]["built"] is False
    res = run("index", "build", env=env)
    assert res.exit_code == 0 and "320 articles" in res.output
    st = json.loads(run("index", "status", "--format", "json", env=env).output)[0]
    assert st["built"] is True and st["articles"] == 320 and st["path"].startswith(str(tmp_path))
    res = run("index", "clear", env=env)
    assert res.exit_code == 0 and res.output.startswith("removed ")
    assert (
        json.loads(run("index", "status", "--format", "json", env=env).output)[0]["built"] is False
    )


@pytest.mark.parametrize(
    "args", [["search"], ["index"], ["index", "build"], ["index", "status"], ["index", "clear"]]
)
def test_every_search_command_has_help(args):
    """Each command added by issue 3 answers --help."""
    res = run(*args, "--help")
    assert res.exit_code == 0 and "Usage:" in res.output


def test_the_hit_of_an_inserted_article_names_it_by_its_label():
    """A hit's address keeps an inserted article's 之X: ``xing-fa:120之一`` names
    第一百二十条之一 where ``xing-fa:120`` is 第一百二十条."""
    from jdcorpus.index import SearchHit

    def hit(label):
        return SearchHit(
            "xing-fa", None, "中华人民共和国刑法", 120, label, None, None, 1.0, "资助", ()
        )

    assert [hit(x).key for x in ("第一百二十条", "第一百二十条之一")] == [
        "xing-fa:120",
        "xing-fa:120之一",
    ]
    assert "(xing-fa:120之一, score 1.00)" in format_hits([hit("第一百二十条之一")])
