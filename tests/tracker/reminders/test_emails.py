"""The messages themselves: subject, text and HTML parts, links, language, headers."""

import email
import email.policy

import pytest

from tests.tracker.reminders.conftest import at, frozen
from tracker import emails
from tracker.models import OutgoingEmail, Profile
from tracker.services.reminders import plan_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://duban.liaocheng.gov.cn"
    settings.DEFAULT_FROM_EMAIL = "聊城市督办系统 <duban@liaocheng.gov.cn>"
    settings.EMAIL_REPLY_TO = ["duchashi@liaocheng.gov.cn"]


def planned(moment, **lookup) -> OutgoingEmail:
    with frozen(moment):
        plan_reminders(dispatch=False)
    return OutgoingEmail.objects.get(run_on=moment.date(), **lookup)


def test_it_builds_a_due_reminder_with_subject_text_html_and_links(city, site):
    message = emails.build_message(planned(at(2018, 4, 2), user=city.owner))
    url = f"https://duban.liaocheng.gov.cn{emails.task_path(city.task.pk)}"
    assert message.subject == "【到期提醒】1项督办事项需要处理"
    assert message.to == ["owner@example.gov.cn"]
    assert message.from_email == "聊城市督办系统 <duban@liaocheng.gov.cn>"
    assert message.reply_to == ["duchashi@liaocheng.gov.cn"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    text = message.body
    assert "owner，您好：" in text
    assert "== 即将截止的进展报告 ==" in text
    assert "* 一.1 深化“放管服”改革" in text
    assert "市发展改革委 · 2018年第1季度进展报告，2018-04-05截止（还有3天）" in text
    assert url in text
    assert "&ldquo;" not in text and "&quot;" not in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="zh-hans">' in html
    assert f'<a href="{url}">一.1 深化“放管服”改革</a>' in html
    assert "https://duban.liaocheng.gov.cn/reminders/preferences/" in html


def test_it_names_the_most_urgent_item_in_the_subject(city, site):
    chase = emails.build_message(planned(at(2018, 4, 8), user=city.owner))
    assert chase.subject == "【逾期催办】1项督办事项需要处理"
    assert "市发展改革委 · 2018年第1季度进展报告，2018-04-05截止，已逾期3天" in chase.body
    escalation = emails.build_message(planned(at(2018, 4, 12), user=city.head))
    assert escalation.subject == "【逾期升级】1项督办事项需要处理"
    assert "== 逾期未报送（升级督办） ==" in escalation.body


def test_it_builds_an_officials_digest_with_states_and_missing_reports(city, site):
    message = emails.build_message(planned(at(2018, 4, 8), official=city.official, kind="digest"))
    assert message.subject == "【督办汇总】2018年第1季度：您牵头的1项任务"
    assert message.to == ["guojianmin@liaocheng.gov.cn"]
    assert "逾期 0，滞后序时进度 0，临期 0，正常推进 1，已完成 0" in message.body
    assert "其中1项任务有单位未报送本期进展。" in message.body
    assert "未报送：市发展改革委、市财政局" in message.body
    html = message.alternatives[0][0]
    assert '<span class="missing">未报送：市发展改革委、市财政局</span>' in html


def test_it_renders_in_the_recipients_language(city, site):
    Profile.objects.filter(user=city.owner).update(language="en")
    email = planned(at(2018, 4, 2), user=city.owner)
    assert email.language == "en"
    html = emails.build_message(email).alternatives[0][0]
    assert '<html lang="en">' in html


def test_it_gives_every_attempt_at_one_row_the_same_message_id(city, site):
    email = planned(at(2018, 4, 2), user=city.owner)
    first = emails.build_message(email).message()["Message-ID"]
    again = emails.build_message(email).message()["Message-ID"]
    assert first == again == emails.message_id("reminder:2018-04-02:owner@example.gov.cn")
    assert first.endswith("@duban.liaocheng.gov.cn>")


def parsed_wire(row):
    return email.message_from_bytes(emails.message_bytes(row), policy=email.policy.default)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_it_puts_the_same_message_on_the_wire_as_the_django_message(city, site, language):
    Profile.objects.filter(user=city.official_user).update(language=language)
    for row in [
        planned(at(2018, 4, 12), user=city.head),  # escalation
        planned(at(2018, 4, 8), official=city.official, kind="digest"),
    ]:
        django_message = emails.build_message(row)
        wire = parsed_wire(row)
        assert wire["Subject"] == django_message.subject
        assert wire["From"] == "聊城市督办系统 <duban@liaocheng.gov.cn>"
        assert wire["To"] == row.recipient_email
        assert wire["Reply-To"] == "duchashi@liaocheng.gov.cn"
        assert wire["Message-ID"] == emails.message_id(row.idempotency_key)
        assert wire["Auto-Submitted"] == "auto-generated"
        assert wire["X-Duban-Kind"] == row.kind
        assert wire["Date"] is not None
        assert wire.get_content_type() == "multipart/alternative"
        assert wire.get_body(preferencelist=("plain",)).get_content() == django_message.body
        assert (
            wire.get_body(preferencelist=("html",)).get_content()
            == django_message.alternatives[0][0]
        )
        assert all(len(line) <= 78 for line in emails.message_bytes(row).split(b"\r\n"))


def test_it_escapes_item_text_in_the_html_part(city, site):
    city.task.title = "<b>放管服</b> & 营商环境"
    city.task.save()
    row = planned(at(2018, 4, 2), user=city.owner)
    html = emails.build_message(row).alternatives[0][0]
    assert "一.1 &lt;b&gt;放管服&lt;/b&gt; &amp; 营商环境</a>" in html
    assert "* 一.1 <b>放管服</b> & 营商环境" in emails.build_message(row).body
