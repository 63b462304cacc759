"""Renditions served from the file system storage (MEDIA_ROOT) when no other server or bucket
serves them. A rendition's name changes with every new set, so it is cached for a year."""

from django.conf import settings
from django.views.static import serve

IMMUTABLE = "public, max-age=31536000, immutable"


def rendition(request, path: str):
    response = serve(request, f"images/renditions/{path}", document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = IMMUTABLE
    return response
