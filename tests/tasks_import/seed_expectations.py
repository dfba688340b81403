"""Shared helpers for the seed tests: the domain.md task table and the expected-file format.

``python tests/tasks_import/seed_expectations.py --draft`` writes *draft* expected files from
the current parser into ``expected/draft/`` (never over the checked files); a maintainer diffs
a draft against ``expected/<seed>.json`` and copies over only what they verified by hand.
"""

from __future__ import annotations

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "fixtures" / "seeds"
EXPECTED_DIR = pathlib.Path(__file__).resolve().parent / "expected"

# domain.md "What the seeds contain": (seed, 文号, leaf tasks, tolerance). The tolerance is the
# ± the table allows for a judgement call; the reason for each is in the comment.
DOMAIN_TABLE: tuple[tuple[str, str, int, int], ...] = (
    ("000", "聊政发〔2018〕7号", 61, 0),
    ("000", "聊政办字〔2018〕8号", 15, 0),
    ("000", "聊政办字〔2018〕9号", 10, 0),
    ("001", "聊政发〔2018〕61号", 38, 0),
    # ±1: the unnumbered paragraph with its own tag (L554–556) may be its own task or a second
    # tag of task 2; we make it task 2's second child, which gives the same 4.
    ("001", "聊政办发〔2018〕24号", 4, 1),
    # ±2: (十五)/(十六) have no tag; they count as tasks without units.
    ("001", "聊政办字〔2018〕73号", 65, 2),
    # ±1: 五.3 has no tag and counts as a task without units.
    ("001", "聊政办字〔2018〕76号", 23, 1),
    # ±2: item (四) holds three tags (three child tasks).
    ("002", "聊政发〔2019〕4号", 14, 2),
    ("002", "聊政发〔2019〕5号", 63, 0),
    # ±1: five items without a tag still count (their series names units).
    ("002", "聊政字〔2019〕6号", 27, 1),
    # ±2: two plans; multi-tag items split; 四、保障措施 items count.
    ("002", "聊政办字〔2019〕13号", 47, 2),
    ("003", "聊政字〔2023〕11号", 24, 0),
    ("003", "聊政字〔2023〕12号", 31, 0),
    ("003", "聊政办发〔2023〕10号", 30, 0),
    # ±2: 24 and 25 (组织保障) have no tag and count as tasks without units.
    ("003", "聊政办发〔2023〕11号", 25, 2),
    ("003", "聊政办字〔2023〕19号", 32, 0),
    ("003", "聊政办字〔2023〕20号", 15, 0),
    ("003", "聊政办字〔2023〕23号", 7, 0),
    ("003", "聊政办字〔2023〕26号", 18, 0),
    ("004", "聊政办发〔2018〕16号", 60, 0),
    ("004", "聊政发〔2018〕35号", 27, 0),
    ("004", "聊政办发〔2018〕13号", 9, 0),
)


def seed_path(seed: str) -> pathlib.Path:
    return next(SEEDS_DIR.glob(f"{seed}_*.txt"))


def unit_key(unit) -> str:
    """How a unit is written in the expected files: "lead 市发改委", "responsible 市农委
    [inferred]", "responsible 市农委 [separately]"."""
    flags = "".join(
        f" [{flag}]"
        for flag, on in (("separately", unit.separately), ("inferred", unit.inferred))
        if on
    )
    return f"{unit.role} {unit.name}{flags}"


def task_record(task) -> dict:
    return {
        "number": task.number,
        "lead_officials": list(task.lead_officials),
        "units": [unit_key(u) for u in task.units],
        "deadline": task.deadline.date.isoformat() if task.deadline.date else None,
    }


def draft(seed: str) -> dict:
    sys.path.insert(0, str(ROOT))
    from tasks_import import parse_text

    path = seed_path(seed)
    result = parse_text(path.read_text(encoding="utf-8"), source_name=path.name)
    wanted = [number for s, number, _n, _tol in DOMAIN_TABLE if s == seed]
    documents = []
    for document in result.documents:
        if document.doc_number in wanted:
            documents.append(
                {
                    "doc_number": document.doc_number,
                    "leaf_tasks": [task_record(t) for t in document.leaf_tasks],
                }
            )
    return {"seed": path.stem, "documents": documents}


def dump(data: dict) -> str:
    """One task per line, so that a review diff shows exactly which task changed."""
    lines = ["{", f' "seed": {json.dumps(data["seed"])},', ' "documents": [']
    for d_index, document in enumerate(data["documents"]):
        lines.append(f'  {{"doc_number": {json.dumps(document["doc_number"], ensure_ascii=False)},')
        lines.append('   "leaf_tasks": [')
        tasks = document["leaf_tasks"]
        for t_index, task in enumerate(tasks):
            comma = "," if t_index + 1 < len(tasks) else ""
            lines.append("    " + json.dumps(task, ensure_ascii=False) + comma)
        comma = "," if d_index + 1 < len(data["documents"]) else ""
        lines.append(f"   ]}}{comma}")
    lines.append(" ]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def load_expected(seed: str) -> dict:
    return json.loads((EXPECTED_DIR / f"{seed_path(seed).stem}.json").read_text(encoding="utf-8"))


if __name__ == "__main__":
    if "--draft" not in sys.argv:
        sys.exit(__doc__)
    out = EXPECTED_DIR / "draft"
    out.mkdir(exist_ok=True)
    for seed in sorted({s for s, *_rest in DOMAIN_TABLE}):
        data = draft(seed)
        target = out / f"{data['seed']}.json"
        target.write_text(dump(data), encoding="utf-8")
        print("wrote", target)
