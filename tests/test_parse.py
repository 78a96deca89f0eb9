"""The parser on the bundled corpus: structure, headings, 款/项, joins, metadata and dates."""

import re
from pathlib import Path

import pytest

from jdcorpus import load_corpus, parse_text
from jdcorpus.parse import ParseError, to_int


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


EXPECTED_STRUCTURE = [
    # title, articles, chapters, sections
    ("长春市街道办事处工作条例", 50, 8, 0),
    ("呼和浩特市街道办事处工作条例", 48, 8, 0),
    ("北京市街道办事处条例", 50, 7, 0),
    ("北京市街道党工委和办事处职责规定", 105, 4, 6),
    ("苏州市街道办事处工作规定（修订草案）", 22, 0, 0),
    ("通化市社区治理促进条例", 45, 7, 0),
]


def test_six_instruments_in_five_files(corpus):
    """The five bundled files hold exactly the six instruments, in file order."""
    assert [d.title for d in corpus.documents] == [t for t, *_ in EXPECTED_STRUCTURE]


@pytest.mark.parametrize("title,articles,chapters,sections", EXPECTED_STRUCTURE)
def test_structure_counts(corpus, title, articles, chapters, sections):
    """Each instrument has the expected number of articles, chapters and sections (TOC not counted)."""
    (doc,) = [d for d in corpus.documents if d.title == title]
    assert len(doc.articles) == articles
    assert len(doc.chapters) == chapters
    assert len(doc.sections) == sections
    assert [a.no for a in doc.articles] == list(range(1, articles + 1))
    assert doc.warnings == ()


@pytest.mark.parametrize(
    "doc,no,paragraphs,items",
    [
        ("changchun", 8, 1, [7]),  # items on separate lines
        ("beijing-tiaoli", 10, 3, [7, 0, 0]),  # 7 items on ONE line, then two more 款
        ("beijing-tiaoli", 3, 1, [0]),  # label alone, body broken across two lines
        ("beijing-tiaoli", 48, 1, [0]),  # label alone on its line
        ("beijing-tiaoli", 49, 1, [0]),  # run together with 第四十八条 on one line
        ("beijing-zhize", 100, 1, [0]),  # broken mid-sentence
        ("suzhou", 8, 2, [8, 0]),  # a 款 follows the items
        ("hohhot", 3, 2, [0, 0]),
    ],
)
def test_paragraphs_and_items(corpus, doc, no, paragraphs, items):
    """款 and 项 are split as drafted, whatever the line layout of the source."""
    a = corpus.get(doc).article(no)
    assert len(a.paragraphs) == paragraphs
    assert [len(p.items) for p in a.paragraphs] == items
    for p in a.paragraphs:
        assert [it.no for it in p.items] == list(range(1, len(p.items) + 1))


def test_items_keep_labels_and_source_spans(corpus):
    """An item knows its number and label, and its offsets give back its source text."""
    doc = corpus.get("beijing-tiaoli")
    a = doc.article(10)
    items = a.paragraphs[0].items
    assert items[1].label == "（二）" and items[1].text.startswith("组织实施辖区环境保护")
    for it in items:
        assert doc.source(it.start, it.end) == it.original
        assert it.original.startswith("(")  # the source uses half-width brackets


def test_broken_line_is_joined(corpus):
    """北京条例 第三条 is one article whose text runs across the source line break."""
    a = corpus.get("beijing-tiaoli").article(3)
    assert "依法履行辖区公共服务、城市管理" in a.text
    assert "\n" in a.original


def test_run_together_articles_are_split(corpus):
    """Two articles on one source line become two articles, each with its own exact span."""
    doc = corpus.get("beijing-tiaoli")
    a48, a49 = doc.article(48), doc.article(49)
    assert a48.text.endswith("适用于村民委员会和村民。")
    assert a49.original.startswith("第四十九条 乡镇人民政府")
    assert a48.end <= a49.start


def test_every_article_keeps_its_source_span(corpus):
    """For every article, the source text at its offsets is its original text, label first."""
    for doc in corpus.documents:
        for a in doc.articles:
            assert doc.source(a.start, a.end) == a.original
            assert a.original.lstrip().startswith("第")


def test_suzhou_headings(corpus):
    """Every 苏州 article has its 【heading】, without brackets, and the body does not repeat it."""
    doc = corpus.get("suzhou")
    assert all(a.heading for a in doc.articles)
    assert doc.article(1).heading == "立法目的"
    assert not doc.article(1).text.startswith("【")


def test_chapter_and_section_titles(corpus):
    """Articles know their chapter and section; titles lose the spaces of the source (总  则)."""
    cc = corpus.get("changchun")
    assert [c.title for c in cc.chapters][:2] == ["总则", "机构职责"]
    assert cc.article(1).chapter_title == "总则"
    zz = corpus.get("beijing-zhize")
    assert [s.title for s in zz.sections] == [
        "党群工作",
        "平安建设",
        "城市管理",
        "社区建设",
        "民生保障",
        "综合保障",
    ]
    assert zz.article(101).section_title == "综合保障" and zz.article(101).chapter_no == 3
    assert zz.article(103).section_title is None


def test_notices_are_metadata_not_articles(corpus):
    """Promulgation notices and the 印发通知 are kept as document notices, never as articles."""
    bt, bz = corpus.get("beijing-tiaoli"), corpus.get("beijing-zhize")
    assert any("现予公布" in n for n in bt.notices)
    assert any("印发给你们" in n for n in bz.notices)
    assert not any("印发" in a.text for a in bt.articles[-3:])
    assert "重新编辑" not in bz.articles[-1].text


METADATA = [
    # id, city, province, kind, status, adopted, approved, revised, promulgated, effective
    (
        "changchun",
        "长春",
        "吉林",
        "条例",
        "in_force",
        "2022-10-27",
        "2022-11-30",
        None,
        None,
        "2023-01-01",
    ),
    (
        "hohhot",
        "呼和浩特",
        "内蒙古",
        "条例",
        "in_force",
        "2002-11-01",
        "2023-06-01",
        "2023-04-27",
        None,
        None,
    ),
    (
        "beijing-tiaoli",
        "北京",
        "北京",
        "条例",
        "in_force",
        "2019-11-27",
        None,
        None,
        "2019-11-27",
        "2020-01-01",
    ),
    (
        "beijing-zhize",
        "北京",
        "北京",
        "职责规定",
        "in_force",
        None,
        "2020-09-22",
        None,
        "2020-11-07",
        "2021-01-01",
    ),
    ("suzhou", "苏州", "江苏", "规定", "draft", None, None, None, None, None),
    (
        "tonghua",
        "通化",
        "吉林",
        "条例",
        "in_force",
        "2023-04-26",
        "2023-05-30",
        None,
        "2023-06-02",
        "2023-07-01",
    ),
]


@pytest.mark.parametrize(
    "doc_id,city,province,kind,status,adopted,approved,revised,promulgated,effective", METADATA
)
def test_metadata(
    corpus, doc_id, city, province, kind, status, adopted, approved, revised, promulgated, effective
):
    """City, province, kind, status and the dates are read from the text (a blank date stays null)."""
    d = corpus.get(doc_id)
    got = (
        d.city,
        d.province,
        d.kind,
        d.status,
        d.adopted,
        d.approved,
        d.revised,
        d.promulgated,
        d.effective,
    )
    assert got == (city, province, kind, status, adopted, approved, revised, promulgated, effective)


def test_ids_are_ascii_and_unique(corpus):
    """Document ids are stable ASCII slugs, unique in the corpus."""
    ids = [d.id for d in corpus.documents]
    assert len(set(ids)) == len(ids)
    assert all(i.isascii() and i == i.lower() for i in ids)


def test_traditional_source_is_normalized(corpus):
    """通化 is traditional in the source; its normalized text is simplified, with 网格 for 格線."""
    d = corpus.get("tonghua")
    assert d.script == "traditional"
    a = d.article(13)
    assert "网格化" in a.text and "格线" not in a.text and "格線" not in a.text
    assert "格線" in a.original
    import opencc

    t2s = opencc.OpenCC("t2s")
    for doc in corpus.documents:
        for art in doc.articles:
            assert t2s.convert(art.text) == art.text, (doc.id, art.no)


def test_references_are_not_labels():
    """依照本条例第八条第二款, 依据《…条例》第四十四条 inside a text do not open articles."""
    text = (
        "第一条 违反本条例第八条第二款规定的，由有关部门责令改正。\n"
        "第二条 依据《通化市城乡规划管理条例》第四十四条处理；第十二条至第十五条另有规定的除外。\n"
    )
    (doc,) = parse_text(text)
    assert [a.no for a in doc.articles] == [1, 2]


def test_numbering_problems_are_warnings_not_renumbered():
    """Gaps, repeats and out-of-order numbers are kept as parsed and reported."""
    text = "第一条 甲。\n第二条 乙。\n第五条 丙。\n第五条 丁。\n第三条 戊。\n"
    (doc,) = parse_text(text)
    assert [a.no for a in doc.articles] == [1, 2, 5, 5, 3]
    numbering = [w for w in doc.warnings if "article" in w]
    assert len(numbering) == 3
    assert "第二条" in numbering[0] and "第五条" in numbering[0]


def test_no_articles_is_an_error():
    """A text without any article label is refused with a clear message."""
    with pytest.raises(ParseError, match="no articles"):
        parse_text("这是一段普通的文字，没有条文。")


def test_a_text_without_articles_can_be_read_as_paragraphs():
    """require_articles=False: a 决定 without 第…条 is one document of paragraphs (items under
    their paragraph, the preamble a notice); a blank text or a lone title is still an error, and
    a text with articles is read exactly as before."""
    text = (
        "某市人民代表大会常务委员会关于加强某事管理的决定\n"
        "（2024年1月5日某市第一届人民代表大会常务委员会第二次会议通过）\n"
        "为了加强管理，作如下决定：\n"
        "一、市人民政府负责。\n二、禁止下列行为：\n（一）甲；\n（二）乙。\n"
        "三、本决定自2024年3月1日起施行。\n"
    )
    (doc,) = parse_text(text, require_articles=False)
    assert doc.articles == () and [p.text[:2] for p in doc.paragraphs] == ["一、", "二、", "三、"]
    assert [len(p.items) for p in doc.paragraphs] == [0, 2, 0]
    assert (doc.kind, doc.adopted, doc.effective) == ("决定", "2024-01-05", "2024-03-01")
    assert doc.notices == ("为了加强管理，作如下决定：",)
    assert any("no article labels" in w for w in doc.warnings)
    for bad in ("", "  \n\n", "某市社区服务条例\n"):
        with pytest.raises(ParseError, match="no articles"):
            parse_text(bad, require_articles=False)
    law = "某市社区服务条例\n第一条 为了规范，制定本条例。\n第二条 本条例自公布之日起施行。"
    assert parse_text(law, require_articles=False) == parse_text(law)
    assert parse_text(law)[0].paragraphs == ()


# a code with 编, a 分编, a 第一章 in each 编 and a bare 附则 (hand-written; counts in the tests)
CODE = (Path(__file__).parent / "fixtures" / "code_with_parts.txt").read_text("utf-8")


def test_a_code_keeps_its_parts_and_chapter_numbers_start_again_in_each():
    """第一编, 第二编 are parts (编): each chapter, section and article knows its part, so the
    two 第一章 are told apart; a 分编 is no part (its chapters stay in their 编, numbered on),
    and the articles after a bare 附则 are in none."""
    (doc,) = parse_text(CODE)
    assert [(p.no, p.label, p.title) for p in doc.parts] == [
        (1, "第一编", "总则"),
        (2, "第二编", "物权"),
    ]
    assert [(c.part_no, c.no, c.title) for c in doc.chapters] == [
        (1, 1, "基本规定"),
        (1, 2, "自然人"),
        (2, 1, "一般规定"),
        (2, 2, "一般规定"),
    ]
    assert [(s.part_no, s.chapter_no, s.title) for s in doc.sections] == [
        (1, 2, "能力"),
        (2, 2, "登记"),
    ]
    assert [(a.part_no, a.part_title, a.chapter_no) for a in doc.articles] == [
        (1, "总则", 1),
        (1, "总则", 2),
        (2, "物权", 1),
        (2, "物权", 2),
        (None, None, None),
    ]
    law = parse_text("某市社区服务条例\n第一章 总则\n第一条 甲。\n第二条 乙。")[0]
    assert law.parts == () and law.articles[0].part_no is None


def test_a_repeal_clause_after_the_last_article_is_its_last_paragraph():
    """1994年…通过的《…》同时废止。 opens with a date and names a meeting like a 题注, but it is the
    last 款 of the final article, not text after the law; a 题注 that names a 《关于废止和修改…的
    决定》 is still a 题注 (its dates are read)."""
    (doc,) = parse_text(
        "某市养犬管理规定\n"
        "（2003年9月5日某市第十二届人民代表大会常务委员会第六次会议通过　根据2010年12月23日某市"
        "第十三届人民代表大会常务委员会第二十二次会议《关于废止和修改部分地方性法规的决定》修正）\n"
        "第一条 为了加强养犬管理，制定本规定。\n"
        "第二条 本规定自2003年10月15日起施行。\n\n"
        "1994年11月30日某市第十届人民代表大会常务委员会第十四次会议通过的《某市严格限制养犬规定》同时废止。\n"
    )
    last = doc.articles[-1]
    assert [p.text[:9] for p in last.paragraphs] == ["本规定自2003年", "1994年11月3"]
    assert not any("ignored" in w for w in doc.warnings)
    assert (doc.adopted, doc.effective) == ("2003-09-05", "2003-10-15")
    assert [(e.date, e.kind) for e in doc.events] == [
        ("2003-09-05", "adopted"),
        ("2010-12-23", "amended"),
    ]


def test_an_annex_after_a_bare_fu_colon_is_kept_beside_the_law():
    """附：⏎国旗制法说明 after the last article opens an annex (as 附件 does): it is kept among the
    annexes, not glued to the last article as two more 款 and then cut off with a warning."""
    (doc,) = parse_text(
        "中华人民共和国国旗法\n第一条 为了维护国旗的尊严，制定本法。\n"
        "第二条 本法自1990年10月1日起施行。\n附：\n国旗制法说明\n"
        "（1949年9月28日中国人民政治协商会议第一届全体会议主席团公布）\n"
        "国旗的形状、颜色两面相同。\n（一）旗面为红色，长方形。\n"
    )
    assert [p.text for p in doc.articles[-1].paragraphs] == ["本法自1990年10月1日起施行。"]
    assert len(doc.annexes) == 1 and doc.annexes[0].startswith("附：\n国旗制法说明")
    assert "旗面为红色" in doc.annexes[0] and doc.warnings == ()
    assert not any("国旗制法说明" in n for n in doc.notices), "an annex is no header notice"


def test_a_document_of_paragraphs_lists_them_as_units():
    """Document.units: the articles of a law; of an instrument without articles, each paragraph
    as an Article labelled 第N段 with its chapter, items one per line and its source span."""
    text = (
        "某市关于某事的决定\n第一章 总则\n一、市人民政府负责。\n二、禁止下列行为：\n（一）甲；\n"
        "（二）乙。\n第二章 附则\n三、本决定自公布之日起施行。\n"
    )
    (doc,) = parse_text(text, require_articles=False)
    units = doc.units
    assert [(u.no, u.label, u.chapter_title) for u in units] == [
        (1, "第1段", "总则"),
        (2, "第2段", "总则"),
        (3, "第3段", "附则"),
    ]
    assert units[1].text == "二、禁止下列行为：\n（一）甲；\n（二）乙。"
    assert all(doc.source_text[u.start : u.end] == u.original for u in units)
    assert all(u.doc_id == doc.id and u.key == f"{doc.id}:{u.no}" for u in units)
    law = parse_text(
        "某市社区服务条例\n第一条 为了规范，制定本条例。\n第二条 本条例自公布之日起施行。"
    )[0]
    assert law.units == law.articles


def test_a_quoted_provision_of_several_paragraphs_stays_one_paragraph():
    """An amendment without numbers quotes a new article of several 款, each opening with “ and
    only the last closing: that is one paragraph of the amendment, a line per quoted 款; the
    next amendment starts a new one."""
    text = (
        "中华人民共和国某法修正案（十一）\n"
        "将第十七条修改为：“已满十六周岁的人犯罪，应当负刑事责任。\n"
        "“已满十四周岁不满十六周岁的人，犯故意杀人罪的，应当负刑事责任。\n"
        "“因不满十六周岁不予刑事处罚的，责令其父母加以管教。”\n"
        "将第二十条修改为：“为了使国家利益免受正在进行的不法侵害，不负刑事责任。”\n"
        "本修正案自2021年3月1日起施行。\n"
    )
    (doc,) = parse_text(text, require_articles=False)
    assert [p.text.count("\n") for p in doc.paragraphs] == [2, 0, 0]
    assert doc.paragraphs[0].text.endswith("加以管教。”")
    assert doc.paragraphs[1].text.startswith("将第二十条")


@pytest.mark.parametrize(
    "numeral,value",
    [
        ("一", 1),
        ("十", 10),
        ("十二", 12),
        ("一百零五", 105),
        ("一百", 100),
        ("12", 12),
        ("１２", 12),
        ("二十", 20),
    ],
)
def test_to_int(numeral, value):
    """Article numerals, Chinese or Arabic (also full-width), become integers."""
    assert to_int(numeral) == value


@pytest.mark.parametrize(
    "text",
    [
        "<html><head><script>var a=1;</script></head><body><p>某某市社区服务条例</p>"
        "<p>第一条&nbsp;为了规范社区服务，制定本条例。</p><p>第二条 本条例适用于本市。<br>"
        "第三条 本条例自2024年1月1日起施行。</p></body></html>",
        "某某市社区服务条例\n第一条&nbsp;为了规范社区服务，制定本条例。\n第二条 本条例适用于本市。\n"
        "第三条 本条例自2024年1月1日起施行。",
    ],
)
def test_html_pages_and_entities(text):
    """Text copied from a web page (tags, &nbsp;) parses like plain text; scripts are dropped."""
    (doc,) = parse_text(text)
    assert doc.title == "某某市社区服务条例"
    assert [a.no for a in doc.articles] == [1, 2, 3]
    assert doc.articles[0].text == "为了规范社区服务，制定本条例。"
    assert doc.effective == "2024-01-01"
    assert all(doc.source(a.start, a.end) == a.original for a in doc.articles)


def test_a_space_after_the_label_settles_it():
    """第二条 中国共产党… and 第三条　以人民为中心… are labels; 第四条中规定 inside a text is not."""
    text = (
        "第一条 为了规范。\n第二条 中国共产党的领导是根本。\n第三条　以人民为中心。\n"
        "第四条依照本条例第三条中规定的程序执行。\n"
    )
    (doc,) = parse_text(text)
    assert [a.no for a in doc.articles] == [1, 2, 3, 4]
    assert doc.article(2).text == "中国共产党的领导是根本。"


@pytest.mark.parametrize(
    "make,reason",
    [
        (lambda d: d / "missing.txt", "no such file"),
        (lambda d: d, "is a directory"),
        (lambda d: _write(d / "bin.txt", b"\x00\x01\x02binary"), "binary file"),
    ],
)
def test_unreadable_files_are_source_errors_naming_the_file(tmp_path, make, reason):
    """A file that cannot be read as a text is a SourceError (a ParseError) whose message names it."""
    from jdcorpus.errors import SourceError
    from jdcorpus.parse import parse_file

    path = make(tmp_path)
    with pytest.raises(SourceError, match=reason) as err:
        parse_file(path)
    assert str(path) in str(err.value)
    assert isinstance(err.value, ParseError)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


# -- rules that a mutation check found untested (scripts/mutation_check.py) ----------------------

_RULES = """某市社区网格管理办法

第一条　为了规范社区网格管理，制定本办法。
第二条　申请人应当提交下列材料：
1.申请书；
2.身份证明。
（一）材料不全的，不予受理；
（二）逾期申请的，不予受理。
第三条　（一）网格员应当熟悉社区情况；
（二）网格员应当及时上报问题。
第四条　网格员发现的问题，能够自行处理的应当及时处理，不能自行处理的，应当及时
— 2 —
上报街道办事处，由街道办事处协调有关部门依法处理。
"""


def _rules_article(no: int):
    (doc,) = parse_text(_RULES)
    return next(a for a in doc.articles if a.no == no)


def test_items_of_two_styles_are_two_enumerations():
    """1. 2. items followed at once by （一）（二） items are two lists, two 款, each numbered
    from 1 (read by hand: the second list is not a continuation of the first)."""
    a = _rules_article(2)
    assert [[it.no for it in p.items] for p in a.paragraphs] == [[1, 2], [1, 2]]
    assert [it.label for it in a.paragraphs[1].items] == ["（一）", "（二）"]


def test_an_item_right_after_the_label_is_no_heading():
    """第三条　（一）… opens with an item, not with a （heading）."""
    a = _rules_article(3)
    assert a.heading is None
    assert [it.label for it in a.items] == ["（一）", "（二）"]
    assert a.text.startswith("（一）网格员应当熟悉社区情况")


def test_a_page_break_inside_the_last_article_keeps_its_end():
    """A page number inside the last article's unfinished sentence is page furniture: the article
    goes on after it, and the page number is in no text."""
    a = _rules_article(4)
    assert a.text.endswith(
        "不能自行处理的，应当及时上报街道办事处，由街道办事处协调有关部门依法处理。"
    )
    assert "— 2 —" not in a.text and "2" not in a.text


def test_a_preamble_listed_in_the_table_of_contents_is_kept_once():
    """目录 ⏎ 序言 ⏎ 第一章 … ⏎ 序言 ⏎ text: the 目录's 序言 entry is no line of the preamble, which
    opens with its own heading once (it was 序言⏎序言⏎…)."""
    (doc,) = parse_text(
        "某自治县自治条例\n目录\n序　　言\n第一章　总则\n第二章　附则\n序　　言\n"
        "某自治县是实行区域自治的地方。\n第一章　总则\n第一条 为了保障自治权，制定本条例。\n"
        "第二章　附则\n第二条 本条例自公布之日起施行。\n"
    )
    assert doc.notices == ("序言\n某自治县是实行区域自治的地方。",)
    assert [c.title for c in doc.chapters] == ["总则", "附则"]


def test_a_hard_wrapped_preamble_is_joined_like_an_article():
    """A 序言 hard-wrapped at a fixed width (a PDF's text) keeps its paragraphs, not its lines:
    a long line that ends mid-sentence goes on in the next one, as inside an article."""
    (doc,) = parse_text(
        "中华人民共和国宪法\n序言\n中国是世界上历史最悠久的国家之一。中国各族人民共同创造了光辉灿烂的\n"
        "文化，具有光荣的革命传统。\n二十世纪，中国发生了翻天覆地的伟大历史变革。\n"
        "第一章 总纲\n第一条 中华人民共和国是社会主义国家。\n"
    )
    assert doc.notices == (
        "序言\n中国是世界上历史最悠久的国家之一。中国各族人民共同创造了光辉灿烂的文化，具有光荣的革命传统。"
        "\n二十世纪，中国发生了翻天覆地的伟大历史变革。",
    )


def test_a_long_chapter_title_wrapped_after_a_blank_line_is_joined():
    """### 第四章 犯罪嫌疑人、被告人逃匿、死亡案件 ⏎⏎ 违法所得的没收程序 ⏎⏎ 第X条: a long title
    wrapped with a blank line between is one title (the second line was ignored with a warning);
    a short title's next line, or a line where the chapter's 第一节 should be, stays apart."""
    head = "某某管理条例\n第一章 总则\n第一条 为了规范，制定本条例。\n"
    (doc,) = parse_text(
        head + "第二章 犯罪嫌疑人、被告人逃匿、死亡案件\n\n违法所得的没收程序\n\n"
        "第二条 人民检察院可以提出申请。\n"
    )
    assert doc.chapters[1].title == "犯罪嫌疑人、被告人逃匿、死亡案件违法所得的没收程序"
    assert doc.warnings == (), doc.warnings
    (doc,) = parse_text(head + "第二章 业主自治管理\n\n业主\n\n第二条 房屋的所有权人为业主。\n")
    assert doc.chapters[1].title == "业主自治管理"  # a short title: 业主 heads its articles
    (doc,) = parse_text(
        head + "第二章 固体废物污染环境的防治\n\n一般规定\n\n第二条 产生固体废物的单位应当防治。\n"
        "第二节 工业固体废物\n第三条 企业应当减少工业固体废物。\n"
    )
    assert doc.chapters[1].title == "固体废物污染环境的防治"  # 一般规定 lost its 第一节 label
    (doc,) = parse_text(
        head + "第二章 市人民代表大会及其常务委员会\n\n制定地方性法规程序\n\n"
        "第一节 市人民代表大会\n第二条 议案由主席团提出。\n"
    )
    assert doc.chapters[1].title == "市人民代表大会及其常务委员会制定地方性法规程序"
    assert [s.title for s in doc.sections] == ["市人民代表大会"]


def test_a_dated_note_after_a_space_stays_with_its_paragraph():
    """…指令性计划。 (2011年1月8日删除): a space between a 款 and its dated note in brackets is no
    new 款 (the note was a paragraph of its own); any other text after 。 and a space still is."""
    (doc,) = parse_text(
        "某条例\n第一条 企业享有生产经营决策权。\n\n"
        "企业有权不执行任何部门下达的指令性计划。 (2011年1月8日删除)\n\n第二条 甲。 乙。\n"
    )
    assert [p.text for p in doc.articles[0].paragraphs] == [
        "企业享有生产经营决策权。",
        "企业有权不执行任何部门下达的指令性计划。（2011年1月8日删除）",
    ]
    assert [p.text for p in doc.articles[1].paragraphs] == ["甲。", "乙。"]


def test_a_section_heading_with_a_stray_full_stop_is_a_heading():
    """### 第五节 生活、卫生。 (监狱法 in LawRefBook): a short title set apart from its label may end
    in a stray full stop; it was read as text, its articles counted in the 第四节 before it."""
    (doc,) = parse_text(
        "中华人民共和国监狱法\n第一章 狱政管理\n第一节 警戒\n第一条 监狱实行警戒。\n"
        "第二节 生活、卫生。\n第二条 罪犯的生活标准按实物量计算。\n"
    )
    assert [(s.label, s.title) for s in doc.sections] == [
        ("第一节", "警戒"),
        ("第二节", "生活、卫生"),
    ]
    assert [a.section_no for a in doc.articles] == [1, 2]


def test_formula_lines_are_lines_of_the_paragraph_that_introduces_them():
    """应纳税额＝销售额×比例税率 lines (消费税暂行条例) end without punctuation, as a line broken
    mid-sentence does: they were glued to each other and to the sentence after them. Each is a
    line of its own in the 款 whose lead introduces it (应纳税额计算公式：), as items are; the
    sentence after them is the next 款, and a formula after a full stop opens one."""
    (doc,) = parse_text(
        "中华人民共和国消费税暂行条例\n第一条 应纳税额计算公式：\n\n"
        "实行从价定率办法计算的应纳税额＝销售额×比例税率\n\n"
        "实行从量定额办法计算的应纳税额＝销售数量×定额税率\n\n"
        "纳税人销售的应税消费品，以人民币计算销售额。\n"
        "第二条 组成计税价格按照下列公式计算。\n组成计税价格＝（成本＋利润）÷（1－比例税率）\n"
    )
    assert [p.text for p in doc.articles[0].paragraphs] == [
        "应纳税额计算公式：\n实行从价定率办法计算的应纳税额＝销售额×比例税率\n"
        "实行从量定额办法计算的应纳税额＝销售数量×定额税率",
        "纳税人销售的应税消费品，以人民币计算销售额。",
    ]
    assert [p.text for p in doc.articles[1].paragraphs] == [
        "组成计税价格按照下列公式计算。",
        "组成计税价格＝（成本＋利润）÷（1－比例税率）",
    ]


def test_an_effective_date_written_with_shishi():
    """本规范自2009年1月1日起实施 (rules, 规范) and a LawRefBook header line 1999年12月20日 实施 (the
    Basic Law of Macao) give the date the text takes effect, as 施行 does; 17 documents of the
    collection and the national samples had none."""
    (doc,) = parse_text(
        "某市某某规范\n第一条 为了规范，制定本规范。\n第二条 本规范自2009年1月1日起实施。\n"
    )
    assert doc.effective == "2009-01-01"
    (doc,) = parse_text(
        "# 中华人民共和国澳门特别行政区基本法\n\n1993年3月31日 第八届全国人民代表大会第一次会议通过\n\n"
        "1999年12月20日 实施\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
        "第一条 澳门特别行政区是中华人民共和国不可分离的部分。\n"
    )
    assert (doc.adopted, doc.effective) == ("1993-03-31", "1999-12-20")
    (doc,) = parse_text(
        "某市某某条例\n第一条 本市制定实施细则。\n第二条 自2009年1月1日起实施细则。\n"
    )
    assert doc.effective is None  # 实施细则 is a kind of instrument, not 施行


def test_a_document_of_paragraphs_starts_after_its_header_lines():
    """Without articles the body starts after the header a collection writes (its date lines,
    <!-- INFO END -->) and after a 文号 and an addressee: 2001年7月5日 施行 was glued to the first
    paragraph, 高检发释字〔2001〕3号 was one."""
    (doc,) = parse_text(
        "# 最高人民法院关于某类案件适用法律问题的解释\n\n"
        "2001年6月21日 最高人民法院审判委员会第1181次会议通过\n\n"
        "2001年7月3日 最高人民法院公告公布\n\n2001年7月5日 施行\n\n<!-- INFO END -->\n\n"
        "法释〔2001〕22号\n\n各高级人民法院：\n\n"
        "为依法惩处某类犯罪活动，现就有关问题解释如下：\n\n"
        "对于某类行为，应当依照刑法第二百八十条的规定定罪处罚。\n",
        require_articles=False,
    )
    assert [p.text[:6] for p in doc.paragraphs] == ["为依法惩处某", "对于某类行为"]
    assert (doc.adopted, doc.promulgated, doc.effective) == (
        "2001-06-21",
        "2001-07-03",
        "2001-07-05",
    )


def test_a_document_of_paragraphs_whose_first_numbers_were_lost_starts_at_its_text():
    """三、 as the first numbered paragraph (the source lost 一、 and 二、): the text before it is
    the body's, not a notice."""
    (doc,) = parse_text(
        "某某关于某事的通知\n各区人民政府：\n根据有关规定，现通知如下：\n"
        "如果甲，依法处理。\n如果乙，依法处理。\n三、本通知自发布之日起执行。\n",
        require_articles=False,
    )
    assert (doc.title, doc.notices) == ("某某关于某事的通知", ("各区人民政府：",))
    assert doc.paragraphs[0].text.startswith("根据有关规定")
    assert doc.paragraphs[-1].text == "三、本通知自发布之日起执行。"


def test_another_instruments_date_in_the_body_is_no_event():
    """2000年3月17日劳动保障部发布的《…》同时废止 names the repealed instrument's date: it is not
    this one's promulgation, in the body of a document of paragraphs or in a notice."""
    (doc,) = parse_text(
        "关于某事问题的通知\n劳社部发[2008]3号\n各省人民政府：\n现将有关问题通知如下：\n"
        "一、甲。\n二、2000年3月17日劳动保障部发布的《关于某事问题的通知》同时废止。\n",
        require_articles=False,
    )
    assert doc.events == () and doc.promulgated is None
    (doc,) = parse_text(
        "某市某某办法\n某市人民政府于2010年5月1日发布的《某市某某暂行办法》同时废止。\n"
        "第一条 为了规范，制定本办法。\n"
    )
    assert doc.promulgated is None


def test_markdown_headings_and_formulas_keep_their_lines_in_a_document_of_paragraphs():
    """## 一、制度工作时间的计算 is a heading on a line of its own, not the start of a sentence
    broken over two lines; a formula line (÷ or ＝) goes on in no line; ## 三 alone opens a
    paragraph."""
    (doc,) = parse_text(
        "# 关于某事的通知\n\n<!-- INFO END -->\n\n各省人民政府：\n\n现调整如下：\n\n"
        "## 一、制度工作时间的计算\n\n年工作日：365天-104天-11天＝250天\n\n"
        "月工作日：250天÷12月＝20.83天/月\n\n## 二、日工资的折算\n\n日工资：月工资收入÷月计薪天数\n\n"
        "小时工资：月工资收入÷（月计薪天数×8小时）。\n\n## 三\n\n原通知同时废止。\n",
        require_articles=False,
    )
    assert [p.text for p in doc.paragraphs] == [
        "一、制度工作时间的计算\n年工作日：365天-104天-11天＝250天\n月工作日：250天÷12月＝20.83天/月",
        "二、日工资的折算\n日工资：月工资收入÷月计薪天数\n小时工资：月工资收入÷（月计薪天数×8小时）。",
        "三\n原通知同时废止。",
    ]


def test_a_resolution_opening_with_its_meeting_keeps_that_text_after_a_bare_tizhu():
    """A 决议 whose first sentence opens with the meeting, broken over lines (…会议听 ⏎ 取和审议了…
    ⏎ 宪法和法律规定…决议：), after a 题注 line without brackets: the text is its notice, not
    part of the 题注 (it was lost with it); a 题注 line without a date (…会议批准) stays in the
    题注, and the title broken over two lines is no notice."""
    (doc,) = parse_text(
        "# 某省人民代表大会常务委员会关于加强某项工作的决议\n\n"
        "2019年9月27日 某省第十三届人民代表大会常务委员会第十四次会议通过\n\n<!-- INFO END -->\n\n"
        "某省第十三届人民代表大会常务委员会第十四次会议听\n\n取和审议了省人民政府的报告。为了加强工作，根据\n\n"
        "宪法和法律规定，特作如下决议：\n\n一、各级人民政府要加强某项工作。\n\n二、本决议自通过之日起施行。\n",
        require_articles=False,
        fallback_title="某省人民代表大会常务委员会关于加强某项工作的决议",  # as parse_file gives it
    )
    assert doc.notices == (
        "某省第十三届人民代表大会常务委员会第十四次会议听取和审议了省人民政府的报告。为了加强工作，根据"
        "宪法和法律规定，特作如下决议：",
    )
    assert doc.adopted == "2019-09-27" and len(doc.paragraphs) == 2
    (doc,) = parse_text(
        "# 某市城市绿化条例\n\n1991年10月26日 某市第九届人民代表大会常务委员会第二十六次会议通过\n\n"
        "某省第七届人民代表大会常务委员会第二十六次会议批准\n\n<!-- INFO END -->\n\n"
        "某市城市\n\n绿化条例\n\n总则\n\n第一条 为了规范，制定本条例。\n"
    )
    assert doc.notices == () and doc.adopted == "1991-10-26"


def test_a_notice_or_reply_that_is_the_instrument_has_its_kind():
    """关于…的通知 / 的答复 heading a text of paragraphs is its title (it had none) and gives its
    kind, which its id names; a title of another kind keeps its own."""
    text = (
        "关于职工工资折算问题的通知\n各省人民政府：\n现将有关问题通知如下：\n一、甲。\n二、乙。\n"
    )
    (doc,) = parse_text(text, require_articles=False)
    assert (doc.kind, doc.id.endswith("-tongzhi")) == ("通知", True)
    (doc,) = parse_text(
        "最高人民法院关于某问题的答复\n某省高级人民法院：\n一、甲。\n", require_articles=False
    )
    assert doc.kind == "答复"
    (doc,) = parse_text("某市社区服务条例\n第一条 为了规范，制定本条例。\n")
    assert doc.kind == "条例"


def test_items_with_a_heading_line_of_their_own_keep_it():
    """（一）配制记录 ⏎ 配制记录应包括：… — items written as a heading line, then their text: the
    heading is a line of the item, not glued to the sentence after it. It is a style (at least
    two items so written): one short item line before a long one is a broken line, joined."""
    body = (
        "第五十条 制剂配制管理文件主要有：\n\n（一）配制规程和标准操作规程\n\n"
        "配制规程包括：制剂名称、剂型、处方、配制工艺的操作要求等。\n\n（二）配制记录\n\n"
        "配制记录应包括：编号、制剂名称、配制日期、制剂批号和操作者的签名等。\n"
    )
    (doc,) = parse_text("某某质量管理规范\n\n" + body)
    items = doc.articles[0].paragraphs[0].items
    assert [it.text for it in items] == [
        "配制规程和标准操作规程\n配制规程包括：制剂名称、剂型、处方、配制工艺的操作要求等。",
        "配制记录\n配制记录应包括：编号、制剂名称、配制日期、制剂批号和操作者的签名等。",
    ]
    (doc,) = parse_text(
        "某某管理办法\n\n第五条 街道办事处履行下列职责：\n\n（一）组织实施\n\n"
        "本辖区内的社区建设规划和公共服务设施建设工作；\n\n（二）指导居民委员会的工作。\n"
    )
    first = doc.articles[0].paragraphs[0].items[0].text
    assert first == "组织实施本辖区内的社区建设规划和公共服务设施建设工作；"


def test_the_closing_under_the_text_dates_it_and_is_no_stray_text():
    """某市人民政府 ⏎ 2019年3月5日 under the last article (the 落款 of a copy of a 规章 or a
    notice): the signing organ and the date, a promulgation event — not "text after the last
    article ignored"; a line of other text there still warns, and a stated promulgation wins."""
    law = "某市某某管理办法\n第一条 为了规范，制定本办法。\n第二条 本办法自2019年4月1日起施行。\n\n"
    (doc,) = parse_text(law + "　　　　某市人民政府\n　　　　2019年3月5日\n")
    assert (doc.promulgated, doc.effective, doc.warnings) == ("2019-03-05", "2019-04-01", ())
    assert doc.events[0].body == "某市人民政府"
    (doc,) = parse_text(law + "条例解读\n2019年3月5日\n")
    assert doc.promulgated is None and doc.warnings
    (doc,) = parse_text(
        "某市某某管理办法\n（2019年3月1日某市人民政府令第5号公布）\n"
        + law.split("\n", 1)[1]
        + "某市人民政府\n2019年3月5日\n"
    )
    assert doc.promulgated == "2019-03-01"


def _pdf_copy(paragraphs: list[str], width: int) -> str:
    """Each 款 set in with two ideographic spaces and broken every ``width`` characters, the
    rest of it from the margin (a PDF's text); closing punctuation never starts a line."""
    out = []
    for p in paragraphs:
        line, rest = "\u3000\u3000", p
        while rest:
            take = width - len(line)
            piece, rest = rest[:take], rest[take:]
            while rest[:1] and rest[0] in "。，；：、）”":
                piece, rest = piece + rest[0], rest[1:]
            out.append(line + piece)
            line = ""
    return "\n".join(out)


def test_a_pdf_copy_tells_its_kuan_by_their_indent_not_by_a_full_stop_at_the_margin():
    """In a copy broken at a fixed width whose 款 start set in, a line at the margin under a
    full line goes on that 款 even when the line above ends with 。 (…制作调解书。⏎当事人…); a
    line set in starts one. A copy with lines of many lengths (a web page's stray breaks) or
    with every line set in alike has no such style, and a line under a sentence end is a 款."""
    kuan = [
        "第一条 为了规范某某工作，保障当事人的合法权益，根据有关法律、法规，结合本市实际，制定本办法。",
        "第二条 市知识产权局处理专利侵权纠纷时，可以根据双方当事人的意愿先行调解。调解达成协议的，"
        "市知识产权局应当制作调解书。当事人不愿调解或者调解不成的，市知识产权局认定侵权行为成立，应当作出处理决定。",
        "当事人对处理决定不服的，可以依法申请行政复议或者提起行政诉讼。",
        "第三条 本市各级人民政府应当加强对某某工作的领导，将所需经费列入本级财政预算，并予以保障。",
        "有关部门应当按照各自职责做好相关工作。",
        "第四条 本办法自2020年1月1日起施行。",
    ]
    text = "某市专利纠纷处理办法\n\n" + _pdf_copy(kuan, 30)
    assert "调解书。\n" in text  # a line ends with 。 at the margin, and the 款 goes on
    (doc,) = parse_text(text)
    assert [len(a.paragraphs) for a in doc.articles] == [1, 2, 2, 1]
    assert doc.articles[1].paragraphs[0].text.endswith("应当作出处理决定。")
    # every line set in by two more (a Word copy indents all): the same 款
    (doc,) = parse_text(
        "某市专利纠纷处理办法\n\n"
        + "\n".join("\u3000\u3000" + ln for ln in _pdf_copy(kuan, 30).split("\n"))
    )
    assert [len(a.paragraphs) for a in doc.articles] == [1, 2, 2, 1]
    # the same lines, all at the margin: nothing tells the 款 apart, a full stop ends one
    (doc,) = parse_text(text.replace("\u3000", ""))
    assert [len(a.paragraphs) for a in doc.articles][1] == 3


def test_a_wrapped_line_without_cjk_and_a_wrapped_repeal_are_text():
    """65％。 alone on a line (the end of a wrapped sentence) is text, not page furniture; a
    repeal after the 施行 clause broken after 通过的《北京 is the last 款, not a 题注."""
    (doc,) = parse_text(
        "某市公园条例\n\n第一条 公园的绿化用地比例应当不少于陆地面积的\n65％。\n"
        "第二条 本条例自2003年10月15日起施行。\n"
        "1994年11月30日北京市第十届人民代表大会常务委员会第十四次会议通过的《北京\n"
        "市严格限制养犬规定》同时废止。\n"
    )
    assert doc.articles[0].text == "公园的绿化用地比例应当不少于陆地面积的65％。"
    assert [p.text for p in doc.articles[1].paragraphs][1].endswith(
        "《北京市严格限制养犬规定》同时废止。"
    )
    assert not doc.warnings


def test_an_item_whose_text_opens_with_a_number_is_an_item():
    """一、七十五周岁以上的老年人； is an item; 一、二级 (one numeral after 、) is not."""
    (doc,) = parse_text(
        "某市老年人优待办法\n第一条 下列老年人享受免费乘车优待：\n一、七十五周岁以上的老年人；\n"
        "二、六十周岁以上的残疾老年人；\n三、其他符合条件的老年人。\n第二条 本办法自公布之日起施行。\n"
    )
    (para,) = doc.articles[0].paragraphs
    assert [it.no for it in para.items] == [1, 2, 3]
    assert para.items[0].text == "七十五周岁以上的老年人；"


def test_a_file_without_articles_named_by_its_markup_is_one_document_of_paragraphs():
    """A standard with Markdown sections and no 第…条 (# 人体损伤程度鉴定标准): its markup names
    it, so it is read as paragraphs instead of failing for want of a title the parser knows."""
    text = "# 某某损伤程度鉴定标准\n\n<!-- INFO END -->\n\n## 范围\n\n本标准规定了鉴定的原则。\n\n本标准适用于刑事案件。\n"
    (doc,) = parse_text(text, require_articles=False, fallback_title="某某损伤程度鉴定标准")
    assert doc.title == "某某损伤程度鉴定标准" and len(doc.paragraphs) >= 2
    with pytest.raises(ParseError):
        parse_text(text, require_articles=False)


def _pdf_law(articles: list[list[str]], width: int = 30) -> str:
    """A law's articles (each a list of 款) as a PDF copy (:func:`_pdf_copy`) under a title."""
    kuan = [
        (f"第{_CN_NO[n]}条 " if k == 0 else "") + p
        for n, paras in enumerate(articles, 1)
        for k, p in enumerate(paras)
    ]
    return "某市市政设施管理办法\n\n" + _pdf_copy(kuan, width)


_CN_NO = dict(enumerate("零一二三四五六七八九十", 0))


def test_a_pdf_copy_ends_its_kuan_where_a_closed_bracket_or_an_item_ends_them():
    """In a PDF copy: a line that ends with 。） (a bracket opened a line above and closed after
    its own full stop) ends its 款; items run together on one line (…： （一）…； （二）…；)
    and broken so that （三） opens a line at the margin keep being items, not a broken
    reference; a 版记 (送：…) under the last article is no 款 of it."""
    law = [
        ["本办法适用于本市行政区域内市政设施的建设、养护、维修和管理活动。"],
        [
            "市市政管理局负责全市市政设施的监督管理；区市政管理部门负责本区市政设施的管理。"
            "（市市政管理局和区市政管理部门，以下统称“管理部门”。）",
            "管理部门可以委托有关单位承担市政设施的日常养护工作。",
        ],
        ["本办法自2020年1月1日起施行。"],
    ]
    text = _pdf_law(law) + "\n\u3000\u3000送：市人大常委会办公厅\n\u3000\u3000市政府各部门\n"
    assert re.search(r"\n[^\u3000\n]*”。）\n\u3000\u3000管理部门", text)
    (doc,) = parse_text(text)
    assert [len(a.paragraphs) for a in doc.articles] == [1, 2, 1]
    assert doc.articles[1].paragraphs[0].text.endswith("统称“管理部门”。）")
    assert "送" not in doc.articles[2].text
    items = (
        "某市海域使用管理办法\n\n"
        "\u3000\u3000第一条 海域使用权人应当依法缴纳海域使用金。\n"
        "\u3000\u3000下列用海免缴海域使用金： （一）军事用海； （二）公务船舶专用码\n"
        "头用海； \n"
        "（三）非经营性的航道、锚地等交通基础设施用海； （四）教学、科研、\n"
        "防灾减灾等非经营性公益事业用海。\n"
        "\u3000\u3000第二条 有关单位应当配合海域使用的监督检查，如实提供有关情况和\n"
        "资料。监督检查人员应当出示执法证件，并为被检查单位保守商业秘密。\n"
        "\u3000\u3000被检查单位不得拒绝、阻碍监督检查人员依法执行公务。\n"
        "\u3000\u3000第三条 本办法自2020年1月1日起施行。本办法施行前的有关规定与本\n"
        "办法不一致的，以本办法为准。\n"
        "\u3000\u3000本办法由市海洋主管部门负责解释。\n"
    )
    (doc,) = parse_text(items)
    assert [len(p.items) for p in doc.articles[0].paragraphs] == [0, 4]
    assert [len(a.paragraphs) for a in doc.articles] == [2, 2, 2]


def test_a_pdf_copy_keeps_a_long_repeal_and_one_broken_inside_a_title():
    """The repeal after the 施行 clause is the last 款 also when it runs over more than six
    lines (four instruments named) or breaks inside 《 on a line without punctuation."""
    long_repeal = (
        "1993年9月17日市第十届人民代表大会常务委员会第五次会议通过、根据1997年4月16日"
        "市第十届人民代表大会常务委员会第三十六次会议《关于修改〈某市市容条例〉的决定》修正的"
        "《某市市容条例》，1994年8月17日市人民政府第17号令发布的《违反〈某市市容条例〉"
        "行政处罚办法》，1985年11月30日市人民政府发布的《某市居住区环境卫生管理规定》，"
        "1986年10月29日市人民政府发布、根据1994年9月5日市人民政府第20号令修改的"
        "《某市人民政府关于维护楼房阳台整洁的规定》同时废止。"
    )
    text = _pdf_law([["本办法适用于本市。"], ["本办法自2002年10月1日起施行。", long_repeal]])
    assert text[text.index("1993年") :].count("\n") > 6  # seven lines or more
    (doc,) = parse_text(text)
    assert [len(a.paragraphs) for a in doc.articles] == [1, 2]
    assert doc.articles[1].paragraphs[1].text.endswith("同时废止。")
    text = (
        "某市市政设施管理办法\n\n\u3000\u3000第一条 本办法适用于本市。\n"
        "\u3000\u3000第二条 本办法自1990年10月1日起施行。\n"
        "\u3000\u3000市人民政府1961年3月22日发布的《某市道路管理暂行办法》和《某市下\n"
        "水道管理暂行办法》同时废止。\n"
    )
    (doc,) = parse_text(text)
    assert doc.articles[1].paragraphs[1].text.endswith("《某市下水道管理暂行办法》同时废止。")


def test_a_pdf_copy_of_a_decision_in_numbered_paragraphs_keeps_them_at_a_full_stop():
    """A 决定 without articles, its 一、 paragraphs set in like labels: a line at the margin
    under an item's line that ends with 。 goes on the item; without the indent it is text
    after the items, a paragraph of its own."""
    body = (
        "\u3000\u3000一、加强预算审查。市人民代表大会常务委员会应当加强对政\n"
        "府全口径预算的审查监督，审查的重点包括：\n"
        "\u3000\u3000（一）支出政策与重大投资项目，重点支出对国家重大方针政策\n"
        "的落实情况。\n"
        "\u3000\u3000（二）政府债务的规模、结构和风险情况，以及债务资金的使用\n"
        "情况和绩效。\n"
        "\u3000\u3000（三）国有资本经营预算的收支情况，及其与一般公共预算的衔\n"
        "接情况。国有企业上缴收益与经营状况、效益指标等的匹配情况。\n"
        "政府性基金项目的绩效和评估调整等情况。\n"
        "\u3000\u3000二、加强决算审查。市人民政府编制的决算草案应当如实反映预\n"
        "算执行情况，决算草案应当按照规定的程序报送审查，并附有说明。\n"
        "\u3000\u3000三、本决定自公布之日起施行。\n"
    )
    title = "某市人民代表大会常务委员会关于加强预算审查监督的决定\n\n"
    (doc,) = parse_text(title + body, require_articles=False)
    assert [len(p.items) for p in doc.paragraphs] == [3, 0, 0]
    assert doc.paragraphs[0].items[2].text.endswith("评估调整等情况。")
    # the same lines without the indent: nothing tells the line at the margin from a paragraph
    (doc,) = parse_text(title + body.replace("\u3000", ""), require_articles=False)
    assert len(doc.paragraphs) == 4


def test_wrapped_lines_that_look_finished_go_on():
    """A line broken after a quoted term (…“荣誉市民” ⏎ 的申报后), one that ends like a title
    while the next line goes on its sentence (…国家规定 ⏎ 的比例), a （heading）本规定 line
    under a label alone, and a reference alone after blank lines (依照本条例 ⏎⏎ 第一条第二款规定
    ⏎ 确定的…) are all text of their article, not 款 ends, titles or running headers; a
    （heading） that a wrap broke under a label alone is the heading still."""
    (doc,) = parse_text(
        "某市荣誉市民规定\n\n"
        "第一条 有关部门收到推荐“荣誉市民”\n的申报后，应当提出初审意见。\n"
        "第二条 市人民政府应当安排不少于国家规定\n的比例用于公益事业。\n"
        "第三条 有关部门需要协助的，应当经同意。依照本规定\n\n第一条第二款规定\n确定的事项，应当提供经费。\n"
        "第四条\n（施行日期）本规定\n自2023年1月1日起施行。\n"
        "第五条\n（业主委员会委员\n条件）业主委员会委员应当由业主担任。\n"
    )
    assert [len(a.paragraphs) for a in doc.articles] == [1, 1, 1, 1, 1]
    assert doc.articles[0].text == "有关部门收到推荐“荣誉市民”的申报后，应当提出初审意见。"
    assert doc.articles[1].text == "市人民政府应当安排不少于国家规定的比例用于公益事业。"
    assert "依照本规定第一条第二款规定确定的事项" in doc.articles[2].text
    assert (doc.articles[3].heading, doc.articles[3].text) == (
        "施行日期",
        "本规定自2023年1月1日起施行。",
    )
    # a （heading） broken by a wrap under a label alone
    assert (doc.articles[4].heading, doc.articles[4].text) == (
        "业主委员会委员条件",
        "业主委员会委员应当由业主担任。",
    )


def test_a_terminal_capture_numbered_by_cat_n_reads_as_the_text():
    """``cat -n`` output under a shell command: each line's number and TAB are margin (a blank
    line is a number alone), the command line is no title, the indent after the TAB marks the
    款, a 题注 wrapped inside its date is one 题注 and the preamble after it a notice, and a line
    that opens 第六章第七节… and ends its sentence cites them, no heading."""
    body = [
        "user@host:~$ cat -n x.txt",
        "某市无人机管理规定",
        "",
        "（2024年3月25日某市人民代表大会常务委员会第二次会议通过，2024年4",
        "月18日某省人民代表大会常务委员会第三次会议批准）",
        "",
        "\u3000\u3000为了规范无人机管理，根据有关法律，制定如下：",
        "",
        "\u3000\u3000第一条\u3000运输毒品的，依照刑法分则第三章第二节、",
        "第六章第七节的有关规定处罚。",
        "\u3000\u3000投送违禁品的，依照有关规定处罚。",
        "",
        "\u3000\u3000第二条\u3000违反本规定的，由公安机关依照有关法律法规的",
        "规定处理。",
        "",
        "\u3000\u3000第三条\u3000本规定自2024年6月1日起施行。",
    ]
    text = body[0] + "\n" + "\n".join(f"{n:6d}\t{ln}" for n, ln in enumerate(body[1:], 1))
    (doc,) = parse_text(text + "\nuser@host:~$ \n")
    assert doc.title == "某市无人机管理规定"
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条"]
    assert doc.chapters == () and [len(a.paragraphs) for a in doc.articles] == [2, 1, 1]
    assert doc.articles[0].paragraphs[0].text.endswith("第三章第二节、第六章第七节的有关规定处罚。")
    assert doc.articles[1].text == "违反本规定的，由公安机关依照有关法律法规的规定处理。"
    assert (doc.adopted, doc.approved) == ("2024-03-25", "2024-04-18")
    assert any("为了规范无人机管理" in n for n in doc.notices)
    assert doc.articles[2].text == "本规定自2024年6月1日起施行。"  # (the prompt under it: none)
    assert doc.articles[0].original.startswith("第一条") and "\t" in doc.articles[0].original


def test_the_english_lines_of_a_bilingual_copy_are_no_text():
    """A line of English under each article (Article 2 The Commission (某市仲裁委员会) shall…),
    also when a wrap breaks it into pieces that name a thing in Chinese, is no part of the
    article; an English word or two in a Chinese sentence (PM2.5, VOCs) stays."""
    (doc,) = parse_text(
        "某市仲裁条例\n\n"
        "第一条　为了规范仲裁，制定本条例。\n"
        "Article 1 These Regulations are formulated to regulate arbitration.\n\n"
        "第二条　某市仲裁委员会应当完善仲裁规则。\n"
        "Article 2 The Arbitration Commission (某市仲裁委员会)\n"
        "shall improve its (仲裁规则) rules and\n"
        "facilitate the choice of arbitrators.\n\n"
        "第三条　排放VOCs和PM2.5 fine particles的单位应当依法治理。\n"
    )
    assert [a.text for a in doc.articles] == [
        "为了规范仲裁，制定本条例。",
        "某市仲裁委员会应当完善仲裁规则。",
        "排放VOCs和PM2.5 fine particles的单位应当依法治理。",
    ]


def test_a_title_and_bare_tizhu_broken_at_a_fixed_width_stay_the_header():
    """A PDF copy of a text without articles whose title a fixed width broke in two (…学历、学位证
    ⏎ 明刑事案件如何适用法律问题的解释) is still that title's document, and a bare 题注 line broken
    before its verb (…最高人民检 ⏎ 察院…会议通过; 《…的决定》 ⏎ 第一次修订) is a 题注 that dates it,
    not a paragraph or a second title."""
    docs = parse_text(
        "\u3000\u3000最高人民法院、最高人民检察院关于办理伪造、贩卖伪造的高等院校学历、学位证\n"
        "明刑事案件如何适用法律问题的解释\n"
        "\u3000\u30002001年6月21日 最高人民法院审判委员会第1181次会议、2001年7月2日最高人民检\n"
        "察院第九届检察委员会第91次会议通过\n"
        "\u3000\u30002001年7月3日 最高人民法院、最高人民检察院公告公布\n"
        "\u3000\u30002001年7月5日 施行\n"
        "\u3000\u3000对于伪造高等院校印章制作学历、学位证明的行为，应当依照刑法第二百八十条第\n"
        "二款的规定，以伪造事业单位印章罪定罪处罚。\n"
        "\u3000\u3000明知是伪造高等院校印章制作的学历、学位证明而贩卖的，以伪造事业单位印章罪\n"
        "的共犯论处。\n",
        require_articles=False,
    )
    (doc,) = docs
    assert doc.title.startswith("最高人民法院、最高人民检察院关于办理伪造")
    assert doc.title.endswith("学位证明刑事案件如何适用法律问题的解释")
    assert (doc.adopted, doc.promulgated, doc.effective) == (
        "2001-06-21",
        "2001-07-03",
        "2001-07-05",
    )
    assert [p.text[:6] for p in doc.paragraphs] == ["对于伪造高等", "明知是伪造高"]
    (doc,) = parse_text(
        "中华人民共和国某某税法实施条例\n\n"
        "1994年1月28日 中华人民共和国国务院令第142号发布\n\n"
        "2005年12月19日 《国务院关于修改〈中华人民共和国某某税法实施条例〉的决定》\n第一次修订\n\n"
        "2018年12月18日 中华人民共和国国务院令第707号第二次修订\n\n"
        "第一条 根据《中华人民共和国某某税法》，制定本条例。\n\n"
        "第二条 本条例自2019年1月1日起施行。\n"
    )
    assert doc.title == "中华人民共和国某某税法实施条例"
    assert [e.date for e in doc.events if e.kind == "revised"] == ["2005-12-19", "2018-12-18"]


def test_a_line_that_opens_with_a_list_of_item_references_is_no_item():
    """（四）、（五）项规定的… and （一）至（三）项所列人员… open no item: they cite items (a wrap broke
    第（二）、（三）、 ⏎ （四）、（五）项, or a 款 after the items opens with them)."""
    (doc,) = parse_text(
        "某市选举实施细则\n\n"
        "第一条 下列人员准予行使选举权利：\n（一）甲；\n（二）乙；\n（三）丙。\n"
        "（一）至（三）项所列人员，在户口所在地参加选举。\n"
        "第二条 职工已享受当年的年休假，年度内又出现条例第四条第（二）、（三）、\n"
        "（四）、（五）项规定情形之一的，不享受下一年度的年休假。\n"
    )
    first, second = doc.articles
    assert [len(p.items) for p in first.paragraphs] == [3, 0]
    assert first.paragraphs[1].text.startswith("（一）至（三）项所列人员")
    assert [len(p.items) for p in second.paragraphs] == [0]
    assert "第（二）、（三）、（四）、（五）项规定" in second.text


def test_a_text_of_paragraphs_set_in_and_broken_at_a_fixed_width_keeps_its_paragraphs():
    """An amendment without numbered paragraphs, copied from a PDF (each paragraph set in, its
    lines broken at one width) or from Word (a blank line before each): a line at the margin
    goes on its paragraph, also after a full line that ends with ； or 。 — as its Markdown
    reads it."""
    paras = [
        "将刑法第一百二十条修改为：“组织、领导恐怖活动组织的，处十年以上有期徒刑或者无期徒刑，"
        "并处没收财产；积极参加的，处三年以上十年以下有期徒刑，并处罚金；",
        "“其他参加的，处三年以下有期徒刑、拘役、管制或者剥夺政治权利，可以并处罚金。”",
        "将刑法第一百六十四条第一款修改为：“为谋取不正当利益，给予公司、企业或者其他单位的工作"
        "人员以财物，数额较大的，处三年以下有期徒刑或者拘役，并处罚金；数额巨大的，处三年以上十年"
        "以下有期徒刑，并处罚金。”",
        "删去刑法第一百九十九条。",
        "将刑法第二百三十七条修改为：“以暴力、胁迫或者其他方法强制猥亵他人或者侮辱妇女的，处五年"
        "以下有期徒刑或者拘役。”",
        "本修正案自2015年11月1日起施行。",
    ]
    width = 38

    def broken(p, indent):  # (no line opens with closing punctuation, as a typesetter has it)
        line, out = indent + p, []
        while len(line) > width:
            cut = width + 1 if line[width] in "”。，；：、）" else width
            out.append(line[:cut])
            line = line[cut:]
        return out + [line] if line else out

    head = "中华人民共和国刑法修正案（九）\n\n（2015年8月29日第十二届全国人民代表大会常务委员会第十六次会议通过）\n\n"
    pdf = head + "\n".join(ln for p in paras for ln in broken(p, "\u3000\u3000"))
    word = head + "\n\n".join("\n".join(broken(p, "")) for p in paras)
    (ref,) = parse_text(head + "\n".join(paras), require_articles=False)
    assert len(ref.paragraphs) == 5  # (the quoted 款 “其他参加的… goes on its paragraph)
    for text in (pdf, word):
        (doc,) = parse_text(text, require_articles=False)
        assert [p.text for p in doc.paragraphs] == [p.text for p in ref.paragraphs]


def test_the_title_twice_once_set_with_spaces_keeps_its_marks():
    """A 司法解释 whose database header states the title with its 、 and whose body repeats it set
    with spaces (最高人民法院 最高人民检察院 关于…): the title keeps its marks."""
    (doc,) = parse_text(
        "最高人民法院、最高人民检察院关于办理某类刑事案件适用法律若干问题的解释\n\n"
        "最高人民法院 最高人民检察院 关于办理某类刑事案件适用法律 若干问题的解释\n\n"
        "法释〔2024〕4号\n\n第一条 为依法惩治犯罪，制定本解释。\n第二条 本解释自2024年3月20日起施行。\n"
    )
    assert doc.title == "最高人民法院、最高人民检察院关于办理某类刑事案件适用法律若干问题的解释"


def test_a_comparison_table_or_a_commentary_book_adds_no_articles():
    """Labels before the first 第一条 that do not run (a 修正前后对照表: 第四条 old, 第四条 new) are
    no articles and no document; a commentary's block (【释义】 … to the next article, its
    （一） lines and a 第二十二条 it quotes from another law included) is no text of the article
    above it; a book's running header (·31·　　title) is page furniture."""
    (doc,) = parse_text(
        "《某市电梯安全管理条例》修正前后对照表\n修改前\n修改后\n"
        "第四条　市人民政府应当加强领导。\n第四条　市、县人民政府应当加强领导。\n"
        "第八条　使用单位应当张贴标志。\n第八条　使用单位应当张贴标志，公布电话。\n\n"
        "某市电梯安全管理条例\n\n"
        "第一条　为了加强电梯安全管理，制定本条例。\n"
        "【释义】本条是关于立法目的的规定。\n　　理解本条，应当把握以下几点：\n"
        "　　（一）立法目的；\n　　（二）立法依据。\n"
        "【相关规定】《中华人民共和国特种设备安全法》\n"
        "第二十二条　电梯的安装应当由取得许可的单位进行。\n"
        "第二条　本市行政区域内电梯的使用和管理，适用本条例。\n"
        "本条例所称电梯，是指乘客电梯。\n"
        "·31·　　　　某市电梯安全管理条例释义\n"
        "使用单位应当依法办理使用登记。\n"
        "第三条　本条例自2024年1月1日起施行。\n"
    )
    assert [a.label for a in doc.articles] == ["第一条", "第二条", "第三条"]
    assert doc.articles[0].text == "为了加强电梯安全管理，制定本条例。"
    assert [len(a.paragraphs) for a in doc.articles] == [1, 3, 1]
    assert "释义" not in doc.articles[1].text and "·31·" not in doc.articles[1].text


def test_a_chat_export_keeps_the_law_pasted_across_messages():
    """A group chat's export: each message's header (date, time, name), a recalled message, a
    file placeholder and a reply with an emoticon code ([捂脸]) are no text; the law pasted over
    two messages reads whole, a 款 that opens the second message still its article's."""
    (doc,) = parse_text(
        "2025-03-31 18:01:47 王某（律师）\n某市共享单车管理办法\n\n"
        "第一条　为了规范共享单车管理，制定本办法。\n"
        "第二条　运营企业应当投放合格车辆。\n\n"
        "2025-03-31 18:03:15 王某（律师）\n"
        "车辆不合格的，运营企业应当及时回收。\n"
        "第三条　本办法自2025年4月1日起施行。\n\n"
        "2025-03-31 18:04:21 李某（法官助理）\n第二条第二款是新口径吧？[捂脸]\n\n"
        "2025-03-31 18:05:02 王某（律师）\n王某撤回了一条消息\n[文件] 办法.pdf（356KB）\n"
    )
    assert [len(a.paragraphs) for a in doc.articles] == [1, 2, 1]
    assert (
        doc.articles[1].text == "运营企业应当投放合格车辆。\n车辆不合格的，运营企业应当及时回收。"
    )
    assert doc.articles[2].text == "本办法自2025年4月1日起施行。"


def test_what_stands_between_two_instruments_is_neither_of_their_articles():
    """After an instrument's last article: a comparison table whose labels drop back and repeat
    (第四条 old, 第四条 new) before the next instrument's 第一条 adds no articles to either, a
    gazette's masthead after a blank line (no sentence in it) ends the last article, and 二、
    alone before the next part of a compilation is no item."""
    docs = parse_text(
        "某市养老服务条例\n\n第一条　为了发展养老服务，制定本条例。\n"
        "第二条　养老服务应当坚持政府主导。\n第三条　市人民政府应当加强领导。\n"
        "第四条　本条例自2020年1月1日起施行。\n\n"
        "澳门特别行政区公报——第一组\n\n二、\n\n"
        "修改前后对照表\n修改前\n修改后\n"
        "第二条　市人民政府应当加强领导。\n第二条　市、县人民政府应当加强领导。\n\n"
        "某市电梯安全管理条例\n\n第一条　为了加强电梯安全管理，制定本条例。\n"
        "第二条　本条例自2024年1月1日起施行。\n"
    )
    assert [d.title for d in docs] == ["某市养老服务条例", "某市电梯安全管理条例"]
    assert [len(d.articles) for d in docs] == [4, 2]
    assert docs[0].articles[3].text == "本条例自2020年1月1日起施行。"
