"""Tests for pipeline.text: numerals, numbering, dates, punctuation, control characters, file names."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

from pipeline.text.dates import format_date, format_date_range, parse_date_text
from pipeline.text.names import safe_filename
from pipeline.text.numerals import cn_numeral, cn_year, list_marker, run_in_ordinal
from pipeline.text.punct import (
    XML_ILLEGAL_RE,
    find_control_chars,
    find_halfwidth_punct,
    fold_for_compare,
    normalize_newlines,
    normalize_punct,
    split_paragraphs,
    strip_control_chars,
)

# ---------------------------------------------------------------------------
# cn_numeral


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "〇"),
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (19, "十九"),
        (20, "二十"),
        (21, "二十一"),
        (32, "三十二"),
        (73, "七十三"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百〇一"),
        (110, "一百一十"),
        (111, "一百一十一"),
        (148, "一百四十八"),
        (205, "二百〇五"),
        (1000, "一千"),
        (1001, "一千〇一"),
        (1010, "一千〇一十"),
        (1100, "一千一百"),
        (2024, "二千〇二十四"),
        (10000, "一万"),
        (10001, "一万〇一"),
        (10010, "一万〇一十"),
        (10100, "一万〇一百"),
        (11000, "一万一千"),
        (12345, "一万二千三百四十五"),
        (20000, "二万"),
        (99999, "九万九千九百九十九"),
    ],
)
def test_cn_numeral(n: int, expected: str) -> None:
    assert cn_numeral(n) == expected


@pytest.mark.parametrize("n", [-1, 100_000, 10**9])
def test_cn_numeral_out_of_range(n: int) -> None:
    with pytest.raises(ValueError):
        cn_numeral(n)


@pytest.mark.parametrize("n", [True, 1.0, "1"])
def test_cn_numeral_rejects_non_int(n: object) -> None:
    with pytest.raises(TypeError):
        cn_numeral(n)  # type: ignore[arg-type]


_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000, "万": 10000}


def _parse_cn_numeral(text: str) -> int:
    """Read a Chinese numeral back, independently of how cn_numeral builds it."""
    total = 0
    digit: int | None = None
    for ch in text:
        if ch in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[ch]
        else:
            # A unit with no digit before it only happens for the leading 十 of 10..19.
            total += (1 if digit is None else digit) * _UNIT_VALUE[ch]
            digit = None
    return total + (digit or 0)


def test_cn_numeral_round_trips_over_whole_range() -> None:
    for n in range(100_000):
        text = cn_numeral(n)
        assert _parse_cn_numeral(text) == n, (n, text)
        # One 〇 stands for a run of zeros, and trailing zeros are silent.
        assert "〇〇" not in text, (n, text)
        assert n == 0 or not text.endswith("〇"), (n, text)


@given(st.integers(min_value=0, max_value=99_999))
def test_cn_numeral_leading_ten_property(n: int) -> None:
    text = cn_numeral(n)
    assert not text.startswith("一十")
    assert text.startswith("十") == (10 <= n <= 19)
    assert set(text) <= set("〇一二三四五六七八九十百千万")


# ---------------------------------------------------------------------------
# cn_year, run_in_ordinal, list_marker


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, "二〇二四"), (2000, "二〇〇〇"), (2019, "二〇一九"), (1949, "一九四九"), (2100, "二一〇〇")],
)
def test_cn_year(year: int, expected: str) -> None:
    assert cn_year(year) == expected


def test_cn_year_uses_ideographic_zero() -> None:
    assert "\u3007" in cn_year(2024)
    assert "零" not in cn_year(2024) and "O" not in cn_year(2024) and "○" not in cn_year(2024)


@given(st.integers(min_value=0, max_value=99_999))
def test_cn_year_is_digit_by_digit(year: int) -> None:
    text = cn_year(year)
    assert len(text) == len(str(year))
    assert "".join(str(_DIGIT_VALUE[c]) for c in text) == str(year)


def test_cn_year_rejects_negative() -> None:
    with pytest.raises(ValueError):
        cn_year(-1)


@pytest.mark.parametrize(
    ("n", "expected"), [(1, "一是"), (2, "二是"), (3, "三是"), (10, "十是"), (11, "十一是"), (20, "二十是")]
)
def test_run_in_ordinal(n: int, expected: str) -> None:
    assert run_in_ordinal(n) == expected


@pytest.mark.parametrize("n", [0, -1])
def test_run_in_ordinal_rejects_non_positive(n: int) -> None:
    with pytest.raises(ValueError):
        run_in_ordinal(n)


@pytest.mark.parametrize(
    ("level", "n", "expected"),
    [
        (1, 1, "一、"),
        (1, 3, "三、"),
        (1, 11, "十一、"),
        (2, 1, "（一）"),
        (2, 4, "（四）"),
        (2, 12, "（十二）"),
        (3, 1, "1."),
        (3, 12, "12."),
        (4, 1, "（1）"),
        (4, 10, "（10）"),
    ],
)
def test_list_marker(level: int, n: int, expected: str) -> None:
    assert list_marker(level, n) == expected


@pytest.mark.parametrize(("level", "n"), [(0, 1), (5, 1), (1, 0), (3, -1)])
def test_list_marker_rejects_bad_arguments(level: int, n: int) -> None:
    with pytest.raises(ValueError):
        list_marker(level, n)


# ---------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2024, 8, 27), "2024年8月27日"),
        (date(2024, 1, 5), "2024年1月5日"),
        (date(2024, 10, 1), "2024年10月1日"),
        (datetime(2024, 9, 30, 15, 30), "2024年9月30日"),
    ],
)
def test_format_date(d: date, expected: str) -> None:
    assert format_date(d) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2024, 3, 25), date(2024, 6, 7), "2024年3月25日至6月7日"),
        (date(2024, 3, 1), date(2024, 3, 25), "2024年3月1日至3月25日"),
        (date(2023, 12, 1), date(2024, 1, 5), "2023年12月1日至2024年1月5日"),
        (date(2024, 8, 27), date(2024, 8, 27), "2024年8月27日"),
        (datetime(2024, 8, 27, 9), date(2024, 8, 27), "2024年8月27日"),
        (datetime(2024, 3, 25), datetime(2024, 6, 7), "2024年3月25日至6月7日"),
    ],
)
def test_format_date_range(start: date, end: date, expected: str) -> None:
    assert format_date_range(start, end) == expected


def test_format_date_range_rejects_reversed_range() -> None:
    with pytest.raises(ValueError):
        format_date_range(date(2024, 6, 7), date(2024, 3, 25))


_SEP_30 = date(2024, 9, 30)


@pytest.mark.parametrize(
    "text",
    [
        "2024-09-30",
        "2024-9-30",
        "2024/9/30",
        "2024/09/30",
        "2024.9.30",
        "2024.09.30",
        "2024年9月30日",
        "2024年09月30日",
        "2024 年 9 月 30 日",
        "20240930",
        "  2024-09-30\n",
        "\u30002024.9.30\u3000",
        "２０２４年９月３０日",
        "２０２４．９．３０",
        "２０２４／９／３０",
        "２０２４－０９－３０",
        "２０２４０９３０",
        "2024-09-30 00:00:00",
        "2024-09-30T00:00:00",
        "2024-09-30 14:05",
        "2024/9/30 0:00:00",
        "2024-09-30 00:00:00.000",
    ],
)
def test_parse_date_text_accepts(text: str) -> None:
    assert parse_date_text(text) == _SEP_30


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "2024-02-30",  # well-formed, not a real day
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "20241301",
        "2024-9/30",  # mixed separators
        "2024年9月30",  # no 日
        "24-9-30",  # two-digit year
        "2024-9",
        "2024093",
        "202409301",
        "2024-09-30x",
        "9月30日",
        "二〇二四年九月三十日",
        "2024-09-30 25",
    ],
)
def test_parse_date_text_rejects(text: str) -> None:
    assert parse_date_text(text) is None


def test_parse_date_text_rejects_non_string() -> None:
    assert parse_date_text(20240930) is None  # type: ignore[arg-type]
    assert parse_date_text(None) is None  # type: ignore[arg-type]


_FULLWIDTH_DIGITS = str.maketrans("0123456789-./", "０１２３４５６７８９－．／")
_DATE_STYLES = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: d.strftime("%Y.%m.%d"),
    format_date,
    lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",
    lambda d: d.strftime("%Y%m%d"),
    lambda d: f" {d.isoformat()} 00:00:00 ",
    lambda d: str(datetime(d.year, d.month, d.day)),
    lambda d: format_date(d).translate(_FULLWIDTH_DIGITS),
    lambda d: f"{d.year}.{d.month}.{d.day}".translate(_FULLWIDTH_DIGITS),
]


@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)),
    st.sampled_from(range(len(_DATE_STYLES))),
)
def test_parse_date_text_round_trips(d: date, style: int) -> None:
    assert parse_date_text(_DATE_STYLES[style](d)) == d


# ---------------------------------------------------------------------------
# normalize_punct / find_halfwidth_punct


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Seed-like sentences (web copy of the notice had ASCII marks where the original had full-width).
        ("严格执行请假、补学制度;安排专人", "严格执行请假、补学制度；安排专人"),
        ("责任部室(单位)", "责任部室（单位）"),
        (
            "联系方式:电话8381897;电子邮箱dy8381897@dy.shandong.cn。",
            "联系方式：电话8381897；电子邮箱dy8381897@dy.shandong.cn。",
        ),
        (
            "根据市委统一部署,2024年3月25日至6月7日,市委第一巡察组对市总工会党组开展了巡察,并于8月27日反馈。",
            "根据市委统一部署，2024年3月25日至6月7日，市委第一巡察组对市总工会党组开展了巡察，并于8月27日反馈。",
        ),
        ("(一)提高政治站位,加强组织领导。", "（一）提高政治站位，加强组织领导。"),
        ("(1)完善学习内容", "（1）完善学习内容"),
        (
            "研究制定《市总工会干部队伍建设规划(2024—2029年)》,通过",
            "研究制定《市总工会干部队伍建设规划（2024—2029年）》，通过",
        ),
        ("汇集各类数据29.5万条,为产业工人", "汇集各类数据29.5万条，为产业工人"),
        ("已组织中心组学习12次,召开党组会议14次", "已组织中心组学习12次，召开党组会议14次"),
        ("截至2024年9月30,已完成", "截至2024年9月30，已完成"),
        ("达到94%,以上", "达到94%，以上"),
        ('严格落实"一岗双责",及时调度', "严格落实“一岗双责”，及时调度"),
        ('"当下改"与"长久立"相结合', "“当下改”与“长久立”相结合"),
        ('开展了"数据要素x"大赛', "开展了“数据要素x”大赛"),
        ('大赛名为"x",共', "大赛名为“x”，共"),
        ("是否整改到位?", "是否整改到位？"),
        ("必须整改!", "必须整改！"),
        ("真的吗?!", "真的吗？！"),
        ("如下:", "如下："),
        # Spaces between the mark and the Chinese text are skipped when looking, and kept.
        ("安排 , 专人", "安排 ， 专人"),
        ("Hello,世界", "Hello，世界"),
        ("联系 (单位) 负责", "联系 （单位） 负责"),
        # Bracket pairs: Chinese inside, or Chinese on either side.
        ("(单位)", "（单位）"),
        ("附件(A)", "附件（A）"),
        ("(A)附件", "（A）附件"),
        ("电话(0546)8381897", "电话（0546）8381897"),
        ("(外(内)层)", "（外（内）层）"),
        # Half-converted pairs are made consistent.
        ("（单位)", "（单位）"),
        ("(单位）", "（单位）"),
        # Unpaired brackets follow the single-mark rule.
        ("1)学习", "1）学习"),
        ("说明(未完", "说明（未完"),
        # A converted mark counts as Chinese for its neighbour ("a,,中" must settle in one call).
        ("a,,中", "a，，中"),
        ("中,,a", "中，，a"),
        ("f(x),中", "f（x），中"),
        # Times, decimals and codes beside a converted mark keep their own marks.
        ("时间:9:00", "时间：9:00"),
        ("上午9:00,召开会议", "上午9:00，召开会议"),
        ("网址:http://x.y/a?b=c,详见", "网址：http://x.y/a?b=c，详见"),
        ("见(http://x.y/a?b=c)", "见（http://x.y/a?b=c）"),
        ("见http://x.y/f(中文)", "见http://x.y/f（中文）"),
    ],
)
def test_normalize_punct_converts(text: str, expected: str) -> None:
    assert normalize_punct(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "覆盖职工16.8万人",
        "增长7.132个百分点",
        "1.学习贯彻习近平总书记重要指示批示精神不深入问题",
        "会议于9:00召开",
        "截至2024-09-30",
        "截至2024.9.30",
        "电话0546-8381897",
        "电话8381897",
        "电子邮箱dy8381897@dy.shandong.cn",
        "详见http://x.y/a?b=c",
        "详见https://example.com/path(1)?q=a:b,c;d!e",
        "详见www.example.com/a?b=c",
        "http://x.y/a?b=c",
        "见https://example.com/wiki/A_(b)。",  # brackets inside a URL belong to it
        "Hello, world",
        "Hello, world (again): yes; no? ok!",
        'He said "hi", then left.',
        "f(x) = 3:1, 1,000",
        "比例为3:1",
        "共1,000人",
        "第1,2项",
        "数据要素x",
        "（一）提高政治站位，加强组织领导。",
        "联系方式：电话8381897；电子邮箱dy8381897@dy.shandong.cn。",
        "“第一议题”制度",
        "",
        'a "b',
        '中"',  # a lone quote is not a pair
    ],
)
def test_normalize_punct_keeps(text: str) -> None:
    assert normalize_punct(text) == text
    assert find_halfwidth_punct(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("严格执行请假、补学制度;安排专人", [(11, ";")]),
        ("责任部室(单位)", [(4, "("), (7, ")")]),
        ("联系方式:电话8381897;电子邮箱", [(4, ":"), (14, ";")]),
        ('落实"一岗双责",', [(2, '"'), (7, '"'), (8, ",")]),
        ("时间:9:00", [(2, ":")]),
        ("覆盖职工16.8万人", []),
        ("Hello, world", []),
    ],
)
def test_find_halfwidth_punct(text: str, expected: list[tuple[int, str]]) -> None:
    assert find_halfwidth_punct(text) == expected


# Tokens rather than single characters so that URLs, times, decimals and quote pairs turn up often.
_PUNCT_TOKENS = st.sampled_from(
    list("中文字，。；：（）“”、《》—…〇 abcX019.,;:()?!\"-/@\n\u3000")
    + ["http://x.y/a?b=c", "www.a.cn/(b)", "9:00", "16.8", "2024-09-30", "a@b.cn", "（一）", "1."]
)
_PUNCT_TEXT = st.lists(_PUNCT_TOKENS, max_size=40).map("".join)
_ASCII_MARKS = set(",;:?!()\"")
_FULL_FOR = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", '"': "“”"}


@given(_PUNCT_TEXT)
@example("a,,,,,,,中")
@example('"a" "中"')
@example("http://a.b/c?,中")
@example("http://a.b/c,)中")
@example("f(x),中")
def test_normalize_punct_is_idempotent(text: str) -> None:
    once = normalize_punct(text)
    assert normalize_punct(once) == once


@given(_PUNCT_TEXT)
def test_normalize_punct_only_replaces_ascii_marks(text: str) -> None:
    result = normalize_punct(text)
    assert len(result) == len(text)
    diff = [(i, a) for i, (a, b) in enumerate(zip(text, result)) if a != b]
    for i, a in diff:
        assert a in _ASCII_MARKS
        assert result[i] in _FULL_FOR[a]
    # The warning lists exactly what normalize_punct changes.
    assert find_halfwidth_punct(text) == diff


@given(_PUNCT_TEXT)
def test_normalize_punct_is_invisible_to_fold_for_compare(text: str) -> None:
    result = normalize_punct(text)
    # Quotes are not folded, so compare after mapping the converted ones back.
    assert fold_for_compare(result.replace("“", '"').replace("”", '"')) == fold_for_compare(
        text.replace("“", '"').replace("”", '"')
    )


@given(st.text(alphabet=st.characters(blacklist_characters=",;:?!()\"")))
def test_normalize_punct_without_ascii_marks_is_unchanged(text: str) -> None:
    assert normalize_punct(text) == text


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_normalize_punct_leaves_pure_ascii_alone(text: str) -> None:
    assert normalize_punct(text) == text


# ---------------------------------------------------------------------------
# fold_for_compare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("联系方式：电话8381897；电子邮箱", "联系方式:电话8381897;电子邮箱"),
        ("（一）提高，加强？必须！", "(一)提高,加强?必须!"),
        ("一、 整改\n工作\t基本\u3000情况 ", "一、整改工作基本情况"),
        ("“第一议题”。", "“第一议题”。"),
        ("", ""),
    ],
)
def test_fold_for_compare(text: str, expected: str) -> None:
    assert fold_for_compare(text) == expected


def test_fold_for_compare_matches_web_copy_and_original() -> None:
    web = "责任部室(单位),层层压实整改责任;联系方式:电话8381897"
    original = "责任部室（单位），层层压实整改责任；\n联系方式：电话8381897"
    assert fold_for_compare(web) == fold_for_compare(original)


# ---------------------------------------------------------------------------
# Control characters and line breaks


@pytest.mark.parametrize(
    ("text", "found", "stripped"),
    [
        ("整改\x00完成", ["\x00"], "整改完成"),
        ("a\x01b\x1fc\x01", ["\x01", "\x1f"], "abc"),
        ("a\x0bb\x0cc", ["\x0b", "\x0c"], "abc"),
        ("a\ufffeb\uffff", ["\ufffe", "\uffff"], "ab"),
        ("a\ud800b", ["\ud800"], "ab"),
        ("\udfff", ["\udfff"], ""),
        ("tab\tnl\ncr\r", [], "tab\tnl\ncr\r"),
        ("正常文本，\ufffd\U0001f600\ue000\ud7ff", [], "正常文本，\ufffd\U0001f600\ue000\ud7ff"),
        ("\x7f\x85", [], "\x7f\x85"),  # legal in XML 1.0
        ("", [], ""),
    ],
)
def test_control_chars(text: str, found: list[str], stripped: str) -> None:
    assert find_control_chars(text) == found
    assert strip_control_chars(text) == stripped


def test_xml_illegal_re_matches_exactly_the_non_xml_chars() -> None:
    for code in [*range(0x0, 0x20), 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFFFE, 0xFFFF]:
        expected = code not in (0x9, 0xA, 0xD)
        assert bool(XML_ILLEGAL_RE.search(chr(code))) is expected, hex(code)
    for code in [0x20, 0x7E, 0xD7FF, 0xE000, 0xFFFD, 0x10000, 0x10FFFF]:
        assert XML_ILLEGAL_RE.search(chr(code)) is None, hex(code)


@given(st.text(alphabet=st.characters(codec=None)))
@example("a\x00\ud800\ufffe\x0b")
def test_stripped_text_can_be_stored_in_xml(text: str) -> None:
    clean = strip_control_chars(text)
    assert find_control_chars(clean) == []
    # lxml is what python-docx writes with; it refuses exactly these characters.
    etree.Element("t").text = clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\rb", "a\n\nb"),
        ("a\n\r\nb\r", "a\n\nb\n"),
        ("a\nb", "a\nb"),
        ("", ""),
    ],
)
def test_normalize_newlines(text: str, expected: str) -> None:
    assert normalize_newlines(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一是学习计划执行不力。\n完善学习内容。", ["一是学习计划执行不力。", "完善学习内容。"]),
        ("  第一段 \r\n\r\n\u3000\u3000第二段\r第三段\n", ["第一段", "第二段", "第三段"]),
        ("甲\u2028乙\x0b丙", ["甲", "乙", "丙"]),
        ("单段", ["单段"]),
        ("\n \n\t", []),
        ("", []),
    ],
)
def test_split_paragraphs(text: str, expected: list[str]) -> None:
    assert split_paragraphs(text) == expected


# ---------------------------------------------------------------------------
# safe_filename

_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
_FORBIDDEN = set('<>:"/\\|?*') | {chr(c) for c in range(0x20)}


def _is_reserved_name(name: str) -> bool:
    return name.split(".")[0].rstrip(" ").upper() in _RESERVED


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2024年9月30日 市总工会巡察整改进展情况通报", "2024年9月30日 市总工会巡察整改进展情况通报"),
        ("东工党〔2024〕12号", "东工党〔2024〕12号"),
        ('a<b>c:d"e/f\\g|h?i*j', "a_b_c_d_e_f_g_h_i_j"),
        ("整改\x00台账\t2024\n", "整改_台账_2024_"),
        ("..", "_"),
        (".", "_"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("..\\..\\windows", "_.._windows"),
        ("a/../b", "a_.._b"),
        ("  .hidden. . ", "hidden"),
        ("通报。..", "通报。"),
        ("", "_"),
        ("   ", "_"),
        ("...", "_"),
        ("CON", "CON_"),
        ("con", "con_"),
        ("con.txt", "con_.txt"),
        ("Nul.tar.gz", "Nul_.tar.gz"),
        ("nul .txt", "nul_ .txt"),
        ("COM1", "COM1_"),
        ("lpt9.docx", "lpt9_.docx"),
        ("COM¹.txt", "COM¹_.txt"),
        ("conin$", "conin$_"),
        ("COM10", "COM10"),
        ("CONSOLE", "CONSOLE"),
        ("icon.txt", "icon.txt"),
        ("x.con", "x.con"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize(
    ("name", "max_len", "expected"),
    [
        ("巡" * 100, 80, "巡" * 80),
        ("一二三四五六", 3, "一二三"),
        ("ab. cd", 4, "ab"),  # truncation must not leave a trailing ". "
        ("con.txt", 3, "co_"),
        ("con.txt", 4, "con_"),
        ("con.txt", 6, "con_.t"),
        ("abc", 1, "a"),
    ],
)
def test_safe_filename_truncates(name: str, max_len: int, expected: str) -> None:
    assert safe_filename(name, max_len) == expected


def test_safe_filename_rejects_zero_length() -> None:
    with pytest.raises(ValueError):
        safe_filename("a", 0)


_NAMES = st.one_of(
    st.text(),
    st.text(alphabet=st.sampled_from(list('ab 中.<>:"/\\|?*\x00\t'))),
    st.builds(
        lambda dev, ext: dev + ext,
        st.sampled_from(sorted(_RESERVED)).map(lambda s: s.lower() if len(s) % 2 else s),
        st.sampled_from(["", ".txt", ".tar.gz", " .docx", ".", " ", ".."]),
    ),
)


@given(_NAMES, st.integers(min_value=1, max_value=120))
def test_safe_filename_properties(name: str, max_len: int) -> None:
    result = safe_filename(name, max_len)
    assert result
    assert len(result) <= max_len
    assert not set(result) & _FORBIDDEN
    assert not any(unicodedata.category(c) in ("Cc", "Cs") for c in result)
    assert result[0] not in ". " and result[-1] not in ". "
    assert not _is_reserved_name(result)
    assert safe_filename(result, max_len) == result


# ---------------------------------------------------------------------------
# Loose dates and typed numbering (issue: any office's notice)

from pipeline.text.dates import LooseDate, format_loose_range, parse_loose_date
from pipeline.text.punct import strip_typed_number


@pytest.mark.parametrize("text, first, last, shown", [
    ("2024年9月30日", date(2024, 9, 30), date(2024, 9, 30), "2024年9月30日"),
    ("2024-09-30", date(2024, 9, 30), date(2024, 9, 30), "2024年9月30日"),
    ("2024年6月", date(2024, 6, 1), date(2024, 6, 30), "2024年6月"),
    ("2024-06", date(2024, 6, 1), date(2024, 6, 30), "2024年6月"),
    ("2022年8月下旬", date(2022, 8, 21), date(2022, 8, 31), "2022年8月下旬"),
    ("2024年2月下旬", date(2024, 2, 21), date(2024, 2, 29), "2024年2月下旬"),
    ("2024年9月底", date(2024, 9, 21), date(2024, 9, 30), "2024年9月底"),
    ("2024年12月底", date(2024, 12, 21), date(2024, 12, 31), "2024年12月底"),
    ("2024年5月初", date(2024, 5, 1), date(2024, 5, 10), "2024年5月初"),
    ("２０２４年６月中旬", date(2024, 6, 11), date(2024, 6, 20), "2024年6月中旬"),
])
def test_parse_loose_date(text, first, last, shown):
    d = parse_loose_date(text)
    assert (d.first, d.last, d.text()) == (first, last, shown)


@pytest.mark.parametrize("text", ["9月底", "2024年13月", "下旬", "2024", "2024年6月32日", "明年"])
def test_parse_loose_date_rejects(text):
    assert parse_loose_date(text) is None


@pytest.mark.parametrize("start, end, shown", [
    ("2024年3月25日", "2024年6月7日", "2024年3月25日至6月7日"),
    ("2022年8月下旬", "2022年9月底", "2022年8月下旬至9月底"),
    ("2023年12月", "2024年1月中旬", "2023年12月至2024年1月中旬"),
    ("2024年6月", "2024年6月", "2024年6月"),
])
def test_format_loose_range(start, end, shown):
    assert format_loose_range(parse_loose_date(start), parse_loose_date(end)) == shown


@pytest.mark.parametrize("typed, text, removed", [
    ("（三）关于聚焦…方面", "关于聚焦…方面", "（三）"),
    ("(三)关于", "关于", "(三)"),
    ("三、关于", "关于", "三、"),
    ("十一、关于", "关于", "十一、"),
    ("1.干部队伍建设有短板", "干部队伍建设有短板", "1."),
    ("12、干部", "干部", "12、"),
    ("1．干部", "干部", "1．"),
    ("（2）审计问题", "审计问题", "（2）"),
    ("一是一是学习计划", "一是学习计划", "一是"),
    ("①学习", "学习", "①"),
    ("第一，学习", "学习", "第一，"),
    # not numbers: kept as they are
    ("1.5万名职工", "1.5万名职工", ""),
    ("2024年工作", "2024年工作", ""),
    ("一岗双责落实不到位", "一岗双责落实不到位", ""),
    ("第一议题制度", "第一议题制度", ""),
    ("三重一大事项", "三重一大事项", ""),
    ("一是", "一是", ""),  # nothing but a number: left for the clerk to see
])
def test_strip_typed_number(typed, text, removed):
    assert strip_typed_number(typed) == (text, removed)


def test_loose_date_of_exact_day():
    assert LooseDate.of(date(2024, 8, 27)).text(with_year=False) == "8月27日"
