"""Sort keys of the task list, shared by the model indexes and the keyset paginator.

Each sort is a list of (alias, expression, descending) ending in the primary key, so a
row's key values are unique and a page can start "after" them (keyset pagination). The
same expressions are indexed on Task (tracker/models/matrix.py), so PostgreSQL walks an
index from the cursor instead of skipping rows: page 100 costs what page 1 costs.

No model imports here: tracker.models.matrix imports this module for its indexes.
"""

import datetime as dt

from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce

# Tasks without a dated deadline sort after every dated one.
NO_DEADLINE = dt.date(9999, 12, 31)

# Red first, then yellow, green and blue (done): the order a supervisor reads.
LIGHT_RANK = Case(
    When(light="red", then=Value(0)),
    When(light="yellow", then=Value(1)),
    When(light="green", then=Value(2)),
    default=Value(3),
)
DEADLINE_KEY = Coalesce(F("deadline_on"), Value(NO_DEADLINE))

SORTS = {
    # Newest plan first, then the plan's own printed order.
    "plan": [
        ("k_doc", F("document_id"), True),
        ("k_order", F("order"), False),
        ("k_id", F("id"), False),
    ],
    "deadline": [
        ("k_deadline", DEADLINE_KEY, False),
        ("k_id", F("id"), False),
    ],
    "light": [
        ("k_light", LIGHT_RANK, False),
        ("k_doc", F("document_id"), True),
        ("k_order", F("order"), False),
        ("k_id", F("id"), False),
    ],
}
DEFAULT_SORT = "plan"

# The plan list: newest year first (index document_browse_year_idx, read backwards).
PLAN_KEYS = [("k_year", F("year"), True), ("k_id", F("id"), True)]
