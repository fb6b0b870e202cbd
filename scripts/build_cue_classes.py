"""Build src/newsdesk/data/cue_classes.tsv: verbs of communication and cognition from WordNet.

A verb lemma is listed when its most frequent sense (the first one in WordNet's index) lies in
the lexicographer file verb.communication or verb.cognition and that sense takes a ``that``
clause (WordNet's sentence frame 26, "Somebody ----s that CLAUSE"): those are the verbs that
report what someone said or thinks. The runtime reads only the table; WordNet is needed only
to rebuild it (Debian package ``wordnet-base``, WordNet 3.0 under the WordNet licence, which
allows redistribution of derived data with its notice).

    python scripts/build_cue_classes.py [--wordnet /usr/share/wordnet] [--out PATH]
"""
from __future__ import annotations

import argparse
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
LEXFILES = {31: "cognition", 32: "communication"}   # verb.cognition, verb.communication
CLAUSE_FRAME = 26                                     # "Somebody ----s that CLAUSE"


def synsets(data: pathlib.Path) -> dict[str, tuple[int, set[int]]]:
    """offset -> (lexicographer file number, sentence frames of the synset's words)."""
    out = {}
    for line in data.read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue  # licence header
        f = line.split(" | ")[0].split()
        offset, lexfile, w_cnt = f[0], int(f[1]), int(f[3], 16)
        i = 4 + 2 * w_cnt
        p_cnt = int(f[i])
        i += 1 + 4 * p_cnt
        frames = set()
        if i < len(f):
            for k in range(int(f[i])):
                frames.add(int(f[i + 2 + 3 * k]))
        out[offset] = (lexfile, frames)
    return out


def classes(wordnet: pathlib.Path) -> dict[str, str]:
    syn = synsets(wordnet / "data.verb")
    out = {}
    for line in (wordnet / "index.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith(" "):
            continue
        f = line.split()
        lemma, sense_cnt = f[0], int(f[2])
        if "_" in lemma or "-" in lemma:
            continue  # single words only: the lexicon is looked up by token lemma
        lexfile, frames = syn[f[-sense_cnt]]
        if lexfile in LEXFILES and CLAUSE_FRAME in frames:
            out[lemma] = LEXFILES[lexfile]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=pathlib.Path, default=pathlib.Path("/usr/share/wordnet"))
    ap.add_argument("--out", type=pathlib.Path, default=ROOT / "src/newsdesk/data/cue_classes.tsv")
    a = ap.parse_args()
    table = classes(a.wordnet)
    rows = ["# Verbs of communication and cognition whose first WordNet sense takes a 'that' clause:",
            "# lemma<TAB>class. Built by scripts/build_cue_classes.py from WordNet 3.0",
            "# (Princeton University, WordNet licence: https://wordnet.princeton.edu/license-and-commercial-use).",
            *(f"{k}\t{v}" for k, v in sorted(table.items()))]
    a.out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(table)} lemmas -> {a.out}")


if __name__ == "__main__":
    main()
