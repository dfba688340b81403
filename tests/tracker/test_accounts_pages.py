"""Login, logout, password change and password reset by e-mail, in Chinese."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def test_it_logs_in_and_out(client, owner):
    response = client.post(reverse("login"), {"username": "owner", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("my_work")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("my_work")).status_code == 302


def test_it_changes_a_password(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "a-new-Passw0rd-for-duban",
            "new_password2": "a-new-Passw0rd-for-duban",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    owner.refresh_from_db()
    assert owner.check_password("a-new-Passw0rd-for-duban")


def test_it_refuses_a_wrong_old_password_with_a_chinese_message(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x-Passw0rd-1", "new_password2": "x-Passw0rd-1"},
    )
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()


def test_it_resets_a_password_through_a_link_sent_by_email(client, owner):
    response = client.post(reverse("password_reset"), {"email": owner.email})
    assert response["Location"] == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == [owner.email]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "设置新密码" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset-Passw0rd-duban", "new_password2": "reset-Passw0rd-duban"},
    )
    assert done["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password("reset-Passw0rd-duban")


def test_it_does_not_reveal_whether_an_address_is_registered(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.gov.cn"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []
