"""Stage 1: bytes in, text out.

Gazette text reaches us as uploaded files: UTF-8 from the OCR pipeline, sometimes UTF-16 from
Word's "save as text", GB18030/GBK from older Windows tools. We try the encodings that announce
themselves first (a byte-order mark), then strict UTF-8, then GB18030 (a superset of GBK and
GB2312). Anything else is refused with a message a clerk can act on.
"""

from __future__ import annotations

import codecs

MAX_INPUT_BYTES = 5 * 1024 * 1024  # 5 MiB: a whole year of gazettes is well below 2 MiB

# Byte-order marks, longest first so that UTF-32 is not mistaken for UTF-16.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Without a BOM, these are tried in order; the first that decodes strictly wins.
FALLBACK_ENCODINGS: tuple[str, ...] = ("utf-8", "gb18030")

# Text may contain tabs and line breaks; a file where more than this share of characters are
# other control characters is not text (an image, a spreadsheet, a zip).
MAX_CONTROL_CHAR_SHARE = 0.05
ALLOWED_CONTROL_CHARS = frozenset("\t\n\r\f\v")


class InputError(ValueError):
    """The input cannot be read as gazette text; ``str(error)`` is shown to the clerk."""


def decode_bytes(data: bytes) -> str:
    """Return the text of ``data`` or raise ``InputError`` saying why it cannot be read."""
    if len(data) > MAX_INPUT_BYTES:
        raise InputError(
            f"文件过大（{len(data) // 1024} KB），上限为 {MAX_INPUT_BYTES // 1024 // 1024} MB。"
            " The file is too large to import."
        )
    if not data.strip():
        raise InputError("文件为空。 The file is empty.")

    text = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data:
            raise InputError("文件不是文本（含有空字节）。 The file is binary, not text.")
        text = _decode_without_bom(data)
    if text is None:
        raise InputError(
            "无法识别文件编码（支持 UTF-8、UTF-16、GB18030/GBK）。"
            " The file is not in a supported text encoding."
        )
    if _looks_binary(text):
        raise InputError("文件不是文本（控制字符过多）。 The file is binary, not text.")
    return text


def _decode_with_bom(data: bytes) -> str | None:
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _decode_without_bom(data: bytes) -> str | None:
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    control = sum(1 for ch in text if ch < " " and ch not in ALLOWED_CONTROL_CHARS)
    return control > MAX_CONTROL_CHAR_SHARE * len(text)
