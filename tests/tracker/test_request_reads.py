"""The two reads of every request, by statements built once: the signed-in user with their
profile (tracker.auth) and the session (tracker.sessions). They must give what the ORM
gives."""

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tracker.auth import ProfileModelBackend
from tracker.models import Profile
from tracker.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _values(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_user_and_profile_are_what_the_orm_reads(owner, django_assert_num_queries):
    User.objects.filter(pk=owner.pk).update(last_login=timezone.now())
    Profile.objects.filter(user=owner).update(email_reminders=False, phone="0635-1234567")
    expected = User.objects.select_related("profile").get(pk=owner.pk)

    with django_assert_num_queries(1):
        user = ProfileModelBackend().get_user(str(owner.pk))  # the session stores text
        profile = user.profile
        assert profile.user is user

    assert _values(user) == _values(expected)
    assert _values(profile) == _values(expected.profile)
    assert profile.email_reminders is False  # a bool on SQLite too, not 0
    assert user.last_login.tzinfo is not None
    assert not user._state.adding and user._state.db == "default"


def test_a_user_without_a_profile_has_none_and_no_query_asks_again(django_assert_num_queries):
    user = User.objects.create_user("noprofile", password=factories.PASSWORD)

    with django_assert_num_queries(1):
        read = ProfileModelBackend().get_user(user.pk)
        assert not hasattr(read, "profile")  # RelatedObjectDoesNotExist, from the cache


def test_no_user_for_an_unknown_inactive_or_malformed_id(owner):
    backend = ProfileModelBackend()
    assert backend.get_user(owner.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    User.objects.filter(pk=owner.pk).update(is_active=False)
    assert backend.get_user(owner.pk) is None


def test_a_session_reads_its_data_and_forgets_an_expired_or_unknown_key():
    store = SessionStore()
    store["answer"] = 42
    store.create()
    key = store.session_key

    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(key)["answer"] == 42
    assert len(queries) == 1

    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.get("answer") is None
    assert expired.session_key is None  # a new key on save, never the expired one

    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {}
    assert unknown.session_key is None


def test_signing_in_and_out_works_through_these_reads(client, owner):
    assert client.login(username=owner.username, password=factories.PASSWORD)
    response = client.get("/my-work/")
    assert response.status_code == 200
    assert response.wsgi_request.user == owner
    client.logout()
    assert client.get("/my-work/").status_code == 302
