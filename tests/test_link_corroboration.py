"""Incident status from its reports: copies count once, denials and figures contest."""
from newsdesk.link.corroboration import (CONTESTED, CORROBORATED, SINGLE, Report,
                                         independent_outlets, status)


def rep(aid, outlet, family=None, fact="asserted", numbers=(), published="2024-03-01"):
    return Report(article_id=aid, outlet=outlet, family=family or aid, published=published,
                  start=0, end=5, factuality=fact, numbers=list(numbers))


def test_wire_copies_are_one_source():
    # three sites carry one wire story: one family, one independent outlet
    reports = [rep("a", "Wire", "a"), rep("b", "Daily", "a"), rep("c", "Herald", "a")]
    assert independent_outlets(reports) == ["Wire"]
    assert status(reports)[0] == SINGLE


def test_two_outlets_corroborate():
    assert status([rep("a", "Wire"), rep("b", "Herald")])[0] == CORROBORATED


def test_same_outlet_twice_is_one():
    assert status([rep("a", "Herald"), rep("b", "Herald")])[0] == SINGLE


def test_denial_contests():
    s, why = status([rep("a", "Wire"), rep("b", "Herald", fact="negated")])
    assert s == CONTESTED and "negated" in why


def test_figures_beyond_rounding_contest():
    a = rep("a", "Wire", numbers=[(12, "people")])
    b = rep("b", "Herald", numbers=[(40, "people")])
    assert status([a, b])[0] == CONTESTED
    c = rep("c", "Herald", numbers=[(11, "people")])   # 12 vs 11: rounding, not a dispute
    assert status([a, c])[0] == CORROBORATED
