"""What an entry's state is, in the words the desk uses: draft, in review, scheduled, live,
live with unpublished changes, changes submitted for review, archived."""

from django.utils import timezone

from articles.documents import working_copy
from articles.models import Article, LiveEntry


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def unpublished_changes(articles) -> set[int]:
    """Ids of the published ``articles`` whose working copy differs from their live version,
    in a fixed number of queries."""
    ids = [a.pk for a in articles if a.status == Article.Status.PUBLISHED]
    if not ids:
        return set()
    sources = dict(LiveEntry.objects.filter(pk__in=ids).values_list("pk", "source"))
    return {
        article.pk
        for article in Article.objects.with_page_data().filter(pk__in=ids)
        if article.pk in sources and working_copy(article) != sources[article.pk]
    }


def state_label(article: Article, *, changed: bool) -> str:
    """``changed``: the working copy differs from the live version."""
    if article.status != Article.Status.PUBLISHED:
        return article.get_status_display()
    changes = ""
    if changed:
        submitted = article.changes_submitted_at is not None
        changes = "changes submitted for review" if submitted else "with unpublished changes"
    if article.is_scheduled:
        label = f"Scheduled for {when(article.published_at)}"
        return f"{label}, {changes}" if changes else label
    if changes.startswith("changes"):
        return changes.capitalize()
    return f"Live, {changes}" if changes else "Live"
