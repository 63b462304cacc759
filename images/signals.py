"""Sent in the writing transaction when what the public sees of an image changed: its texts,
credit or licence, or a new set of renditions swapped in. Whatever shows the image
re-renders from it (``articles`` connects the entries and vendors)."""

from django.dispatch import Signal

image_changed = Signal()  # sender=Image, image=<Image>
