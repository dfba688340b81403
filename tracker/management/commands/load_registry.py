"""Load the reference registry of units, groups, renames and officials (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from tracker.services.registry import DEFAULT_REGISTRY_PATH, load_registry, read_registry_file


class Command(BaseCommand):
    help = "载入单位、单位组、机构沿革和领导名录（可重复执行）。"

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_REGISTRY_PATH)

    def handle(self, *args, file: Path, **options):
        summary = load_registry(acting_user=None, data=read_registry_file(file))
        self.stdout.write(
            self.style.SUCCESS(f"名录已载入：新增 {summary.created}，更新 {summary.updated}")
        )
