"""Every admin list and add page loads for the supervision office's superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_with_data(client, django_user_model, unit):
    superuser = django_user_model.objects.create_superuser(
        "root", "root@example.gov.cn", "pw-x-1234"
    )
    task = factories.make_task()
    factories.assign(task, unit)
    factories.make_period()
    client.force_login(superuser)
    return client


def test_it_loads_every_admin_changelist_and_add_page(admin_client_with_data):
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        response = admin_client_with_data.get(reverse(f"{prefix}_changelist"))
        assert response.status_code == 200, prefix
        if model_admin.has_add_permission(response.wsgi_request):
            assert admin_client_with_data.get(reverse(f"{prefix}_add")).status_code == 200


def test_it_shows_the_admin_in_chinese(admin_client_with_data):
    response = admin_client_with_data.get(reverse("admin:index"))
    assert "督办系统管理" in response.content.decode()


def test_it_searches_units_by_alias(admin_client_with_data, unit):
    unit.aliases.create(alias="市发改委")
    response = admin_client_with_data.get(reverse("admin:tracker_unit_changelist") + "?q=市发改委")
    assert "聊城市发展和改革委员会" in response.content.decode()
