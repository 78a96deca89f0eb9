"""Queries that used to crash or silently find nothing (issue 14): deep nesting, wildcards,
control characters; and the hit count's grammar."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main
from jdcorpus.index import QueryError, count, search


def keys(hits) -> set[str]:
    return {h.key for h in hits}


def _invoke(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# -- nesting -------------------------------------------------------------------------------------


def test_nesting_is_bounded_with_a_clear_error():
    """1,000 nested parentheses (a RecursionError traceback once) are a QueryError naming the
    limit; 50 levels still search."""
    deep = "(" * 1000 + "网格" + ")" * 1000
    with pytest.raises(QueryError, match="nested 1000 deep.*at most 50"):
        search(None, deep)
    assert count(None, "(" * 50 + "网格" + ")" * 50) == count(None, "网格")


def test_deep_nesting_on_the_command_line_is_one_line():
    """On the command line: exit 1, one line, no traceback."""
    r = _invoke("search", "(" * 5000 + "网格" + ")" * 5000)
    assert r.exit_code == 1
    assert r.output.startswith("Error: parentheses nested") and r.output.count("\n") == 1


def test_long_operator_chains_still_run():
    """Long flat queries (5,000 NOTs, 3,000 ORs) are no nesting: they run."""
    assert count(None, "NOT " * 5000 + "网格") == count(None, "网格")
    assert count(None, " OR ".join(["网格"] * 3000)) == count(None, "网格")


# -- wildcards -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["网", "网格", "網格", "社区工作者"])
def test_trailing_star_on_a_word_finds_what_the_word_finds(word):
    """``网*`` (0 hits once, silently) finds what ``网`` finds: a word already matches inside
    longer words, so its prefix is itself; the highlights are the same too."""
    plain = search(None, word, limit=None)
    starred = search(None, word + "*", limit=None)
    assert plain.total > 0
    assert keys(starred) == keys(plain)
    assert [h.matches for h in starred] == [h.matches for h in plain]


def test_word_prefix_finds_longer_jieba_words(bundled):
    """``word:网格*`` finds the articles with a jieba word starting with 网格 (网格化, 网格员 …):
    more than ``word:网格``, and exactly those by an independent segmentation."""
    from jdcorpus.index import segment

    expected = {
        a.key for a in bundled.iter_articles() if any(w.startswith("网格") for w in segment(a.text))
    }
    got = keys(search(None, "word:网格*", limit=None))
    assert got == expected
    assert got > keys(search(None, "word:网格", limit=None))


def test_prefix_of_a_value_field():
    """``doc:beijing*`` is both Beijing documents."""
    docs = {h.doc for h in search(None, "网格 doc:beijing*", limit=None)}
    assert docs and docs <= {"beijing-tiaoli", "beijing-zhize"}
    assert count(None, "网格 doc:beijing*") == count(None, "网格 city:北京")


@pytest.mark.parametrize(
    "query, message",
    [
        ("网?格", "'?' is not a wildcard"),
        ("网格?", "'?' is not a wildcard"),
        ("*格", "'\\*' only ends a word"),
        ("社区*管理", "'\\*' only ends a word"),
        ("*", "'\\*' needs text before it"),
        ("网格 word:*", "'\\*' needs text before it"),
    ],
)
def test_other_wildcards_are_errors_that_say_so(query, message):
    """``?``, a leading or inner ``*`` and a lone ``*`` are QueryErrors saying what works."""
    with pytest.raises(QueryError, match=message):
        search(None, query)


def test_star_inside_quotes_is_text():
    """Inside a phrase, * is exact text (no article has it): no error, no hits."""
    assert count(None, '"网格*"') == 0


# -- control characters ----------------------------------------------------------------------------


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x9b", "\udcff"])
def test_control_characters_are_rejected(char):
    """A NUL byte, an escape, DEL, a C1 control or a byte that was not UTF-8 (a lone surrogate
    from argv): a QueryError naming the character, never a silent 0 hits."""
    with pytest.raises(QueryError, match="control character|not UTF-8") as e:
        search(None, f"网{char}格")
    assert "at 2" in e.value.message


def test_tabs_and_newlines_are_spaces():
    """Tabs and line breaks in a query are spaces (a pasted query), not errors."""
    assert count(None, "网格\t居民") == count(None, "网格 居民") > 0
    assert count(None, "网格\n居民") == count(None, "网格 居民")


def test_control_characters_in_filters_are_rejected():
    """The filter options are checked the same way."""
    with pytest.raises(QueryError, match="--city value holds a control character"):
        search(None, "网格", city="北\x00京")


def test_control_character_on_the_command_line():
    """On the command line: one error line, exit 1."""
    r = _invoke("search", "网\x1b[2J格")
    assert r.exit_code == 1 and r.output.startswith("Error: the query holds a control character")


# -- the header line ---------------------------------------------------------------------------


def test_one_hit_is_singular():
    """ "1 article matches" (once "1 article match"); "N articles match" otherwise."""
    one = _invoke("search", "heading:立法目的")
    assert one.output.startswith("1 article matches '"), one.output
    many = _invoke("search", "网格", "--limit", "1")
    assert many.output.startswith("1 of 19 articles match '")
    none = _invoke("search", "没有这种词语")
    assert none.output.startswith("0 articles match '")
