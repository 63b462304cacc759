"""Partner API keys: issued and revoked in the admin, sent as ``Authorization: Api-Key``."""

import hashlib
import re

import pytest
from rest_framework.test import APIClient

from partners.models import PartnerKey
from partners.services import partner_key_create
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v1/articles/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


def with_key(raw_key: str, address: str = "203.0.113.9") -> APIClient:
    return APIClient(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Api-Key {raw_key}")


def test_the_admin_shows_a_new_key_once_and_stores_only_its_hash(admin_client):
    response = admin_client.post("/admin/partners/partnerkey/add/", {"name": "Newsletter BV"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    raw_key = re.search(r'id="raw-key" value="([^"]+)"', response.content.decode()).group(1)
    # Not in any cookie (the messages cookie is only signed) nor kept for a later page.
    assert not any(raw_key in morsel.value for morsel in response.cookies.values())
    assert not any(raw_key in str(value) for value in admin_client.session.values())
    key = PartnerKey.objects.get()
    assert key.name == "Newsletter BV" and raw_key.startswith(f"{key.prefix}.")
    assert key.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key not in str(PartnerKey.objects.values().get())
    for page in ("/admin/partners/partnerkey/", f"/admin/partners/partnerkey/{key.pk}/change/"):
        assert raw_key not in admin_client.get(page).content.decode()
    assert with_key(raw_key).get(ARTICLES).status_code == 200


def test_a_key_revoked_in_the_admin_is_refused_with_a_clear_message(admin_client):
    key, raw_key = partner_key_create(name="Aggregator")
    assert with_key(raw_key).get(ARTICLES).status_code == 200
    admin_client.post(
        "/admin/partners/partnerkey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    key.refresh_from_db()
    assert key.revoked_at is not None
    response = with_key(raw_key).get(ARTICLES)
    assert response.status_code == 401
    assert response.json() == {"detail": "This API key has been revoked; ask for a new one."}
    assert response.headers["WWW-Authenticate"] == "Api-Key"


@pytest.mark.parametrize("raw_key", ["", "nonsense", "abcd1234.wrong-secret"])
def test_an_unknown_key_is_refused(raw_key):
    key, real = partner_key_create(name="Dashboard")
    forged = raw_key.replace("abcd1234", key.prefix)
    response = with_key(forged).get(ARTICLES)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown API key."}
    assert with_key(real).get(ARTICLES).status_code == 200


def test_a_key_lifts_the_throttle_to_the_partner_rate(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "anonymous": "1/minute", "partner": "3/minute"},
    }
    ArticleFactory()
    _key, raw_key = partner_key_create(name="Newsletter")
    anonymous = APIClient(REMOTE_ADDR="203.0.113.9")
    assert [anonymous.get(ARTICLES).status_code for _ in range(2)] == [200, 429]
    partner = with_key(raw_key, address="203.0.113.9")
    assert [partner.get(ARTICLES).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert int(partner.get(ARTICLES).headers["Retry-After"]) > 0


def test_using_a_key_records_when_it_was_last_used():
    key, raw_key = partner_key_create(name="Newsletter")
    assert key.last_used_at is None
    with_key(raw_key).get(ARTICLES)
    key.refresh_from_db()
    assert key.last_used_at is not None
