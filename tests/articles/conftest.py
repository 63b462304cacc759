"""Fixtures the entries' tests share with other apps' tests."""

# Library images, for vendors' logos and entries' images on the endpoints' budgets.
from tests.images.conftest import library_image  # noqa: F401
