"""The coreference scorer of bench/linking.py on hand-worked cases."""
import importlib.util
from pathlib import Path

import pytest

_path = Path(__file__).resolve().parents[1] / "bench" / "coref_metrics.py"
_spec = importlib.util.spec_from_file_location("nd_coref_metrics", _path)
cm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cm)


def lab(*clusters):
    return {m: i for i, cl in enumerate(clusters) for m in cl}


def test_identical_clusterings_score_one():
    g = lab("abc", "de", "f")
    assert cm.conll_f1(g, g) == pytest.approx({"muc": 1, "b3": 1, "ceafe": 1, "conll": 1})


def test_muc_example_by_hand():
    # key {a,b,c,d}; response {a,b},{c,d}: recall (4-2)/3, precision (2-1+2-1)/2 = 1
    p, r, f = cm.muc(lab("abcd"), lab("ab", "cd"))
    assert (p, r) == pytest.approx((1.0, 2 / 3))
    assert f == pytest.approx(0.8)


def test_b_cubed_example_by_hand():
    # key {a,b,c},{d}; response {a,b},{c,d}
    # precision: a 2/2, b 2/2, c 1/2 ({c,d} n {a,b,c}), d 1/2 -> 3/4
    # recall:    a 2/3, b 2/3, c 1/3, d 1/1 -> (2/3+2/3+1/3+1)/4 = 2/3
    p, r, _ = cm.b_cubed(lab("abc", "d"), lab("ab", "cd"))
    assert (p, r) == pytest.approx((0.75, 2 / 3))


def test_ceaf_e_example_by_hand():
    # key {a,b,c},{d}; response {a,b},{c,d}: best alignment {a,b,c}-{a,b} phi 4/5,
    # {d}-{c,d} phi 2/3; P = R = (4/5 + 2/3) / 2
    p, r, _ = cm.ceaf_e(lab("abc", "d"), lab("ab", "cd"))
    assert p == pytest.approx((0.8 + 2 / 3) / 2)
    assert r == pytest.approx((0.8 + 2 / 3) / 2)


def test_all_singletons_response():
    g = lab("ab", "c")
    resp = lab("a", "b", "c")
    assert cm.muc(g, resp)[2] == 0.0       # no link found
    p, r, _ = cm.b_cubed(g, resp)
    assert p == 1.0 and r == pytest.approx((0.5 + 0.5 + 1) / 3)
    # CEAF-e: {a,b}-{a} phi 2/3, {c}-{c} 1: P = 5/3 / 3, R = 5/3 / 2
    p, r, _ = cm.ceaf_e(g, resp)
    assert (p, r) == pytest.approx((5 / 9, 5 / 6))


def test_missing_mentions_count_as_singletons():
    g = lab("ab")
    assert cm.b_cubed(g, {"a": 0})[1] == pytest.approx(0.5)


def test_pairwise_f1():
    p, r, f = cm.pairwise_f1(lab("abc"), lab("ab", "c"))
    assert (p, r) == pytest.approx((1.0, 1 / 3))
