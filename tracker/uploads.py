"""Checks on evidence uploads: size, allowed type, and content that matches the type.

The type is decided by the file's first bytes (its magic number), never by the browser's
Content-Type header, and must agree with the extension: a `.pdf` that is really an HTML
page, or a `.docx` that is a renamed `.exe`, is refused with a message.
"""

import hashlib
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PDF = b"%PDF-"
JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc / .xls) compound file


@dataclass(frozen=True)
class FileType:
    extensions: tuple[str, ...]
    content_type: str
    magic: bytes
    zip_member: str | None = None  # an OOXML file must contain this part


ALLOWED_TYPES = (
    FileType((".pdf",), "application/pdf", PDF),
    FileType((".jpg", ".jpeg"), "image/jpeg", JPEG),
    FileType((".png",), "image/png", PNG),
    FileType(
        (".docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
        "word/document.xml",
    ),
    FileType(
        (".xlsx",),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ZIP,
        "xl/workbook.xml",
    ),
    FileType((".doc",), "application/msword", OLE),
    FileType((".xls",), "application/vnd.ms-excel", OLE),
)
TYPE_BY_EXTENSION = {ext: kind for kind in ALLOWED_TYPES for ext in kind.extensions}


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the original name, reduced to a safe base name
    content_type: str
    size: int
    sha256: str


def safe_name(name: str) -> str:
    """The base name of an uploaded file without directories or control characters."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "file"


def _size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(size // 1024, 1)} KB"


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file (a Django UploadedFile); raise ValidationError if refused."""
    name = safe_name(upload.name)
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。") % {"name": name}, code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”过大（%(size)s），上限为 %(limit)s。")
            % {"name": name, "size": _size_label(upload.size), "limit": _size_label(limit)},
            code="too_large",
        )
    extension = os.path.splitext(name)[1].lower()
    kind = TYPE_BY_EXTENSION.get(extension)
    if kind is None:
        raise ValidationError(
            _("不支持文件“%(name)s”的类型，请上传 PDF、JPG、PNG、Word 或 Excel 文件。")
            % {"name": name},
            code="type",
        )
    upload.seek(0)
    head = upload.read(16)
    if not head.startswith(kind.magic) or (
        kind.zip_member and not _zip_contains(upload, kind.zip_member)
    ):
        raise ValidationError(
            _("文件“%(name)s”的内容与其扩展名不符，已拒绝上传。") % {"name": name},
            code="mismatch",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(
        name=name, content_type=kind.content_type, size=upload.size, sha256=digest.hexdigest()
    )


def _zip_contains(upload, member: str) -> bool:
    """Whether a zip archive lists `member`; reads the directory only, never decompresses."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
