"""The desk's queues: what needs an editor's attention, for the admin's home page and lists."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from articles.choices import ArticleStatus
from articles.models import Article


def changes_submitted():
    """Live entries whose changes wait for a publisher, the longest waiting first."""
    return Article.objects.filter(
        status=ArticleStatus.PUBLISHED, changes_submitted_at__isnull=False
    ).order_by("changes_submitted_at")


def open_corrections(article_ids) -> dict[int, int]:
    """Readers' corrections nobody acted on yet (new or reviewed) per entry, in one query."""
    from feedback.models import Feedback

    rows = (
        Feedback.objects.filter(
            article_id__in=list(article_ids),
            kind=Feedback.Kind.CORRECTION,
            status__in=[Feedback.Status.NEW, Feedback.Status.REVIEWED],
        )
        .values_list("article_id")
        .annotate(count=Count("id"))
    )
    return dict(rows.order_by())


def due_for_revisit():
    return Article.objects.filter(revisit_after__lte=timezone.localdate()).order_by("revisit_after")


@dataclass
class Queue:
    title: str
    url: str
    count: int = 0
    items: list[tuple[str, str, str]] = field(default_factory=list)  # (label, url, note)


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _entries(title, query, param, note, limit) -> Queue:
    changelist = reverse("admin:articles_article_changelist")
    queue = Queue(title, f"{changelist}?{param}", query.count())
    for article in query.prefetch_related("translations")[:limit]:
        url = reverse("admin:articles_article_change", args=[article.pk])
        queue.items.append((str(article), url, note(article)))
    return queue


def _revisit_queue(limit: int) -> Queue:
    """Entries due for revisit, each with its open reader corrections counted."""
    articles = list(due_for_revisit()[:limit])
    counts = open_corrections(article.pk for article in articles)
    return _entries(
        gettext("Due for revisit"),
        due_for_revisit(),
        "revisit=due",
        lambda a: (
            ngettext(
                "since %(date)s · %(count)d open correction",
                "since %(date)s · %(count)d open corrections",
                counts.get(a.pk, 0),
            )
            % {"date": f"{a.revisit_after:%Y-%m-%d}", "count": counts.get(a.pk, 0)}
        ),
        limit,
    )


def desk_queues(user, *, limit: int = 5) -> list[Queue]:
    """The queues ``user`` may open, each with its size and its first ``limit`` items."""
    queues = []
    if user.has_perm("articles.view_article"):
        now = timezone.now()
        queues += [
            _entries(
                gettext("In review"),
                Article.objects.filter(status=ArticleStatus.IN_REVIEW).order_by("updated_at"),
                "state=in_review",
                lambda a: gettext("changed %(when)s") % {"when": _when(a.updated_at)},
                limit,
            ),
            _entries(
                gettext("Changes submitted for review"),
                changes_submitted(),
                "state=changes_submitted",
                lambda a: gettext("submitted %(when)s") % {"when": _when(a.changes_submitted_at)},
                limit,
            ),
            _entries(
                gettext("Scheduled next"),
                Article.objects.filter(
                    status=ArticleStatus.PUBLISHED, published_at__gt=now
                ).order_by("published_at"),
                "state=scheduled",
                lambda a: gettext("goes live %(when)s") % {"when": _when(a.published_at)},
                limit,
            ),
            _revisit_queue(limit),
        ]
    if user.has_perm("feedback.view_feedback"):
        queues.append(_corrections(limit))
    return queues


def _corrections(limit: int) -> Queue:
    from feedback.models import Feedback

    query = Feedback.objects.filter(
        kind=Feedback.Kind.CORRECTION, status=Feedback.Status.NEW
    ).select_related("article")
    changelist = reverse("admin:feedback_feedback_changelist")
    queue = Queue(
        gettext("New corrections from readers"),
        f"{changelist}?kind__exact=correction&status__exact=new",
        query.count(),
    )
    for feedback in query.order_by("-created_at")[:limit]:
        url = reverse("admin:feedback_feedback_change", args=[feedback.pk])
        about = feedback.article.slug if feedback.article_id else gettext("no entry")
        excerpt = feedback.message if len(feedback.message) <= 80 else feedback.message[:79] + "…"
        queue.items.append(
            (excerpt or gettext("(no message)"), url, gettext("on %(entry)s") % {"entry": about})
        )
    return queue
