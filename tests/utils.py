"""Helpers shared by tests (fixtures live in conftest.py)."""

from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from articles.models import Article
from articles.publishing import live_write


def go_live(*articles: Article) -> None:
    """Publish the working copy of each published entry as it is now (parts added after the
    factory made it included), as a publisher's "Publish changes" would."""
    for article in articles:
        article.refresh_from_db()
        live_write(article=article, user=None, published_at=article.published_at)


def assert_matches_schema(openapi, response):
    openapi.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
