"""The entries on the desk: the list with each entry's state, and an entry's page with its
workflow panel (state, the changes waiting to go live, the next steps).

Saving the page writes the working copy through ``article_create``/``article_update``; what
the public sees changes only through the workflow steps (publish, publish changes, ...).
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_lazy, ngettext

from articles import selectors
from articles.admin.captions import CaptionField
from articles.admin.filters import MissingTranslationFilter, RevisitFilter, StatusFilter
from articles.admin.history import HistoryMixin
from articles.admin.inlines import (
    ArticleTranslationInline,
    ScorecardInline,
    ScorecardRatingInline,
    SignalBulletInline,
    edit_from_forms,
)
from articles.admin.live_preview import LivePreviewMixin
from articles.admin.notes import notes_summary
from articles.admin.panel import WorkflowPanelMixin, cancelled_message
from articles.admin.release_entries import ReleaseEntriesMixin
from articles.admin.states import state_label, unpublished_changes, when
from articles.admin.writes import ServiceErrorsMixin
from articles.desk import changes_submitted, due_for_revisit, open_corrections
from articles.models import Article, Release, ReleaseItem
from articles.permissions import may_delete, may_edit_content, may_translate
from articles.scheduled_changes import live_scheduled
from articles.services import (
    article_create,
    article_delete,
    article_lock_for_edit,
    article_mark_revisited,
    article_update,
)
from articles.services.edits import FIELDS
from articles.workflow import STEPS, UNPUBLISHED_STATES, Step
from feedback.admin import article_feedback_summary
from kernel.languages import default_language, supported_languages
from reader.links import reader_url


def release_holding(item: ReleaseItem) -> str:
    return gettext("%(entry)s is in the release %(release)s: remove it from the release first.") % {
        "entry": item.article.slug,
        "release": item.release.title,
    }


class ArticleForm(forms.ModelForm):
    """Carries the revision the editor opened; a save of an outdated form is refused. The
    image's caption is a text box per language; those of ``fixed_caption_languages`` (set by
    ``ArticleAdmin.get_form``) are shown but not changed."""

    expected_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    fixed_caption_languages: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_revision"].initial = self.instance.version
        if "image_caption" in self.fields:
            stored = self.fields["image_caption"]
            self.fields["image_caption"] = CaptionField(
                fixed=self.fixed_caption_languages,
                kept=self.instance.image_caption,
                label=stored.label,
                help_text=stored.help_text,
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # Locks the row until the admin's transaction ends, so no save slips in between.
            article_lock_for_edit(
                article_id=self.instance.pk,
                expected_revision=cleaned.get("expected_revision"),
            )
        return cleaned


def bulk_action(step: Step):
    """The list's action of a workflow step: its service on each selected entry, which checks
    the rights."""

    def take(modeladmin, request, queryset):
        modeladmin._apply(request, queryset, step.function(), gettext(step.done))

    take.__name__ = step.action
    return admin.action(description=step.bulk)(take)


@admin.register(Article)
class ArticleAdmin(
    ServiceErrorsMixin,
    WorkflowPanelMixin,
    LivePreviewMixin,
    HistoryMixin,
    ReleaseEntriesMixin,
    admin.ModelAdmin,
):
    form = ArticleForm
    change_form_template = "admin/articles/article/change_form.html"

    def view_on_site(self, article):
        """The reader's page of an entry the public can see; none for other entries."""
        return reader_url(article) if selectors.is_public(article_id=article.pk) else None

    change_list_template = "admin/articles/article/change_list.html"
    object_history_template = "admin/articles/article/history.html"
    list_display = [
        "title",
        "vendor",
        "status_label",
        "published_at",
        "missing_translations",
        "open_corrections_count",
    ]
    list_filter = [StatusFilter, RevisitFilter, "vendor", "kind", MissingTranslationFilter]
    list_select_related = ["vendor"]
    search_fields = ["slug", "translations__title", "translations__summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["vendor", "topics", "image"]
    fieldsets = [
        (None, {"fields": ["vendor", "slug", "kind", "status", "published_at"]}),
        (gettext_lazy("Source"), {"fields": ["source_url", "source_authors", "topics"]}),
        (gettext_lazy("Image"), {"fields": ["image", "image_caption"]}),
        (gettext_lazy("Follow-up"), {"fields": ["revisit_after"]}),
        (
            gettext_lazy("Record"),
            {"fields": ["created_at", "updated_at", "version", "publish_log"]},
        ),
        (gettext_lazy("Notes: corrections, clarifications, updates"), {"fields": ["notes"]}),
        (gettext_lazy("Reader feedback"), {"fields": ["reader_feedback"]}),
    ]
    inlines = [ArticleTranslationInline, SignalBulletInline, ScorecardInline, ScorecardRatingInline]
    actions = [
        *(bulk_action(step) for step in STEPS.values() if step.bulk),
        "mark_revisited",
        "add_to_release",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    # Permissions: who may change what is decided in articles.permissions.

    def has_change_permission(self, request, obj=None):
        return may_edit_content(request.user, obj) or may_translate(request.user)

    def has_delete_permission(self, request, obj=None):
        return may_delete(request.user, obj)

    def get_deleted_objects(self, objs, request):
        """An entry in a release still to go live is protected by it: the confirmation page
        names the release instead of offering to delete."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        held = ReleaseItem.objects.filter(
            article__in=[obj.pk for obj in objs], release__in=Release.objects.pending()
        ).select_related("release", "article")
        protected = [*protected, *(release_holding(item) for item in held)]
        return deleted, counts, perms_needed, protected

    def get_readonly_fields(self, request, obj=None):
        readonly = [
            "status",
            "created_at",
            "updated_at",
            "version",
            "publish_log",
            "notes",
            "reader_feedback",
        ]
        if not may_edit_content(request.user, obj):
            # Translators: the translations and the image's caption only (see get_form).
            return readonly + [name for name in FIELDS if name != "image_caption"] + ["topics"]
        # The publication time of a published entry only changes by unpublishing and
        # publishing again, so every such change is in the publish log.
        if not request.user.has_perm("articles.publish_article") or (
            obj is not None and obj.status not in UNPUBLISHED_STATES
        ):
            readonly.append("published_at")
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        """A translator changes the image's caption in the other languages, not in the
        default one (the entry's main text), as with the translations."""
        form = super().get_form(request, obj, change, **kwargs)
        if not may_edit_content(request.user, obj):
            form.fixed_caption_languages = (default_language(),)
        return form

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        for step in STEPS.values():
            if not step.may(request.user):
                actions.pop(step.action, None)
        if not may_edit_content(request.user):
            actions.pop("mark_revisited", None)
        return actions

    def changelist_view(self, request, extra_context=None):
        action = request.POST.get("action") if request.method == "POST" else None
        if action and action not in self.get_actions(request):
            raise PermissionDenied(gettext("You may not use the action %r.") % action)
        context = {
            "revisit_due": due_for_revisit().count(),
            "changes_waiting": changes_submitted().count(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def get_changelist_instance(self, request):
        """Works out, for the page's published entries at once, which have changes not yet
        live (the status column shows it)."""
        changelist = super().get_changelist_instance(request)
        changed = unpublished_changes(changelist.result_list)
        corrections = open_corrections(article.pk for article in changelist.result_list)
        for article in changelist.result_list:
            article.has_changes = article.pk in changed
            article.open_corrections = corrections.get(article.pk, 0)
        return changelist

    # Saving: the form and its inlines become one call of the services.

    def save_model(self, request, obj, form, change):
        """The entry is written with its parts in ``save_related``, in one service call."""

    def save_related(self, request, form, formsets, change):
        article = self.write_edits(request, form, formsets, change)
        if change and form.saved_changes and article.status == Article.Status.PUBLISHED:
            self.message_user(
                request,
                gettext(
                    "Saved to the working copy: the public sees these changes once a "
                    "publisher publishes them."
                ),
                messages.INFO,
            )

    def write_edits(self, request, form, formsets, change) -> Article:
        """The page's form and inlines as one call of the services (the page's save, and the
        live preview's, which rolls it back)."""
        fields = {name: form.cleaned_data[name] for name in FIELDS if name in form.fields}
        parts = edit_from_forms(form.instance, formsets)
        if "topics" in form.fields:
            parts["topics"] = form.cleaned_data["topics"]
        if change:
            edit = article_update(article=form.instance, user=request.user, fields=fields, **parts)
            form.saved_changes = edit.changes
            article = edit.article
        else:
            article = article_create(user=request.user, **fields, **parts)
            form.saved_changes = []
        form.instance.pk = article.pk
        form.instance._state.adding = False
        form.instance.refresh_from_db()
        return article

    def construct_change_message(self, request, form, formsets, add=False):
        if add:
            return [{"added": {}}]
        changes = getattr(form, "saved_changes", [])
        return [{"changed": {"fields": [str(c) for c in changes]}}] if changes else []

    def delete_model(self, request, obj):
        waiting = live_scheduled(article_id=obj.pk)
        article_delete(article=obj, user=request.user)
        if waiting is not None:
            self.message_user(request, cancelled_message(waiting), messages.WARNING)

    def delete_queryset(self, request, queryset):
        # All or nothing: an entry refused half-way (it went live since the confirmation page)
        # keeps the ones deleted before it too.
        with transaction.atomic():
            for article in queryset:
                article_delete(article=article, user=request.user)

    # Columns and read-only fields.

    @admin.display(description=gettext_lazy("Notes"))
    def notes(self, article):
        return notes_summary(article)

    @admin.display(description=gettext_lazy("Corrections and helpful votes"))
    def reader_feedback(self, article):
        return article_feedback_summary(article)

    @admin.display(description=gettext_lazy("Title"))
    def title(self, article):
        return str(article)

    @admin.display(description=gettext_lazy("Status"), ordering="status")
    def status_label(self, article):
        return state_label(article, changed=getattr(article, "has_changes", False))

    @admin.display(description=gettext_lazy("Open corrections"))
    def open_corrections_count(self, article):
        """Readers' corrections not acted on yet, linking to them."""
        count = article.open_corrections
        if not count:
            return "—"
        url = reverse("admin:feedback_feedback_changelist")
        return format_html(
            '<a href="{}?article={}&kind__exact=correction">{}</a>', url, article.pk, count
        )

    @admin.display(description=gettext_lazy("Missing"))
    def missing_translations(self, article):
        present = set(article.available_languages)
        return ", ".join(c for c in supported_languages() if c not in present) or "—"

    @admin.display(description=gettext_lazy("Publish log"))
    def publish_log(self, article):
        events = article.publish_events.select_related("user")[:20] if article.pk else []
        if not events:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{} · {} · {}",
            (
                (when(e.created_at), e.get_action_display(), e.user or "unknown user")
                for e in events
            ),
        )

    @admin.action(
        description=gettext_lazy("Mark selected entries as revisited (clear the revisit date)")
    )
    def mark_revisited(self, request, queryset):
        self._apply(request, queryset, article_mark_revisited, gettext("Marked as revisited"))

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
            entries = ngettext("%(count)d entry", "%(count)d entries", done) % {"count": done}
            self.message_user(request, f"{verb}: {entries}.")

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
                "<path:object_id>/restore/<int:number>/",
                self.admin_site.admin_view(self.restore_view),
                name="articles_article_restore",
            ),
        ]
        return urls + super().get_urls()

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404(gettext("No such entry."))
        return article

    def _back_to(self, article, name="change"):
        return redirect(f"admin:articles_article_{name}", article.pk)

    def _publication_time(self, request):
        """The time given to the publish button: (time or None, error message or None)."""
        if not request.POST.get("at"):
            return None, None
        at = parse_datetime(request.POST["at"])
        if at is None:
            return None, gettext("Give the publication time as YYYY-MM-DD HH:MM.")
        return (at if timezone.is_aware(at) else timezone.make_aware(at)), None

    class Media:
        js = ["admin/js/urlify.js", "articles/entry_form.js", "articles/live_preview.js"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["entry_form_config"] = {
            "defaultLanguage": default_language(),
            # A slug made from the title, never on a published entry (its address is out).
            "slugFollowsTitle": obj is None or obj.status in UNPUBLISHED_STATES,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        article = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if article is not None:
            context["workflow"] = self.workflow_context(request, article)
            context["release_panel"] = self.release_panel_context(request, article)
            context["preview_minutes"] = settings.PREVIEW_TOKEN_MAX_AGE // 60
            side_url = self.side_preview_url(request, article)
            context["side_preview_url"] = side_url
            if side_url:
                context["live_preview"] = self.live_preview_config(request, article, side_url)
        return super().change_view(request, object_id, form_url, context)
