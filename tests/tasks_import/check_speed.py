"""Performance check (not a unit test): all five seeds must parse in under 1 s of CPU.

Run: ``.venv/bin/python tests/tasks_import/check_speed.py``. Prints the CPU seconds per seed and
the total, and exits non-zero when the total is over the budget.
"""

import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tasks_import import parse_text

BUDGET_SECONDS = 1.0
SEEDS = sorted((pathlib.Path(__file__).resolve().parents[2] / "fixtures" / "seeds").glob("*.txt"))


def main() -> int:
    texts = [(path.stem, path.read_text(encoding="utf-8")) for path in SEEDS]
    total = 0.0
    for stem, text in texts:
        started = time.process_time()
        result = parse_text(text, source_name=stem)
        spent = time.process_time() - started
        total += spent
        leaves = sum(len(d.leaf_tasks) for d in result.documents)
        print(f"{stem}: {spent:.3f} s CPU, {len(result.documents)} documents, {leaves} leaf tasks")
    print(f"total: {total:.3f} s CPU (budget {BUDGET_SECONDS} s)")
    return 0 if total < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
