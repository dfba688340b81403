"""parse_text never raises, whatever the text: the importer reports, it does not crash."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks_import import parse_text
from tests.tasks_import.seed_expectations import seed_path

# Characters the parser reacts to, so that random text hits its branches often.
MEANINGFUL = list(
    "一二三十、（）()：:；;，,。.|#*-牵头单位责任配合负责落实领导市局委县区第页下转上接年月日底前\n "
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_it_never_raises_on_arbitrary_text(text):
    result = parse_text(text)
    assert not [w for w in result.warnings if w.code == "internal_error"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(MEANINGFUL), max_size=400).map("".join))
def test_it_never_raises_on_text_made_of_meaningful_pieces(text):
    result = parse_text(text)
    assert not [w for w in result.warnings if w.code == "internal_error"]


SEED_LINES = seed_path("003").read_text(encoding="utf-8").split("\n")


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_it_never_raises_on_mutated_seed_text(seed):
    rng = random.Random(seed)
    lines = list(SEED_LINES)
    for _ in range(rng.randint(1, 60)):
        i = rng.randrange(len(lines))
        action = rng.choice(["drop", "duplicate", "swap", "cut", "garble"])
        if action == "drop":
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
                ["（", "）", "（下转第9页）", "（上接第2页）", "|", "一、"]
            )
    result = parse_text("\n".join(lines))
    assert not [w for w in result.warnings if w.code == "internal_error"]
