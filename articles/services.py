"""Writes to articles. Admin, REST and GraphQL all change content through these functions."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article
from cms.languages import default_language


def article_publish_problems(*, article: Article) -> list[str]:
    """What stops ``article`` from being published, in words an editor can act on."""
    problems = []
    if not article.vendor_id:
        problems.append("a vendor")
    if not article.source_url:
        problems.append("a source URL")
    if not article.translations.filter(language=default_language()).exists():
        problems.append(f"the {default_language()!r} translation")
    return [f"Publishing needs {problem}." for problem in problems]


@transaction.atomic
def article_publish(*, article: Article, at: datetime | None = None) -> Article:
    """Publish now, or at ``at`` (a future time schedules the entry)."""
    problems = article_publish_problems(article=article)
    if problems:
        raise ValidationError(problems)
    article.status = Article.Status.PUBLISHED
    article.published_at = at or article.published_at or timezone.now()
    article.version += 1
    article.save()
    return article


@transaction.atomic
def article_unpublish(*, article: Article) -> Article:
    """Take the entry off every public surface; it goes back to draft."""
    article.status = Article.Status.DRAFT
    article.version += 1
    article.save()
    return article
