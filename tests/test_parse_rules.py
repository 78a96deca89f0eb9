"""Drafting rules the parser follows on real collections, each proved on a short text written for
the test (no real law's words)."""

from __future__ import annotations

import pytest

from jdcorpus.parse import parse_text

# a 目录 whose chapters the body heads without their 第…章 labels at first, then with them
TOC_THEN_BARE_TITLES = """某市河岸绿化管理条例

目  录
第一章 总 则
第二章 规划建设
第三章 养护管理
第四章 附 则

总 则

第一条 为了保护河岸绿化，制定本条例。

第二条 本条例适用于本市河岸绿化的规划、建设和养护。

规划建设

第三条 河岸绿化规划由市绿化主管部门编制。

第三章 养护管理

第四条 养护单位应当定期巡查。

第四章 附 则

第五条 本条例自2030年1月1日起施行。
"""


def test_bare_chapter_titles_named_by_the_toc_open_chapters():
    """A body line that is exactly the title the 目录 gives the next chapter opens that chapter,
    and the 目录's last entry is no chapter of the body."""
    doc = parse_text(TOC_THEN_BARE_TITLES)[0]
    assert [(c.no, c.label, c.title) for c in doc.chapters] == [
        (1, "第一章", "总则"),
        (2, "第二章", "规划建设"),
        (3, "第三章", "养护管理"),
        (4, "第四章", "附则"),
    ]
    assert [(a.no, a.chapter_no) for a in doc.articles] == [(1, 1), (2, 1), (3, 2), (4, 3), (5, 4)]


def test_a_line_equal_to_a_later_toc_title_opens_nothing_out_of_order():
    """Only the title of the chapter that comes next opens it: the same words further on, or a
    title out of order, stay text."""
    text = TOC_THEN_BARE_TITLES.replace("规划建设\n\n第三条", "养护管理\n\n第三条")
    doc = parse_text(text)[0]
    assert [c.no for c in doc.chapters] == [1, 3, 4]
    assert [a.no for a in doc.articles] == [1, 2, 3, 4, 5]


def test_no_toc_no_bare_chapters():
    """Without a 目录 a short line equal to a heading word is not made a numbered chapter."""
    text = (
        "某市条例\n\n规划建设\n\n第一条 为了规范，制定本条例。\n\n第二条 本条例自公布之日起施行。\n"
    )
    doc = parse_text(text)[0]
    assert doc.chapters == ()


def test_a_heading_ending_like_a_reference_does_not_swallow_the_next_article():
    """第一章 基本规定 ends in …本规定 like a reference (依照本规定⏎第三条…), but a heading
    continues no sentence: 第一条 opening with a word that could go on a reference (第三人…)
    is still an article, and so is the 第二条 after it."""
    (doc,) = parse_text(
        "某市条例\n\n第一章　基本规定\n\n"
        "第一条　第三人因本条所列行为受到损害的，可以依法请求赔偿。\n\n"
        "第二条　第一条所称损害，包括财产损失。\n\n第三条　本条例自公布之日起施行。\n"
    )
    assert [a.no for a in doc.articles] == [1, 2, 3]
    assert doc.articles[0].text.startswith("第三人") and not doc.warnings


JIESHI = """法释〔2020〕28号

最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释

（2020年12月25日最高人民法院审判委员会第1824次会议通过，自2021年1月1日起施行）

为正确适用《中华人民共和国民法典》有关担保制度的规定，结合民事审判实践，制定本解释。

一、关于一般规定

第一条　因抵押、质押、留置、保证等担保发生的纠纷，适用本解释。

第二条　当事人约定担保合同的效力独立于主合同的，该约定无效：
一、主合同无效；
二、担保合同无效。

二、关于保证合同

第三条　保证人应当对全部债务承担责任。

五、附则

第四条　本解释自2021年1月1日起施行。
"""


def test_a_judicial_interpretation_has_its_title_and_its_parts_are_no_items():
    """最高人民法院…的解释 is a title (kind 解释, not 《中华人民共和国民法典》 quoted in it), and a
    short 一、关于… line between a finished article and the next one heads a part of the
    interpretation: it is not a 项 of the article before it. Old-style 项 (一、…；) inside an
    article stay its items."""
    (doc,) = parse_text(JIESHI)
    assert (doc.title, doc.kind, doc.adopted, doc.warnings) == (
        "最高人民法院关于适用《中华人民共和国民法典》有关担保制度的解释",
        "解释",
        "2020-12-25",
        (),
    )
    assert [a.no for a in doc.articles] == [1, 2, 3, 4]
    assert [len(a.paragraphs) for a in doc.articles] == [1, 1, 1, 1]
    assert [len(doc.articles[1].paragraphs[0].items)] == [2]
    assert not any("关于保证合同" in a.text or "附则" in a.text for a in doc.articles)


@pytest.mark.parametrize("sep", [" ", "\n"])
def test_a_deleted_article_keeps_its_mark_as_text(sep):
    """第一百九十九条 （删去）: the mark of a deleted article is what the article says, not its
    heading; a real heading in the same place stays one."""
    (doc,) = parse_text(
        f"某法\n第一条 为了规范，制定本法。\n第二条{sep}（删去）\n第三条{sep}（施行日期）本法自公布之日起施行。\n"
    )
    a2, a3 = doc.articles[1], doc.articles[2]
    assert (a2.heading, a2.text, len(a2.paragraphs)) == (None, "（删去）", 1)
    assert (a3.heading, a3.text) == ("施行日期", "本法自公布之日起施行。")


def test_a_spaced_out_reference_to_items_is_no_list_of_items():
    """…条例第四条第 （二）、 （三）、 （四）项规定情形之一的: spaces inside a reference to 项 (as a
    ministry's rule in the national collection has them) break no line and make no items."""
    (doc,) = parse_text(
        "某办法\n第一条 为了规范，制定本办法。\n"
        "第二条 职工又出现条例第四条第 （二）、 （三）、 （四）项规定情形之一的，不享受年休假。\n"
        "第三条 有下列情形之一的，不享受年休假： （一）甲； （二）乙。\n"
    )
    a2, a3 = doc.articles[1], doc.articles[2]
    assert (a2.text, a2.items) == (
        "职工又出现条例第四条第（二）、（三）、（四）项规定情形之一的，不享受年休假。",
        (),
    )
    assert [it.text for it in a3.items] == ["甲；", "乙。"]


def test_a_note_after_a_full_stop_ends_the_paragraph():
    """企业必须完成指令性计划。（2009年8月27日删除） ends its 款: the next line is the next 款 (the
    collection marks amended text so); a line ending in 县（市） still goes on."""
    (doc,) = parse_text(
        "某法\n第一条 为了规范，制定本法。\n"
        "第二条 企业必须完成指令性计划。（2009年8月27日删除）\n企业必须履行依法订立的合同。\n"
        "第三条 报请县（市）\n人民政府批准。\n"
    )
    assert [p.text for p in doc.articles[1].paragraphs] == [
        "企业必须完成指令性计划。（2009年8月27日删除）",
        "企业必须履行依法订立的合同。",
    ]
    assert doc.articles[2].text == "报请县（市）人民政府批准。"


def test_an_item_may_begin_with_the_word_project():
    """（三）项目建设管理情况： an item that opens with 项目 (a project) is an item, while 第（二）项
    wrapped onto its own line stays a reference."""
    (doc,) = parse_text(
        "某条例\n第一条 审计机关重点审查下列内容：\n（一）履行基本建设程序情况；\n"
        "（二）项目建设管理情况；\n（三）工程成本支出情况。\n"
        "第二条 违反本条例第一条第\n（二）项规定的，依法处理。\n"
    )
    a1, a2 = doc.articles
    assert [it.text for it in a1.items] == [
        "履行基本建设程序情况；",
        "项目建设管理情况；",
        "工程成本支出情况。",
    ]
    assert len(a1.paragraphs) == 1
    assert (a2.items, a2.text) == ((), "违反本条例第一条第（二）项规定的，依法处理。")


@pytest.mark.parametrize(
    ("typed", "label"), [("笫三条", "第三条"), ("笫 三 条", "第三条"), ("笫３条", "第3条")]
)
def test_a_label_typed_with_the_look_alike_di_is_a_label(typed, label):
    """笫 typed for 第 (it looks the same: 笫五十四条 in a real file) starts an article as 第 does;
    the label reads 第三条, the source keeps what was typed, and 床笫 in a sentence is no label."""
    text = f"某市测试条例\n第一条 为了规范，制定本条例。\n第二条 本条例适用于本市。\n{typed} 床笫之事不在此列。\n第四条 自公布之日起施行。\n"
    (doc,) = parse_text(text)
    assert [a.no for a in doc.articles] == [1, 2, 3, 4]
    a3 = doc.articles[2]
    assert (a3.label, a3.text) == (label, "床笫之事不在此列。")
    assert a3.original.startswith(typed) and doc.source(a3.start, a3.end) == a3.original
    assert not doc.warnings  # no numbering jump from 第二条 to 第四条


def test_the_look_alike_di_is_no_label_elsewhere():
    """笫 before no numbered label (床笫之间) is text, and 笫 inside a sentence starts nothing."""
    (doc,) = parse_text("某条例\n第一条 床笫之间，笫二次。\n第二条 施行。\n")
    assert [a.text for a in doc.articles] == ["床笫之间，笫二次。", "施行。"]


@pytest.mark.parametrize(
    "tizhu",
    [
        "2013年3月8日 最高人民法院审判委员会第1571次会议\n"
        "2013年3月18日 最高人民检察院第十二届检察委员会第1次会议通过\n",
        "（2013年3月8日最高人民法院审判委员会第1571次会议、"
        "2013年3月18日最高人民检察院第十二届检察委员会第1次会议通过）\n",
    ],
)
def test_a_joint_tizhu_adopts_at_both_meetings(tizhu):
    """（2013年3月8日最高人民法院审判委员会第1571次会议、2013年3月18日最高人民检察院…会议通过）,
    in brackets or broken into lines after the first meeting (as LawRefBook writes it): the
    first meeting shares the verb — an adoption, and its line no notice."""
    (doc,) = parse_text(
        "最高人民法院、最高人民检察院关于办理盗窃刑事案件适用法律若干问题的解释\n"
        + tizhu
        + "为依法惩治盗窃犯罪活动，现就办理盗窃刑事案件适用法律的若干问题解释如下：\n"
        "第一条 盗窃公私财物价值一千元以上的，应当认定为“数额较大”。\n"
        "第二条 本解释自发布之日起施行。\n"
    )
    assert [(e.kind, e.date) for e in doc.events] == [
        ("adopted", "2013-03-08"),
        ("adopted", "2013-03-18"),
    ]
    assert doc.adopted == "2013-03-08"
    assert doc.notices == (
        "为依法惩治盗窃犯罪活动，现就办理盗窃刑事案件适用法律的若干问题解释如下：",
    )


def test_a_meeting_line_without_an_adoption_after_it_adopts_nothing():
    """A date and a meeting alone on a line adopt only when the next line of the 题注 does."""
    (doc,) = parse_text(
        "某市测试条例\n2013年3月8日 市人民代表大会常务委员会第1次会议\n"
        "第一条 为了规范，制定本条例。\n第二条 施行。\n"
    )
    assert doc.events == ()


def test_a_title_the_markup_states_is_no_notice(tmp_path):
    """# 反分裂国家法: a title with no place is no title by its words, but the Markdown heading
    states it; its line is the title's, not a notice."""
    from jdcorpus.parse import parse_file

    path = tmp_path / "反分裂国家法.md"
    path.write_text(
        "# 反分裂国家法\n\n2005年3月14日 第十届全国人民代表大会第三次会议通过\n\n"
        "第一条 为了反对和遏制分裂势力，制定本法。\n\n第二条 本法自公布之日起施行。\n",
        "utf-8",
    )
    (doc,) = parse_file(path)
    assert (doc.title, doc.original_title, doc.notices, doc.warnings) == (
        "反分裂国家法",
        "反分裂国家法",
        (),
        (),
    )
    assert doc.adopted == "2005-03-14"
