"""Stage 4: split a gazette issue into its documents and read each header.

A document starts with its red head (``聊城市人民政府文件`` or the bare issuer), then the 文号
line (``聊政发〔2018〕7号``), then the title; a few put the title before the 文号 (聊政任, 聊财社)
and decrees print ``聊城市人民政府令`` / ``第46号``. The chronicle (大事记) has no 文号. The
table of contents repeats every 文号 followed by a page number and is not a document; neither
is anything cited inside a body (``鲁政发〔2018〕1号``), because only a line that *is* a 文号
counts. Text without any 文号 line (an excerpt, another city's plan) is one document.

The bare issuer string is also the signature above the date, so it only counts as a red head
when a 文号 follows within two lines.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from tasks_import.normalize import SourceLine

# ---------------------------------------------------------------------------------------------
# Header line shapes (text is normalised: full-width brackets, no stray spaces)
# ---------------------------------------------------------------------------------------------
DOC_NUMBER_RE = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})[〔［\[【（]\s*(?P<year>(?:19|20)\d{2})\s*[〕］\]】）]"
    r"\s*(?P<serial>\d{1,4})\s*号"
)
DECREE_HEAD_RE = re.compile(r"^[\u4e00-\u9fff]{2,16}令$")  # 聊城市人民政府令 (003 L99)
DECREE_NUMBER_RE = re.compile(r"^第(?P<serial>\d{1,4})号$")  # 第 46 号 (003 L101)
DATE_LINE_RE = re.compile(r"^(?P<y>(?:19|20)\d{2})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日$")
LETTERHEAD_RE = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff]{2,24}?(?:人民政府|政府|委员会|办公室|办公厅|局|委|厅))"
    r"(?:文件)?$"
)
CHRONICLE_RE = re.compile(
    r"^(?P<name>[\u4e00-\u9fff]{0,16}大事记)(?:（(?P<y>\d{4})年(?P<m>\d{1,2})月）)?$"
)
CHRONICLE_MONTH_RE = re.compile(r"^（(?P<y>\d{4})年(?P<m>\d{1,2})月）$")
TITLE_WORDS_RE = re.compile(
    r"关于|(?:通知|意见|方案|办法|决定|规定|计划|要点|措施|预案|细则|报告|批复|函)$"
)
# Table of contents: a 文号 or a chronicle title followed by dots/spaces/tab and a page number.
TOC_ENTRY_RE = re.compile(
    r"^(?P<key>.{0,40}?(?:〕\d{1,4}号|令第\d{1,4}号|大事记（\d{4}年\d{1,2}月）))"
    r"[\s.…·．]*(?P<page>\d{1,3})$"
)
GAZETTE_ISSUE_RE = re.compile(r"(?P<y>(?:19|20)\d{2})年第(?P<issue>\d{1,3})(?:[-—]\d{1,3})?期")
GAZETTE_CUMULATIVE_RE = re.compile(r"总第(?P<n>\d{1,4})(?:[-—]\d{1,4})?期")

# Document kinds, most specific first; the first one found in the title wins.
DOCUMENT_KINDS: tuple[str, ...] = (
    "分工方案",
    "实施方案",
    "工作方案",
    "行动方案",
    "作战方案",
    "推进方案",
    "实施意见",
    "指导意见",
    "若干意见",
    "若干措施",
    "工作要点",
    "工作计划",
    "立法工作计划",
    "管理办法",
    "考核办法",
    "办法",
    "应急预案",
    "意见",
    "决定",
    "通知",
    "大事记",
)
HEADER_SCAN_LINES = 4  # how far a red head or a title may sit from its 文号


def doc_number_of(text: str) -> str | None:
    """The 文号 if ``text`` is nothing but a 文号 line, else None."""
    match = DOC_NUMBER_RE.fullmatch(text)
    if not match:
        return None
    return f"{match['prefix']}〔{match['year']}〕{match['serial']}号"


def is_date_line(text: str) -> bool:
    return bool(DATE_LINE_RE.match(text))


def parse_date_line(text: str) -> dt.date | None:
    match = DATE_LINE_RE.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _is_letterhead(text: str) -> bool:
    return bool(LETTERHEAD_RE.match(text))


def is_signature_line(text: str) -> bool:
    """The issuer line above a signing date (``聊城市人民政府办公室``), as its own line."""
    return _is_letterhead(text) and not text.endswith("文件")


def _is_title(text: str) -> bool:
    return "。" not in text and len(text) < 120 and bool(TITLE_WORDS_RE.search(text))


def _next_texts(lines: list[SourceLine], index: int, count: int) -> list[tuple[int, str]]:
    found = []
    for j in range(index + 1, len(lines)):
        if lines[j].text:
            found.append((j, lines[j].text))
            if len(found) == count:
                break
    return found


def _previous_text(lines: list[SourceLine], index: int) -> str:
    for j in range(index - 1, -1, -1):
        if lines[j].text:
            return lines[j].text
    return ""


def is_document_start(lines: list[SourceLine], index: int) -> bool:
    """True when a new document's header begins at ``lines[index]``."""
    text = lines[index].text
    if not text or len(text) > 120:
        return False
    if CHRONICLE_RE.match(text):
        return True
    if DECREE_HEAD_RE.match(text):
        following = _next_texts(lines, index, 1)
        return bool(following and DECREE_NUMBER_RE.match(following[0][1]))
    head_like = _is_letterhead(text) or _is_title(text)
    if doc_number_of(text):
        previous = _previous_text(lines, index)
        return not (_is_letterhead(previous) or _is_title(previous))
    if not head_like:
        return False
    for _j, following in _next_texts(lines, index, HEADER_SCAN_LINES - 1):
        if doc_number_of(following):
            previous = _previous_text(lines, index)
            return not _is_letterhead(previous)
        if not (_is_letterhead(following) or _is_title(following)):
            return False
    return False


def document_key_at(lines: list[SourceLine], index: int) -> str | None:
    """The 文号 (or chronicle month) of the document that ``lines[index]`` is printed in,
    reading the file as it stands (before page breaks are repaired)."""
    for j in range(index, -1, -1):
        text = lines[j].text
        number = doc_number_of(text)
        if number:
            return number
        if (
            DECREE_NUMBER_RE.match(text)
            and j > 0
            and DECREE_HEAD_RE.match(_previous_text(lines, j))
        ):
            return _previous_text(lines, j) + text
        if CHRONICLE_RE.match(text):
            return _chronicle_key(lines, j)
    return None


def _chronicle_key(lines: list[SourceLine], index: int) -> str:
    match = CHRONICLE_RE.match(lines[index].text)
    if match and match["y"]:
        return f"大事记{match['y']}年{int(match['m'])}月"
    for _j, following in _next_texts(lines, index, 1):
        month = CHRONICLE_MONTH_RE.match(following)
        if month:
            return f"大事记{month['y']}年{int(month['m'])}月"
    return "大事记"


def table_of_contents_pages(lines: list[SourceLine]) -> dict[str, int]:
    """{document key: printed start page} from the table of contents, if there is one."""
    pages: dict[str, int] = {}
    for line in lines:
        match = TOC_ENTRY_RE.match(line.text)
        if not match:
            continue
        key = match["key"]
        chronicle = re.search(r"大事记（(\d{4})年(\d{1,2})月）", key)
        if chronicle:
            key = f"大事记{chronicle[1]}年{int(chronicle[2])}月"
        else:
            number = DOC_NUMBER_RE.search(key)
            key = (doc_number_of(number.group()) if number else None) or key.replace(" ", "")
        pages.setdefault(key, int(match["page"]))
    return pages


# ---------------------------------------------------------------------------------------------
# Splitting
# ---------------------------------------------------------------------------------------------
@dataclass
class DocumentSpan:
    """One document's lines (in reading order) and what its header says."""

    doc_number: str | None
    issuer: str = ""
    title: str = ""
    kind: str = ""
    signed_on: dt.date | None = None
    year: int | None = None
    header: list[SourceLine] = field(default_factory=list)
    body: list[SourceLine] = field(default_factory=list)

    @property
    def all_lines(self) -> list[SourceLine]:
        return self.header + self.body

    @property
    def first_number(self) -> int:
        numbers = [line.number for line in self.all_lines if line.text]
        return min(numbers) if numbers else 0

    @property
    def last_number(self) -> int:
        numbers = [line.number for line in self.all_lines if line.text]
        return max(numbers) if numbers else 0


@dataclass
class GazetteInfo:
    year: int | None = None
    issue: int | None = None
    cumulative: int | None = None


def split_documents(lines: list[SourceLine]) -> tuple[GazetteInfo, list[DocumentSpan]]:
    """Split the issue (already in reading order) into documents."""
    starts = [i for i in range(len(lines)) if is_document_start(lines, i)]
    if not starts:
        return GazetteInfo(), [_pasted_document(lines)]
    gazette = _gazette_info(lines[: starts[0]])
    spans = []
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        spans.append(_read_header(lines[start:end]))
    return gazette, spans


def _gazette_info(front_matter: list[SourceLine]) -> GazetteInfo:
    info = GazetteInfo()
    for line in front_matter:
        if info.issue is None and (match := GAZETTE_ISSUE_RE.search(line.text)):
            info.year, info.issue = int(match["y"]), int(match["issue"])
        if info.cumulative is None and (match := GAZETTE_CUMULATIVE_RE.search(line.text)):
            info.cumulative = int(match["n"])
    return info


def _read_header(lines: list[SourceLine]) -> DocumentSpan:
    texts = [(i, line.text) for i, line in enumerate(lines) if line.text]
    if not texts:
        return DocumentSpan(None, body=lines)
    first_index, first_text = texts[0]
    if CHRONICLE_RE.match(first_text):
        header_end = first_index
        title = first_text
        if len(texts) > 1 and CHRONICLE_MONTH_RE.match(texts[1][1]):
            header_end = texts[1][0]
            title += texts[1][1]
        span = DocumentSpan(None, title=title, kind="大事记")
        span.issuer = first_text.split("大事记")[0]
        span.header, span.body = lines[: header_end + 1], lines[header_end + 1 :]
        return span

    doc_number = None
    issuer = ""
    title = ""
    header_end = first_index
    for i, text in texts[: HEADER_SCAN_LINES + 1]:
        number = doc_number_of(text)
        if DECREE_HEAD_RE.match(text):
            issuer = text[:-1]
            header_end = i
        elif DECREE_NUMBER_RE.match(text) and issuer:
            doc_number = f"{issuer}令{text}"
            header_end = i
        elif number and not doc_number:
            doc_number = number
            header_end = i
        elif _is_letterhead(text) and not doc_number and not title:
            issuer = LETTERHEAD_RE.match(text)["issuer"]
            header_end = i
        elif _is_title(text) and not title:
            title = text
            header_end = i
        else:
            break
    span = DocumentSpan(doc_number, issuer=issuer, title=title)
    span.header, span.body = lines[: header_end + 1], lines[header_end + 1 :]
    _read_signature(span)
    return span


def _read_signature(span: DocumentSpan) -> None:
    previous = ""
    for line in span.body:
        if not line.text:
            continue
        date = parse_date_line(line.text)
        if date:
            span.signed_on = date
            if not span.issuer and _is_letterhead(previous):
                span.issuer = LETTERHEAD_RE.match(previous)["issuer"]
            break
        previous = line.text
    span.kind = kind_of(span.title)
    number = DOC_NUMBER_RE.search(span.doc_number or "")
    if number:
        span.year = int(number["year"])
    elif span.signed_on:
        span.year = span.signed_on.year


# A place name at the start of an issuer or title: 聊城市人民政府, 潍坊市2021年…, 济南市历下区….
PLACE_PREFIX_RE = re.compile(
    r"^(?:山东省)?(?P<place>[\u4e00-\u9fff]{2,3}?[市州盟]|[\u4e00-\u9fff]{1,3}[县区])"
)


def place_of(span: DocumentSpan) -> str:
    """The city (or county) the document's issuer or title names first, else ""."""
    for text in (span.issuer, span.title):
        match = PLACE_PREFIX_RE.match(text or "")
        if match:
            return match["place"]
    return ""


def kind_of(title: str) -> str:
    # The plan inside 《…》 is what carries the tasks: 关于印发《…实施方案》的通知 -> 实施方案.
    quoted = re.findall(r"《([^》]+)》", title)
    for candidate in [*quoted, title]:
        for kind in DOCUMENT_KINDS:
            if kind in candidate:
                return kind
    return ""


def _pasted_document(lines: list[SourceLine]) -> DocumentSpan:
    """Text with no 文号 anywhere: one document, its title the first short line."""
    span = DocumentSpan(None, body=lines)
    for line in lines:
        if line.text and not line.table_row and len(line.text) <= 60 and "。" not in line.text:
            span.title = line.text
            break
    _read_signature(span)
    if span.year is None:
        for line in lines[:40]:
            match = re.search(r"((?:19|20)\d{2})年", line.text)
            if match:
                span.year = int(match[1])
                break
    return span
