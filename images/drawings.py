"""Images drawn with Pillow for the demo and the generators: vendor marks (a letter on a
coloured square, never a vendor's real logo: those are trademarks) and abstract entry
illustrations. Credited to the project, under its own licence."""

import io
import random

from PIL import Image, ImageDraw, ImageFont

CREDIT = "Drawing: AI News CMS demo"
LICENCE = "MIT, drawn for the demo"


def _png(image: Image.Image) -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, format="PNG")
    out.seek(0)
    out.size = len(out.getvalue())
    return out


def mark(letter: str, colour: str, *, size: int = 256) -> io.BytesIO:
    """A letter in white on a rounded square of ``colour``, transparent around it (PNG)."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 6, fill=colour)
    font = ImageFont.load_default(size=size * 0.6)
    draw.text((size / 2, size / 2), letter.upper(), fill="white", font=font, anchor="mm")
    return _png(image)


def illustration(seed: int, *, width: int = 1200, height: int = 675) -> io.BytesIO:
    """Bars rising towards a small shield on a pale ground, in colours chosen by ``seed``."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (244, 241, 234))
    draw = ImageDraw.Draw(image)
    bars = 7
    step = width // (bars + 3)
    for n in range(bars):
        tall = int(height * (0.15 + 0.09 * n))
        colour = tuple(rng.randrange(40, 200) for _ in range(3))
        left = step * (n + 1)
        draw.rounded_rectangle(
            (left, height - tall - 40, left + step * 3 // 4, height - 40), radius=8, fill=colour
        )
    x, y = step * (bars + 1) + step // 2, height // 4
    draw.polygon(
        [(x - 50, y - 60), (x + 50, y - 60), (x + 50, y), (x, y + 70), (x - 50, y)],
        fill=(30, 60, 90),
    )
    return _png(image)
