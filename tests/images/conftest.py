"""Fixtures of the image tests: images drawn by Pillow, and library images made from them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

# The recorders of the edge and webhook tests, for the purges and payloads images cause.
from tests.edge.conftest import cache_in_front  # noqa: F401
from tests.webhooks.conftest import receiver, subscription, webhook_settings  # noqa: F401


def drawn(width=1920, height=1080, *, fmt="JPEG", mode="RGB", exif=None, **save) -> bytes:
    """An image drawn for the test: a red disc on the left third, a blue band at the bottom."""
    image = Image.new(mode, (width, height), "white" if mode != "CMYK" else (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width // 6 - 40, height // 2 - 40, width // 6 + 40, height // 2 + 40), "red")
    draw.rectangle((0, height - height // 10, width, height), "blue")
    out = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(out, format=fmt, **save)
    return out.getvalue()


def upload(content: bytes, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def library_image():
    """An image of the library with its renditions made (as the worker would), English alt
    text only unless told: ``library_image(alt={"en": ..., "nl": ...})``."""
    from images.services import image_create, image_renditions_render

    def make(width=800, height=450, *, alt=None, credit="Illustration: the desk", ready=True):
        alt = alt or {"en": "A red disc above a blue band"}
        image = image_create(
            user=None,
            upload=upload(drawn(width, height)),
            credit=credit,
            texts={language: {"alt": text} for language, text in alt.items()},
        )
        if ready:
            image_renditions_render(image_id=image.pk)
            image.refresh_from_db()
        return image

    return make
