"""Times step: TIMEX3 normalisation anchored on the publication date; quantities."""
import datetime as dt

import pytest

from newsdesk.enrich import Enricher
from newsdesk.enrich.quantities import parse_number
from newsdesk.enrich.times import normalize, parse_anchor
from newsdesk.model import Article

from conftest import gold_body

A = dt.date(2023, 1, 5)  # a Thursday


@pytest.fixture(scope="module")
def enr():
    return Enricher(steps=["times"])


def run(enr, text, published="2023-01-05T17:52"):
    art = enr(Article(id="t", text=text, published=published))
    for t in art.times:
        assert text[t.start:t.end] == t.text
    for q in art.quantities:
        assert text[q.start:q.end] == q.text
    return art


def values(art):
    return {t.text: t.value for t in art.times}


def test_seed_gold_times_and_quantities(seed, enr):
    _, gold = seed
    art = run(enr, gold_body(seed))
    got = {t.value for t in art.times}
    for g in gold["times"]:
        assert g["value"] in got, g
        assert any(g["text"].endswith(t.text) or t.text in g["text"] for t in art.times
                   if t.value == g["value"]), g
    for g in gold["quantities"]:
        hits = [q for q in art.quantities if q.value == g["value"]]
        assert hits, g
        assert hits[0].unit == g["unit"] and hits[0].approximate == g["approximate"]
        assert hits[0].text == g["text"]


@pytest.mark.parametrize("text,tense,value,typ", [
    ("Jan. 5", "past", "2023-01-05", "DATE"),
    ("Dec. 15", "past", "2022-12-15", "DATE"),          # month/day ahead in past context
    ("Jan. 9", "future", "2023-01-09", "DATE"),
    ("Jan. 2", "future", "2023-01-02", "DATE"),          # only days ago: stays this year
    ("December 15, 2021", "past", "2021-12-15", "DATE"),
    ("15 March 2020", "past", "2020-03-15", "DATE"),
    ("March 2022", "past", "2022-03", "DATE"),
    ("2000", "past", "2000", "DATE"),
    ("since 2019", "present", "2019", "DATE"),
    ("in spring", "future", "2023-SP", "DATE"),
    ("in spring", "past", "2022-SP", "DATE"),
    ("last summer", "past", "2022-SU", "DATE"),
    ("spring 2021", "past", "2021-SP", "DATE"),
    ("on Friday", "past", "2022-12-30", "DATE"),
    ("on Friday", "future", "2023-01-06", "DATE"),
    ("Thursday", "past", "2023-01-05", "DATE"),
    ("yesterday", "past", "2023-01-04", "DATE"),
    ("today", "present", "2023-01-05", "DATE"),
    ("tomorrow", "future", "2023-01-06", "DATE"),
    ("last week", "past", "2022-W52", "DATE"),
    ("next week", "future", "2023-W02", "DATE"),
    ("next month", "future", "2023-02", "DATE"),
    ("last month", "past", "2022-12", "DATE"),
    ("this year", "present", "2023", "DATE"),
    ("last year", "past", "2022", "DATE"),
    ("two weeks ago", "past", "2022-W51", "DATE"),
    ("three days ago", "past", "2023-01-02", "DATE"),
    ("the 1990s", "past", "199", "DATE"),
    ("the 20th century", "past", "19", "DATE"),
    ("the first quarter of 2022", "past", "2022-Q1", "DATE"),
    ("three days", "past", "P3D", "DURATION"),
    ("24 hours", "past", "PT24H", "DURATION"),
    ("the past two years", "past", "P2Y", "DURATION"),
    ("several months", "past", "PXM", "DURATION"),
    ("every week", "present", "P1W", "SET"),
    ("daily", "present", "P1D", "SET"),
    ("every Monday", "present", "XXXX-WXX-1", "SET"),
    ("5:52 pm", "past", "2023-01-05T17:52", "TIME"),
    ("yesterday morning", "past", "2023-01-04TMO", "TIME"),
    ("now", "present", "PRESENT_REF", "DATE"),
])
def test_normalize(text, tense, value, typ):
    assert normalize(text, A, tense) == (value, typ)


def test_normalize_without_anchor():
    assert normalize("Dec. 15", None, "past") == ("XXXX-12-15", "DATE")
    assert normalize("2000", None) == ("2000", "DATE")
    assert normalize("a banana", A) is None


def test_parse_anchor():
    assert parse_anchor("2023-01-05T17:52") == dt.datetime(2023, 1, 5, 17, 52)
    assert parse_anchor("2023-01-05") == dt.datetime(2023, 1, 5)
    assert parse_anchor("2023-01-05T17:52:00Z") == dt.datetime(2023, 1, 5, 17, 52)
    assert parse_anchor(None) is None


def test_tense_from_sentence(enr):
    art = run(enr, "The rally took place on Friday. Another rally will take place on Friday.")
    vals = [t.value for t in art.times]
    assert vals == ["2022-12-30", "2023-01-06"]


def test_season_tense_from_sentence(enr):
    art = run(enr, "Officials expect that the bridge will reopen in summer. "
                   "The old bridge was damaged in summer.")
    vals = [t.value for t in art.times if "summer" in t.text]
    assert vals == ["2023-SU", "2022-SU"]


def test_month_day_past_context(enr):
    art = run(enr, "In a speech on Nov. 30, the mayor said the plan had failed.")
    assert "2022-11-30" in {t.value for t in art.times}


def test_regex_extents(enr):
    art = run(enr, "Meetings are held every week, and the council met yesterday.")
    v = values(art)
    assert v.get("every week") == "P1W"
    assert v.get("yesterday") == "2023-01-04"


def test_quantities(enr):
    art = run(enr, "About 10,000 troops moved 40 kilometers, and $2.5 million in aid arrived. "
                   "Prices rose 5 percent.")
    q = {(x.value, x.unit): x for x in art.quantities}
    assert q[(10000, "troop")].approximate
    assert not q[(40, "km")].approximate
    assert (2_500_000, "USD") in q
    assert (5, "%") in q


def test_parse_number():
    assert parse_number("1,000") == 1000
    assert parse_number("twenty-five") == 25
    assert parse_number("2.5 million") == 2_500_000
    assert parse_number("banana") is None


@pytest.mark.parametrize("text,value,typ", [
    ("nineteen ninety-six", "1996", "DATE"),
    ("the year two thousand", "2000", "DATE"),
    ("two-year", "P2Y", "DURATION"),
    ("two decades", "P20Y", "DURATION"),
    ("more than four hours", "PT4H", "DURATION"),
    ("the quarter", "2022-Q4", "DATE"),      # the last complete quarter, in past context
])
def test_normalize_more(text, value, typ):
    assert normalize(text, A, "past") == (value, typ)


def test_ages_are_not_times():
    assert normalize("52 years old", A, "present") is None


def test_timex_extents(enr):
    art = run(enr, "Profit rose in the third quarter, and the company said sales in the "
                   "quarter ended Sept. 30 were up.")
    texts = [t.text for t in art.times]
    assert "the third quarter" in texts
    assert "the quarter" in texts and "Sept. 30" in texts
    assert {t.value for t in art.times if t.text == "Sept. 30"} == {"2022-09-30"}


def test_past_deadline_stays_in_publication_year(enr):
    # past verb, date a fortnight after publication: a deadline, not last year's date
    art = run(enr, "The company extended its offer to Jan. 20.")
    assert [t.value for t in art.times] == ["2023-01-20"]


def test_tense_through_control_verbs(enr):
    art = run(enr, "The deal was set to close on Monday. Sony plans to close another deal on Monday.")
    assert [t.value for t in art.times] == ["2023-01-02", "2023-01-09"]


def test_nested_patterns_inside_unreadable_extent(enr):
    art = run(enr, "Sales rose from the corresponding period last year.")
    assert "2022" in {t.value for t in art.times}


def test_reference_and_vague_conventions():
    assert normalize("recent months", A, "past") == ("PXM", "DURATION")
    # vague stretches up to now or ahead are durations of unknown length (TimeML guidelines)
    assert normalize("the last few months", A, "past") == ("PXM", "DURATION")
    assert normalize("the next several days", A, "future") == ("PXD", "DURATION")
    assert normalize("coming months", A, "future") == ("FUTURE_REF", "DATE")
    assert normalize("the near future", A, "future") == ("FUTURE_REF", "DATE")
    assert normalize("now", A) == ("PRESENT_REF", "DATE")
    assert normalize("recent years", A, "past") == ("PAST_REF", "DATE")


def test_month_with_relative_year():
    assert normalize("January this year", A, "past") == ("2023-01", "DATE")
    assert normalize("June last year", A, "past") == ("2022-06", "DATE")
    assert normalize("the winter of nineteen ninety-four", A, "past") == ("1994-WI", "DATE")


def test_quarterly_report_conventions(enr):
    text = ("Acme said third-quarter profit rose 10% to $5 million from $4.5 million a year "
            "earlier. In the year-ago quarter the company had a charge. Sales for the year "
            "ended Aug. 31 rose. In the 1988 period, costs fell.")
    v = values(run(enr, text, published="1989-11-02"))
    assert v["third-quarter"] == "1989-Q3"
    assert v["a year earlier"] == "1988-Q3"
    assert v["the year-ago quarter"] == "1988-Q3"
    assert v["the year"] == "P1Y"
    assert v["the 1988 period"] == "1988-Q3"


def test_year_ago_without_quarter_is_the_year(enr):
    v = values(run(enr, "Prices were lower a year ago.", published="1989-11-02"))
    assert v["a year ago"] == "1988"


def test_narrative_year_and_clock_day_merge(enr):
    v = values(run(enr, "In 1995 he was promoted, and the following year he retired. "
                        "Talks broke off at noon Thursday.", published="1998-02-13"))
    assert v["the following year"] == "1996"
    assert v["noon Thursday"] == "1998-02-12T12:00"


def test_durations_sets_decades_and_fiscal_years():
    assert normalize("the past two weeks", A, "past") == ("P2W", "DURATION")
    assert normalize("a couple of years", A, "past") == ("P2Y", "DURATION")
    assert normalize("at least 20 more years", A, "future") == ("P20Y", "DURATION")
    assert normalize("eight trading days", A, "past") == ("P8D", "DURATION")
    assert normalize("the latest nine months", A, "past") == ("P9M", "DURATION")
    assert normalize("each July", A) == ("XXXX-07", "SET")
    assert normalize("every winter", A) == ("XXXX-WI", "SET")
    assert normalize("the nineties", A, "past") == ("199", "DATE")
    assert normalize("the nineties", dt.date(1989, 10, 1), "future") == ("199", "DATE")
    assert normalize("the 1990 fiscal year", A, "past") == ("1990", "DATE")
    assert normalize("fiscal year 2021", A, "past") == ("2021", "DATE")


def test_anaphoric_expressions_anchor_on_the_last_named_date(enr):
    v = values(run(enr, "The ceasefire was signed on March 3, 2021. The next day shelling resumed, "
                        "and the following month talks collapsed.", published="2023-01-05"))
    assert v["The next day"] == "2021-03-04"
    assert v["the following month"] == "2021-04"


def test_year_ranges_give_both_ends(enr):
    v = values(run(enr, "Output fell between 1990 and 1995."))
    assert v["1990"] == "1990" and v["1995"] == "1995"


def test_current_calendar_unit_is_one_expression(enr):
    art = run(enr, "The firm expects sales in the current fiscal year to rise.")
    assert values(art) == {"the current fiscal year": "2023"}
    assert normalize("the current quarter", A, "present") == ("2023-Q1", "DATE")


def test_soon_and_the_near_future_are_future_references(enr):
    art = run(enr, "The board will soon name a chief. It may list the unit in the near future.")
    assert values(art) == {"soon": "FUTURE_REF", "the near future": "FUTURE_REF"}
    art = run(enr, "The rest will be sold at a later date.")
    assert values(art) == {"a later date": "FUTURE_REF"}
    art = run(enr, "They left as soon as the vote ended.")
    assert "soon" not in values(art)


def test_end_of_the_month_is_the_month_not_a_duration():
    assert normalize("the end of the month", A, "future") == ("2023-01", "DATE")
    assert normalize("the beginning of this year", A, "present") == ("2023", "DATE")
    assert normalize("a month", A, "present") == ("P1M", "DURATION")


def test_a_range_of_counts_is_one_duration():
    assert normalize("two to three weeks", A, "future") == ("P2W", "DURATION")
    assert normalize("the next 12 to 18 months", A, "future") == ("P12M", "DURATION")
    assert normalize("1990 to 1995", A, "past") == ("1990", "DATE")


def test_unmeasured_stretches_and_one_day_ahead(enr):
    art = run(enr, "Troops could stay for some time. We waited for a while.")
    assert values(art) == {"some time": "PXX", "a while": "PXX"}
    assert normalize("one day", A, "future") == ("FUTURE_REF", "DATE")
    assert normalize("one day", A, "past") == ("P1D", "DURATION")


def test_prospective_adjective_puts_the_date_ahead(enr):
    art = run(enr, "The company declared a dividend payable March 15 to holders.")
    assert values(art)["March 15"] == "2023-03-15"
    art = run(enr, "The company paid a dividend on March 15 to holders.")
    assert values(art)["March 15"] == "2022-03-15"
