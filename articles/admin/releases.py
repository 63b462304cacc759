"""The release page: a release's entries with the state of each (ready, needs review,
outdated, conflicting, invalid), the steps open to the editor on each entry and on the
release (review, update, remove; publish, schedule, unschedule, revert, preview) and what
happened to it. Every step goes through ``articles.services.releases``, which decides who
may do what; a refusal becomes an error message on the page."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from articles.admin.states import when
from articles.admin.writes import ServiceErrorsMixin
from articles.models import Release, ReleaseItem
from articles.permissions import may_preview, may_publish, may_review, may_submit_changes
from articles.release_previews import release_preview_token_create
from articles.releases import STATE_LABELS, ItemState, release_reports
from articles.services.releases import (
    release_create,
    release_delete,
    release_item_remove,
    release_item_review,
    release_item_update,
    release_publish,
    release_rename,
    release_revert,
    release_unschedule,
)
from kernel.languages import default_language


def release_state(release: Release) -> str:
    """Open, scheduled for a time to come, or published (a scheduled release whose time has
    come is published)."""
    if release.is_open:
        return gettext("Open")
    if release.is_waiting:
        return gettext("Scheduled for %(when)s") % {"when": when(release.published_at)}
    return gettext("Published %(when)s") % {"when": when(release.published_at)}


def entry_title(item: ReleaseItem) -> str:
    """The entry's title as pinned (no query: the revision holds it)."""
    content = item.revision.content
    translation = content.get("translations", {}).get(default_language(), {})
    return translation.get("title") or content.get("slug") or str(item.article_id)


def desk_time(value: str):
    """A ``datetime-local`` value read in the desk's time zone (the admin's current one), as
    an aware time (None if it is not a time)."""
    at = parse_datetime(value or "")
    if at is None:
        return None
    return at if timezone.is_aware(at) else timezone.make_aware(at)


ITEM_STEPS = {
    "review": (release_item_review, gettext_lazy("Reviewed")),
    "update": (release_item_update, gettext_lazy("Updated to the current revision")),
    "remove": (release_item_remove, gettext_lazy("Removed from the release")),
}


@admin.register(Release)
class ReleaseAdmin(ServiceErrorsMixin, admin.ModelAdmin):
    change_form_template = "admin/articles/release/change_form.html"
    list_display = ["title", "state", "entries", "created_by", "failed"]
    list_filter = ["status"]
    search_fields = ["title"]
    fields = ["title"]
    actions = None

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("created_by", "published_by", "reverts")
            .annotate(entry_count=Count("items"))
            .prefetch_related("reverted_by")
        )

    # Permissions: who may do what is decided in articles.permissions (the services ask it).

    def has_add_permission(self, request):
        return may_submit_changes(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.is_open:
            return False
        return may_submit_changes(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return may_submit_changes(request.user)
        return obj.is_open and (may_publish(request.user) or obj.created_by_id == request.user.pk)

    # Columns.

    @admin.display(description=gettext_lazy("State"), ordering="status")
    def state(self, release):
        label = release_state(release)
        reverts = list(release.reverted_by.all())
        if reverts:
            label = gettext("%(state)s, reverted by %(release)s") % {
                "state": label,
                "release": reverts[0],
            }
        return label

    @admin.display(description=gettext_lazy("Entries"), ordering="entry_count")
    def entries(self, release):
        return release.entry_count

    @admin.display(description=gettext_lazy("Last attempt"))
    def failed(self, release):
        if not release.failure:
            return "—"
        return format_html(
            '<span class="release-failed" title="{}">⚠ {}</span>',
            release.failure,
            gettext("failed"),
        )

    # Saving: a new release through ``release_create``; the title of an open one.

    def save_model(self, request, obj, form, change):
        if change:
            release_rename(release=obj, user=request.user, title=obj.title)
            return
        created = release_create(title=obj.title, user=request.user)
        obj.pk = created.pk
        obj._state.adding = False
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        release_delete(release=obj, user=request.user)

    # The page.

    def release_context(self, request, release: Release) -> dict:
        """Everything the page shows beyond the title, in a fixed number of queries."""
        user = request.user
        items = list(
            release.items.select_related("article", "revision", "reviewed_by").order_by(
                "added_at", "pk"
            )
        )
        reports = release_reports(items)
        is_open = release.is_open
        rows = [
            {
                "item": report.item,
                "title": entry_title(report.item),
                "states": [(state.value, STATE_LABELS[state]) for state in report.states],
                "problems": report.problems,
                "may_review": is_open and may_review(user) and report.item.reviewed_at is None,
                "update": is_open and may_submit_changes(user) and report.outdated,
                "rebase": is_open and may_submit_changes(user) and report.conflicting,
                "may_remove": is_open and may_submit_changes(user),
            }
            for report in reports
        ]
        publisher = may_publish(user)
        preview = None
        if not release.is_live and may_preview(user):
            token = release_preview_token_create(release=release)
            preview = reverse("reader:list-in", kwargs={"lang": default_language()})
            preview = f"{preview}?release={token}"
        reverted_by = list(release.reverted_by.all())
        return {
            "state": release_state(release),
            "rows": rows,
            "may_publish": is_open and publisher,
            "may_override": is_open
            and publisher
            and any(ItemState.CONFLICTING in report.states for report in reports),
            "may_unschedule": release.is_waiting and publisher,
            "may_revert": release.is_live and publisher and not reverted_by,
            "preview_url": preview,
            "created_at": when(release.created_at),
            "published_at": when(release.published_at) if release.published_at else "",
            "failed_at": when(release.failed_at) if release.failed_at else "",
            "reverted_by": reverted_by,
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        release = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if release is not None:
            context["release"] = self.release_context(request, release)
        return super().change_view(request, object_id, form_url, context)

    # The steps: POST forms on the page.

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/items/<int:item_id>/<str:step>/",
                self.admin_site.admin_view(self.item_step_view),
                name="articles_release_item_step",
            ),
            path(
                "<path:object_id>/step/<str:step>/",
                self.admin_site.admin_view(self.release_step_view),
                name="articles_release_step",
            ),
        ]
        return urls + super().get_urls()

    def _release_or_404(self, request, object_id) -> Release:
        release = self.get_object(request, unquote(object_id))
        if release is None or not self.has_view_permission(request, release):
            raise Http404(gettext("No such release."))
        return release

    def _refused(self, request, error) -> None:
        reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
        self.message_user(request, " ".join(reasons), messages.ERROR)

    def item_step_view(self, request, object_id, item_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self._release_or_404(request, object_id)
        item = release.items.select_related("article", "release").filter(pk=item_id).first()
        if item is None or step not in ITEM_STEPS:
            raise Http404(gettext("No such entry in this release."))
        service, done = ITEM_STEPS[step]
        try:
            service(item=item, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            self._refused(request, error)
        else:
            self.message_user(request, f"{done}: {entry_title(item)}.", messages.SUCCESS)
        return redirect("admin:articles_release_change", release.pk)

    def release_step_view(self, request, object_id, step):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        release = self._release_or_404(request, object_id)
        steps = {
            "publish": self._publish,
            "schedule": self._schedule,
            "unschedule": self._unschedule,
            "revert": self._revert,
        }
        if step not in steps:
            raise Http404(gettext("No such step."))
        try:
            return steps[step](request, release)
        except (ValidationError, PermissionDenied) as error:
            self._refused(request, error)
            return redirect("admin:articles_release_change", release.pk)

    def _publish(self, request, release):
        override = "override" in request.POST
        if override and request.POST.get("confirm") != "1":
            raise ValidationError(
                gettext("Tick the box to confirm that the conflicting entries are overridden.")
            )
        release_publish(release=release, user=request.user, override=override)
        self.message_user(request, gettext("Published: %(release)s.") % {"release": release})
        return redirect("admin:articles_release_change", release.pk)

    def _schedule(self, request, release):
        at = desk_time(request.POST.get("at"))
        if at is None:
            raise ValidationError(gettext("Give the time as YYYY-MM-DD HH:MM."))
        release = release_publish(release=release, user=request.user, at=at)
        self.message_user(
            request,
            gettext("Scheduled for %(when)s: %(release)s.")
            % {"when": when(release.published_at), "release": release},
        )
        return redirect("admin:articles_release_change", release.pk)

    def _unschedule(self, request, release):
        release_unschedule(release=release, user=request.user)
        self.message_user(
            request, gettext("Unscheduled: %(release)s is open again.") % {"release": release}
        )
        return redirect("admin:articles_release_change", release.pk)

    def _revert(self, request, release):
        revert = release_revert(release=release, user=request.user)
        self.message_user(
            request,
            gettext(
                "This release puts back what was live before %(release)s: review its "
                "entries and publish it."
            )
            % {"release": release},
        )
        return redirect("admin:articles_release_change", revert.pk)
