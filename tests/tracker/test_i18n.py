"""English is really available: a complete catalogue, and pages that switch language.

Chinese msgids are the source text (docs/decisions.md); `locale/en/LC_MESSAGES/django.po`
translates them. The .mo files are not committed, so the module compiles them first.
"""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test.signals import setting_changed
from django.urls import reverse
from django.utils import timezone, translation

from tests import factories
from tracker.models import Assignment, Profile

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    """Compile the catalogue (a fresh clone has no .mo) and drop translations loaded before."""
    call_command(
        "compilemessages",
        locale=["en"],
        ignore_patterns=[".venv", "node_modules", "var", "test-artifacts"],
        verbosity=0,
    )
    # An earlier test may have loaded the English catalogue before it was compiled; Django
    # resets its translation caches on this signal (as override_settings would).
    setting_changed.send(
        sender=None, setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=False
    )
    yield


# --- the catalogue ------------------------------------------------------------------------
def read_po(path: Path) -> list[dict]:
    """A minimal .po reader: each entry's flags and its msgid/msgid_plural/msgstr[n] texts."""
    entries, entry, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "fields": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry["fields"][key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry["fields"][key] = ast.literal_eval(value)
    return entries


def test_the_english_catalogue_is_complete():
    entries = read_po(PO_FILE)
    header, messages = entries[0], entries[1:]
    assert header["fields"]["msgid"] == ""
    assert "Language: en" in header["fields"]["msgstr"]
    assert len(messages) > 500
    fuzzy = [e["fields"].get("msgid") for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == []
    obsolete = [e["fields"].get("msgid") for e in messages if e["obsolete"]]
    assert obsolete == []
    empty = [
        e["fields"]["msgid"]
        for e in messages
        for key, value in e["fields"].items()
        if key.startswith("msgstr") and not value.strip()
    ]
    assert empty == []
    plurals = [e for e in messages if "msgid_plural" in e["fields"]]
    assert plurals
    assert all({"msgstr[0]", "msgstr[1]"} <= e["fields"].keys() for e in plurals)


def test_gettext_translates_python_strings():
    with translation.override("en"):
        assert str(Profile.Role.SUPERVISOR.label) == "Supervision Office"
        assert str(Profile.Role.CLERK.label) == "Unit clerk"
        assert str(Assignment.Role.LEAD.label) == "Lead"
        assert translation.ngettext("%(n)s 项任务", "%(n)s 项任务", 3) % {"n": 3} == "3 tasks"
        assert translation.ngettext("%(n)s 项任务", "%(n)s 项任务", 1) % {"n": 1} == "1 task"
    with translation.override("zh-hans"):
        assert str(Profile.Role.SUPERVISOR.label) == "督查室"


# --- pages --------------------------------------------------------------------------------
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, name, **headers):
    response = client.get(reverse(name), follow=True, headers=headers)
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_login_page_is_english_with_the_language_cookie(client, db):
    response, html = page(english(client), "login")
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en">' in html
    assert "<h1>Log in to Duban</h1>" in html
    assert ">Username</label>" in html
    assert ">Password</label>" in html
    assert "Forgot your password?" in html
    assert "Skip to main content" in html
    assert "登录督办系统" not in html
    assert "用户名" not in html


def test_the_login_page_is_english_with_accept_language(client, db):
    _response, html = page(client, "login", accept_language="en-US,en;q=0.9")
    assert "<h1>Log in to Duban</h1>" in html
    assert "忘记密码" not in html


def test_a_wrong_password_is_reported_in_english(client, supervisor):
    english(client)
    response = client.post(reverse("login"), {"username": "duchashi", "password": "wrong"})
    html = response.content.decode()
    assert "Incorrect username or password. Please try again." in html
    assert "用户名或密码不正确" not in html


def test_the_language_switcher_sets_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    _response, html = page(client, "login")
    assert "<h1>Log in to Duban</h1>" in html


def test_the_supervision_office_sees_english_pages(client, supervisor):
    english(client).force_login(supervisor)

    # Home redirects the office to its review queue.
    response, html = page(client, "home")
    assert response.redirect_chain[-1][0] == reverse("review_queue")
    assert "<h1>Review queue</h1>" in html
    assert "Welcome, duchashi." in html
    assert "0 reports awaiting review." in html
    assert "No reports awaiting review." in html
    assert ">Manage reporting periods</a>" in html
    assert ">Log out</button>" in html
    assert "审核队列" not in html
    assert "待审核" not in html

    _response, html = page(client, "task_list")
    assert "<h1>Task list</h1>" in html
    assert ">Keyword (task text)</label>" in html
    assert ">Responsible unit (incl. before/after renaming)</label>" in html
    assert ">Deadline from</label>" in html
    assert ">Clear filters</a>" in html
    assert "No matching tasks." in html
    assert "任务清单" not in html
    assert "关键词" not in html
    assert "完成时限" not in html

    _response, html = page(client, "import_start")
    assert "<h1>Import gazette</h1>" in html
    assert "Gazette text file (.txt / .md)" in html
    assert ">Parse and preview</button>" in html
    assert "<h2>Recent imports</h2>" in html
    assert "No imports yet." in html
    assert "导入公报" not in html
    assert "解析并预览" not in html


def test_a_clerk_sees_my_work_in_english(client, owner, unit):
    document = factories.make_document()
    task = factories.make_task(document, "1")
    factories.assign(task, unit, Assignment.Role.LEAD)
    today = timezone.localdate()
    factories.make_period(today.year, (today.month - 1) // 3 + 1)  # the current quarter
    english(client).force_login(owner)

    _response, html = page(client, "home")
    assert "<h1>My reports</h1>" in html
    assert "Welcome, owner." in html
    assert 'aria-label="Reports to do"' in html
    assert "Not filled in" in html
    assert "Consolidates" in html
    assert "我的填报" not in html
    assert "未填报" not in html
    assert "汇总报送" not in html


def test_chinese_is_the_default(client, supervisor):
    response, html = page(client, "login")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "<h1>登录督办系统</h1>" in html
    assert "Log in to Duban" not in html

    client.force_login(supervisor)
    _response, html = page(client, "task_list")
    assert "<h1>任务清单</h1>" in html
    assert "关键词（任务内容）" in html
    assert "Task list" not in html
