"""The office's log, resend and rule pages; everyone's preferences page."""

import pytest
from django.urls import reverse

from tests import factories
from tests.tracker.reminders.conftest import at, frozen
from tracker.models import AuditEntry, OutgoingEmail, Profile, ReminderRule
from tracker.services import delivery
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(city):
    with frozen(at(2018, 4, 12)):
        plan_reminders(dispatch=False)
        delivery.deliver(OutgoingEmail.objects.values_list("pk", flat=True))
    return OutgoingEmail.objects.order_by("pk")


def login(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["owner", "colleague", "outsider", "viewer"])
def test_it_shows_the_office_pages_to_the_office_only(client, city, planned, viewer, who):
    user = {
        "owner": city.owner,
        "colleague": city.colleague,
        "outsider": city.outsider,
        "viewer": viewer,
    }[who]
    login(client, user)
    email = planned.first()
    assert client.get(reverse("reminder_log")).status_code == 403
    assert client.get(reverse("reminder_email", args=[email.pk])).status_code == 403
    assert client.get(reverse("reminder_rules")).status_code == 403
    assert client.post(reverse("reminder_resend", args=[email.pk])).status_code == 403
    assert OutgoingEmail.objects.count() == 3


def test_it_lists_sent_mail_failures_and_officials_without_address(client, supervisor, planned):
    OutgoingEmail.objects.filter(recipient_email="head@example.gov.cn").update(
        status=OutgoingEmail.Status.FAILED, last_error="SMTPRecipientsRefused: 550 no such user"
    )
    page = login(client, supervisor).get(reverse("reminder_log")).content.decode()
    assert "guojianmin@liaocheng.gov.cn" in page
    assert "马丽红" in page
    assert '<tr class="warning">' in page
    assert "收件人没有电子邮箱地址。" in page
    assert "SMTPRecipientsRefused: 550 no such user" in page
    assert "无邮箱地址</a>：<strong>1</strong>" in page
    filtered = client.get(reverse("reminder_log"), {"status": "no_address"}).content.decode()
    assert "马丽红" in filtered and "guojianmin@liaocheng.gov.cn" not in filtered
    searched = client.get(reverse("reminder_log"), {"q": "guojianmin"}).content.decode()
    assert "guojianmin@liaocheng.gov.cn" in searched and "head@example.gov.cn" not in searched


def test_it_lists_the_log_in_a_constant_number_of_queries(
    client, supervisor, planned, django_assert_num_queries
):
    login(client, supervisor)
    client.get(reverse("reminder_log"))
    with django_assert_num_queries(5):  # session, user with profile, count, page, status counts
        client.get(reverse("reminder_log"))
    rows = [
        OutgoingEmail(
            kind="reminder",
            idempotency_key=f"extra-{i}",
            run_on=at(2018, 4, 13).date(),
            recipient_email=f"x{i}@example.gov.cn",
            next_attempt_at=at(2018, 4, 13),
        )
        for i in range(40)
    ]
    OutgoingEmail.objects.bulk_create(rows)
    with django_assert_num_queries(5):
        client.get(reverse("reminder_log"))


def test_it_lets_the_office_preview_and_resend_an_email(client, supervisor, planned):
    email = OutgoingEmail.objects.get(recipient_email="head@example.gov.cn")
    login(client, supervisor)
    detail = client.get(reverse("reminder_email", args=[email.pk])).content.decode()
    assert "【逾期升级】1项督办事项需要处理" in detail
    response = client.post(reverse("reminder_resend", args=[email.pk]), follow=True)
    copy = OutgoingEmail.objects.get(resent_from=email)
    assert response.redirect_chain[-1][0] == reverse("reminder_email", args=[copy.pk])
    assert "已重新排队发送至 head@example.gov.cn。" in response.content.decode()
    assert copy.status == OutgoingEmail.Status.READY


def test_it_explains_why_an_email_cannot_be_resent(client, supervisor, planned):
    email = OutgoingEmail.objects.get(status=OutgoingEmail.Status.NO_ADDRESS)
    response = login(client, supervisor).post(
        reverse("reminder_resend", args=[email.pk]), follow=True
    )
    assert "收件人仍没有电子邮箱地址，无法重发。" in response.content.decode()
    assert not OutgoingEmail.objects.filter(resent_from=email).exists()


def rule_form(rules, changes=None, new=None):
    changes = changes or {}
    data = {
        "form-TOTAL_FORMS": str(len(rules) + 1),
        "form-INITIAL_FORMS": str(len(rules)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for i, rule in enumerate(rules):
        values = {
            "id": rule.pk,
            "kind": rule.kind,
            "days": rule.days,
            "working_days": "on" if rule.working_days else "",
            "weekday": "" if rule.weekday is None else rule.weekday,
            "mandatory": "on" if rule.mandatory else "",
            "is_active": "on" if rule.is_active else "",
        } | changes.get(i, {})
        for name, value in values.items():
            if value != "":
                data[f"form-{i}-{name}"] = value
    for name, value in (new or {}).items():
        data[f"form-{len(rules)}-{name}"] = value
    return data


def test_it_lets_the_office_change_the_rules_without_a_deploy(client, supervisor, rules):
    current = list(ReminderRule.objects.all())
    first_due = next(i for i, r in enumerate(current) if r.kind == "report_due" and r.days == 7)
    login(client, supervisor)
    response = client.post(
        reverse("reminder_rules"),
        rule_form(
            current,
            {first_due: {"days": 10}},
            new={"kind": "task_due", "days": 30, "is_active": "on"},
        ),
        follow=True,
    )
    assert "已保存2条催办规则的修改。" in response.content.decode()
    assert ReminderRule.objects.filter(kind="report_due", days=10).exists()
    assert ReminderRule.objects.filter(kind="task_due", days=30).exists()
    assert AuditEntry.objects.filter(action="reminders.rule_save").count() == 2


def test_it_refuses_a_weekly_digest_rule_without_a_weekday(client, supervisor, rules):
    current = list(ReminderRule.objects.all())
    login(client, supervisor)
    response = client.post(
        reverse("reminder_rules"),
        rule_form(current, new={"kind": "weekly_digest", "days": 1, "is_active": "on"}),
    )
    assert "每周汇总必须指定星期。" in response.content.decode()
    assert not ReminderRule.objects.filter(kind="weekly_digest", days=1).exists()


def test_it_lets_a_clerk_opt_out_of_reminders(client, city):
    login(client, city.owner)
    page = client.get(reverse("reminder_preferences")).content.decode()
    assert "邮件将发送至 owner@example.gov.cn。" in page
    response = client.post(
        reverse("reminder_preferences"), {"digest_frequency": "per_period"}, follow=True
    )
    assert "邮件偏好已保存。" in response.content.decode()
    profile = Profile.objects.get(user=city.owner)
    assert profile.email_reminders is False
    assert AuditEntry.objects.get(action="reminders.preferences").before == {
        "email_reminders": True,
        "digest_frequency": "per_period",
    }


def test_it_keeps_reminders_on_when_the_office_makes_them_mandatory(client, city):
    ReminderRule.objects.update(mandatory=True)
    login(client, city.owner)
    page = client.get(reverse("reminder_preferences")).content.decode()
    assert "督查室要求所有人接收催办邮件。" in page
    client.post(reverse("reminder_preferences"), {"digest_frequency": "per_period"})
    assert Profile.objects.get(user=city.owner).email_reminders is True


def test_it_offers_only_the_digest_frequencies_the_office_allows(client, city):
    login(client, city.official_user)
    assert (
        client.post(
            reverse("reminder_preferences"), {"email_reminders": "on", "digest_frequency": "weekly"}
        ).status_code
        == 302
    )
    assert Profile.objects.get(user=city.official_user).digest_frequency == "weekly"
    ReminderRule.objects.filter(kind="weekly_digest").update(is_active=False)
    page = client.post(
        reverse("reminder_preferences"), {"email_reminders": "on", "digest_frequency": "weekly"}
    ).content.decode()
    assert "选择一个有效的选项。 weekly 不在可用的选项中。" in page
    assert '<option value="weekly"' not in page


def test_it_tells_a_user_without_an_address_that_no_mail_can_reach_them(client, db):
    user = factories.make_user("noaddress", email="")
    page = login(client, user).get(reverse("reminder_preferences")).content.decode()
    assert "您的账号没有电子邮箱地址，无法接收邮件，请联系督查室。" in page
