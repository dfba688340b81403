"""Stage 2: clean OCR'd markdown into lines a parser can read, keeping provenance.

Two steps, kept apart because page-break repair (``reading_order``) has to run between them:

1. ``clean_lines`` cleans every physical line on its own: markdown noise, traditional
   characters, mixed-width punctuation, stray spaces, known OCR slips. Each ``SourceLine`` keeps
   its 1-based line number in the original file.
2. ``join_lines`` rebuilds the logical lines that the two-column print layout broke apart
   (``（牵`` ⏎ ``头单位：``, ``市政务服`` ⏎ ``务中心管理办公室``). A ``Line`` remembers which
   original lines it was made of and where each piece starts, so any span of its text can be
   traced back to the file.
"""

from __future__ import annotations

import functools
import pathlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Character classes
# ---------------------------------------------------------------------------------------------
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH_PUNCT = "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·"
HAS_CJK_RE = re.compile(f"[{CJK}]")

# ---------------------------------------------------------------------------------------------
# Markdown noise: (pattern, replacement, why). Applied in order to every physical line.
# ---------------------------------------------------------------------------------------------
MARKDOWN_NOISE: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$"), "", "horizontal rule (002 L582 ---)"),
    (re.compile(r"^\s{0,3}#{1,6}\s*"), "", "heading depth carries no meaning (000 L106/L182)"),
    (re.compile(r"^\s*[-+*•]\s+"), "", "list bullet (000 L1004 - 1.《…》, 004 L1236 - （1）)"),
    (re.compile(r"\*\*"), "", "bold, even when it closes mid-name (000 L920 （**牵头单位：市科**)"),
    (re.compile(r"</?(?:sub|sup|span|br)\s*/?>", re.IGNORECASE), "", "HTML (002 L349 PM<sub>2.5)"),
)
# `| a | b |`, or a row flattened without the outer pipes (`1 | 推进… | 张三 | 市住建局`, pasted
# from a spreadsheet): four cells or more.
TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$|^[^|]*(?:\|[^|]*){3,}$")
TABLE_SEPARATOR_RE = re.compile(r"^(?=[^|]*\|)(?=.*-{2})[\s:|\-—]+$")
FULL_WIDTH_PIPE = "｜"  # 序号｜工作任务｜…: a table typed with full-width bars
HEADING_MARKUP_RE = re.compile(r"^\s{0,3}#{1,6}\s")

# ---------------------------------------------------------------------------------------------
# Punctuation: half-width forms become full-width in Chinese text, so that every later
# pattern only needs one spelling. Brackets and semicolons always convert (000 L461 (8) 实现…,
# 002 L261 牵头领导: 任晓旺; …); commas and colons keep their width between Latin letters or
# digits (1,000 / 10:30 / E-mail: x@y).
# ---------------------------------------------------------------------------------------------
ALWAYS_FULL_WIDTH: tuple[tuple[str, str], ...] = (("(", "（"), (")", "）"), (";", "；"))
FULL_WIDTH_UNLESS_BETWEEN_ASCII: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r",(?![ ]*[A-Za-z0-9])|(?<![A-Za-z0-9])[ ]*,"), "，"),
    (re.compile(r":(?![ ]*[A-Za-z0-9/])|(?<![A-Za-z0-9])[ ]*:"), "："),
)

# Spaces between Chinese characters, digits and full-width punctuation come from line wrapping
# and OCR (`2019 年`, `增长 15% 以上`, `重点工作任务 部门分工方案`); spaces between Latin words
# are real (`GB/T 35796-2017`).
STRAY_SPACE_RE = re.compile(
    f"(?<=[{CJK}{FULL_WIDTH_PUNCT}])[ \u3000]+(?=[{CJK}{FULL_WIDTH_PUNCT}0-9%])"
    f"|(?<=[{CJK}{FULL_WIDTH_PUNCT}0-9%])[ \u3000]+(?=[{CJK}{FULL_WIDTH_PUNCT}])"
)

# ---------------------------------------------------------------------------------------------
# OCR slips that recur in the seeds: (pattern, replacement, why)
# ---------------------------------------------------------------------------------------------
OCR_FIXES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"市市(?=[^场])"),
        "市",
        "doubled 市 (001 L383 市市财政局; keep 市市场监管局, even split 003 L1547)",
    ),
    (re.compile(f"(?<=[{CJK}])\\s*\\band\\b\\s*(?=[{CJK}“])"), "和", "English and (001 L424)"),
    (re.compile(r"在平(?=县|撤县|化工|鲁县)"), "茌平", "茌 read as 在 (002 L255 实现在平撤县设区)"),
)

# Kangxi radicals (U+2F00–U+2FDF) look like ordinary characters: 核⼼ (001 L117).
KANGXI_RE = re.compile("[\u2f00-\u2fdf\u2e80-\u2eff]")


@dataclass
class SourceLine:
    """One physical line of the input after cleaning."""

    number: int  # 1-based line number in the original file
    text: str  # cleaned text; "" for blank or pure-noise lines
    heading_markup: bool = False  # the raw line was a markdown heading (`## 一、…`)
    hard_break: bool = False  # the raw line ended with two spaces (a markdown hard wrap)
    table_row: bool = False  # a `| … |` row


@dataclass
class Line:
    """A logical line: one or more cleaned physical lines joined back together."""

    text: str
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, line number)
    heading_markup: bool = False
    table_row: bool = False
    hard_break: bool = False  # its last physical line ended with a markdown hard wrap

    @property
    def numbers(self) -> list[int]:
        return [number for _offset, number in self.pieces]

    @property
    def first_number(self) -> int:
        return self.pieces[0][1] if self.pieces else 0

    @property
    def last_number(self) -> int:
        return self.pieces[-1][1] if self.pieces else 0

    def number_at(self, offset: int) -> int:
        """The original line number of the character at ``offset``."""
        number = self.first_number
        for start, piece_number in self.pieces:
            if start > offset:
                break
            number = piece_number
        return number


# ---------------------------------------------------------------------------------------------
# Step 1: clean every physical line
# ---------------------------------------------------------------------------------------------
def clean_lines(text: str) -> list[SourceLine]:
    """Split ``text`` into physical lines and clean each one."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [clean_line(raw, number) for number, raw in enumerate(raw_lines, start=1)]


def clean_line(raw: str, number: int = 0) -> SourceLine:
    hard_break = raw.endswith("  ") or raw.endswith("\\")
    heading_markup = bool(HEADING_MARKUP_RE.match(raw))
    text = raw.replace("\ufeff", "").rstrip("\\ \t\u3000")
    if text.count(FULL_WIDTH_PIPE) >= 2:
        text = text.replace(FULL_WIDTH_PIPE, "|")
    if TABLE_SEPARATOR_RE.match(text):
        return SourceLine(number, "")
    for pattern, replacement, _why in MARKDOWN_NOISE:
        text = pattern.sub(replacement, text)
    text = normalize_text(text)
    return SourceLine(
        number,
        text,
        heading_markup=heading_markup,
        hard_break=hard_break,
        table_row=bool(TABLE_ROW_RE.match(text)),
    )


def normalize_text(text: str) -> str:
    """Character-level cleanup shared by lines, tags and tests."""
    text = text.strip().replace("\u00a0", " ")
    if not text:
        return ""
    if KANGXI_RE.search(text):
        text = KANGXI_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    if _has_traditional(text):
        text = _simplify(text)
    if HAS_CJK_RE.search(text):
        text = _unify_punctuation(text)
        text = STRAY_SPACE_RE.sub("", text)
        for pattern, replacement, _why in OCR_FIXES:
            text = pattern.sub(replacement, text)
    return text


def _unify_punctuation(text: str) -> str:
    for half_width, full_width in ALWAYS_FULL_WIDTH:
        if half_width in text:
            text = text.replace(half_width, full_width)
    for pattern, full_width in FULL_WIDTH_UNLESS_BETWEEN_ASCII:
        if pattern.pattern[0] in text:
            text = pattern.sub(full_width, text)
    return text


# ---------------------------------------------------------------------------------------------
# Traditional -> simplified (opencc 't2s'), only for lines that need it: the converter walks
# every character through phrase tables and is the slowest step by far.
# ---------------------------------------------------------------------------------------------
@functools.cache
def _traditional_only_chars() -> frozenset[str]:
    """Characters that only occur in traditional text (張, 順, 辦)."""
    import opencc

    dictionary = pathlib.Path(opencc.__file__).parent / "dictionary"
    simplified = _dictionary_keys(dictionary / "STCharacters.txt")
    traditional = _dictionary_keys(dictionary / "TSCharacters.txt", differing_only=True)
    return frozenset(traditional - simplified)


def _dictionary_keys(path: pathlib.Path, *, differing_only: bool = False) -> set[str]:
    keys = set()
    for row in path.read_text(encoding="utf-8").splitlines():
        key, _tab, values = row.partition("\t")
        if key and (not differing_only or key != values.split(" ")[0]):
            keys.add(key)
    return keys


@functools.cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _has_traditional(text: str) -> bool:
    return not _traditional_only_chars().isdisjoint(text)


@functools.lru_cache(maxsize=4096)
def _simplify(text: str) -> str:
    return _converter().convert(text)


# ---------------------------------------------------------------------------------------------
# Step 2: join physical lines into logical lines
# ---------------------------------------------------------------------------------------------
# A line ending in one of these closes its sentence or field; anything else (a character, a
# digit, `，`, `、`, an open bracket) means the printed line broke mid-sentence.
CLOSING_CHARS = "。！？；：）」』”》?!;"
# Very short label lines (`责任单位：` alone, as in other cities' plans) still continue.
MAX_LABEL_ONLY_LENGTH = 8
# A line with an outline number and no full stop is a heading (`（一）工作目标`), unless it
# plainly breaks mid-sentence (ends with `，`, `、` or a digit: 000 L220 `…建成通车，2019`).
MID_SENTENCE_ENDINGS = "，、—0123456789"
# A long heading wrapped onto a second printed line: `（一）提高政治站位，全面提升政务公开` ⏎
# `工作水平`, `（四）以质量提升为指引，推动产业品牌` ⏎ `化发展` (003 L789–791). The tail is a
# few Chinese characters with no punctuation or digits, and not an issuer's signature.
HEADING_TAIL_RE = re.compile(f"^[{CJK}]{{1,10}}$")
NOT_A_HEADING_TAIL_RE = re.compile(r"(?:人民政府|政府|办公室|办公厅|委员会)$")
MIN_WRAPPED_HEADING_LENGTH = 14  # shorter headings (三、保障措施) are complete as printed


def join_lines(
    source_lines: Iterable[SourceLine],
    *,
    starts_new_line,
    is_heading,
) -> list[Line]:
    """Join broken physical lines. ``starts_new_line(text)`` and ``is_heading(text)`` come
    from the outline stage, which knows what numbering and labels look like."""
    lines: list[Line] = []
    open_line: Line | None = None  # the last line, if it may continue
    heading: Line | None = None  # the last line, if it is a heading that may have wrapped
    for source in source_lines:
        if not source.text:
            continue
        if source.table_row:
            lines.append(Line(source.text, [(0, source.number)], table_row=True))
            open_line = heading = None
            continue
        if heading is not None and _is_heading_tail(source.text, heading, starts_new_line):
            heading.pieces.append((len(heading.text), source.number))
            heading.text += source.text
            heading = None
            continue
        heading = None
        if open_line is not None and not starts_new_line(source.text):
            open_line.pieces.append((len(open_line.text), source.number))
            open_line.text += _glue(open_line.text, source.text)
            open_line.hard_break = source.hard_break
        else:
            open_line = Line(
                source.text,
                [(0, source.number)],
                heading_markup=source.heading_markup,
                hard_break=source.hard_break,
            )
            lines.append(open_line)
        if not _continues(open_line, is_heading=is_heading):
            if is_heading(open_line.text) and len(open_line.text) >= MIN_WRAPPED_HEADING_LENGTH:
                heading = open_line
            open_line = None
    return lines


def _is_heading_tail(text: str, heading: Line, starts_new_line) -> bool:
    return (
        heading.text[-1] not in CLOSING_CHARS
        and bool(HEADING_TAIL_RE.match(text))
        and not NOT_A_HEADING_TAIL_RE.search(text)
        and not starts_new_line(text)
    )


def _glue(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii():
        return " " + right
    return right


def _continues(line: Line, *, is_heading) -> bool:
    text = line.text
    if unbalanced_open_brackets(text) > 0:
        return True
    last = text[-1]
    if last in "：:" and len(text) <= MAX_LABEL_ONLY_LENGTH:
        return True
    if last in CLOSING_CHARS:
        return False
    if line.hard_break:  # `…高唐至东阿高速分别␣␣` ⏎ `建成通车。` (000 L221–222)
        return True
    if is_heading(text) and last not in MID_SENTENCE_ENDINGS:
        return False
    # a markdown heading without a sentence (a plan title) closes too
    return not (line.heading_markup and "。" not in text and last not in MID_SENTENCE_ENDINGS)


OPEN_BRACKETS = "（("
CLOSE_BRACKETS = "）)"


def unbalanced_open_brackets(text: str) -> int:
    """How many round brackets are still open at the end of ``text`` (either width)."""
    depth = 0
    for ch in text:
        if ch in OPEN_BRACKETS:
            depth += 1
        elif ch in CLOSE_BRACKETS and depth:
            depth -= 1
    return depth
