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
        ("中华人民共和国刑法修正案（十一）", "修正案", "xingfa-xiuzhengan11"),  # its ordinal
        ("中华人民共和国刑法修正案", "修正案", "xingfa-xiuzhengan"),
        # …适用法 ends like a wrapped …用法, but the national prefix makes it a title
        ("中华人民共和国涉外民事关系法律适用法", "法", "shewaiminshi-fa"),
        ("中华人民共和国学位条例", "条例", "xuewei-tiaoli"),
        ("中华人民共和国城市维护建设税法", "法", "chengshiweihu-fa"),  # 城市… is no city
        # named by the subject after 关于, not by the organs (zuigaorenmin-…, quanguorenmin-…)
        (
            "最高人民法院、最高人民检察院关于办理盗窃刑事案件适用法律若干问题的解释",
            "解释",
            "banlidaoqie-jieshi",
        ),
        (
            "全国人民代表大会常务委员会关于县级以下人民代表大会代表直接选举的若干规定",
            "规定",
            "xianjiyixia-guiding",
        ),
        # an organ that is the subject, not the issuer (no 关于 after it), stays in the id
        ("中华人民共和国国务院组织法", "法", "guowuyuanzu-fa"),
        ("全国人民代表大会组织法", "法", "quanguorenmin-fa"),
        # a reply (批复) is a judicial interpretation's form
        ("最高人民法院关于新民间借贷司法解释适用范围问题的批复", "批复", "xinminjianjie-pifu"),
        # a State Council order (命令) is a kind too
        ("国务院关于在我国统一实行法定计量单位的命令", "命令", "zaiwoguotong-mingling"),
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


def test_issuing_organs_on_the_line_above_a_title_belong_to_it():
    """最高人民法院 最高人民检察院⏎关于…的规定: the organs on the line above a title that opens
    with 关于 issue it — they are part of the title (joined by 、), and the id is still made
    from the subject; a line above that is not only organs stays out of the title."""
    from jdcorpus.parse import parse_text

    body = "\n第一条 为了规范，制定本规定。\n第二条 本规定自2022年5月15日起施行。\n"
    (doc,) = parse_text(
        "最高人民法院 最高人民检察院\n关于办理海洋公益诉讼案件若干问题的规定" + body
    )
    assert doc.title == "最高人民法院、最高人民检察院关于办理海洋公益诉讼案件若干问题的规定"
    assert (doc.id, doc.kind, doc.city) == ("banlihaiyang-guiding", "规定", None)
    (doc,) = parse_text("温州市人民代表大会常务委员会\n关于某事的若干规定" + body)
    assert (doc.title, doc.city) == ("温州市人民代表大会常务委员会关于某事的若干规定", "温州")
    (doc,) = parse_text("本报讯\n\n关于办理海洋公益诉讼案件若干问题的规定" + body)
    assert doc.title == "关于办理海洋公益诉讼案件若干问题的规定"
    # a 决定 under its organs (关于…的决定 alone reads as a notice heading): the organs and that
    # line are the title, neither is a notice; a 印发《…》 notice under them is no title
    (doc,) = parse_text(
        "北京市人民代表大会常务委员会\n关于加强某事管理的决定\n为了加强管理，作如下决定：\n"
        "一、市人民政府负责。\n二、本决定自公布之日起施行。\n",
        require_articles=False,
    )
    assert (doc.title, doc.kind, doc.city) == (
        "北京市人民代表大会常务委员会关于加强某事管理的决定",
        "决定",
        "北京",
    )
    assert doc.notices == ("为了加强管理，作如下决定：",)
    (doc,) = parse_text(
        "北京市人民政府\n关于印发《北京市某事办法》的通知\n现将《北京市某事办法》印发给你们。"
        + body
    )
    assert doc.title == "北京市某事办法"


def test_a_hard_wrapped_line_ending_in_fa_is_not_a_title():
    """Without the national prefix a line that ends in 法 reads as no title: a hard wrap
    (…文化体育、法⏎律咨询…) keeps its text in the article."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "某市社区条例\n\n第一条 为了规范社区服务，制定本条例。\n\n"
        "第二条 鼓励开展养老托育、文化体育、法\n律咨询等服务活动。\n"
    )
    assert doc.articles[1].text == "鼓励开展养老托育、文化体育、法律咨询等服务活动。"


def _one_md(path: Path, text: str):
    """The one document of a collection file written to ``path``."""
    path.write_text(text, encoding="utf-8")
    (doc,) = parse_file(path)
    return doc


def test_the_collections_own_date_line_gives_the_effective_date(tmp_path):
    """``2021年1月1日 施行`` above ``<!-- INFO END -->`` is the date the collection states for
    施行: it is ``effective`` when no article says when the text takes effect."""
    doc = _one_md(
        tmp_path / "物权编.md",
        "# 中华人民共和国民法典\n\n# 物权编\n\n2020年5月28日 第十三届全国人民代表大会第三次会议通过"
        "\n\n2021年1月1日 施行\n\n<!-- INFO END -->\n\n## 第一分编  通则\n\n### 第一章  一般规定\n\n"
        "第二百零五条 本编调整因物的归属和利用产生的民事关系。\n\n"
        "第二百零六条 国家巩固和发展公有制经济。\n",
    )
    assert (doc.title, doc.adopted, doc.effective) == (
        "中华人民共和国民法典",
        "2020-05-28",
        "2021-01-01",
    )
    assert [(a.no, a.chapter_title) for a in doc.articles] == [(205, "一般规定"), (206, "一般规定")]


def test_a_state_council_order_line_is_the_promulgation(tmp_path):
    """A 行政法规 or 部门规章 of the collection states no 通过 but ``… 国务院令第596号公布`` and the
    decisions that revised it: promulgated and revised come from those lines; a title that ends
    in …香港地区 names no city."""
    doc = _one_md(
        tmp_path / "个体工商户条例.md",
        "# 中国公民往来香港地区的暂行管理办法\n\n2011年4月16日 中华人民共和国国务院令第596号公布\n\n"
        "2014年2月19日 《国务院关于废止和修改部分行政法规的决定》第一次修订\n\n"
        "2016年2月6日 《国务院关于修改部分行政法规的决定》第二次修订\n\n<!-- INFO END -->\n\n"
        "第一条 为了规范管理，制定本办法。\n\n第二条 本办法自2011年11月1日起施行。\n",
    )
    assert (doc.promulgated, doc.revised, doc.effective) == (
        "2011-04-16",
        "2016-02-06",
        "2011-11-01",
    )
    assert (doc.city, doc.province, doc.kind) == (None, None, "办法")


def test_one_paragraph_is_one_paragraph():
    """The warning of a text without article labels counts in words a reader expects."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "最高人民检察院关于某问题的解释\n\n某行为，应当依法追究刑事责任。\n", require_articles=False
    )
    assert "read as 1 paragraph" in doc.warnings[0] and "paragraphs" not in doc.warnings[0]


NATIONAL = Path(__file__).parent / "fixtures" / "lawrefbook_national"
NATIONAL_SPEC = json.loads((NATIONAL / "expected.json").read_text("utf-8"))["files"]


@pytest.mark.parametrize("name", sorted(NATIONAL_SPEC))
def test_real_national_instruments_parse_as_their_markup_and_header_state(name):
    """Whole national instruments as the collection stores them (a law with 章 and 节, a 行政法规
    dated by its 国务院令, a 司法解释, a 刑法修正案 of unnumbered paragraphs): the articles,
    chapters and sections their Markdown states, and the title, kind, id, place and dates their
    own lines give."""
    spec = NATIONAL_SPEC[name]
    counts = spec["counts"]
    docs = parse_file(NATIONAL / name, require_articles=counts is not None)
    assert len(docs) == 1
    doc = docs[0]
    if counts is None:
        assert not doc.articles and doc.paragraphs
    else:
        numbers = [a.no for a in doc.articles]
        assert numbers == list(range(1, counts["articles"] + 1))
        assert (len(doc.chapters), len(doc.sections)) == (counts["chapters"], counts["sections"])
        assert not doc.warnings
    got = {k: getattr(doc, k) for k in spec["metadata"]}
    assert got == spec["metadata"]


def test_an_amendment_that_names_an_article_first_is_no_article(tmp_path):
    """A 修正案 whose paragraphs lost their 一、二、 (as the collection stores some) may open a
    paragraph with the article it amends: 第一百六十二条后增加一条 / 第三十条修改为 are instructions,
    not articles 162 and 30; the text is read as paragraphs."""
    path = tmp_path / "修正案.md"
    path.write_text(
        "# 中华人民共和国刑法修正案\n\n1999年12月25日 第九届全国人民代表大会常务委员会第十三次会议通过"
        "\n\n<!-- INFO END -->\n\n为了惩治犯罪，对刑法作如下补充修改：\n\n"
        "第一百六十二条后增加一条，作为第一百六十二条之一：“隐匿会计凭证的，处五年以下有期徒刑。”\n\n"
        "第三十条修改为：“公司犯罪的，应当负刑事责任。”\n\n本修正案自公布之日起施行。\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError):
        parse_file(path)
    (doc,) = parse_file(path, require_articles=False)
    assert (doc.kind, len(doc.paragraphs)) == ("修正案", 4)


@pytest.mark.parametrize(
    "title,dates,want",
    [
        # the 政务院 (the State Council before 1954) promulgates; the decisions revise
        (
            "全国年节及纪念日放假办法",
            "1949年12月23日 政务院发布\n\n"
            "2013年12月11日 《国务院关于修改〈全国年节及纪念日放假办法〉的决定》第三次修订",
            {"promulgated": "1949-12-23", "revised": "2013-12-11", "effective": "1949-12-23"},
        ),
        # a 部, 局 or 署 that issues a regulation dates it as an organ does; 国务院批准 approves
        (
            "中外合资经营企业合营期限暂行规定",
            "1990年9月30日 国务院批准　\n\n1990年10月22日 对外经济贸易部发布　",
            {"approved": "1990-09-30", "promulgated": "1990-10-22", "effective": "1990-10-22"},
        ),
    ],
)
def test_the_organ_that_issued_a_regulation_dates_it(tmp_path, title, dates, want):
    """The date lines of a 行政法规 or 部门规章 name the organ and the verb (发布, 批准, 修订): each is
    an event of the document, and 自发布之日起施行 takes the promulgation date."""
    doc = _one_md(
        tmp_path / "规定.md",
        f"# {title}\n\n{dates}\n\n<!-- INFO END -->\n\n"
        "第一条 为了规范，制定本规定。\n\n第二条 本规定自发布之日起施行。\n",
    )
    assert {k: getattr(doc, k) for k in want} == want


@pytest.mark.parametrize(
    "title,city,did",
    [
        ("温州市物业管理条例", "温州", "wenzhou-tiaoli"),
        # a municipality, though a 地区 or 自治县 follows later in the title
        ("上海市民用机场地区管理条例", "上海", "shanghai-tiaoli"),
        (
            "重庆市区县（自治县）人民代表大会常务委员会街道工作委员会工作条例",
            "重庆",
            "chongqing-tiaoli",
        ),
        # a province's regulation names no city, whatever 市 follows (城市, 市场); its id names
        # the province
        ("山东省城市建设管理条例", None, "shandong-tiaoli"),
        ("河南省技术市场条例", None, "henan-tiaoli"),
        ("广东省市场监管条例", None, "guangdong-tiaoli"),
        ("广西壮族自治区森林条例", None, "guangxi-tiaoli"),
        ("中国（浙江）自由贸易试验区条例", None, "zhejiang-tiaoli"),
        # … unless an autonomous county or prefecture follows the province
        ("浙江省景宁畲族自治县自治条例", "景宁畲族自治县", "jingningshezuzizhixian-zizhitiaoli"),
        ("杭州城市大脑赋能城市治理促进条例", "杭州", "hangzhou-tiaoli"),  # 城市 is one word
        ("聊城市城市绿化条例", "聊城", "liaocheng-tiaoli"),
        # a place is read as a place (pypinyin alone: tahe, zhangzhi)
        ("漯河市城市绿化条例", "漯河", "luohe-tiaoli"),
        ("长治市城市绿化条例", "长治", "changzhi-tiaoli"),
        # 市场 is a word too; 暂行条例 a kind like 暂行办法
        ("人力资源市场暂行条例", None, "renliziyuan-zanxingtiaoli"),
        # 守则 and 规范 are kinds of instrument, their title lines no notices
        ("北京市人民代表大会常务委员会组成人员守则", "北京", "beijing-shouze"),
        ("医疗机构制剂配制质量管理规范（试行）", None, "yiliaojigou-guifan"),
        (
            "关于市人民政府向市人民代表大会常务委员会报告重大事项的若干规定",
            None,
            "shirenminzheng-guiding",
        ),
    ],
)
def test_a_local_title_gives_its_city_and_id(tmp_path, title, city, did):
    """The city is the place a title opens with — a municipality's 市 before any 地区 after it,
    never a province followed by a word with 市 (城市, 市场) — and the id names that place (or
    the province) and the kind."""
    from jdcorpus.parse import parse_text

    text = f"{title}\n\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2022年5月15日起施行。\n"
    (doc,) = parse_text(text)
    assert (doc.title, doc.city, doc.id) == (title, city, did)


@pytest.mark.parametrize(
    "header,title,city,province",
    [
        # a municipality named without its 市 is the city when its own congress made the text …
        ("北京历史文化名城保护条例\n（2005年3月25日北京市第十二届人民代表大会常务委员会第十九次会议通过）",
         "北京历史文化名城保护条例", "北京", "北京"),
        # … not in a State Council regulation about a body there
        ("上海航运交易所管理规定\n（1996年10月3日国务院批准）", "上海航运交易所管理规定", None, None),
        # a province's own regulation names its province even when no congress line says so
        ("山东省人民代表大会议事规则", "山东省人民代表大会议事规则", None, "山东"),
        ("中国（浙江）自由贸易试验区条例", "中国（浙江）自由贸易试验区条例", None, "浙江"),
        # a title wrapped over two lines, a blank line between: the line above names the place
        ("北京市国民经济和社会发展计划\n\n审查监督条例", "北京市国民经济和社会发展计划审查监督条例",
         "北京", "北京"),
        # … but a line above that names no place or organ stays out of the title
        ("北京市人民代表大会常务委员会公告\n\n审查监督条例", "审查监督条例", None, None),
    ],
)  # fmt: skip
def test_the_place_of_a_title_without_its_city_word(header, title, city, province):
    """Where a title names its place without 市 or wraps before its subject, the city and
    province still come from the text, and never from a place a national text is about."""
    from jdcorpus.parse import parse_text

    text = f"{header}\n\n第一条 为了规范管理，制定本条例。\n第二条 本条例自2022年5月15日起施行。\n"
    (doc,) = parse_text(text)
    assert (doc.title, doc.city, doc.province) == (title, city, province)


def test_amendments_in_the_header_are_events_however_long_the_decision_named():
    """A 题注's amendment lines are ``amended`` or ``revised`` events: the decision they name
    counts as one word however long its title (…《关于修改〈中华人民共和国地方各级人民代表大会和
    地方各级人民政府组织法〉的决定》第二次修正), and 通过的 / 公布的 before it is the decision's verb,
    not this law's adoption or promulgation; an adoption line and a notice that publishes the
    law (…会议通过的《…条例》，现予公布) keep their kinds."""

    header = (
        "中华人民共和国人民法院组织法\n"
        "（1979年7月1日第五届全国人民代表大会第二次会议通过　"
        "根据1986年12月2日第六届全国人民代表大会常务委员会第十八次会议《关于修改〈中华人民共和国"
        "地方各级人民代表大会和地方各级人民政府组织法〉的决定》第二次修正　"
        "根据2001年5月18日第九届全国人民代表大会常务委员会第二十二次会议通过的"
        "《中华人民共和国人民法院组织法修正案》第三次修正　"
        "根据2008年12月16日公布的《最高人民法院关于调整司法解释等文件中引用〈中华人民共和国"
        "民事诉讼法〉条文序号的决定》第四次修正　"
        "2018年10月26日第十三届全国人民代表大会常务委员会第六次会议修订）\n"
    )
    body = "\n第一条 为了规范人民法院的设置，制定本法。\n第二条 本法自2019年1月1日起施行。\n"
    doc, events = _events(header + body)
    assert events == ["1979-07-01 adopted", "1986-12-02 amended", "2001-05-18 amended",
                      "2008-12-16 amended", "2018-10-26 revised"]  # fmt: skip
    assert (doc.adopted, doc.revised, doc.promulgated) == ("1979-07-01", "2018-10-26", None)

    notice = (
        "北京市人民代表大会常务委员会公告\n"
        "《北京市街道办事处条例》已由北京市第十五届人民代表大会常务委员会第十六次会议于2019年11月"
        "27日通过，现予公布，自2020年1月1日起施行。\n"
        "北京市街道办事处条例\n"
    )
    assert _events(notice + body.replace("本法", "本条例"))[1] == ["2019-11-27 adopted"]


def _events(text: str):
    """The one document of ``text`` and its events as 'date kind' strings."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(text)
    return doc, [f"{e.date} {e.kind}" for e in doc.events]


def test_the_events_of_a_departmental_rule():
    """A rule's header: 第4号令公布 names its organ by the order's number, an organ's meeting
    may carry a year (2021年第20次室务会议), and a 修改 by a decision whose title names its organ
    is an amendment — while 关于修改 inside a decision's name is no event."""

    header = (
        "药品进口管理办法\n"
        "2003年8月18日 国家互联网信息办公室2003年第20次室务会议审议通过\n"
        "2003年8月28日 食品药品监管局、海关总署第4号令公布\n"
        "2022年3月24日 《国家市场监督管理总局关于修改和废止有关规章的决定》修改\n"
        "2023年5月6日 某某省人民代表大会常务委员会第二次会议关于修改《药品进口管理办法》的决定第二次修正\n"
    )
    doc, events = _events(header + "\n第一条 为了规范药品进口，制定本办法。\n")
    assert events == ["2003-08-18 adopted", "2003-08-28 promulgated", "2022-03-24 amended",
                      "2023-05-06 amended"]  # fmt: skip
    last = doc.events[-1].body
    assert last.endswith("的决定第二次") and "关于修改《药品进口管理办法》" in last


def test_an_annex_opened_by_a_bare_fujian_line_is_kept_beside_the_law():
    """附件： alone on its line is a web page's noise before its download links, but right before
    the text that follows the last article it opens the annexes: they are kept in
    ``Document.annexes``, not dropped with a warning; the last article keeps only its own text."""
    from jdcorpus.parse import parse_text

    law = (
        "交通警察执勤规范\n\n第一条 为了规范执勤，制定本规范。\n\n第二条 本规范自2009年1月1日起实施。\n\n"
        "附件：\n\n1、查处酒后驾驶操作规程\n\n2、查处超速行驶操作规程\n\n"
        "附件1：查处酒后驾驶操作规程\n\n一、发现酒后驾驶的，应当检验。\n"
    )
    (doc,) = parse_text(law)
    assert not [w for w in doc.warnings if "ignored" in w], doc.warnings
    assert doc.articles[-1].text == "本规范自2009年1月1日起实施。"
    (annex,) = doc.annexes
    assert annex.startswith("附件：\n1、查处酒后驾驶操作规程") and "应当检验" in annex


def test_a_shortened_title_in_the_text_takes_the_whole_title_of_the_markup(tmp_path):
    """A text whose own title line leaves out the place (国家机关工作人员条例) under a Markdown
    heading that states it (# 北京市人民代表大会常务委员会任免国家机关工作人员条例) is titled by the
    heading, and gets its city from it."""
    path = tmp_path / "law.md"
    path.write_text(
        "# 北京市人民代表大会常务委员会任免国家机关工作人员条例\n\n<!-- INFO END -->\n\n"
        "国家机关工作人员条例\n\n第一条 为了规范任免，制定本条例。\n\n第二条 本条例自公布之日起施行。\n",
        encoding="utf-8",
    )
    (doc,) = parse_file(path)
    assert (doc.title, doc.city) == ("北京市人民代表大会常务委员会任免国家机关工作人员条例", "北京")


def test_a_preamble_after_the_header_lines_of_a_national_law_is_kept():
    """LawRefBook writes a law's 题注 as lines without brackets, then ## 序言: the preamble is a
    notice of its own, not read as more lines of the 题注 and dropped with it (民族区域自治法)."""
    from jdcorpus.parse import parse_text

    law = (
        "# 中华人民共和国民族区域自治法\n\n1984年5月31日 第六届全国人民代表大会第二次会议通过\n\n"
        "2001年2月28日 第九届全国人民代表大会常务委员会第二十次会议《关于修改<中华人民共和国"
        "民族区域自治法>的决定》修正\n\n<!-- INFO END -->\n\n## 序言\n\n"
        "中华人民共和国是全国各族人民共同缔造的统一的多民族国家。\n\n"
        "民族区域自治是在国家统一领导下，各少数民族聚居的地方实行区域自治。\n\n"
        "## 第一章 总则\n\n第一条 中华人民共和国民族区域自治法，根据中华人民共和国宪法制定。\n"
    )
    (doc,) = parse_text(law)
    assert doc.notices == (
        "序言\n中华人民共和国是全国各族人民共同缔造的统一的多民族国家。\n"
        "民族区域自治是在国家统一领导下，各少数民族聚居的地方实行区域自治。",
    )
    assert [e.kind for e in doc.events] == ["adopted", "amended"]
    assert doc.articles[0].text.startswith("中华人民共和国民族区域自治法，根据")


def test_an_arrangement_of_the_supreme_court_is_a_title_and_a_kind():
    """最高人民法院关于内地与香港特别行政区法院…的安排 is a judicial instrument like a 解释."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "最高人民法院关于内地与香港特别行政区法院就仲裁程序相互协助保全的安排\n"
        "第一条 本安排所称“保全”，包括财产保全、证据保全、行为保全。\n第二条 本安排自2019年10月1日起施行。\n"
    )
    assert doc.title.endswith("相互协助保全的安排") and doc.kind == "安排"


def test_headings_written_after_the_label_without_brackets():
    """Older 司法解释 put a heading after the label, the body on the next line (第二条 存单纠纷案件的
    案由 ⏎ 人民法院可将…): the phrase is the article's heading, not glued to its first sentence;
    once two articles show the style, one whose next line is an item has its heading too. A
    sentence broken at a fixed width (the next line no longer than the label's) is no heading."""
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "最高人民法院关于审理存单纠纷案件的若干规定\n\n第一条 存单纠纷案件的范围\n\n"
        "（一）存单持有人以存单为重要证据向人民法院提起诉讼的纠纷案件；\n\n（二）其他存单纠纷案件。\n\n"
        "第二条 存单纠纷案件的案由\n\n人民法院可将本规定第一条所列案件，一律以存单纠纷为案由。\n\n"
        "第三条 存单纠纷案件的管辖\n\n依照《中华人民共和国民事诉讼法》的规定，存单纠纷案件由被告住所地人民法院管辖。\n"
    )
    assert [a.heading for a in doc.articles] == [
        "存单纠纷案件的范围",
        "存单纠纷案件的案由",
        "存单纠纷案件的管辖",
    ]
    assert doc.articles[1].text == "人民法院可将本规定第一条所列案件，一律以存单纠纷为案由。"
    assert [i.text for i in doc.articles[0].items][0].startswith("存单持有人")
    (doc,) = parse_text(
        "某市测绘条例\n第一条 为了加强测绘管理，根据有关法律\n法规，结合本市实际，制定本条例。\n"
        "第二条 县级以上人民政府测绘主管部门负责\n本行政区域测绘工作的统一监督管理。\n"
    )
    assert [a.heading for a in doc.articles] == [None, None]
    assert (
        doc.articles[1].text == "县级以上人民政府测绘主管部门负责本行政区域测绘工作的统一监督管理。"
    )


def test_the_enacting_clause_after_a_bare_header_is_kept_and_a_part_heading_is_no_title():
    """A 司法解释 in LawRefBook: 题注 lines without brackets, then its enacting clause (为了…制定本
    规定。) and a part heading 一、一般规定 before 第一条. The clause is a notice (it was read as
    more of the 题注 and dropped, in 71 documents of the collection and the national samples),
    and 一、一般规定 is no title (it ends in 规定): the Markdown heading names the document."""
    from jdcorpus.parse import parse_text

    law = (
        "# 最高人民法院关于审理期货纠纷案件若干问题的规定\n\n"
        "2003年5月16日 最高人民法院审判委员会第1270次会议通过\n\n<!-- INFO END -->\n\n"
        "为了正确审理期货纠纷案件，根据有关法律的规定，制定本规定。\n\n一、一般规定\n\n"
        "第一条 人民法院审理期货纠纷案件，应当依法保护当事人的合法权益。\n\n"
        "二、管辖\n\n第二条 期货纠纷案件由中级人民法院管辖。\n"
    )
    (doc,) = parse_text(law)
    assert doc.title == "最高人民法院关于审理期货纠纷案件若干问题的规定"
    assert doc.notices == ("为了正确审理期货纠纷案件，根据有关法律的规定，制定本规定。",)
    assert doc.adopted == "2003-05-16" and len(doc.articles) == 2
