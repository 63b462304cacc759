"""Pillow's side of the library: uploads checked and normalised, renditions made.

An upload is sniffed from its content, never its name; its size and pixel count are checked
from the header before anything is decoded. SVG and animated images are refused rather than
sanitised or flattened. What is kept is the image with its EXIF orientation applied, in sRGB,
with no metadata at all (no GPS position, no camera serial).
"""

import contextlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

# What Pillow may open an upload as; anything else is refused as unknown.
ACCEPTED = ("JPEG", "PNG", "WEBP", "AVIF", "GIF")
# A social card (Open Graph, Twitter): the size link previews ask for.
CARD_SIZE = (1200, 630)
# Encoder settings per format: about what a photo needs at screen sizes.
SAVE_OPTIONS = {
    "avif": {"quality": 60, "speed": 8},
    "webp": {"quality": 80, "method": 4},
    "jpeg": {"quality": 82, "optimize": True, "progressive": True},
    "png": {"optimize": True},
}
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Normalised:
    content: bytes
    format: str  # "jpeg" or "png"
    width: int
    height: int


@dataclass(frozen=True)
class Made:
    kind: str
    format: str
    width: int
    height: int
    content: bytes


def _refuse(message: str):
    raise ValidationError(message, code="invalid_image")


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) and b"<svg" in text


def normalise(upload) -> Normalised:
    """The upload as the library keeps it, or a ValidationError that says what is wrong."""
    limits = settings.IMAGES
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > limits["MAX_UPLOAD_BYTES"]:
        _refuse(
            f"The file is {filesizeformat(size)}; at most "
            f"{filesizeformat(limits['MAX_UPLOAD_BYTES'])} can be uploaded."
        )
    upload.seek(0)
    if _looks_like_svg(upload.read(512)):
        _refuse("SVG images are not accepted (they can carry scripts): upload a PNG instead.")
    upload.seek(0)
    too_many = (
        f"The image has more pixels than the {limits['MAX_PIXELS'] / 1_000_000:.0f} megapixels "
        "accepted."
    )
    try:
        with warnings.catch_warnings():
            # Pillow's own check warns at the limit: the header check below says it in words.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=ACCEPTED)
    except Image.DecompressionBombError:
        _refuse(too_many)
    except (UnidentifiedImageError, OSError, ValueError):
        _refuse("This is not an image we accept: upload a JPEG, PNG, WebP or AVIF file.")
    width, height = image.size
    if width * height > limits["MAX_PIXELS"]:
        _refuse(
            f"The image is {width}x{height} ({width * height / 1_000_000:.0f} megapixels); at "
            f"most {limits['MAX_PIXELS'] / 1_000_000:.0f} megapixels are accepted."
        )
    if getattr(image, "is_animated", False):
        _refuse("Animated images are not accepted: upload a still image.")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        _refuse("The image is damaged or incomplete: it could not be read to its end.")
    return _kept(image)


def _kept(image: Image.Image) -> Normalised:
    image = ImageOps.exif_transpose(image)
    icc = image.info.get("icc_profile")
    if icc:
        # A broken profile: the plain conversion below.
        with contextlib.suppress(ImageCms.PyCMSError):
            image = ImageCms.profileToProfile(
                image,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                SRGB,
                outputMode="RGBA" if _has_alpha(image) else "RGB",
            )
    alpha = _has_alpha(image)
    image = image.convert("RGBA" if alpha else "RGB")
    # A new image carries over pixels only: no EXIF, no XMP, no ICC (the pixels are sRGB).
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    fmt = "png" if alpha else "jpeg"
    options = {"quality": 92} if fmt == "jpeg" else {"optimize": True}
    return Normalised(_encode(clean, fmt, options), fmt, *clean.size)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _encode(image: Image.Image, fmt: str, options: dict) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt.upper(), **options)
    return out.getvalue()


def rendition_widths(width: int) -> list[int]:
    """The widths made for an image ``width`` pixels wide: the configured ones it is wider
    than, and its own width when that is below the largest (never upscaled)."""
    widths = [w for w in settings.IMAGES["WIDTHS"] if w < width]
    if width <= max(settings.IMAGES["WIDTHS"]) and width not in widths:
        widths.append(width)
    return sorted(widths) or [width]


def focal_crop(size: tuple[int, int], aspect: float, focal: tuple[float, float]) -> tuple:
    """The largest box of ``aspect`` (width / height) in an image of ``size``, placed so that
    the focal point (fractions from the left and top) is as near its centre as fits."""
    width, height = size
    if width / height > aspect:
        box_w, box_h = round(height * aspect), height
    else:
        box_w, box_h = width, round(width / aspect)
    left = min(max(round(focal[0] * width - box_w / 2), 0), width - box_w)
    top = min(max(round(focal[1] * height - box_h / 2), 0), height - box_h)
    return (left, top, left + box_w, top + box_h)


def renditions(content: bytes, *, focal: tuple[float, float]) -> list[Made]:
    """Every rendition of a kept image: each width in AVIF, WebP and JPEG (PNG with
    transparency), and the social card cropped around the focal point."""
    source = Image.open(io.BytesIO(content))
    source.load()
    fallback = "png" if source.mode == "RGBA" else "jpeg"
    made = []
    for width in rendition_widths(source.width):
        height = max(1, round(source.height * width / source.width))
        resized = source if width == source.width else source.resize((width, height), Image.LANCZOS)
        for fmt in ("avif", "webp", fallback):
            data = _encode(resized, fmt, SAVE_OPTIONS[fmt])
            made.append(Made("width", fmt, width, height, data))
    card = source.crop(focal_crop(source.size, CARD_SIZE[0] / CARD_SIZE[1], focal))
    card = card.resize(CARD_SIZE, Image.LANCZOS) if card.width > CARD_SIZE[0] else card
    card = card.convert("RGB")
    made.append(Made("card", "jpeg", *card.size, _encode(card, "jpeg", SAVE_OPTIONS["jpeg"])))
    return made
