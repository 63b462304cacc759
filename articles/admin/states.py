"""What an entry's state is, in the words the desk uses: draft, in review, scheduled, live,
live with unpublished changes, changes submitted for review, archived."""

from django.utils import timezone
from django.utils.translation import gettext

from articles.models import Article
from articles.publishing import working_and_live


def when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def unpublished_changes(articles) -> set[int]:
    """Ids of the published ``articles`` whose working copy differs from their live version,
    in a fixed number of queries."""
    ids = [a.pk for a in articles if a.status == Article.Status.PUBLISHED]
    if not ids:
        return set()
    return {pk for pk, (working, live) in working_and_live(ids).items() if working != live}


def state_label(article: Article, *, changed: bool) -> str:
    """``changed``: the working copy differs from the live version."""
    if article.status != Article.Status.PUBLISHED:
        return article.get_status_display()
    changes = ""
    if changed:
        submitted = article.changes_submitted_at is not None
        changes = "submitted" if submitted else "unpublished"
    if article.is_scheduled:
        label = gettext("Scheduled for %(when)s") % {"when": when(article.published_at)}
        if changes == "submitted":
            return gettext("%(label)s, changes submitted for review") % {"label": label}
        if changes == "unpublished":
            return gettext("%(label)s, with unpublished changes") % {"label": label}
        return label
    if changes == "submitted":
        return gettext("Changes submitted for review")
    if changes == "unpublished":
        return gettext("Live, with unpublished changes")
    return gettext("Live")
