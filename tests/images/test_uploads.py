"""Uploading to the image library in the admin: what is kept, what is refused and why."""

import io
import time
import zlib

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

from images.models import Image as LibraryImage
from images.processing import focal_crop
from tests.images.conftest import drawn, upload
from tests.webhooks.utils import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

ADD = "/admin/images/image/add/"


def _post(client, content, name="photo.jpg", **fields):
    data = {
        "upload": upload(content, name),
        "credit": "Illustration: the desk",
        "licence": "CC BY 4.0",
        "focal_x": "0.5",
        "focal_y": "0.5",
        "title_en": "A red disc",
        "alt_en": "A red disc above a blue band",
        "title_nl": "",
        "alt_nl": "",
        **fields,
    }
    return client.post(ADD, data)


def _errors(response) -> str:
    return " ".join(str(e) for e in response.context["adminform"].form.errors.get("upload", []))


def test_an_upload_is_kept_without_metadata_and_rendered_by_the_worker(admin_client):
    gps = Image.Exif()
    gps[0x8825] = {1: "N", 2: (52.0, 22.0, 0.0)}  # GPS IFD: latitude
    gps[0x010F] = "Camera maker"
    response = _post(admin_client, drawn(exif=gps))
    assert response.status_code == 302
    image = LibraryImage.objects.get()
    assert (image.width, image.height, image.format) == (1920, 1080, "jpeg")
    assert image.status == "pending" and not image.renditions.exists()
    with default_storage.open(image.file.name) as kept:
        stored = Image.open(kept)
        assert not stored.getexif()  # no GPS, no camera
        assert "exif" not in stored.info
    assert image.text("en").translation.alt == "A red disc above a blue band"

    run_worker()
    image.refresh_from_db()
    assert image.status == "ready"
    made = {(r.kind, r.format, r.width) for r in image.renditions.all()}
    assert made == {
        *(("width", fmt, w) for fmt in ("avif", "webp", "jpeg") for w in (480, 960, 1600)),
        ("card", "jpeg", 1200),
    }
    for rendition in image.renditions.all():
        with default_storage.open(rendition.file.name) as file:
            decoded = Image.open(file)
            decoded.load()
        assert decoded.format.lower() == rendition.format
        assert decoded.size == (rendition.width, rendition.height)
        assert rendition.size == default_storage.size(rendition.file.name)
    assert image.renditions.get(kind="card").height == 630


def test_the_exif_orientation_is_applied(admin_client):
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    _post(admin_client, drawn(800, 600, exif=exif))
    image = LibraryImage.objects.get()
    assert (image.width, image.height) == (600, 800)
    with default_storage.open(image.file.name) as kept:
        pixels = Image.open(kept).convert("RGB")
        # The blue band, at the bottom as drawn, is on the left once turned clockwise.
        assert pixels.getpixel((10, 400))[2] > 200 and pixels.getpixel((590, 400)) != (0, 0, 255)


def test_cmyk_is_kept_as_rgb(admin_client):
    _post(admin_client, drawn(400, 300, mode="CMYK"))
    image = LibraryImage.objects.get()
    with default_storage.open(image.file.name) as kept:
        assert Image.open(kept).mode == "RGB"


def test_transparency_is_kept_as_png(admin_client):
    _post(admin_client, drawn(400, 300, fmt="PNG", mode="RGBA"), name="mark.png")
    image = LibraryImage.objects.get()
    assert image.format == "png"
    run_worker()
    assert set(image.renditions.values_list("format", flat=True)) == {"avif", "webp", "png", "jpeg"}
    assert image.renditions.get(kind="card").format == "jpeg"


def _huge_png(width: int, height: int) -> bytes:
    """A PNG header claiming ``width`` x ``height`` followed by a few rows: cheap to make, and
    a decoder that believed it would allocate it all."""
    small = io.BytesIO()
    Image.new("L", (1, 1)).save(small, format="PNG")
    data = bytearray(small.getvalue())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(data[12:29]).to_bytes(4, "big")  # the IHDR chunk's checksum
    return bytes(data)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (_huge_png(8660, 5774), "huge.png", "8660x5774 (50 megapixels); at most 40 megapixels"),
        (drawn(640, 480)[:3000], "cut.jpg", "damaged or incomplete"),
        (b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>", "a.svg", "SVG"),
        (b"%PDF-1.7 not an image", "photo.jpg", "not an image we accept"),
    ],
    ids=["50-megapixels", "truncated", "svg", "pdf-named-jpg"],
)
def test_a_bad_file_is_refused_in_words_and_nothing_is_kept(admin_client, content, name, message):
    started = time.perf_counter()
    response = _post(admin_client, content, name)
    assert time.perf_counter() - started < 2  # the header is read, not 50 megapixels
    assert response.status_code == 200
    assert message in _errors(response)
    assert not LibraryImage.objects.exists()


def test_an_animated_image_is_refused(admin_client):
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    response = _post(admin_client, out.getvalue(), "moving.gif")
    assert "Animated images are not accepted" in _errors(response)
    assert not LibraryImage.objects.exists()


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(admin_client, settings):
    settings.IMAGES = {**settings.IMAGES, "MAX_UPLOAD_BYTES": 10_000}
    response = _post(admin_client, drawn(1200, 800, quality=100))
    assert "; at most 9.8\xa0KB can be uploaded." in _errors(response)
    assert not LibraryImage.objects.exists()


def test_the_social_card_is_cropped_around_the_focal_point(admin_client):
    # A tall image with a red disc near its top: the card (wider than tall) keeps the disc.
    tall = Image.new("RGB", (1200, 2400), "white")
    ImageDraw.Draw(tall).ellipse((550, 250, 650, 350), "red")
    out = io.BytesIO()
    tall.save(out, format="PNG")
    _post(admin_client, out.getvalue(), "tall.png", focal_x="0.5", focal_y="0.125")
    run_worker()
    card = LibraryImage.objects.get().renditions.get(kind="card")
    with default_storage.open(card.file.name) as file:
        pixels = Image.open(file).convert("RGB")
    assert pixels.size == (1200, 630)
    red, green, _blue = pixels.getpixel((600, 300 - 0))  # the disc's centre, 300 from the top
    assert red > 200 and green < 80


def test_the_focal_crop_box_stays_inside_the_image():
    assert focal_crop((1000, 1000), 2.0, (0.5, 0.5)) == (0, 250, 1000, 750)
    assert focal_crop((1000, 1000), 2.0, (0.5, 0.0)) == (0, 0, 1000, 500)
    assert focal_crop((4000, 1000), 1.0, (0.9, 0.5)) == (3000, 0, 4000, 1000)


def test_renditions_are_served_with_immutable_caching(admin_client, client):
    _post(admin_client, drawn(640, 480))
    run_worker()
    rendition = LibraryImage.objects.get().renditions.filter(format="webp").first()
    response = client.get(rendition.file.url)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).format == "WEBP"
