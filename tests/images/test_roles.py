"""The desk's roles and the image library: writers and publishers upload, translators edit."""

import pytest

from images.models import Image as LibraryImage
from tests.factories import UserFactory
from tests.images.conftest import drawn
from tests.images.test_uploads import ADD, _post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "may_upload"), [("Writer", True), ("Publisher", True), ("Translator", False)]
)
def test_the_desks_roles_use_the_library(client, role, may_upload):
    client.force_login(UserFactory(role=role))
    assert client.get("/admin/images/image/").status_code == 200
    assert client.get(ADD).status_code == (200 if may_upload else 403)
    if may_upload:
        assert _post(client, drawn(640, 480)).status_code == 302
        assert LibraryImage.objects.count() == 1
