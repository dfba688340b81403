"""A small reporting scene: one task led by `unit` (owner, colleague), cooperated on by
`coop_unit` (coop_clerk); `other_unit` (outsider) has nothing to do with it. Time is frozen
inside the third quarter's submission window."""

import datetime as dt
import zoneinfo

import pytest
import time_machine

from tests import factories
from tracker.models import Assignment, Profile, SourceFile, Task

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# 2 October 2018: the third quarter has ended and is due on 5 October.
NOW = dt.datetime(2018, 10, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The default hasher takes ~0.5 s per account; these tests make several per test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def periods(db):
    """The four quarters of 2018, due five days after each ends."""
    return {index: factories.make_period(2018, index) for index in (1, 2, 3, 4)}


@pytest.fixture
def period(periods):
    return periods[3]


@pytest.fixture
def coop_unit(db):
    return factories.make_unit("聊城市科学技术局", short_name="市科技局")


@pytest.fixture
def coop_clerk(coop_unit):
    return factories.make_user("coop", role=Profile.Role.CLERK, units=[coop_unit])


@pytest.fixture
def official_user(db):
    official = factories.make_official("郭建民")
    user = factories.make_user("guojianmin", role=Profile.Role.OFFICIAL)
    official.user = user
    official.save()
    return user


@pytest.fixture
def task(unit, coop_unit, official_user):
    lines = [f"第{n}行" for n in range(1, 12)]
    lines += ["（一）推进新旧动能转换。建设产业园区。", "牵头单位：市发展改革委"]
    source_file = SourceFile.objects.create(
        name="gazette.txt", sha256="0" * 64, text="\n".join(lines)
    )
    document = factories.make_document(
        "聊政发〔2018〕7号",
        signed_on=dt.date(2018, 1, 1),
        source_file=source_file,
        source_text="一、重点任务\n（一）推进新旧动能转换。建设产业园区。\n牵头单位：市发展改革委",
    )
    task = factories.make_task(
        document,
        "一.1",
        text="推进新旧动能转换。建设产业园区。",
        targets=["建成产业园区3个"],
        deadline_on=dt.date(2018, 12, 31),
        deadline_kind=Task.DeadlineKind.DATE,
        deadline_text="2018年12月底前",
        source_line_start=12,
        source_line_end=13,
    )
    factories.assign(task, unit, Assignment.Role.LEAD)
    factories.assign(task, coop_unit, Assignment.Role.COOPERATING)
    factories.lead_official(task, official_user.official)
    return task
