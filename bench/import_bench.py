"""Importer benchmark: parse the five seeds (CPU time) and save them into PostgreSQL.

Baseline measured in the same run: the CPU time of merely reading and normalising the
text's lines (str.splitlines + strip), so the parse figure can be judged against the
cheapest possible pass over the same bytes.

Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/duban_bench_import \
       .venv/bin/python bench/import_bench.py
Last line: RESULT parse_cpu_seconds=… tasks=… queries_smallest_doc=… queries_largest_doc=…
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import ROOT, fresh_django

fresh_django("postgres://postgres@127.0.0.1:5432/duban_bench_import")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tasks_import import parse_text  # noqa: E402
from tasks_import.decoding import decode_bytes  # noqa: E402
from tasks_import.saving import (  # noqa: E402
    ImportOverrides,
    _gazette_issue,
    _RowLookup,
    live_registry,
    save_document,
)
from tracker.services.registry import load_registry, read_registry_file  # noqa: E402

SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))


def main() -> None:
    texts = [decode_bytes(path.read_bytes()) for path in SEEDS]

    start = time.process_time()
    for text in texts:
        [line.strip() for line in text.splitlines()]
    baseline = time.process_time() - start

    start = time.process_time()
    results = [
        parse_text(text, source_name=path.name) for path, text in zip(SEEDS, texts, strict=True)
    ]
    parse_cpu = time.process_time() - start
    leaf_tasks = sum(len(d.leaf_tasks) for r in results for d in r.documents)
    print(f"baseline (split+strip lines): {baseline:.4f} s CPU")
    print(f"parse all five seeds:         {parse_cpu:.4f} s CPU, {leaf_tasks} leaf tasks")

    call_command("migrate", verbosity=0)
    load_registry(acting_user=None, data=read_registry_file())
    registry = live_registry()
    lookup = _RowLookup.build()
    per_document = []
    wall = time.perf_counter()
    for path, result in zip(SEEDS, results, strict=True):
        issue = _gazette_issue(result, path.name)
        for parsed in result.documents:
            if not parsed.leaf_tasks:
                continue
            with CaptureQueriesContext(connection) as queries:
                save_document(
                    parsed,
                    acting_user=None,
                    source_name=path.name,
                    issue=issue,
                    overrides=ImportOverrides(),
                    registry=registry,
                    lookup=lookup,
                )
            per_document.append((len(parsed.tasks), len(queries), parsed.doc_number))
    wall = time.perf_counter() - wall
    per_document.sort()
    smallest, largest = per_document[0], per_document[-1]
    print(f"save into {connection.vendor}: {wall:.2f} s wall for {len(per_document)} plans")
    print(f"smallest plan {smallest[2]}: {smallest[0]} tasks, {smallest[1]} queries")
    print(f"largest plan  {largest[2]}: {largest[0]} tasks, {largest[1]} queries")
    print(
        f"RESULT parse_cpu_seconds={parse_cpu:.4f} tasks={leaf_tasks} "
        f"queries_smallest_doc={smallest[1]} queries_largest_doc={largest[1]}"
    )


if __name__ == "__main__":
    main()
