"""The filters of the entries list: status (with live, scheduled and changes waiting for
review), the revisit queue, and missing translations."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from articles.desk import changes_submitted, due_for_revisit
from articles.models import Article, ArticleTranslation
from kernel.languages import supported_languages


class MissingTranslationFilter(admin.SimpleListFilter):
    title = gettext_lazy("missing translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [(code, code) for code in supported_languages()]

    def queryset(self, request, queryset):
        if self.value() not in supported_languages():
            return queryset
        translated = ArticleTranslation.objects.filter(
            article=OuterRef("pk"), language=self.value()
        )
        return queryset.filter(~Exists(translated))


class StatusFilter(admin.SimpleListFilter):
    """The workflow states, with published entries split into live and scheduled, and the
    live entries whose changes wait for a publisher."""

    title = gettext_lazy("status")
    parameter_name = "state"
    SCHEDULED, LIVE, CHANGES = "scheduled", "live", "changes_submitted"

    def lookups(self, request, model_admin):
        return [
            (Article.Status.DRAFT, Article.Status.DRAFT.label),
            (Article.Status.IN_REVIEW, Article.Status.IN_REVIEW.label),
            (self.SCHEDULED, gettext("Scheduled")),
            (self.LIVE, gettext("Published (live)")),
            (self.CHANGES, gettext("Changes waiting for review")),
            (Article.Status.ARCHIVED, Article.Status.ARCHIVED.label),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.SCHEDULED:
            return queryset.scheduled()
        if self.value() == self.LIVE:
            return queryset.public()
        if self.value() == self.CHANGES:
            return queryset & changes_submitted()
        if self.value() in (
            Article.Status.DRAFT,
            Article.Status.IN_REVIEW,
            Article.Status.ARCHIVED,
        ):
            return queryset.filter(status=self.value())
        return queryset


class RevisitFilter(admin.SimpleListFilter):
    """The revisit queue: entries to follow up on now that people have used the release."""

    title = gettext_lazy("revisit")
    parameter_name = "revisit"
    DUE, LATER = "due", "later"

    def lookups(self, request, model_admin):
        return [(self.DUE, gettext("Due for revisit")), (self.LATER, gettext("Revisit later"))]

    def queryset(self, request, queryset):
        if self.value() == self.DUE:
            return queryset & due_for_revisit()
        if self.value() == self.LATER:
            return queryset.filter(revisit_after__gt=timezone.localdate())
        return queryset
