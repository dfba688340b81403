"""A small city for reminder tests: two units with clerks, a head contact, two officials
(one without an e-mail address), a quarterly period due on 2018-04-05 (清明 holiday), and
a task led by 市发展改革委 with 市财政局 cooperating."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests import factories
from tracker.celery import app
from tracker.models import Assignment, Official, Profile, ReportingPeriod, Task
from tracker.services.reminders import install_default_rules

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=9, minute=0, second=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


def frozen(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


@dataclass
class City:
    unit: object
    other_unit: object
    owner: object
    colleague: object
    outsider: object
    head: object
    official: Official
    official_user: object
    silent_official: Official
    period: ReportingPeriod
    task: Task


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rules(db):
    install_default_rules()


@pytest.fixture
def city(rules, unit, other_unit, owner, colleague, outsider) -> City:
    head = factories.make_user(
        "head", role=Profile.Role.CLERK, units=[unit], head_of=[unit], display_name="王主任"
    )
    official = factories.make_official("郭建民", email="guojianmin@liaocheng.gov.cn")
    official_user = factories.make_user(
        "guojianmin",
        role=Profile.Role.OFFICIAL,
        official=official,
        email="guojianmin@liaocheng.gov.cn",
    )
    silent_official = factories.make_official("马丽红")
    period = factories.make_period(2018, 1)  # due 2018-04-05
    task = factories.make_task(number="一.1", title="深化“放管服”改革")
    factories.assign(task, unit, Assignment.Role.LEAD)
    factories.assign(task, other_unit, Assignment.Role.COOPERATING)
    factories.lead_official(task, official)
    factories.lead_official(task, silent_official, order=1)
    return City(
        unit=unit,
        other_unit=other_unit,
        owner=owner,
        colleague=colleague,
        outsider=outsider,
        head=head,
        official=official,
        official_user=official_user,
        silent_official=silent_official,
        period=period,
        task=task,
    )


@pytest.fixture
def eager_celery():
    """Run nudged jobs in-process (configuration, not a mock)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
