"""Reading the seed lines the grammar tests quote, so every quote is checked against its seed."""

from __future__ import annotations

import functools
import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[3] / "fixtures" / "seeds"


@functools.cache
def seed_lines(seed: str) -> list[str]:
    """The lines of seed ``"000"`` … ``"004"`` (index 0 is line 1)."""
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")


def _squash(text: str) -> str:
    return re.sub(r"[\s*]+", "", text)


def quoted(seed: str, first: int, quote: str, last: int | None = None) -> str:
    """Return ``quote`` after checking it stands in seed lines ``first``..``last`` (1-based).

    Whitespace and markdown ``**`` are ignored in the comparison, so a quote of a tag split
    over a blank line can be written as one string.
    """
    lines = seed_lines(seed)[first - 1 : (last or first)]
    assert _squash(quote) in _squash("".join(lines)), f"{seed} L{first}: {quote!r} not found"
    return quote


def join_for_test(text: str) -> str:
    """A crude stand-in for the structure half: strip markdown, re-join broken lines."""
    text = re.sub(r"^#+\s*", "", text, flags=re.M).replace("**", "")
    out: list[str] = []
    buffer = ""
    for line in (raw.strip() for raw in text.split("\n")):
        if not line:
            continue
        if buffer and not re.search(r"[。；;：:）)」”]$", buffer):
            buffer += line
        else:
            if buffer:
                out.append(buffer)
            buffer = line
    out.append(buffer)
    return "\n".join(out)
