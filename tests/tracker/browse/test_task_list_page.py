"""The task list is a page Fragment (tracker/fragments.TASK_LIST_PAGE): its page around the
rows is rendered once per language and switches. What must hold: it is, byte for byte,
what browse/task_list.html renders through the template engine for the same request, in
each language, for each role, with and without messages, form errors, rows and links."""

import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage import default_storage
from django.shortcuts import render
from django.test import RequestFactory
from django.urls import set_script_prefix
from django.utils import translation

from tracker.views.browse import task_list

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _request(user, path, message):
    request = RequestFactory().get(path)
    request.user = user
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request._messages = default_storage(request)
    if message:
        messages.success(request, message)
    return request


def _both(user, path, *, message=None, language="zh-hans") -> tuple[str, str]:
    """The page through the Fragment (the view) and through the template, CSRF tokens
    masked (each rendering gets its own)."""
    with translation.override(language):
        response = task_list(_request(user, path, message))
        context = {
            name: value
            for name, value in response.context_data.items()
            if name not in ("page_header", "messages_html")  # the template's own
        }
        template = render(_request(user, path, message), "browse/task_list.html", context)
    fragment, template = response.content.decode(), template.content.decode()
    return TOKEN.sub("TOKEN", fragment), TOKEN.sub("TOKEN", template)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?light=red&sort=deadline",
        "?q=没有这样的任务",
        "?deadline_after=2018-13-45&unit=999999",
        "?plan={plan18}&section={section}",
        "?q=<b>&year=2018",
    ],
)
def test_the_fragment_page_is_the_template_page(city, supervisor, language, query, settings):
    settings.BROWSE_PAGE_SIZE = 2  # a next link on the first page
    path = "/tasks/" + query.format(plan18=city.plan18.pk, section=city.t1.parent_id)
    fragment, template = _both(supervisor, path, language=language, message="<i>已保存</i>")
    assert fragment == template
    assert "&lt;i&gt;已保存&lt;/i&gt;" in fragment  # the message, escaped, once
    assert fragment.count('class="messages"') == 1 + ("2018-13-45" in query)


def test_the_fragment_page_is_the_template_page_for_a_clerk_and_without_messages(city, outsider):
    fragment, template = _both(outsider, "/tasks/?after=bad&role=lead")
    assert fragment == template
    assert 'class="messages"' not in fragment and "/my-work/" in fragment


def test_messages_are_used_up_when_shown_and_left_alone_when_there_are_none(city, supervisor):
    shown = _request(supervisor, "/tasks/", "<i>已保存</i>")
    html = task_list(shown).content.decode()
    assert (
        '<ul class="messages" role="status"><li class="msg-success">&lt;i&gt;已保存&lt;/i&gt;</li></ul>'
        in html
    )
    assert shown._messages.used  # not shown again on the next page
    quiet = _request(supervisor, "/tasks/", None)
    response = task_list(quiet)
    quiet._messages.update(response)
    assert not quiet._messages.used and "messages" not in response.cookies  # no cookie churn


def test_invalid_filters_are_listed_above_the_list(city, supervisor):
    html = task_list(_request(supervisor, "/tasks/?deadline_after=2018-13-45&year=x", None))
    html = html.content.decode()
    alert = html[html.index('<div class="messages"><ul class="errorlist" role="alert">') :]
    alert = alert[: alert.index("</div>")]
    assert alert.count("<li>") == 2 and "输入一个有效的日期。" in alert


def test_links_follow_each_requests_script_prefix(city, supervisor):
    # Row links and the page around them are built once per URL prefix, never shared
    # (the WSGI handler sets the prefix of each request from its SCRIPT_NAME).
    try:
        set_script_prefix("/duban/")
        prefixed = task_list(_request(supervisor, "/tasks/", None)).content.decode()
    finally:
        set_script_prefix("/")
    plain = task_list(_request(supervisor, "/tasks/", None)).content.decode()
    assert f'href="/duban/units/{city.czj.pk}/"' in prefixed and 'href="/duban/plans/' in prefixed
    assert 'href="/duban/tasks/"' in prefixed and 'href="/units/' not in prefixed
    assert f'href="/units/{city.czj.pk}/"' in plain and "/duban/" not in plain
