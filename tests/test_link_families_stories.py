"""Duplicate families and online stories on small made-up texts, with the real model."""
import numpy as np
import pytest

from newsdesk.link.families import FamilyIndex, text_hash

PARAS = [
    "The river burst its banks on Tuesday night, flooding the lower town of Marlow.",
    "Emergency crews evacuated about 300 residents from houses near the old mill.",
    "The mayor said pumps had been brought in from neighbouring districts overnight.",
    "Forecasters expect more rain until Friday, and the water may rise again.",
    "Schools in the district will remain closed while the roads are cleared.",
]


def test_hash_ignores_spacing_and_case():
    assert text_hash("The River  burst.") == text_hash("the river burst")


def test_copies_join_the_first_seen_head():
    idx = FamilyIndex()
    head = idx.add("orig", "\n".join(PARAS))
    assert head.head == "orig"
    assert idx.add("exact", "\n\n".join(PARAS).upper()).head == "orig"
    assert idx.add("cut", "\n".join(PARAS[:2] + PARAS[3:])).head == "orig"
    assert idx.add("added", "\n".join(PARAS + ["Readers can send tips to our newsroom."])).head == "orig"


def test_different_story_is_its_own_family():
    idx = FamilyIndex()
    idx.add("orig", "\n".join(PARAS))
    other = ("Parliament passed the budget on Wednesday after a long debate. The opposition "
             "voted against it, saying taxes on fuel would rise. The finance minister said "
             "the plan would cut the deficit within three years.")
    assert idx.add("other", other).head == "other"
    # one shared sentence does not make a copy of the flood story (it is 'other' with a
    # paragraph added)
    assert idx.add("mixed", PARAS[0] + " " + other).head == "other"


@pytest.fixture(scope="module")
def enc():
    from newsdesk.link.embed import encoder
    return encoder()


def test_encoder_vectors_are_unit_and_meaningful(enc):
    v = enc.encode(["Flood forces 300 from homes in Marlow", "Marlow residents evacuated as river floods",
                    "Parliament passes the budget"])
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.2


def test_stories_group_and_split(enc):
    from newsdesk.link.stories import StoryIndex
    idx = StoryIndex()
    texts = {
        "a": ("Flood forces 300 from homes in Marlow. The river burst its banks overnight.", {"marlow"}),
        "b": ("Marlow evacuates residents as the river floods the lower town.", {"marlow"}),
        "c": ("Parliament passes budget after long debate. Fuel taxes will rise.", {"parliament"}),
    }
    vecs = enc.encode([t for t, _ in texts.values()])
    sids = {k: idx.add(k, v, keys, "2024-03-01") for (k, (_, keys)), v in zip(texts.items(), vecs)}
    assert sids["a"] == sids["b"] != sids["c"]
    # outside the time window the same words start a new story
    late = idx.add("d", vecs[0], {"marlow"}, "2024-06-01")
    assert late not in (sids["a"], sids["c"])


def test_story_scorer_weighs_specific_keys():
    """Two happenings of one kind read alike; shared names and years decide (the learned
    scorer), and an article without keys joins on likeness alone."""
    from newsdesk.link.stories import KEYLESS_COS, StoryIndex
    rng = np.random.default_rng(0)
    v = rng.normal(size=384)
    v /= np.linalg.norm(v)
    idx = StoryIndex()
    for i in range(3):   # some other news, so that the quake's keys are rare
        w = rng.normal(size=384)
        idx.add(f"x{i}", w / np.linalg.norm(w), {f"other{i}", "police"})
    idx.add("q1", v, {"arden", "2013", "6.1"})
    same = idx.best(v, {"arden", "2013", "6.1"})
    other = idx.best(v, {"marlow", "2009", "5.4"})
    assert same[0] == "q1" and same[1] > idx.model_or_default().threshold > other[1]
    assert idx.add("q2", v, {"arden", "2013"}) == "q1"
    assert idx.add("q3", v, {"marlow", "2009", "5.4"}) == "q3"
    assert KEYLESS_COS > 0.5 and idx.best(v, set())[1] == 1.0
