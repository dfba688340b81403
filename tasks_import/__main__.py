"""``python -m tasks_import FILE [FILE…] [--json]``: parse gazette files and print the result.

With ``--json`` the output is exactly one JSON object in ``ParseResult.to_json`` shape, the
documents and warnings of all files concatenated; without it, a short summary per document.
A file that cannot be read becomes a warning, so one bad file never hides the others.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

from tasks_import.decoding import InputError, decode_bytes
from tasks_import.parser import parse_text
from tasks_import.result import ParseResult, ParseWarning


def main(argv: list[str] | None = None) -> int:
    arguments = _argument_parser().parse_args(argv)
    combined = ParseResult()
    for name in arguments.files:
        result = _parse_file(pathlib.Path(name))
        combined.documents.extend(result.documents)
        combined.warnings.extend(result.warnings)
    if arguments.json:
        json.dump(combined.to_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _print_summary(combined)
    return 0


def _argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tasks_import", description=__doc__)
    parser.add_argument("files", nargs="+", metavar="FILE", help="gazette text file(s)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _parse_file(path: pathlib.Path) -> ParseResult:
    try:
        text = decode_bytes(path.read_bytes())
    except (OSError, InputError) as error:
        return ParseResult(
            warnings=[ParseWarning(None, None, f"{path}: {error}", "unreadable_file")]
        )
    return parse_text(text, source_name=str(path))


def _print_summary(result: ParseResult) -> None:
    for document in result.documents:
        leaves = document.leaf_tasks
        signed = document.signed_on.isoformat() if document.signed_on else "-"
        print(
            f"{document.doc_number or '(无文号)'}  {signed}  {len(leaves):>3} 项任务  {document.title}"
        )
    for warning in result.warnings:
        where = (
            f"{warning.doc_number or ''} 第{warning.line}行"
            if warning.line
            else warning.doc_number or ""
        )
        print(f"  ! [{warning.code}] {where} {warning.message}")


if __name__ == "__main__":
    sys.exit(main())
