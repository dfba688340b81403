"""Our files hold plain UTF-8 text (not &#NNNNN; entities), and LibreOffice opens them."""

import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import zipfile

import pytest
from django.conf import settings

from tracker.exports.supervision import build_supervision_workbook
from tracker.exports.template import TemplateRow, build_progress_template
from tracker.models import Task

CHINESE = "推进重大项目建设".encode()


def sheet_xml(data: bytes) -> bytes:
    """Our text: the sheets and the shared strings (openpyxl's stock theme file has
    entities of its own, for Japanese font names, that are none of our business)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(
            archive.read(name)
            for name in archive.namelist()
            if name.startswith(("xl/worksheets/", "xl/sharedStrings"))
        )


def test_it_runs_with_lxml_installed_so_the_utf8_tests_mean_something():
    import openpyxl

    assert openpyxl.xml.lxml_available()
    assert os.environ["OPENPYXL_LXML"] == "False"
    assert openpyxl.LXML is False


def test_it_writes_the_template_as_plain_utf8(plan):
    stream = io.BytesIO()
    build_progress_template(
        stream,
        unit=plan.unit,
        period=plan.period,
        rows=[
            TemplateRow(
                task_id=plan.tasks[0].pk,
                number="一.1",
                text=plan.tasks[0].text,
                role="牵头",
                deadline="",
                report=None,
            )
        ],
    )
    xml = sheet_xml(stream.getvalue())
    assert CHINESE in xml
    assert b"&#" not in xml


def write_report(plan, path) -> None:
    build_supervision_workbook(
        path,
        tasks=Task.objects.filter(is_leaf=True),
        period=plan.period,
        documents=[plan.document],
        today=dt.date(2018, 4, 10),
    )


def test_it_writes_reports_as_plain_utf8(plan, tmp_path):
    path = tmp_path / "book.xlsx"
    write_report(plan, path)
    xml = sheet_xml(path.read_bytes())
    assert CHINESE in xml
    assert b"&#" not in xml


def test_it_shows_what_openpyxl_would_do_without_the_setting():
    """The guard is needed: with lxml and no setting, openpyxl writes entities."""
    code = (
        "import io, zipfile, openpyxl\n"
        "book = openpyxl.Workbook(); book.active['A1'] = '推进'\n"
        "out = io.BytesIO(); book.save(out)\n"
        "xml = zipfile.ZipFile(out).read('xl/worksheets/sheet1.xml')\n"
        "print(b'&#' in xml)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENPYXL_LXML"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


def test_it_refuses_to_load_when_openpyxl_was_imported_with_lxml():
    code = "import openpyxl\nimport tracker.exports\n"
    env = {k: v for k, v in os.environ.items() if k != "OPENPYXL_LXML"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert result.returncode != 0
    assert "OPENPYXL_LXML=False" in result.stderr


def test_it_produces_a_workbook_libreoffice_converts_to_pdf(plan, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed: run bin/install-system-packages")
    path = tmp_path / "tongbao.xlsx"
    write_report(plan, path)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "tongbao.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(tmp_path / "tongbao.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "重点任务督查通报" in text.replace(" ", "")
