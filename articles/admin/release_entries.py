"""Entries into releases: the "Release" panel of an entry's page (the pending release that
holds it, or a form to add it to an open one) and the list's action that adds the selected
entries to a release, chosen or made on an intermediate page."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, gettext_lazy, ngettext

from articles.models import Article, Release, ReleaseAction
from articles.permissions import may_submit_changes
from articles.releases import pending_release_of
from articles.services.releases import release_create, release_item_add


def action_choices() -> list[tuple[str, str]]:
    """The actions an editor picks from; empty: the default (publish an entry that is not
    live, else publish its changes)."""
    return [("", gettext("default")), *ReleaseAction.choices]


def chosen_release(value) -> Release | None:
    """The release a form's select names (None for nothing, or for anything not an id)."""
    try:
        return Release.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


class ReleaseEntriesMixin:
    def release_panel_context(self, request, article: Article) -> dict | None:
        if not may_submit_changes(request.user, article):
            return None
        pending = pending_release_of(article.pk)
        if pending is not None:
            return {"pending": pending}
        return {
            "open_releases": list(Release.objects.filter(status=Release.Status.OPEN)),
            "actions": action_choices(),
        }

    def release_add_view(self, request, object_id):
        """The panel's form: the entry into the chosen open release, with the chosen action."""
        if request.method != "POST":
            return redirect("admin:articles_article_change", object_id)
        article = self._article_or_404(request, object_id)
        release = chosen_release(request.POST.get("release"))
        if release is None:
            self.message_user(request, gettext("Choose an open release."), messages.ERROR)
            return self._back_to(article)
        try:
            release_item_add(
                release=release,
                article=article,
                user=request.user,
                action=request.POST.get("action") or None,
            )
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.message_user(request, " ".join(reasons), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("Added to the release %(release)s.") % {"release": release},
                messages.SUCCESS,
            )
        return self._back_to(article)

    @admin.action(description=gettext_lazy("Add selected entries to a release"))
    def add_to_release(self, request, queryset):
        """First an intermediate page to choose the release (or name a new one); its form
        comes back here with ``apply``."""
        if "apply" not in request.POST:
            return self._release_choice_page(request, queryset)
        title = request.POST.get("title", "").strip()
        chosen = chosen_release(request.POST.get("release"))
        if chosen is None and not title:
            self.message_user(
                request, gettext("Choose an open release or give a title."), messages.ERROR
            )
            return self._release_choice_page(request, queryset)
        try:
            with transaction.atomic():
                release = chosen or release_create(title=title, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.message_user(request, " ".join(reasons), messages.ERROR)
            return None
        done = 0
        for article in queryset.order_by("pk"):
            try:
                release_item_add(release=release, article=article, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                reasons = error.messages if isinstance(error, ValidationError) else [str(error)]
                self.message_user(request, f"{article.slug}: {' '.join(reasons)}", messages.ERROR)
            else:
                done += 1
        if done:
            entries = ngettext("%(count)d entry", "%(count)d entries", done) % {"count": done}
            self.message_user(
                request,
                gettext("Added to the release %(release)s: %(entries)s.")
                % {"release": release, "entries": entries},
            )
        return redirect("admin:articles_release_change", release.pk)

    def _release_choice_page(self, request, queryset):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Add entries to a release"),
            "opts": self.model._meta,
            "entries": list(queryset.order_by("pk")),
            "open_releases": list(Release.objects.filter(status=Release.Status.OPEN)),
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/add_to_release.html", context)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not may_submit_changes(request.user):
            actions.pop("add_to_release", None)
        return actions

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/release/",
                self.admin_site.admin_view(self.release_add_view),
                name="articles_article_release_add",
            )
        ]
        return urls + super().get_urls()
