"""Evidence uploads: allowed types by magic bytes, size limit, liars refused."""

import pytest
from django.core.exceptions import ValidationError

from tests.tracker.reporting import files
from tracker.uploads import check_upload, safe_name


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("a.pdf", files.PDF_BYTES, "application/pdf"),
        ("照片.JPG", files.JPEG_BYTES, "image/jpeg"),
        ("b.png", files.PNG_BYTES, "image/png"),
        (
            "c.docx",
            files.ooxml_bytes("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "d.xlsx",
            files.ooxml_bytes("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("e.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/msword"),
    ],
)
def test_it_accepts_each_allowed_type_and_decides_the_content_type_itself(
    name, content, content_type
):
    checked = check_upload(files.upload(name, content, "text/html"))
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.png", files.JPEG_BYTES),
        ("setup.docx", b"MZ\x90\x00" + b"\x00" * 40),
        ("sheet.xlsx", files.ooxml_bytes("word/document.xml")),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_it_refuses_a_file_that_lies_about_its_type(name, content):
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload(name, content))
    assert error.value.messages == [f"文件“{name}”的内容与其扩展名不符，已拒绝上传。"]


def test_it_refuses_a_type_that_is_not_allowed():
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload("tool.exe", b"MZ\x90\x00"))
    assert error.value.messages == [
        "不支持文件“tool.exe”的类型，请上传 PDF、JPG、PNG、Word 或 Excel 文件。"
    ]


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = files.PDF_BYTES + b"0" * (2 * 1024 * 1024)
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload("大文件.pdf", big))
    assert error.value.messages == ["文件“大文件.pdf”过大（2.0 MB），上限为 1.0 MB。"]


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as error:
        check_upload(files.upload("空.pdf", b""))
    assert error.value.messages == ["文件“空.pdf”是空文件。"]


def test_it_keeps_only_the_base_name_of_an_uploaded_file():
    assert safe_name("../../etc/passwd.pdf") == "passwd.pdf"
    assert safe_name("C:\\Users\\张三\\材料.pdf") == "材料.pdf"
    assert safe_name("a\x00b.pdf") == "ab.pdf"
