"""Upgrading moves partner keys from ``cms`` to ``partners`` without losing one: keys issued
before the upgrade still authenticate, and staff keep the permissions granted on them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from partners.models import PartnerKey
from partners.services import hash_key
from tests.factories import UserFactory

BEFORE_THE_MOVE = [("cms", "0001_initial"), ("webhooks", "0002_significant_updates")]
RAW_KEY = "c0ffee00.issued-before-the-upgrade"


@pytest.mark.django_db(transaction=True)
def test_a_key_issued_before_partner_keys_moved_still_works_after_the_upgrade():
    executor = MigrationExecutor(connection)
    executor.migrate([("partners", None), *BEFORE_THE_MOVE])
    try:
        old = executor.loader.project_state(BEFORE_THE_MOVE).apps
        old.get_model("cms", "PartnerKey").objects.create(
            name="Newsletter BV", prefix="c0ffee00", key_hash=hash_key(RAW_KEY)
        )
        keys_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
            app_label="cms", model="partnerkey"
        )
        may_view_keys, _ = old.get_model("auth", "Permission").objects.get_or_create(
            content_type=keys_type, codename="view_partnerkey", defaults={"name": "View keys"}
        )
        staff = UserFactory()
        staff.user_permissions.add(may_view_keys.pk)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    response = APIClient(HTTP_AUTHORIZATION=f"Api-Key {RAW_KEY}").get("/api/v1/articles/")
    assert response.status_code == 200, response.content
    assert response.json()["results"] == []
    assert PartnerKey.objects.get(prefix="c0ffee00").last_used_at is not None
    wrong = APIClient(HTTP_AUTHORIZATION="Api-Key c0ffee00.not-the-key").get("/api/v1/articles/")
    assert wrong.json() == {"detail": "Unknown API key."}

    admin = APIClient()
    admin.force_login(staff)
    page = admin.get("/admin/partners/partnerkey/")
    assert page.status_code == 200
    assert "Newsletter BV" in page.content.decode() and "c0ffee00" in page.content.decode()
