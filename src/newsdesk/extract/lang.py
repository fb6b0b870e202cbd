"""Cheap language guess: share of each language's most frequent function words."""
from __future__ import annotations

import re
from collections import Counter

# The most frequent function words per language; small on purpose (a heuristic, not a model).
_STOPWORDS = {
    "en": "the of and to a in is that for it on was with as by at from he she they this be are have has said not but were an which their its will".split(),
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er hat dass sie nach wird bei".split(),
    "fr": "le la les de des et en un une du est que qui dans pour pas au sur se par plus il elle ont été avec ce sont".split(),
    "es": "el la de que y en los del se las por un una para con no es su al lo como más pero sus le ha fue".split(),
    "it": "il di che la e un una in per non del della sono le dei con si da ha gli al è nel anche come".split(),
    "pt": "de que e o a do da em um para com não uma os no se na por mais as dos como mas foi ao ele das".split(),
    "nl": "de het een en van in is dat op te zijn voor met die niet aan er ook als bij door om maar werd heeft".split(),
}
_SETS = {k: frozenset(v) for k, v in _STOPWORDS.items()}
_WORD = re.compile(r"[^\W\d_]+", re.U)
# Letters outside Latin script (Cyrillic, Greek, CJK, Arabic, ...).
_NON_LATIN = re.compile(r"[^\W\d_a-zA-Z\u00c0-\u024f]")


def detect(text: str, min_words: int = 15) -> str | None:
    """ISO 639-1 code, or None when the text is too short or no language stands out."""
    words = _WORD.findall(text[:8000].lower())
    if len(words) < min_words:
        return None
    counts = Counter(words)
    head = text[:8000]
    if _NON_LATIN.search(head) and len(_NON_LATIN.findall(head)) > 0.3 * len(head):
        return None  # no lexicon here for other scripts: better unsure than wrong
    scores = {lang: sum(counts[w] for w in s) / len(words) for lang, s in _SETS.items()}
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    # Running English text has ~25-35 % of these words; a language must also clearly lead.
    if ranked[0] >= 0.12 and ranked[0] >= 1.5 * ranked[1]:
        return best
    return None
