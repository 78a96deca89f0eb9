"""scripts/eval_copies.py: the collection's laws parsed again as plain-text copies."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_copies_are_what_a_pdf_or_a_word_file_holds(script):
    ev = script("eval_copies")
    text = "# 某条例\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n第一条 甲乙丙丁戊己庚辛。\n\n第二条 子丑。\n"
    assert (
        ev.copy(text, "plain")
        == "某条例\n\n\n第一章 总则\n\n第一条 甲乙丙丁戊己庚辛。\n\n第二条 子丑。\n"
    )
    # (a half-width space counts half a character: 　　第一条 甲乙 is 7.5 of 8)
    pdf = ev.copy(text, "pdf", width=8).split("\n")
    assert pdf[2:] == ["\u3000\u3000第一条 甲乙", "丙丁戊己庚辛。", "\u3000\u3000第二条 子丑。"]
    assert (
        ev.copy(text, "word", width=8)
        == "某条例\n\n第一章 总则\n\n第一条 甲乙丙丁\n戊己庚辛。\n\n第二条 子丑。"
    )
    assert "\n\n" not in ev.copy(text, "flat", width=8)


def test_the_national_laws_read_the_same_in_every_copy_but_the_flat_one(script, capsys):
    """The four national laws with articles among the LawRefBook fixtures: a web page's text, a
    PDF's and a Word file's read as their Markdown does. (The fifth, 刑法修正案（十一）, is a text
    of paragraphs: in a PDF or Word copy its paragraphs are not told by indent or blank lines —
    a known limit.)"""
    ev = script("eval_copies")
    folder = FIXTURES / "lawrefbook_national"
    for style in ("plain", "dense", "pdf", "word"):
        res = [r for r in ev.evaluate(folder, style, 30, 1) if "修正案" not in r[0]]
        assert len(res) == 4 and [why for _, differs, why in res if differs] == [], style
    flat = [r for r in ev.evaluate(folder, "flat", 30, 1) if "修正案" not in r[0]]
    assert any(differs for _, differs, _ in flat)  # a full stop at the margin: a new 款
    assert ev.main(["--dir", str(folder), "--style", "plain", "-j", "1"]) == 0
    assert capsys.readouterr().out == "plain: 0 of 5 laws differ from the Markdown's parse\n"
