"""Reading a task's time limit (docs/domain.md "Deadlines").

Only end-of-period wording becomes a date: ``YYYY年M月底(前)`` -> last day of the month,
``YYYY年(年)底(前)`` -> 12-31, ``年底前``/``年内``/``M月底前`` without a year -> the document's
year. An explicit 完成时限 field (``field_text``) wins over prose. With several dates the latest
is the deadline and the others are milestones. Horizons (到2025年, bare years), relative periods
(今明两年, 2个工作日内), recurring duties (每年7月底前, 每季度) and ongoing work (长期坚持,
持续推进) keep their wording and kind but never a date.

Decisions:

* "respectively" lists: ``2019年、2020年年底前分别完成`` gives 2019-12-31 and 2020-12-31 (the
  latest is the deadline, the other a milestone); with bare years (``2019年、2020年……分别建成``)
  it is a horizon and only ``suggested_date`` is set (12-31 of the latest year).
* A date before the document's year is a past reference (到2017年年底全部实现…), not a deadline
  — in prose only. An explicit 完成时限 field or table cell is taken as written, whatever its
  year, and never falls back to the prose; in a field a bare month (``2021年10月``) is the end of
  that month (``FIELD_DATE_PATTERNS``).
* ``力争2020年`` is a horizon (a calendar year), ``力争三年`` / ``利用三年时间`` a relative period.
* ``suggested_date`` (never ``date``): 12-31 of the latest horizon year, or of the document's
  year when nothing at all is stated; none for recurring, relative or ongoing wording.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from tasks_import.grammar.patterns import (
    DATE_PATTERNS,
    FIELD_DATE_PATTERNS,
    HORIZON_RE,
    NOT_A_DEADLINE,
    ONGOING_RE,
    RECURRING_RE,
    RELATIVE_RE,
    THIS_YEAR_RE,
)
from tasks_import.grammar.units import clean
from tasks_import.result import Deadline, DeadlineKind

_COMPILED_DATES = tuple(
    (name, re.compile(regex), kind) for name, regex, kind, _note, _quote in DATE_PATTERNS
)
_COMPILED_FIELD_DATES = _COMPILED_DATES + tuple(
    (name, re.compile(regex), kind) for name, regex, kind, _note, _quote in FIELD_DATE_PATTERNS
)
_FIELD_ONGOING_RE = re.compile(r"^(?:长期|常年|持续|长期坚持|持续推进|常态化)")


@dataclass
class _Found:
    start: int
    text: str
    kind: str
    dates: tuple[dt.date, ...] = ()
    year: int | None = None


def _month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= month <= 12 and 1900 < year < 2200):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _mask(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        chars[i] = "□"


def _dates_of(name: str, match: re.Match[str], doc_year: int | None) -> tuple[dt.date, ...]:
    groups = match.groupdict()
    if name == "month_range":
        year = int(groups["y2"] or groups["y"])
        date = _month_end(year, int(groups["m2"]))
        return (date,) if date else ()
    if name == "year_month_day_before":
        date = _day(int(groups["y"]), int(groups["m"]), int(groups["d"]))
        return (date,) if date else ()
    if name == "year_month_end":
        date = _month_end(int(groups["y"]), int(groups["m"]))
        return (date,) if date else ()
    if name == "year_first_half":
        return (dt.date(int(groups["y"]), 6, 30),)
    if name == "year_end_list":
        years = [int(y) for y in re.findall(r"\d{4}", groups["ylist"])]
        return tuple(dt.date(y, 12, 31) for y in years)
    if name == "year_end":
        return (dt.date(int(groups["y"]), 12, 31),)
    if doc_year is None:
        return ()
    if name == "month_end_no_year":
        date = _month_end(doc_year, int(groups["m"]))
        return (date,) if date else ()
    if name == "month_day_no_year":
        date = _day(doc_year, int(groups["m"]), int(groups["d"]))
        return (date,) if date else ()
    if name == "year_end_no_year":
        return (dt.date(doc_year, 12, 31),)
    return ()


def _scan(text: str, doc_year: int | None, *, field: bool = False) -> list[_Found]:
    """Every time expression of ``text``. In prose, dates before the document's year are past
    references; an explicit 完成时限 ``field`` is taken as written, and a bare month in it
    (``2021年10月``) means the end of that month."""
    drop_past = not field
    chars = list(text)
    for pattern, _note, _quote in NOT_A_DEADLINE:
        for match in pattern.finditer(text):
            _mask(chars, match.start(), match.end())
    found: list[_Found] = []
    for kind, pattern in (
        (DeadlineKind.RECURRING, RECURRING_RE),
        (DeadlineKind.RELATIVE, RELATIVE_RE),
        (DeadlineKind.ONGOING, ONGOING_RE),
    ):
        masked = "".join(chars)
        for match in pattern.finditer(masked):
            found.append(_Found(match.start(), text[match.start() : match.end()], kind))
            _mask(chars, match.start(), match.end())
    for name, pattern, kind in _COMPILED_FIELD_DATES if field else _COMPILED_DATES:
        masked = "".join(chars)
        for match in pattern.finditer(masked):
            dates = _dates_of(name, match, doc_year)
            if doc_year is not None and drop_past:
                dates = tuple(d for d in dates if d.year >= doc_year)
                if not dates and name not in ("month_end_no_year", "month_day_no_year"):
                    # a past reference such as 到2017年年底: not a deadline
                    _mask(chars, match.start(), match.end())
                    continue
            found.append(_Found(match.start(), text[match.start() : match.end()], kind, dates))
            _mask(chars, match.start(), match.end())
    masked = "".join(chars)
    for match in HORIZON_RE.finditer(masked):
        year = int(match.group("y") or match.group("y_list") or match.group("y_bare"))
        if doc_year is not None and drop_past and year < doc_year:
            continue
        found.append(
            _Found(
                match.start(), text[match.start() : match.end()], DeadlineKind.HORIZON, year=year
            )
        )
    if doc_year is not None:
        for match in THIS_YEAR_RE.finditer(masked):
            found.append(_Found(match.start(), match.group(0), DeadlineKind.HORIZON, year=doc_year))
    found.sort(key=lambda f: f.start)
    return found


_KIND_PRIORITY = (
    DeadlineKind.HORIZON,
    DeadlineKind.RECURRING,
    DeadlineKind.RELATIVE,
    DeadlineKind.ONGOING,
)


def _decide(found: list[_Found], doc_year: int | None, text: str | None) -> Deadline:
    dated = [(date, f) for f in found for date in f.dates]
    if dated:
        latest_date, latest = max(dated, key=lambda item: item[0])
        milestones = sorted({d for d, _f in dated if d < latest_date})
        return Deadline(date=latest_date, text=latest.text, kind=latest.kind, milestones=milestones)
    undated_year_end = [f for f in found if f.kind == DeadlineKind.YEAR_END]
    if undated_year_end:  # 年底前 with no document year: kind known, date unknown
        return Deadline(text=undated_year_end[0].text, kind=DeadlineKind.YEAR_END)
    for kind in _KIND_PRIORITY:
        of_kind = [f for f in found if f.kind == kind]
        if not of_kind:
            continue
        if kind == DeadlineKind.HORIZON:
            latest = max(of_kind, key=lambda f: (f.year or 0, f.start))
            wording = "、".join(dict.fromkeys(f.text for f in of_kind))
            suggested = dt.date(latest.year, 12, 31) if latest.year else None
            return Deadline(text=wording, kind=kind, suggested_date=suggested)
        return Deadline(text=of_kind[0].text, kind=kind)
    suggested = dt.date(doc_year, 12, 31) if doc_year else None
    return Deadline(text=text, kind=DeadlineKind.NONE, suggested_date=suggested)


def extract_deadline(text: str, *, doc_year: int | None, field_text: str | None = None) -> Deadline:
    """The task's deadline from an explicit field (wins) or from its prose."""
    field_clean = clean(field_text or "")
    if field_clean:
        # An explicit field always wins, whatever its year (a plan may restate an older
        # deadline, or the document's year may be misread): never fall back to the prose.
        deadline = _decide(_scan(field_clean, doc_year, field=True), doc_year, field_clean)
        if deadline.kind == DeadlineKind.NONE:
            kind = DeadlineKind.ONGOING if _FIELD_ONGOING_RE.match(field_clean) else deadline.kind
            return Deadline(text=field_clean, kind=kind)
        if deadline.text != field_clean and deadline.date is not None:
            deadline.text = field_clean
        return deadline
    return _decide(_scan(clean(text or ""), doc_year), doc_year, None)
