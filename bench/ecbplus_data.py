"""Read ECB+ in its own layout: ECB+/<topic>/<topic>_<n>ecb[plus].xml and
ECBplus_coreference_sentences.csv (the validated sentences evaluation uses).

Whatever topics the directory holds are read (``topics`` narrows them); nothing here
names or looks for a topic that is not on disk.
"""
from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

DEV_TOPICS = (2, 5, 12, 18, 21, 23, 34, 35)   # the standard dev split


@dataclass
class Mention:
    doc: str
    m_id: str
    sentence: int
    start: int          # word index inside the sentence (inclusive)
    end: int            # exclusive
    words: list[str]
    kind: str           # the markable's tag, e.g. ACTION_OCCURRENCE
    gold: str           # gold cluster: instance id, intra-doc chain, or the mention itself


@dataclass
class Doc:
    name: str           # "2_1ecb"
    topic: int
    subtopic: str       # "2_ecb" / "2_ecbplus": the gold story
    sentences: dict[int, list[str]]
    mentions: list[Mention] = field(default_factory=list)

    def text(self, limit: int | None = None) -> str:
        sents = [" ".join(self.sentences[k]) for k in sorted(self.sentences)]
        return "\n".join(sents[:limit] if limit else sents)


def parse_topics(spec: str | None, available: list[int]) -> list[int]:
    """"dev", "train", "all", or a list like "1-5,12"; limited to the topics on disk."""
    if not spec or spec == "all":
        return sorted(available)
    if spec == "dev":
        return sorted(t for t in available if t in DEV_TOPICS)
    if spec == "train":
        return sorted(t for t in available if t not in DEV_TOPICS)
    want: set[int] = set()
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            want.update(range(int(a), int(b) + 1))
        elif part:
            want.add(int(part))
    return sorted(t for t in available if t in want)


def available_topics(data: Path) -> list[int]:
    root = Path(data) / "ECB+"
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit())


def _validated(data: Path) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    with open(Path(data) / "ECBplus_coreference_sentences.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.setdefault(f"{row['Topic']}_{row['File']}", set()).add(int(row["Sentence Number"]))
    return out


def read_doc(path: Path, validated: set[int]) -> Doc:
    name = path.stem
    topic = int(name.split("_")[0])
    sub = "ecbplus" if name.endswith("ecbplus") else "ecb"
    root = ET.parse(path).getroot()
    sentences: dict[int, list[str]] = {}
    where: dict[str, tuple[int, int]] = {}
    for tok in root.iter("token"):
        s = int(tok.get("sentence"))
        sentences.setdefault(s, [])
        where[tok.get("t_id")] = (s, len(sentences[s]))
        sentences[s].append(tok.text or "")
    markables = root.find("Markables")
    gold: dict[str, str] = {}
    targets = {m.get("m_id"): m for m in markables} if markables is not None else {}
    relations = root.find("Relations")
    for rel in (relations if relations is not None else []):
        target = rel.find("target")
        if target is None:
            continue
        t = targets.get(target.get("m_id"))
        chain = (t.get("instance_id") if t is not None else None) or f"{name}:{target.get('m_id')}"
        for src in rel.findall("source"):
            gold[src.get("m_id")] = chain
    doc = Doc(name=name, topic=topic, subtopic=f"{topic}_{sub}", sentences=sentences)
    for m in (markables if markables is not None else []):
        if not re.match(r"(NEG_)?ACTION_", m.tag):
            continue
        anchors = [where[a.get("t_id")] for a in m.findall("token_anchor") if a.get("t_id") in where]
        if not anchors:
            continue
        s = anchors[0][0]
        if s not in validated or any(a[0] != s for a in anchors):
            continue
        idx = [a[1] for a in anchors]
        start, end = min(idx), max(idx) + 1
        mid = m.get("m_id")
        doc.mentions.append(Mention(doc=name, m_id=mid, sentence=s, start=start, end=end,
                                    words=sentences[s][start:end], kind=m.tag,
                                    gold=gold.get(mid) or f"{name}:{mid}"))
    return doc


def read(data: Path, topics: list[int]) -> list[Doc]:
    """Every document of the given topics, in a stable order."""
    validated = _validated(data)
    docs = []
    for t in topics:
        for path in sorted((Path(data) / "ECB+" / str(t)).glob("*.xml")):
            docs.append(read_doc(path, validated.get(path.stem, set())))
    return docs


def train_docs(data: Path) -> list:
    """The training topics' documents (``parse_topics("train")``), the only ones the
    training scripts read."""
    return read(data, parse_topics("train", available_topics(data)))
