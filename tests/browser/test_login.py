"""A person logs in through the real login page in headless Chromium."""

import pytest

from tests import factories
from tests.browser.conftest import log_in, screenshot
from tracker.models import Profile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_logs_a_clerk_in_and_shows_a_chinese_home_page(page):
    factories.make_user("clerk", role=Profile.Role.CLERK, display_name="张联络")
    log_in(page, "clerk", factories.PASSWORD)
    assert page.get_by_text("欢迎，张联络。").is_visible()
    screenshot(page, "login-home")


def test_it_refuses_a_wrong_password_with_a_clear_message(page):
    factories.make_user("clerk", role=Profile.Role.CLERK)
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("clerk")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"
