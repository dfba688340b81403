"""Pure parser for gazette text: ``parse_text(text)`` -> ``ParseResult`` (no Django, no ORM).

Stages, one module each: ``decoding`` (bytes -> text), ``normalize`` (clean lines, join broken
ones), ``reading_order`` (repair 下转/上接 page breaks), ``documents`` (split the issue),
``outline`` (numbered tree), ``parser`` (tasks, using the ``grammar`` half for tags).
"""

from tasks_import.decoding import InputError, decode_bytes
from tasks_import.parser import parse_text

__all__ = ["InputError", "decode_bytes", "parse_text"]
