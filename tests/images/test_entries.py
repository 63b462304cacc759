"""An entry's image and a vendor's logo as readers and partners get them: part of the entry's
source (live only once published), from the stored documents, re-rendered when the image
changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from articles.models import Article, PublicationLog
from articles.services import (
    article_publish,
    article_publish_changes,
    article_submit_for_review,
    article_update,
    vendor_update,
)
from images.models import Image
from images.services import image_update
from tests.factories import ArticleFactory, UserFactory, VendorFactory
from tests.utils import go_live

pytestmark = pytest.mark.django_db


def detail(slug, lang="en"):
    return APIClient().get(f"/api/v1/articles/{slug}/", {"lang": lang}).json()


def with_image(image, slug="with-image", **captions):
    article = ArticleFactory(slug=slug, image=image, image_caption=captions or {"en": "Drawn."})
    go_live(article)
    return article


def test_the_entry_image_comes_with_renditions_alt_credit_and_caption(library_image):
    image = library_image(alt={"en": "A red disc", "nl": "Een rode schijf"})
    with_image(image, en="Drawn for the desk.", nl="Getekend voor de redactie.")
    served = detail("with-image", "nl")["image"]
    assert served["alt"] == "Een rode schijf" and not served["fallback"]
    assert served["caption"] == {
        "text": "Getekend voor de redactie.",
        "language": "nl",
        "fallback": False,
    }
    assert served["credit"] == "Illustration: the desk"
    assert served["focal_point"] == {"x": 0.5, "y": 0.5}
    assert {(r["format"], r["width"], r["height"]) for r in served["renditions"]} == {
        (fmt, w, h) for fmt in ("avif", "webp", "jpeg") for w, h in ((480, 270), (800, 450))
    }
    assert all(r["url"].startswith("http://127.0.0.1:8000/media/") for r in served["renditions"])
    assert (served["card"]["width"], served["card"]["height"]) == (800, 420)


def test_the_dutch_alt_text_falls_back_to_english_with_the_flag(library_image):
    with_image(library_image(alt={"en": "A red disc"}), en="Drawn.")
    served = detail("with-image", "nl")["image"]
    assert (served["alt"], served["language"], served["fallback"]) == ("A red disc", "en", True)
    assert served["caption"] == {"text": "Drawn.", "language": "en", "fallback": True}


def test_an_entry_is_not_published_before_its_image_is_rendered(library_image):
    article = ArticleFactory(slug="waiting", draft=True, image=library_image(ready=False))
    article_submit_for_review(article=article, user=None)
    with pytest.raises(ValidationError, match="image is still being rendered"):
        article_publish(article=article, user=None)
    assert APIClient().get("/api/v1/articles/waiting/").status_code == 404


def test_an_unpublished_image_change_is_on_no_public_surface(library_image, client):
    first, second = library_image(), library_image(alt={"en": "A second drawing"})
    article = with_image(first)
    article_update(article=article, user=None, fields={"image": second})
    assert detail("with-image")["image"]["id"] == first.pk
    page = client.get("/read/en/with-image/").content.decode()
    assert "A second drawing" not in page
    article_publish_changes(article=Article.objects.get(pk=article.pk), user=None)
    assert detail("with-image")["image"]["id"] == second.pk


def test_changing_the_image_re_renders_the_entries_showing_it(library_image):
    image = library_image()
    with_image(image)
    image_update(image=image, user=None, texts={"nl": {"alt": "Een rode schijf"}})
    assert detail("with-image", "nl")["image"]["alt"] == "Een rode schijf"
    assert PublicationLog.objects.filter(slug="with-image", event="entry.updated").exists()


def test_a_vendor_logo_is_edited_live(library_image):
    vendor = VendorFactory(slug="drawn-labs", name="Drawn Labs")
    go_live(ArticleFactory(slug="by-drawn-labs", vendor=vendor))
    logo = library_image(200, 200, alt={"en": "Drawn Labs mark"})
    vendor_update(vendor=vendor, user=None, fields={"logo": logo})
    served = detail("by-drawn-labs")["vendor"]["logo"]
    assert served["alt"] == "Drawn Labs mark"
    assert PublicationLog.objects.filter(event="vendor.updated", vendor_id=vendor.pk).exists()


def test_an_image_in_use_is_not_deleted(library_image, admin_client):
    image = library_image()
    with_image(image)
    page = admin_client.get(f"/admin/images/image/{image.pk}/change/").content.decode()
    assert "entry with-image" in page
    response = admin_client.post(f"/admin/images/image/{image.pk}/delete/", {"post": "yes"})
    assert response.status_code in (200, 302)
    assert Image.objects.filter(pk=image.pk).exists()


def test_a_page_of_entries_with_images_takes_the_same_queries(
    library_image, django_assert_num_queries
):
    image = library_image()
    for n in range(5):
        with_image(image, slug=f"with-image-{n}")
    api = APIClient()
    with django_assert_num_queries(2):
        page = api.get("/api/v1/articles/", {"page_size": 5}).json()
    assert all(entry["image"]["id"] == image.pk for entry in page["results"])
    with django_assert_num_queries(2):
        assert api.get("/api/v1/articles/with-image-0/").json()["image"]["id"] == image.pk


def test_the_history_shows_an_image_and_caption_change_in_words(library_image):
    from articles.revisions import revision_history

    first, second = library_image(), library_image()
    article = with_image(first, en="Drawn.")
    article_update(
        article=article,
        user=None,
        fields={"image": second, "image_caption": {"en": "Redrawn.", "nl": "Hertekend."}},
    )
    newest = revision_history(article=Article.objects.get(pk=article.pk))[0]
    assert ("Image", f"Image {first.pk} of the library", f"Image {second.pk} of the library") in (
        newest.changes
    )
    assert ("Image caption", "en: Drawn.", "en: Redrawn.\nnl: Hertekend.") in newest.changes


def test_restoring_a_version_from_before_images_takes_the_image_away(library_image, client):
    """A revision written before entries had images has no image in its content: the entry
    had none then, so restoring it leaves none (as the history's comparison says)."""
    article = with_image(library_image(), en="Drawn.")
    first = article.revisions.get(number=1)
    for name in ("image", "image_caption"):
        del first.content[name]
    first.save()
    client.force_login(UserFactory(role="Publisher"))
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, 1]))
    assert response.status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert (restored.image, restored.image_caption) == (None, {})
    assert detail("with-image")["image"] is not None  # live until the restore is published
    article_publish_changes(article=restored, user=None)
    assert detail("with-image")["image"] is None
