"""What the browser tests share besides fixtures: where Chromium is, how it starts, the
viewports, and the skip where it is missing."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SEED = "openai-o3-mini-system-card"


def skip_without_chromium():
    """Skip the calling test module, saying why in pytest's summary, when there is no browser."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests skipped: no Chromium at {CHROMIUM} "
            "(apt-get install chromium, or set CHROMIUM_PATH)",
            allow_module_level=True,
        )
