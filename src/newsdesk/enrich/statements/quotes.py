"""Quotation marks: where the quoted spans of a text are."""
from __future__ import annotations

import re


OPEN_QUOTES = "“„«"
CLOSE_QUOTES = "”»"


# -- quotes ----------------------------------------------------------------------------------
def find_quotes(text: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each pair of quote marks, paired within a paragraph."""
    out = []
    pos = 0
    for para in re.split(r"(\n+)", text):
        if para and not para.startswith("\n"):
            curly_open = None
            straight_open = None
            double_open = None       # ''...'' (two apostrophes, as some wires print quotes)
            for m in re.finditer(r"''|[\"“”„«»]", para):
                ch, i = m.group(), m.start()
                if ch in OPEN_QUOTES:
                    curly_open = m.end()
                elif ch in CLOSE_QUOTES and curly_open is not None:
                    out.append((pos + curly_open, pos + i))
                    curly_open = None
                elif ch == '"':
                    if straight_open is None:
                        straight_open = m.end()
                    else:
                        out.append((pos + straight_open, pos + i))
                        straight_open = None
                elif ch == "''":
                    if double_open is None:
                        double_open = m.end()
                    else:
                        out.append((pos + double_open, pos + i))
                        double_open = None
            if curly_open is not None and curly_open < len(para):
                # '“A long quote' running on: the next paragraph reopens with a quote mark
                rest = text[pos + len(para):].lstrip("\n")
                if rest[:1] in OPEN_QUOTES:
                    out.append((pos + curly_open, pos + len(para.rstrip())))
        pos += len(para)
    return sorted(out)
