"""Reminders in headless Chromium: the office finds a failed e-mail in its log and resends
it; an official changes how often the digest comes."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.models import Assignment, OutgoingEmail, Profile
from tracker.services.reminders import install_default_rules, plan_reminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(db):
    """A report due in three days (a default reminder day) that nobody has filed; the
    reminder to the clerk failed with a permanent SMTP refusal."""
    install_default_rules()
    today = timezone.localdate()
    period = factories.make_period(today.year, 1, due_on=today + dt.timedelta(days=3))
    unit = factories.make_unit("聊城市发展和改革委员会", short_name="市发展改革委")
    task = factories.make_task(number="一.1", title="深化“放管服”改革")
    factories.assign(task, unit, Assignment.Role.LEAD)
    clerk = factories.make_user("fgw", units=[unit], display_name="发改委联络员")
    plan_reminders(dispatch=False)
    failed = OutgoingEmail.objects.get(user=clerk)
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=OutgoingEmail.Status.FAILED,
        attempts=1,
        last_error="SMTPRecipientsRefused: 550 5.1.1 mailbox full",
    )
    official = factories.make_official("郭建民", email="guojianmin@liaocheng.gov.cn")
    return {
        "period": period,
        "failed": failed,
        "office": factories.make_user(
            "duchashi", role=Profile.Role.SUPERVISOR, display_name="督查室"
        ),
        "official_user": factories.make_user(
            "guojianmin",
            role=Profile.Role.OFFICIAL,
            official=official,
            email="guojianmin@liaocheng.gov.cn",
        ),
    }


def test_it_lets_the_office_resend_a_failed_email_from_the_log(page, scene):
    log_in(page, "duchashi", factories.PASSWORD)
    page.goto("/reminders/")
    expect(page.get_by_role("heading", name="邮件发送记录")).to_be_visible()
    counts = page.get_by_role("list", name="按状态统计")
    expect(counts.get_by_role("listitem").filter(has_text="发送失败")).to_have_text("发送失败：1")
    failed_row = page.locator("tbody tr.unknown")
    expect(failed_row).to_have_count(1)
    expect(failed_row).to_contain_text("fgw@example.gov.cn")
    expect(failed_row).to_contain_text("SMTPRecipientsRefused: 550 5.1.1 mailbox full")
    screenshot(page, "reminders-log-failed")

    page.get_by_role("combobox", name="状态").select_option("failed")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    page.locator("tbody tr.unknown").get_by_role("link").click()
    page.wait_for_url(f"**/reminders/{scene['failed'].pk}/")
    expect(page.get_by_text("【到期提醒】1项督办事项需要处理")).to_be_visible()
    expect(page.locator("pre.source")).to_contain_text("一.1 深化“放管服”改革")

    page.get_by_role("button", name="重新发送").click()
    expect(page.get_by_text("已重新排队发送至 fgw@example.gov.cn。")).to_be_visible()
    copy = OutgoingEmail.objects.get(resent_from=scene["failed"])
    page.wait_for_url(f"**/reminders/{copy.pk}/")
    assert copy.status == OutgoingEmail.Status.READY
    assert copy.idempotency_key == f"{scene['failed'].idempotency_key}:resend-1"
    expect(page.get_by_role("button", name="重新发送")).to_have_count(0)  # on its way
    screenshot(page, "reminders-resent")

    page.goto("/reminders/")
    expect(counts.get_by_role("listitem").filter(has_text="待发送")).to_have_text("待发送：1")


def test_it_lets_an_official_change_the_digest_frequency(page, scene):
    log_in(page, "guojianmin", factories.PASSWORD)
    page.goto("/reminders/preferences/")
    expect(page.get_by_role("heading", name="邮件偏好")).to_be_visible()
    expect(page.get_by_text("邮件将发送至 guojianmin@liaocheng.gov.cn。")).to_be_visible()
    frequency = page.get_by_label("汇总邮件频率")
    expect(frequency).to_have_value("per_period")
    frequency.select_option(label="每周")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("邮件偏好已保存。")).to_be_visible()
    expect(page.get_by_label("汇总邮件频率")).to_have_value("weekly")
    screenshot(page, "reminders-preferences")
    profile = Profile.objects.get(user=scene["official_user"])
    assert profile.digest_frequency == Profile.DigestFrequency.WEEKLY
    assert profile.email_reminders is True
