"""Excel reports: the supervision workbook (督查通报), the ledger (台账), "download what I
see" (xlsx and csv), and the progress template clerks fill offline.

Two writers, one rule each (docs/decisions.md, "Exports"):
- generated reports stream through XlsxWriter in constant_memory mode (rows written as
  they are read from the database in chunks; memory does not grow with rows);
- openpyxl builds the small fill-in template and reads uploads and, in tests, everything.

openpyxl must not use lxml when writing, or every Chinese character becomes a numeric
entity; settings set OPENPYXL_LXML=False before anything imports it, and this package
refuses to load if openpyxl was imported the other way.
"""

import os

from django.core.exceptions import ImproperlyConfigured

os.environ["OPENPYXL_LXML"] = "False"

import openpyxl

if openpyxl.LXML:
    raise ImproperlyConfigured(
        "openpyxl was imported with lxml enabled; set OPENPYXL_LXML=False before importing it "
        "(tracker.settings does) so workbooks hold plain UTF-8 text."
    )

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
