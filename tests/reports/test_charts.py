"""The pure SVG charts: accessible names, proportions, escaping, privacy, edge cases; with
property tests over arbitrary labels and values."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from course_app.reports.charts import (
    COLUMN_HEIGHT,
    Datum,
    bar_chart,
    column_chart,
    funnel_chart,
    whole_percent,
)

SVG = "{http://www.w3.org/2000/svg}"
CHARTS = [column_chart, bar_chart, funnel_chart]
ROW_CHARTS = [bar_chart, funnel_chart]
SCRIPT = "<script>alert(1)</script>"
NUNEZ = "Biblioteca Pública Nuñez"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def draw(chart, data, **options):
    options = {"title": "Completions", "description": "Per month, 2024", "chart_id": "c"} | options
    return chart(data, **options)


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall(f".//{SVG}rect")


def groups(root: ET.Element) -> list[ET.Element]:
    """One group per datum, in order."""
    return root.findall(f"{SVG}g")


def hover_title(group: ET.Element) -> str:
    return group.find(f"{SVG}title").text or ""


def texts(element: ET.Element) -> list[str]:
    return [text.text or "" for text in element.iter(f"{SVG}text")]


def bar_length(chart, rect: ET.Element) -> float:
    return float(rect.get("height" if chart is column_chart else "width"))


def view_box(root: ET.Element) -> list[float]:
    return [float(number) for number in root.get("viewBox").split()]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


# Accessible name and description


@pytest.mark.parametrize("chart", CHARTS)
def test_chart_is_an_image_named_by_its_title_and_description(chart):
    root = parse(draw(chart, [Datum("May", 3)], chart_id="month-chart-2"))
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "month-chart-2-title month-chart-2-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "month-chart-2-title",
        "Completions",
    )
    assert (desc.tag, desc.get("id"), desc.text) == (
        f"{SVG}desc",
        "month-chart-2-desc",
        "Per month, 2024",
    )


@pytest.mark.parametrize("chart", CHARTS)
def test_chart_is_responsive_markup_without_external_assets(chart):
    markup = draw(chart, [Datum("May", 3), Datum("June", 4)])
    assert isinstance(markup, Markup)
    root = parse(markup)
    assert root.get("width") == "100%"
    assert root.get("height") is None
    assert root.get("preserveAspectRatio")
    assert len(view_box(root)) == 4
    assert root.get("font-family") == "inherit"
    assert "style" not in markup and "href" not in markup and "<script" not in markup


@pytest.mark.parametrize("chart", CHARTS)
def test_text_and_bars_have_enough_contrast_on_white(chart):
    root = parse(draw(chart, [Datum("May", 3)]))
    assert contrast_with_white(root.get("fill")) >= 4.5
    for rect in bars(root):
        assert contrast_with_white(rect.get("fill")) >= 3


def test_two_charts_on_one_page_have_distinct_ids():
    first = parse(draw(column_chart, [Datum("May", 3)], chart_id="by-month"))
    second = parse(draw(bar_chart, [Datum("Email", 3)], chart_id="by-topic"))
    ids = [element.get("id") for root in (first, second) for element in root.iter()]
    ids = [i for i in ids if i]
    assert len(ids) == len(set(ids)) == 6  # each svg, its title and its desc


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize(
    "chart_id", ["", "1st", "a b", 'a"b', "a<b", "a_b", "a.b", "Nuñez", "a\n", "-a"]
)
def test_unsafe_chart_id_is_refused(chart, chart_id):
    with pytest.raises(ValueError, match="chart_id"):
        draw(chart, [Datum("May", 3)], chart_id=chart_id)


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("field", ["title", "description"])
def test_blank_title_or_description_is_refused(chart, field):
    with pytest.raises(ValueError, match="title and a description"):
        draw(chart, [Datum("May", 3)], **{field: " \n"})


# Values


def test_negative_value_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Datum("May", -1)


@pytest.mark.parametrize("value", [1.5, "3", True])
def test_value_that_is_not_a_count_is_refused(value):
    with pytest.raises(TypeError):
        Datum("May", value)


@pytest.mark.parametrize("chart", CHARTS)
def test_data_must_be_datums(chart):
    with pytest.raises(TypeError):
        draw(chart, [("May", 3)])


@pytest.mark.parametrize("chart", CHARTS)
def test_bar_lengths_are_proportional_to_values(chart):
    root = parse(draw(chart, [Datum("a", 200), Datum("b", 100), Datum("c", 50), Datum("d", 0)]))
    lengths = [bar_length(chart, rect) for rect in bars(root)]
    full = lengths[0]
    assert full > 100
    assert lengths[1] == pytest.approx(full / 2, abs=0.1)
    assert lengths[2] == pytest.approx(full / 4, abs=0.1)
    assert lengths[3] == 0


@pytest.mark.parametrize("chart", CHARTS)
def test_largest_value_spans_the_full_length_whatever_it_is(chart):
    longest = {
        max(bar_length(chart, rect) for rect in bars(parse(draw(chart, [Datum("a", value)]))))
        for value in (1, 7, 9)
    }
    assert len(longest) == 1
    if chart is column_chart:
        assert longest == {COLUMN_HEIGHT}


def test_largest_value_fills_the_column_height_wherever_it_is():
    root = parse(draw(column_chart, [Datum("a", 7), Datum("b", 70), Datum("c", 35)]))
    heights = [float(rect.get("height")) for rect in bars(root)]
    assert heights[1] == max(heights)
    assert heights[0] == pytest.approx(heights[1] / 10, abs=0.1)


def test_columns_stand_on_one_baseline():
    root = parse(draw(column_chart, [Datum("a", 7), Datum("b", 70), Datum("c", 0)]))
    baseline = root.find(f"{SVG}path").get("d")
    base = float(re.match(r"M[\d.]+ ([\d.]+)H", baseline).group(1))
    for rect in bars(root):
        assert float(rect.get("y")) + float(rect.get("height")) == pytest.approx(base, abs=0.1)


@pytest.mark.parametrize("chart", ROW_CHARTS)
def test_rows_start_at_the_baseline(chart):
    root = parse(draw(chart, [Datum("a", 7), Datum("b", 70)]))
    assert root.find(f"{SVG}path").get("d").count("M") == 2
    assert {rect.get("x") for rect in bars(root)} == {"8"}


@pytest.mark.parametrize("chart", CHARTS)
def test_every_label_and_value_is_drawn_as_text(chart):
    data = [Datum("Jan", 12), Datum("Nuñez", 3456), Datum("Mar", 0)]
    root = parse(draw(chart, data))
    drawn = texts(root)
    for datum in data:
        assert datum.label in drawn
        assert any(text.startswith(str(datum.value)) for text in drawn)
    assert [hover_title(group).split(": ")[0] for group in groups(root)] == ["Jan", "Nuñez", "Mar"]


@pytest.mark.parametrize("chart", CHARTS)
def test_values_use_the_number_format(chart):
    root = parse(draw(chart, [Datum("May", 1234567)], number_format="{:,}".format))
    assert any(text.startswith("1,234,567") for text in texts(root))
    assert hover_title(groups(root)[0]).startswith("May: 1,234,567")


@pytest.mark.parametrize("chart", CHARTS)
def test_huge_values_are_drawn_inside_the_chart(chart):
    root = parse(draw(chart, [Datum("a", 10**9), Datum("b", 5 * 10**8)]))
    lengths = [bar_length(chart, rect) for rect in bars(root)]
    assert lengths[1] == pytest.approx(lengths[0] / 2, abs=0.1)
    assert any(text.startswith("1000000000") for text in texts(root))
    width = view_box(root)[2]
    for rect in bars(root):
        assert float(rect.get("x")) + float(rect.get("width")) <= width


@pytest.mark.parametrize("chart", CHARTS)
def test_all_zero_values_draw_zero_length_bars(chart):
    root = parse(draw(chart, [Datum("a", 0), Datum("b", 0)]))
    assert [bar_length(chart, rect) for rect in bars(root)] == [0, 0]
    assert texts(root).count("0") == 2


# Privacy


@pytest.mark.parametrize("chart", CHARTS)
def test_suppressed_value_shows_its_text_and_no_bar(chart):
    data = [Datum("Email", 40), Datum("Small branch", None), Datum("Phones", 20)]
    root = parse(draw(chart, data, suppressed_text="fewer than 5"))
    assert len(bars(root)) == 2
    email, small, phones = groups(root)
    assert small.find(f"{SVG}rect") is None
    assert "fewer than 5" in texts(small)
    assert hover_title(small) == "Small branch: fewer than 5"
    assert email.find(f"{SVG}rect") is not None and phones.find(f"{SVG}rect") is not None
    # The scale comes from the values that are shown.
    lengths = [bar_length(chart, rect) for rect in bars(root)]
    assert lengths[1] == pytest.approx(lengths[0] / 2, abs=0.1)


@pytest.mark.parametrize("chart", CHARTS)
def test_all_suppressed_draws_no_bars(chart):
    root = parse(draw(chart, [Datum("a", None), Datum("b", None)]))
    assert bars(root) == []
    assert texts(root).count("< 5") == 2


# Empty data


@pytest.mark.parametrize("chart", CHARTS)
def test_empty_data_draws_a_small_chart_saying_so(chart):
    root = parse(draw(chart, [], empty_text="Nothing yet", chart_id="e"))
    assert bars(root) == []
    assert texts(root) == ["Nothing yet"]
    assert root.get("aria-labelledby") == "e-title e-desc e-empty"
    assert root.find(f".//{SVG}text").get("id") == "e-empty"
    assert view_box(root)[3] <= 60


def test_empty_text_defaults_to_no_data():
    assert texts(parse(draw(bar_chart, []))) == ["No data"]


# Escaping and awkward text


@pytest.mark.parametrize("chart", CHARTS)
def test_label_markup_is_text_never_an_element(chart):
    label = f"{SCRIPT} & \"quoted\" 'single'"
    markup = draw(chart, [Datum(label, 3), Datum("b", 4)])
    assert "<script" not in markup
    root = parse(markup)
    assert not [element for element in root.iter() if "script" in element.tag]
    assert hover_title(groups(root)[0]).startswith(f"{label}: 3")
    assert any(text.startswith("<script>alert") for text in texts(root))


@pytest.mark.parametrize("chart", CHARTS)
def test_every_caller_string_is_escaped_even_markup(chart):
    markup = draw(
        chart,
        [Datum(Markup(SCRIPT), 3), Datum("b", None)],
        title=Markup(f"<b>{SCRIPT}</b>"),
        description=SCRIPT,
        suppressed_text=SCRIPT,
        number_format=lambda value: f"<i>{value}</i>",
    )
    assert "<script" not in markup and "<b>" not in markup and "<i>" not in markup
    root = parse(markup)
    assert root.find(f"{SVG}title").text == f"<b>{SCRIPT}</b>"
    assert root.find(f"{SVG}desc").text == SCRIPT
    assert {element.tag for element in root.iter()} <= {
        f"{SVG}{tag}" for tag in ("svg", "title", "desc", "path", "g", "rect", "text")
    }


@pytest.mark.parametrize("chart", CHARTS)
def test_characters_xml_cannot_carry_are_dropped_and_spaces_collapsed(chart):
    label = "Nu\x00ñ\x1bez\ud800\ufffe\uffff \t\r\n Branch "
    root = parse(draw(chart, [Datum(label, 3)], title="Per\x07 month\nof 2024"))
    assert hover_title(groups(root)[0]).startswith("Nuñez Branch: 3")
    assert root.find(f"{SVG}title").text == "Per month of 2024"


@pytest.mark.parametrize("chart", ROW_CHARTS)
def test_long_label_wraps_onto_two_lines_and_stays_whole_on_hover(chart):
    label = " ".join([NUNEZ] * 10)
    root = parse(draw(chart, [Datum(label, 3)]))
    group = groups(root)[0]
    lines = texts(group)[:-1]
    assert len(lines) == 2
    assert lines[0].startswith(NUNEZ)
    assert lines[1].endswith("…")
    assert label.startswith(" ".join(lines)[:-1])
    assert hover_title(group).startswith(f"{label}: 3")


@pytest.mark.parametrize("chart", ROW_CHARTS)
def test_long_word_is_broken_to_fit(chart):
    root = parse(draw(chart, [Datum("W" * 300, 3)]))
    lines = texts(groups(root)[0])[:-1]
    assert len(lines) == 2
    assert all(len(line) < 60 for line in lines)


def test_long_column_label_is_shortened_but_whole_on_hover():
    label = f"{NUNEZ} central branch"
    root = parse(draw(column_chart, [Datum(label, 3)] * 6))
    shown = [text for text in texts(groups(root)[0]) if text != "3"]
    assert len(shown) == 1
    assert shown[0].endswith("…") and label.startswith(shown[0][:-1])
    assert hover_title(groups(root)[0]) == f"{label}: 3"


# Many columns


def test_thirty_six_months_keep_every_value_and_thin_their_labels():
    months = [f"{m:02d}/{year}" for year in (2023, 2024, 2025) for m in range(1, 13)]
    data = [Datum(month, index * 37) for index, month in enumerate(months)]
    root = parse(draw(column_chart, data))
    assert len(bars(root)) == 36
    assert [hover_title(group) for group in groups(root)] == [
        f"{month}: {index * 37}" for index, month in enumerate(months)
    ]
    drawn = texts(root)
    assert all(str(index * 37) in drawn for index in range(36))
    shown = [month for month in months if month in drawn]
    assert months[0] in shown
    assert 2 <= len(shown) < 36
    step = months.index(shown[1])
    assert shown == months[::step]


def test_thinned_labels_do_not_overlap_and_stay_inside():
    data = [Datum(f"September {2000 + i}", i) for i in range(24)]
    root = parse(draw(column_chart, data))
    width = view_box(root)[2]
    labels = [text for text in root.iter(f"{SVG}text") if (text.text or "").startswith("Sep")]
    # An estimate no smaller than common fonts draw: 0.64 em a character at 16 units.
    spans = [
        (float(t.get("x")) - len(t.text) * 5.2, float(t.get("x")) + len(t.text) * 5.2)
        for t in labels
    ]
    assert len(spans) >= 2
    assert spans[0][0] >= 0 and spans[-1][1] <= width
    assert all(left[1] < right[0] for left, right in zip(spans, spans[1:]))


def test_few_short_labels_are_all_shown_level():
    data = [Datum(month, 3) for month in ("Jan", "Feb", "Mar", "Apr")]
    root = parse(draw(column_chart, data))
    assert all(month in texts(root) for month in ("Jan", "Feb", "Mar", "Apr"))
    assert not [t for t in root.iter(f"{SVG}text") if t.get("transform")]


def test_crowded_values_are_turned_upright():
    data = [Datum(str(i), 123456) for i in range(24)]
    root = parse(draw(column_chart, data))
    values = [t for t in root.iter(f"{SVG}text") if t.text == "123456"]
    assert len(values) == 24
    assert all(t.get("transform", "").startswith("rotate(-90") for t in values)


# Funnel


def test_funnel_shows_each_step_as_a_share_of_the_first():
    data = [Datum("Started", 200), Datum("Module 1", 100), Datum("Certificate", 50)]
    root = parse(draw(funnel_chart, data))
    drawn = texts(root)
    assert "200 (100%)" in drawn and "100 (50%)" in drawn and "50 (25%)" in drawn
    assert [hover_title(group) for group in groups(root)] == [
        "Started: 200 (100%)",
        "Module 1: 100 (50%)",
        "Certificate: 50 (25%)",
    ]


def test_funnel_rounds_halves_up_and_uses_the_given_formats():
    data = [Datum("Started", 1600), Datum("Module 1", 1000)]
    root = parse(
        draw(
            funnel_chart,
            data,
            number_format="{:,}".format,
            percent_format=lambda share: f"{share * 100:.1f}\u00a0%",
        )
    )
    assert "1,000 (62.5\u00a0%)" in texts(root)
    assert "1,000 (63%)" in texts(parse(draw(funnel_chart, data, number_format="{:,}".format)))


def test_funnel_suppressed_step_has_no_share():
    data = [Datum("Started", 200), Datum("Module 1", None), Datum("Certificate", 50)]
    root = parse(draw(funnel_chart, data))
    assert [texts(group)[-1] for group in groups(root)] == ["200 (100%)", "< 5", "50 (25%)"]
    assert len(bars(root)) == 2


@pytest.mark.parametrize("first", [0, None])
def test_funnel_without_a_first_count_shows_counts_only(first):
    data = [Datum("Started", first), Datum("Module 1", 0), Datum("Certificate", 7)]
    root = parse(draw(funnel_chart, data))
    assert [texts(group)[-1] for group in groups(root)][1:] == ["0", "7"]
    assert "%" not in "".join(texts(root))


def test_funnel_later_step_above_the_first_shows_over_a_hundred_percent():
    data = [Datum("Started", 10), Datum("Certificate", 15)]
    root = parse(draw(funnel_chart, data))
    assert "15 (150%)" in texts(root)
    assert float(bars(root)[1].get("width")) > float(bars(root)[0].get("width"))


@pytest.mark.parametrize(
    ("share", "text"),
    [(0, "0%"), (1, "100%"), (0.625, "63%"), (0.285, "29%"), (1 / 3, "33%"), (1.5, "150%")],
)
def test_whole_percent(share, text):
    assert whole_percent(share) == text


# Compact output


def test_output_is_compact():
    data = [Datum(f"2024-{m:02d}", m * 1234 % 977) for m in range(1, 13)] * 2
    markup = draw(column_chart, data)
    assert "\n" not in markup and "> <" not in markup
    attributes = markup.replace('width="100%"', "", 1)
    numbers = re.findall(r' (?:x|y|width|height|viewBox)="([^"]*)"', attributes)
    assert numbers
    for value in " ".join(numbers).split():
        assert re.fullmatch(r"\d+(\.\d)?", value), value
    assert len(markup) < 8000


# Properties

# Any character, and more often than by chance: lone surrogates (which st.characters leaves
# out unless asked), other characters XML 1.0 cannot carry, whitespace and markup.
xml_unsafe_text = st.text(
    alphabet=st.characters(exclude_categories=())
    | st.characters(categories=["Cs"])
    | st.sampled_from("\x00\x08\x0b\x1f\ufffe\uffff\t\n\r <>&\"'ñ…\u0301\u00a0"),
    max_size=80,
)
data_strategy = st.lists(
    st.builds(Datum, xml_unsafe_text, st.none() | st.integers(min_value=0, max_value=10**12)),
    max_size=40,
)


def expected_text(text: str) -> str:
    return re.sub("[\t\n\r ]+", " ", NOT_XML.sub("", text)).strip()


@given(data=data_strategy, chart=st.sampled_from(CHARTS))
def test_any_data_gives_well_formed_svg_with_a_bar_per_shown_value(data, chart):
    markup = draw(chart, data)
    root = parse(markup)
    assert len(bars(root)) == sum(datum.value is not None for datum in data)
    if not data:
        assert texts(root) == ["No data"]
        return
    titles = [hover_title(group) for group in groups(root)]
    assert len(titles) == len(data)
    for title, datum in zip(titles, data):
        label = expected_text(datum.label)
        assert title.startswith(f"{label}: ")
        value = title[len(label) + 2 :]
        assert value.startswith("< 5" if datum.value is None else str(datum.value))
    width, height = view_box(root)[2:]
    lengths = [bar_length(chart, rect) for rect in bars(root)]
    shown = [datum.value for datum in data if datum.value is not None]
    if shown and max(shown):
        full = max(lengths)
        for length, value in zip(lengths, shown):
            assert length == pytest.approx(value / max(shown) * full, abs=0.1)
    for rect in bars(root):
        assert 0 <= float(rect.get("x")) <= float(rect.get("x")) + float(rect.get("width")) <= width
        assert (
            0 <= float(rect.get("y")) <= float(rect.get("y")) + float(rect.get("height")) <= height
        )


@given(label=xml_unsafe_text)
def test_any_label_survives_escaping_intact(label):
    root = parse(draw(bar_chart, [Datum(label, 1)], title=label + "t", description=label + "d"))
    assert hover_title(groups(root)[0]) == f"{expected_text(label)}: 1"
    assert root.find(f"{SVG}title").text == expected_text(label + "t")
