"""parse_text never raises, whatever the text: the importer reports, it does not crash.

The committed example counts keep this module under 20 s; for a thorough local run raise them,
e.g. ``DUBAN_HYPOTHESIS_EXAMPLES=3000 pytest tests/tasks_import/test_never_raises.py``.
"""

import os
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks_import import parse_text
from tests.tasks_import.seed_expectations import DOMAIN_TABLE, seed_path

EXAMPLES = int(os.environ.get("DUBAN_HYPOTHESIS_EXAMPLES", "300"))
SEED_EXAMPLES = max(1, EXAMPLES // 4)

# Characters the parser reacts to, so that random text hits its branches often.
MEANINGFUL = list(
    "一二三十、（）()：:；;，,。.|#*-牵头单位责任配合负责落实领导市局委县区第页下转上接年月日底前\n "
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_it_never_raises_on_arbitrary_text(text):
    result = parse_text(text)
    assert not [w for w in result.warnings if w.code == "internal_error"]


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.lists(st.sampled_from(MEANINGFUL), max_size=400).map("".join))
def test_it_never_raises_on_text_made_of_meaningful_pieces(text):
    result = parse_text(text)
    assert not [w for w in result.warnings if w.code == "internal_error"]


SEED_TEXTS = {
    seed: seed_path(seed).read_text(encoding="utf-8").split("\n")
    for seed in sorted({seed for seed, *_rest in DOMAIN_TABLE})
}
TABLE_ROWS = [
    "| 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |",
    "| 1 | 甲 | 乙 | 丙局 | | 2021年6月 |",
]


@settings(max_examples=SEED_EXAMPLES, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_it_never_raises_on_mutated_seed_text(seed):
    # A window of a seed (every seed, every region), cut up: broken tags, stray page markers,
    # table rows and outline numbers where they do not belong.
    rng = random.Random(seed)
    source = SEED_TEXTS[rng.choice(sorted(SEED_TEXTS))]
    start = rng.randrange(len(source))
    lines = source[start : start + rng.randint(50, 400)] or [""]
    for _ in range(rng.randint(1, 60)):
        i = rng.randrange(len(lines))
        action = rng.choice(["drop", "duplicate", "swap", "cut", "garble"])
        if action == "drop" and len(lines) > 1:
            del lines[i]
        elif action == "duplicate":
            lines.insert(i, lines[i])
        elif action == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif action == "cut" and lines[i]:
            lines[i] = lines[i][: rng.randrange(len(lines[i]))]
        else:
            lines[i] = lines[i] + rng.choice(
                ["（", "）", "（下转第9页）", "（上接第2页）", "|", "一、", *TABLE_ROWS]
            )
    result = parse_text("\n".join(lines))
    assert not [w for w in result.warnings if w.code == "internal_error"]
