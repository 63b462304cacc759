from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from articles.history import article_versions
from articles.models import (
    Article,
    ArticleTranslation,
    PublishEvent,
    RiskArea,
    RiskCategory,
    RiskFramework,
    RiskLevel,
    Scorecard,
    ScorecardRating,
    SignalBullet,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.permissions import may_edit_content, may_preview, may_translate
from articles.previews import preview_token_create, preview_token_expires_at
from articles.services import (
    article_archive,
    article_lock_for_edit,
    article_mark_revisited,
    article_publish,
    article_publish_problems,
    article_reopen,
    article_restore,
    article_return_to_draft,
    article_submit_for_review,
    article_unpublish,
)
from articles.workflow import (
    TRANSITIONS,
    UNPUBLISHED_STATES,
    Action,
    may_take,
    transitions_from,
)
from cms.languages import supported_languages
from feedback.admin import article_feedback_summary


class LanguageRowsFormSet(BaseInlineFormSet):
    """Offers one empty form per language that has no row yet, with its language chosen."""

    def __init__(self, *args, instance=None, **kwargs):
        present = set()
        if instance is not None and instance.pk:
            rows = self.model.objects.filter(**{self.fk.name: instance})
            present = set(rows.values_list("language", flat=True))
        kwargs["initial"] = [{"language": c} for c in supported_languages() if c not in present]
        super().__init__(*args, instance=instance, **kwargs)


class LanguageRowsInlineMixin:
    formset = LanguageRowsFormSet

    def get_extra(self, request, obj=None, **kwargs):
        if obj is None:
            return len(supported_languages())
        present = self.model.objects.filter(**{self.fk_name: obj}).count()
        return max(len(supported_languages()) - present, 0)

    def get_max_num(self, request, obj=None, **kwargs):
        return len(supported_languages())


class ArticleTranslationInline(LanguageRowsInlineMixin, admin.StackedInline):
    model = ArticleTranslation
    fk_name = "article"
    template = "admin/articles/side_by_side_inline.html"
    fields = ["language", "title", "summary", "audience", "body", "rendered_body"]
    readonly_fields = ["rendered_body"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="Preview")
    def rendered_body(self, translation):
        if not translation.pk:
            return "Shown after saving."
        # body_html is sanitised by articles.rendering on save.
        return format_html('<div class="rendered-body">{}</div>', mark_safe(translation.body_html))


class SignalBulletInline(admin.TabularInline):
    model = SignalBullet
    fields = ["language", "position", "text"]
    extra = 0
    verbose_name = "editorial signal bullet"
    verbose_name_plural = "Quick editorial signal (ordered bullets per language)"


class ScorecardInline(admin.StackedInline):
    model = Scorecard
    fields = ["framework", "risk_areas", "summary"]
    readonly_fields = ["summary"]
    autocomplete_fields = ["risk_areas"]
    max_num = 1
    extra = 0
    verbose_name_plural = "Scorecard (model releases)"

    @admin.display(description="Derived")
    def summary(self, scorecard):
        if not scorecard.pk:
            return "Shown after saving."
        summary = scorecard.summary
        overall = summary.overall.name if summary.overall else "no ratings yet"
        return format_html(
            "Overall: <strong>{}</strong> · may be deployed: {} · may be developed further: {}",
            overall,
            "yes" if summary.may_deploy else "no",
            "yes" if summary.may_develop else "no",
        )


class ScorecardRatingInline(admin.TabularInline):
    model = ScorecardRating
    fields = ["category", "pre_mitigation", "post_mitigation"]
    extra = 0
    verbose_name_plural = "Scorecard ratings (before and after mitigation)"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Offer only the categories and levels of the article's own framework."""
        object_id = request.resolver_match.kwargs.get("object_id")
        scorecard = Scorecard.objects.filter(article_id=object_id).first() if object_id else None
        if scorecard is not None:
            if db_field.name == "category":
                kwargs["queryset"] = RiskCategory.objects.filter(framework=scorecard.framework_id)
            elif db_field.name in ("pre_mitigation", "post_mitigation"):
                kwargs["queryset"] = RiskLevel.objects.filter(framework=scorecard.framework_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MissingTranslationFilter(admin.SimpleListFilter):
    title = "missing translation"
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
    """The workflow states, with published entries split into live and scheduled."""

    title = "status"
    parameter_name = "state"
    SCHEDULED, LIVE = "scheduled", "live"

    def lookups(self, request, model_admin):
        return [
            (Article.Status.DRAFT, "Draft"),
            (Article.Status.IN_REVIEW, "In review"),
            (self.SCHEDULED, "Scheduled"),
            (self.LIVE, "Published (live)"),
            (Article.Status.ARCHIVED, "Archived"),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.SCHEDULED:
            return queryset.scheduled()
        if self.value() == self.LIVE:
            return queryset.public()
        if self.value() in (
            Article.Status.DRAFT,
            Article.Status.IN_REVIEW,
            Article.Status.ARCHIVED,
        ):
            return queryset.filter(status=self.value())
        return queryset


class RevisitFilter(admin.SimpleListFilter):
    """The revisit queue: entries to follow up on now that people have used the release."""

    title = "revisit"
    parameter_name = "revisit"
    DUE, LATER = "due", "later"

    def lookups(self, request, model_admin):
        return [(self.DUE, "Due for revisit"), (self.LATER, "Revisit later")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == self.DUE:
            return queryset.filter(revisit_after__lte=today)
        if self.value() == self.LATER:
            return queryset.filter(revisit_after__gt=today)
        return queryset


class ArticleForm(forms.ModelForm):
    """Carries the version the editor opened; a save of an outdated form is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locks the row until the admin's transaction ends, so no save slips in between.
            article_lock_for_edit(
                article_id=self.instance.pk,
                expected_version=cleaned.get("expected_version"),
            )
        return cleaned


TRANSITION_SERVICES = {
    Action.SUBMIT_FOR_REVIEW: article_submit_for_review,
    Action.RETURN_TO_DRAFT: article_return_to_draft,
    Action.PUBLISH: article_publish,
    Action.UNPUBLISH: article_unpublish,
    Action.ARCHIVE: article_archive,
    Action.REOPEN: article_reopen,
}

ARTICLE_FIELDS = [
    "vendor",
    "slug",
    "kind",
    "published_at",
    "source_url",
    "source_authors",
    "topics",
    "revisit_after",
]


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/history.html"
    list_display = [
        "title",
        "vendor",
        "kind",
        "status_label",
        "published_at",
        "revisit_after",
        "missing_translations",
    ]
    list_filter = [StatusFilter, RevisitFilter, "vendor", "kind", MissingTranslationFilter]
    list_select_related = ["vendor"]
    search_fields = ["slug", "translations__title", "translations__summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["vendor", "topics"]
    fieldsets = [
        (None, {"fields": ["vendor", "slug", "kind", "status", "published_at"]}),
        ("Source", {"fields": ["source_url", "source_authors", "topics"]}),
        ("Follow-up", {"fields": ["revisit_after"]}),
        ("Record", {"fields": ["created_at", "updated_at", "version", "publish_log"]}),
        ("Reader feedback", {"fields": ["reader_feedback"]}),
    ]
    inlines = [ArticleTranslationInline, SignalBulletInline, ScorecardInline, ScorecardRatingInline]
    actions = [
        "submit_for_review",
        "return_to_draft",
        "publish",
        "unpublish",
        "archive",
        "reopen",
        "mark_revisited",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    # Permissions: who may change what is decided in articles.permissions.

    def has_change_permission(self, request, obj=None):
        return may_edit_content(request.user, obj) or may_translate(request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_edit_content(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "status",
            "created_at",
            "updated_at",
            "version",
            "publish_log",
            "reader_feedback",
        ]
        if not may_edit_content(request.user, obj):
            return readonly + ARTICLE_FIELDS  # translators change the translations only
        # The publication time of a published entry only changes by unpublishing and
        # publishing again, so every such change is in the publish log.
        if not request.user.has_perm("articles.publish_article") or (
            obj is not None and obj.status not in UNPUBLISHED_STATES
        ):
            readonly.append("published_at")
        return readonly

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        for action, transition in TRANSITIONS.items():
            if not may_take(request.user, transition):
                actions.pop(action.value, None)
        if not may_edit_content(request.user):
            actions.pop("mark_revisited", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied(f"You may not use the action {action!r}.")
        due = Article.objects.filter(revisit_after__lte=timezone.localdate()).count()
        return super().changelist_view(request, {"revisit_due": due, **(extra_context or {})})

    # Columns and read-only fields.

    @admin.display(description="Corrections and helpful votes")
    def reader_feedback(self, article):
        return article_feedback_summary(article)

    @admin.display(description="Title")
    def title(self, article):
        return str(article)

    @admin.display(description="Status", ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return format_html("Scheduled for {}", _when(article.published_at))
        return article.get_status_display()

    @admin.display(description="Missing translations")
    def missing_translations(self, article):
        present = set(article.available_languages)
        return ", ".join(c for c in supported_languages() if c not in present) or "—"

    @admin.display(description="Publish log")
    def publish_log(self, article):
        events = article.publish_events.select_related("user")[:20] if article.pk else []
        if not events:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} · {}",
            (
                (_when(e.created_at), e.get_action_display(), e.user or "unknown user")
                for e in events
            ),
        )

    # Workflow: every step goes through the services, which check the rights again.

    @admin.action(description="Submit selected entries for review")
    def submit_for_review(self, request, queryset):
        self._apply(request, queryset, article_submit_for_review, "submitted for review")

    @admin.action(description="Send selected entries in review back to draft")
    def return_to_draft(self, request, queryset):
        self._apply(request, queryset, article_return_to_draft, "sent back to draft")

    @admin.action(description="Publish selected entries (now, or at their scheduled time)")
    def publish(self, request, queryset):
        self._apply(request, queryset, article_publish, "published")

    @admin.action(description="Unpublish selected entries (back to draft)")
    def unpublish(self, request, queryset):
        self._apply(request, queryset, article_unpublish, "unpublished")

    @admin.action(description="Archive selected entries")
    def archive(self, request, queryset):
        self._apply(request, queryset, article_archive, "archived")

    @admin.action(description="Reopen selected archived entries as drafts")
    def reopen(self, request, queryset):
        self._apply(request, queryset, article_reopen, "reopened")

    @admin.action(description="Mark selected entries as revisited (clear the revisit date)")
    def mark_revisited(self, request, queryset):
        self._apply(request, queryset, article_mark_revisited, "marked as revisited")

    def _apply(self, request, queryset, service, verb):
        done = 0
        for article in queryset:
            try:
                service(article=article, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.message_user(request, f"{article.slug}: {' '.join(reasons)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} entr{'y' if done == 1 else 'ies'} {verb}.")

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/workflow/<str:action>/",
                self.admin_site.admin_view(self.workflow_view),
                name="articles_article_workflow",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="articles_article_preview",
            ),
            path(
                "<path:object_id>/restore/<int:history_id>/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
        ]
        return urls + super().get_urls()

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such entry.")
        return article

    def _back_to(self, article, name="change"):
        return redirect(f"admin:articles_article_{name}", article.pk)

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if action not in Action.values:
            raise Http404("No such workflow step.")
        transition = TRANSITIONS[Action(action)]
        if not may_take(request.user, transition):
            raise PermissionDenied(f"You may not do this: {transition.button.lower()}.")
        options = {}
        if transition.action == Action.PUBLISH and request.POST.get("at"):
            at = parse_datetime(request.POST["at"])
            if at is None:
                self.message_user(
                    request, "Give the publication time as YYYY-MM-DD HH:MM.", messages.ERROR
                )
                return self._back_to(article)
            options["at"] = at if timezone.is_aware(at) else timezone.make_aware(at)
        try:
            article = TRANSITION_SERVICES[transition.action](
                article=article, user=request.user, **options
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            done = transition.action.label
            if article.is_scheduled:
                done = f"Scheduled for {_when(article.published_at)}"
            self.message_user(request, f"{done}: {article}.", messages.SUCCESS)
        return self._back_to(article)

    def preview_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not may_preview(request.user):
            raise PermissionDenied("You may not create preview links.")
        token = preview_token_create(article=article)
        api_url = request.build_absolute_uri(f"/api/v1/articles/{article.slug}/")
        self.message_user(
            request,
            format_html(
                "Preview link, valid until {}: <code>{}?preview={}</code><br>"
                "Token for a frontend (GraphQL <code>previewToken</code>): <code>{}</code>",
                _when(preview_token_expires_at()),
                api_url,
                token,
                token,
            ),
            messages.SUCCESS,
        )
        return self._back_to(article)

    def restore_view(self, request, object_id, history_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not may_edit_content(request.user, article):
            raise PermissionDenied("You may not change this entry.")
        try:
            article = article_restore(article=article, history_id=history_id, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self._back_to(article, "history")
        self.message_user(request, f"Restored an earlier version of {article}.", messages.SUCCESS)
        return self._back_to(article)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Versions are compared and restored on the history page, with their parts."""
        return redirect("admin:articles_article_history", unquote(object_id))

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = article_versions(article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History: {article}",
            "object": article,
            "opts": self.model._meta,
            "module_name": capfirst(self.model._meta.verbose_name_plural),
            "versions": versions,
            "may_restore": may_edit_content(request.user, article),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if article is not None:
            context["workflow"] = {
                "steps": [t for t in transitions_from(article.status) if may_take(request.user, t)],
                "problems": (
                    article_publish_problems(article=article)
                    if article.status != Article.Status.PUBLISHED
                    else []
                ),
                "may_preview": may_preview(request.user),
                "preview_minutes": settings.PREVIEW_TOKEN_MAX_AGE // 60,
                "status": self.status_label(article),
            }
        return super().change_view(request, object_id, form_url, context)


@admin.register(PublishEvent)
class PublishEventAdmin(admin.ModelAdmin):
    """The publish log: read-only, written by the workflow services."""

    list_display = [
        "created_at",
        "entry",
        "action",
        "from_status",
        "to_status",
        "published_at",
        "user",
    ]
    list_filter = ["action", ("user", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "article"]
    search_fields = ["article_slug"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Entry", ordering="article_slug")
    def entry(self, event):
        if event.article_id is None:
            return event.article_slug
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.article_slug)


class VendorTranslationInline(LanguageRowsInlineMixin, admin.TabularInline):
    model = VendorTranslation
    fk_name = "vendor"
    fields = ["language", "description"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "public_articles"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_public_counts()

    @admin.display(description="Public entries", ordering="public_article_count")
    def public_articles(self, vendor):
        return vendor.public_article_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RiskArea)
class RiskAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class RiskLevelInline(admin.TabularInline):
    model = RiskLevel
    fields = ["rank", "name"]
    extra = 0


class RiskCategoryInline(admin.TabularInline):
    model = RiskCategory
    fields = ["position", "name"]
    extra = 0


@admin.register(RiskFramework)
class RiskFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "deploy_threshold", "develop_threshold"]
    list_select_related = ["vendor", "deploy_threshold", "develop_threshold"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RiskLevelInline, RiskCategoryInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Thresholds are levels of this framework's own scale (save the scale first)."""
        if db_field.name in ("deploy_threshold", "develop_threshold"):
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = RiskLevel.objects.filter(framework_id=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
