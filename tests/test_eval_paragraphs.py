"""scripts/eval_paragraphs.py: the 款 and 项 the parser finds beside the collection's paragraphs."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_markdown_states_paragraphs_and_items_per_article(script):
    ev = script("eval_paragraphs")
    text = (
        "# 某条例\n\n2020年1月1日 通过\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲。\n\n乙。\n\n"
        "第二条 有下列情形之一的：\n\n（一）丙；\n\n（二）丁。\n\n## 第二章 附则\n\n第三条 戊。\n"
    )
    assert ev.stated(text) == [(2, 0), (1, 2), (1, 0)]


def test_real_files_agree_with_their_markdown_but_where_it_is_wrong(script):
    """The five national fixtures agree article by article; of the local fixtures one article
    differs, 重庆 第十九条, whose 1、2、3、 under its items (目) the Markdown's count takes for
    paragraphs."""
    ev = script("eval_paragraphs")
    n, differ = ev.compare(FIXTURES / "lawrefbook_national")
    assert n == 136 and differ == []
    n, differ = ev.compare(FIXTURES / "lawrefbook")
    assert n == 234
    assert [(f, label) for f, label, *_ in differ] == [
        ("重庆市查禁赌博条例(2011-11-29).md", "第十九条")
    ]
