from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_lazy

from feedback.models import Feedback
from feedback.services import feedback_set_status

TOP_TOPICS_DAYS = 30


class ArticleWithFeedbackFilter(admin.SimpleListFilter):
    """Entries that have feedback, by slug (one query, whatever the number of entries)."""

    title = gettext_lazy("entry")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        return (
            Feedback.objects.filter(article__isnull=False)
            .order_by("article__slug")
            .values_list("article_id", "article__slug")
            .distinct()
        )

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(article_id=self.value())
        return queryset


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "excerpt", "entry", "language", "status", "note_link"]
    list_filter = ["status", "kind", "language", ArticleWithFeedbackFilter]
    list_select_related = ["article", "note"]
    search_fields = ["message"]
    date_hierarchy = "created_at"
    fields = [
        "kind",
        "message",
        "article",
        "language",
        "created_at",
        "public_id",
        "status",
        "note_link",
    ]
    readonly_fields = [name for name in fields if name != "status"]
    # The destructive one last; "Delete selected" asks for confirmation on its own page.
    actions = ["mark_reviewed", "mark_actioned", "mark_spam", "delete_selected"]
    change_list_template = "admin/feedback/feedback/change_list.html"

    def has_add_permission(self, request):
        return False  # feedback comes from readers only

    @admin.display(description=gettext_lazy("Message"))
    def excerpt(self, feedback):
        # Plain text; the admin escapes it like any other value.
        return Truncator(feedback.message).chars(100)

    @admin.display(description=gettext_lazy("Entry"), ordering="article__slug")
    def entry(self, feedback):
        return feedback.article_slug

    @admin.display(description=gettext_lazy("Note"))
    def note_link(self, feedback):
        """The note written from this feedback, or a link to write one from a correction."""
        if feedback.note_id:
            url = reverse("admin:articles_note_change", args=[feedback.note_id])
            return format_html('<a href="{}">{}</a>', url, feedback.note.get_kind_display())
        if feedback.kind == Feedback.Kind.CORRECTION and feedback.article_id:
            url = reverse("admin:articles_note_add") + f"?feedback={feedback.pk}"
            return format_html('<a href="{}">Write a note</a>', url)
        return "—"

    @admin.action(description=gettext_lazy("Mark selected feedback as reviewed"))
    def mark_reviewed(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.REVIEWED)

    @admin.action(description=gettext_lazy("Mark selected feedback as actioned"))
    def mark_actioned(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.ACTIONED)

    @admin.action(description=gettext_lazy("Mark selected feedback as spam"))
    def mark_spam(self, request, queryset):
        self._mark(request, queryset, Feedback.Status.SPAM)

    def _mark(self, request, queryset, status):
        count = feedback_set_status(queryset=queryset, status=status)
        self.message_user(
            request,
            gettext("%(count)d marked as %(status)s.")
            % {"count": count, "status": str(status.label).lower()},
        )

    def get_urls(self):
        return [
            path(
                "top-topics/",
                self.admin_site.admin_view(self.top_topics_view),
                name="feedback_feedback_top_topics",
            ),
            *super().get_urls(),
        ]

    def top_topics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Most requested topics",
            "days": TOP_TOPICS_DAYS,
            "topics": Feedback.objects.most_requested_topics(days=TOP_TOPICS_DAYS),
        }
        return TemplateResponse(request, "admin/feedback/feedback/top_topics.html", context)


def article_feedback_summary(article) -> str:
    """Corrections and helpful votes on an entry, linking to its feedback (article admin)."""
    if not article.pk:
        return "Shown after saving."
    counts = Feedback.objects.counts_for_article(article)
    return format_html(
        '{} correction(s) · helpful: {} yes, {} no · <a href="{}?article={}">all feedback</a>',
        counts["corrections"],
        counts["helpful_yes"],
        counts["helpful_no"],
        reverse("admin:feedback_feedback_changelist"),
        article.pk,
    )
