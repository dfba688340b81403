"""Fragments (tracker/fragments.py): rendered once per language and switches, filled per
request. What must hold: each request's own values, escaped; each language's own text;
each role's own links; a CSRF token that the server accepts."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import translation
from django.utils.safestring import mark_safe

from tests import factories
from tracker.fragments import PAGER, Fragment
from tracker.models import Profile

pytestmark = pytest.mark.django_db


def header_of(response) -> str:
    html = response.content.decode()
    return html[html.index('<header class="topbar">') : html.index("</header>")]


def test_the_header_shows_each_users_own_name_escaped_and_their_own_links(client):
    clerk = factories.make_user("clerk1", role=Profile.Role.CLERK, display_name="<b>王&芳</b>")
    office = factories.make_user("office1", role=Profile.Role.SUPERVISOR)
    client.force_login(clerk)
    header = header_of(client.get("/tasks/?q=<i>"))
    assert "&lt;b&gt;王&amp;芳&lt;/b&gt;" in header and "<b>" not in header
    assert 'name="next" type="hidden" value="/tasks/?q=%3Ci%3E"' in header
    assert "/my-work/" in header and "/review/" not in header and "导入公报" not in header

    client.force_login(office)
    header = header_of(client.get("/tasks/"))
    assert "office1" in header and "王" not in header  # no display name: the user name
    assert "/my-work/" not in header and "导入公报" in header and "后台管理" not in header


def test_the_header_is_in_each_requests_language(client, supervisor):
    client.force_login(supervisor)
    assert "任务清单" in header_of(client.get("/tasks/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = header_of(client.get("/tasks/"))
    assert "Task list" in english and "任务清单" not in english
    assert '<option value="en" selected>' in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    assert "任务清单" in header_of(client.get("/tasks/"))


def test_the_headers_csrf_token_is_accepted(supervisor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor)
    header = header_of(client.get("/tasks/"))
    token = header.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert len(token) == 64
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tasks/",
                                              "csrfmiddlewaretoken": token})  # fmt: skip
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_a_pager_fills_its_numbers_and_shows_only_the_links_it_has():
    with translation.override("zh-hans"):
        first = PAGER.render(
            {"pager.capped": False, "pager.cap": 10000, "pager.number": 1, "pager.total": 120,
             "pager.pages": 3, "pager.first": None, "pager.previous": None,
             "pager.next": "?after=a&page=2"}
        )  # fmt: skip
        later = PAGER.render(
            {"pager.capped": True, "pager.cap": 10000, "pager.number": 7, "pager.total": 12000,
             "pager.pages": 240, "pager.first": "?", "pager.previous": "?before=b&page=6",
             "pager.next": None}
        )  # fmt: skip
    assert "共 120 项，第 1 / 3 页" in first
    assert 'href="?after=a&amp;page=2" rel="next"' in first and "上一页" not in first
    assert "超过 10000 项，第 7 页" in later and "下一页" not in later
    assert 'href="?before=b&amp;page=6" rel="prev"' in later


def test_a_slot_prints_safe_markup_as_it_is_and_text_escaped():
    with translation.override("zh-hans"):
        html = PAGER.render(
            {"pager.capped": False, "pager.cap": 1, "pager.number": mark_safe("<b>1</b>"),
             "pager.total": "<i>2</i>", "pager.pages": 1, "pager.first": None,
             "pager.previous": None, "pager.next": None}
        )  # fmt: skip
    assert "<b>1</b>" in html and "&lt;i&gt;2&lt;/i&gt;" in html


LOCMEM = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.locmem.Loader",
                    {"tested_slot.html": "{% if name %}hello {{ name }}{% endif %}",
                     "filtered_slot.html": "{{ name|upper }}"},
                )
            ]
        },
    }
]  # fmt: skip


@override_settings(TEMPLATES=LOCMEM)
def test_a_fragment_that_misuses_a_slot_is_refused():
    # A slot's value is not known when the fragment is rendered: testing it in {% if %}
    # (always true) or changing it with a filter would be wrong for every request.
    with pytest.raises(ValueError, match="tested_slot"):
        Fragment("tested_slot.html", slots=("name",)).render({"name": ""})
    with pytest.raises(ValueError, match="filtered_slot"):
        Fragment("filtered_slot.html", slots=("name",)).render({"name": "x"})
