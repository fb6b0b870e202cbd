"""Property-based fuzzing (issue 17, problem 8): real pages mutated (tests/_mutations.py) go
through extraction and the whole pipeline; no exception escapes, every page ends as an
article or an error record, within the per-page time budget.

Bounded here (NEWSDESK_FUZZ_EXAMPLES, default 40 pages through extraction, a quarter of that
through the whole pipeline); ``python bench/fuzz.py`` runs it longer."""
from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings

from newsdesk.model import Article, PageError, RawPage
from newsdesk.pipeline import STEPS, Pipeline

from _mutations import mildly_damaged_pages, mutated_pages

EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "40"))
BUDGET = 5.0   # seconds per page's extraction (the pipeline's default budget)
SLACK = 10.0   # a loaded machine, decoding and the store-free bookkeeping around the step
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example])


def _check(result: list, started: float, limit: float) -> None:
    assert len(result) == 1
    rec = result[0]
    assert isinstance(rec, (Article, PageError))
    if isinstance(rec, Article):
        assert rec.text.strip() and "\x00" not in rec.text
        for e in rec.entities:
            assert 0 <= e.start < e.end <= len(rec.text)
    else:
        assert rec.reason and rec.step
    assert time.monotonic() - started < limit


_extract = Pipeline("extract", page_timeout=BUDGET)


@FUZZ
@given(page=mutated_pages())
def test_mutated_pages_through_extraction(page):
    fmt, data = page
    t0 = time.monotonic()
    _check(list(_extract.process([RawPage(content=data, source="fuzz", format=fmt,
                                          url="https://fuzz.example/a")])), t0, BUDGET + SLACK)


def _words(text: str) -> set[str]:
    return set(text.split())


@FUZZ
@given(pages=mildly_damaged_pages())
def test_mild_damage_keeps_the_article(pages):
    """A few stray NUL/control bytes or deep nesting cost a page nothing of its article."""
    original, damaged = pages
    before, after = (next(iter(_extract.process([RawPage(content=d, source="fuzz", format="html")])))
                     for d in (original, damaged))
    assert isinstance(before, Article)
    assert isinstance(after, Article), after
    assert len(_words(before.text) & _words(after.text)) >= 0.8 * len(_words(before.text))


@pytest.fixture(scope="module")
def full():
    p = Pipeline(STEPS, page_timeout=BUDGET)
    p.warm_up()
    return p


@settings(FUZZ, max_examples=max(2, EXAMPLES // 4))
@given(page=mutated_pages())
def test_mutated_pages_through_the_whole_pipeline(full, page):
    fmt, data = page
    t0 = time.monotonic()
    # Enrichment is not under the extraction budget: a generous bound on the whole page.
    _check(list(full.process([RawPage(content=data, source="fuzz", format=fmt)])), t0, 60)
