"""The parser against an answer it did not write: LawRefBook's own Markdown markup.

tests/fixtures/lawrefbook/ holds twelve local regulations copied verbatim from the shared
LawRefBook collection; ``expected.json`` gives, for each, what the collection's markup states —
article labels at line starts after ``<!-- INFO END -->`` and ``##``/``###`` headings for
chapters and sections — counted by LawRefBook's converter, not by this parser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jdcorpus.parse import ParseError, parse_file

HERE = Path(__file__).parent / "fixtures" / "lawrefbook"
EXPECTED = json.loads((HERE / "expected.json").read_text("utf-8"))["files"]
COUNTED = sorted(law for law, want in EXPECTED.items() if want)


def test_the_sample_is_what_the_readme_says():
    """Every file of the sample has an expectation; some have chapters, some none."""
    assert sorted(p.name for p in HERE.glob("*.md") if p.name != "README.md") == sorted(EXPECTED)
    counts = [EXPECTED[law] for law in COUNTED]
    assert any(c["chapters"] for c in counts)
    assert any(not c["chapters"] for c in counts)


@pytest.mark.parametrize("law", COUNTED, ids=[f"law{i}" for i in range(len(COUNTED))])
def test_articles_chapters_and_sections_match_the_markup(law):
    """One document whose articles are numbered 1..N and whose chapters and sections number what
    the markup states."""
    want = EXPECTED[law]
    docs = parse_file(HERE / law)
    assert len(docs) == 1, [d.title for d in docs]
    d = docs[0]
    assert [a.no for a in d.articles] == list(range(1, want["articles"] + 1))
    assert (len(d.chapters), len(d.sections)) == (want["chapters"], want["sections"])


@pytest.mark.parametrize("law", sorted(set(EXPECTED) - set(COUNTED)))
def test_a_law_without_articles_is_not_made_to_have_some(law):
    """A 决定 written in paragraphs (no 第…条 in the markup) yields no articles: an error naming
    the reason, or a document without articles — never labels made up from its text."""
    try:
        docs = parse_file(HERE / law)
    except ParseError as e:
        assert "article" in str(e) or "条" in str(e), e
        return
    assert all(not d.articles for d in docs)


NATIONAL_MD = """# {title}

2005年3月14日 第十届全国人民代表大会第三次会议通过

<!-- INFO END -->
## 第一章 总则

第一条 为了维护国家统一，根据宪法，制定本法。

第二条 国家依照本法采取措施。

## 第二章 附则

第三条 本法自公布之日起施行。
"""


@pytest.mark.parametrize(
    "title,kind,did",
    [
        ("反分裂国家法", "法", "fanfenlieguo-fa"),  # no national prefix: the markup names it
        ("中华人民共和国国歌法", "法", "guoge-fa"),
        ("中华人民共和国民法典", "法典", "min-fadian"),
        ("中华人民共和国刑法修正案（十一）", "修正案", "xingfa-xiuzhengan"),
    ],
)
def test_a_national_law_has_its_title_kind_and_an_id_of_its_subject(tmp_path, title, kind, did):
    """A law of the national collection ends in 法, 法典 or 修正案, none of them a local kind: its
    title is the Markdown ``# `` heading (or a line that reads as 中华人民共和国…法), its kind
    that word, its id made from its subject (not 中华人民 for every law), and no warning."""
    path = tmp_path / f"{title}.md"
    path.write_text(NATIONAL_MD.format(title=title), encoding="utf-8")
    (doc,) = parse_file(path)
    assert (doc.title, doc.kind, doc.id, doc.warnings) == (title, kind, did, ())
    assert [a.chapter_title for a in doc.articles] == ["总则", "总则", "附则"]


def test_a_hard_wrapped_line_ending_in_fa_is_not_a_title():
    """Without the national prefix a line that ends in 法 reads as no title: a hard wrap
    (…文化体育、法⏎律咨询…) keeps its text in the article."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "某市社区条例\n\n第一条 为了规范社区服务，制定本条例。\n\n"
        "第二条 鼓励开展养老托育、文化体育、法\n律咨询等服务活动。\n"
    )
    assert doc.articles[1].text == "鼓励开展养老托育、文化体育、法律咨询等服务活动。"


def test_the_collections_own_date_line_gives_the_effective_date(tmp_path):
    """``2021年1月1日 施行`` above ``<!-- INFO END -->`` is the date the collection states for
    施行: it is ``effective`` when no article says when the text takes effect."""
    path = tmp_path / "物权编.md"
    path.write_text(
        "# 中华人民共和国民法典\n\n# 物权编\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过"
        "\n\n2021年1月1日 施行\n\n<!-- INFO END -->\n\n## 第一分编  通则\n\n### 第一章  一般规定\n\n"
        "第二百零五条 本编调整因物的归属和利用产生的民事关系。\n\n"
        "第二百零六条 国家巩固和发展公有制经济。\n",
        encoding="utf-8",
    )
    (doc,) = parse_file(path)
    assert (doc.title, doc.adopted, doc.effective) == (
        "中华人民共和国民法典",
        "2020-05-28",
        "2021-01-01",
    )
    assert [(a.no, a.chapter_title) for a in doc.articles] == [(205, "一般规定"), (206, "一般规定")]
