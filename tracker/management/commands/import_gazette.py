"""Import gazette text files into the responsibility matrix.

With --dry-run --json nothing is saved and exactly one JSON object is printed:
{"documents": [...], "warnings": [...]} (see tasks_import.result for the shape), each
unit carrying the registry unit it resolves to as "canonical" (null when unknown).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tasks_import.registry import Registry
from tasks_import.result import ParseResult
from tasks_import.saving import live_registry, save_parse_result
from tracker.services.imports import parse_for_import, read_import_text


def result_json(result: ParseResult, registry: Registry) -> dict:
    data = result.to_json()
    for parsed, document in zip(result.documents, data["documents"], strict=True):
        local = registry.for_place(parsed.place)
        for task in document["tasks"]:
            for unit in task["units"]:
                unit["canonical"] = local.canonical_name(unit["name"], on=parsed.signed_on)
    return data


class Command(BaseCommand):
    help = "从公报文本导入任务分工（--dry-run 只预览不保存）。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="只解析，不保存。")
        parser.add_argument("--json", action="store_true", help="输出一个 JSON 对象。")

    def handle(self, *args, files, dry_run, json: bool, **options):
        combined = ParseResult()
        parsed_files = []
        for path in files:
            try:
                text = read_import_text(path.read_bytes())
                result = parse_for_import(text, path.name)
            except OSError as error:
                raise CommandError(f"无法读取文件 {path}：{error.strerror}") from error
            except ValidationError as error:
                raise CommandError(f"{path}：{' '.join(error.messages)}") from error
            parsed_files.append((path, text, result))
            combined.documents.extend(result.documents)
            combined.warnings.extend(result.warnings)
        registry = live_registry()
        if dry_run:
            self._print(combined, registry, as_json=json)
            return
        summaries = []
        for path, text, result in parsed_files:
            changes = save_parse_result(
                result,
                acting_user=None,
                source_name=path.name,
                registry=registry,
                original_text=text,
            )
            summaries.extend(change.to_json() for change in changes)
        if json:
            self.stdout.write(_dumps({"imported": summaries}))
            return
        for change in summaries:
            verb = "新增" if change["created"] else ("更新" if change["changed"] else "无变化")
            self.stdout.write(
                f"{verb} {change['doc_number'] or change['title']}："
                f"任务 +{len(change['tasks_added'])} ~{len(change['tasks_updated'])} "
                f"-{len(change['tasks_removed'])}，分工 +{change['assignments_added']} "
                f"-{change['assignments_removed']}"
            )

    def _print(self, result: ParseResult, registry: Registry, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(_dumps(result_json(result, registry)))
            return
        for document in result.documents:
            leaves = len(document.leaf_tasks)
            self.stdout.write(
                f"{document.doc_number or '（无文号）'} {document.title}：{leaves} 项任务"
            )
        self.stdout.write(f"警告 {len(result.warnings)} 条")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
