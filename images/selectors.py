"""Reads of the image library: what uses an image, and an image as the documents embed it."""

from collections import defaultdict

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F

from images.models import Image, ImageText, Rendition
from kernel.languages import default_language, resolve_translation


def absolute_url(name: str) -> str:
    """A stored file's public URL, absolute (feeds, link previews and mirrors need it)."""
    url = default_storage.url(name)
    return url if "://" in url else settings.SITE_URL.rstrip("/") + url


def rendition_data(rendition: Rendition) -> dict:
    return {
        "url": absolute_url(rendition.file.name),
        "width": rendition.width,
        "height": rendition.height,
        "format": rendition.format,
        "size": rendition.size,
    }


def image_document(image: Image, requested: str) -> dict:
    """The image in ``requested``: renditions, the social card, alt text and title with the
    language served (the default language's stand in for a missing one, flagged), credit,
    licence and focal point. ``image`` comes with its texts and renditions prefetched."""
    return _document(image, image.texts.all(), image.renditions.all(), requested)


def _document(image: Image, texts, renditions, requested: str) -> dict:
    resolved = resolve_translation(texts, requested)
    text = resolved.translation
    renditions = sorted(renditions, key=lambda r: (r.kind, r.format, r.width))
    card = next((r for r in renditions if r.kind == Rendition.Kind.CARD), None)
    return {
        "id": image.pk,
        "width": image.width,
        "height": image.height,
        "alt": text.alt if text else "",
        "title": text.title if text else "",
        "language": resolved.served or default_language(),
        "fallback": resolved.fell_back,
        "credit": image.credit,
        "licence": image.licence,
        "focal_point": {"x": image.focal_x, "y": image.focal_y},
        "renditions": [rendition_data(r) for r in renditions if r.kind == Rendition.Kind.WIDTH],
        "card": rendition_data(card) if card else None,
    }


def images_for_documents(ids) -> dict[int, Image]:
    """The images documents embed, with their texts and renditions (three queries)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return Image.objects.prefetch_related("texts", "renditions").in_bulk(ids)


def shown_image_documents(ids, requested: str) -> dict[int, dict]:
    """The images with ``ids`` that have a set of renditions to show (the first set is
    ready; a new one being made leaves the previous set in place), as documents embed them in
    ``requested``, in one query: their renditions, each with the image and its texts joined
    (a row per rendition and language). An image without renditions is left out."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = (
        Rendition.objects.filter(image_id__in=ids)
        .select_related("image")
        .annotate(
            text_language=F("image__texts__language"),
            text_title=F("image__texts__title"),
            text_alt=F("image__texts__alt"),
        )
    )
    images, texts, renditions = {}, defaultdict(dict), defaultdict(dict)
    for row in rows:
        images[row.image_id] = row.image
        renditions[row.image_id][row.pk] = row
        if row.text_language is not None:
            texts[row.image_id][row.text_language] = ImageText(
                image_id=row.image_id,
                language=row.text_language,
                title=row.text_title,
                alt=row.text_alt,
            )
    return {
        pk: _document(image, texts[pk].values(), renditions[pk].values(), requested)
        for pk, image in images.items()
    }


def image_uses(image: Image) -> list[str]:
    """What shows ``image``, in words: entries (their working copy or their live version)
    and vendors (as their logo)."""
    from articles.models import Article, LiveEntry, Vendor

    slugs = set(Article.objects.filter(image=image).values_list("slug", flat=True))
    slugs |= set(LiveEntry.objects.filter(source__image=image.pk).values_list("slug", flat=True))
    vendors = Vendor.objects.filter(logo=image).values_list("name", flat=True)
    return [f"entry {slug}" for slug in sorted(slugs)] + [
        f"logo of {name}" for name in sorted(vendors)
    ]


def image_ready(image_id: int) -> bool:
    """Whether the image's renditions are made, so a live document may name them."""
    return Image.objects.filter(pk=image_id, status=Image.Status.READY).exists()
