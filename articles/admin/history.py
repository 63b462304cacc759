"""An entry's history on the desk: every version with what it changed, any two compared, and
restoring one into the working copy (a new version itself; the public's version changes only
when the changes are published)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext

from articles.admin.diffs import diff_rows
from articles.models import Article
from articles.permissions import may_edit_content
from articles.revisions import revision_compare, revision_history
from articles.services import article_restore


class HistoryMixin:
    def restore_view(self, request, object_id, number):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not may_edit_content(request.user, article):
            raise PermissionDenied(gettext("You may not change this entry."))
        try:
            article = article_restore(article=article, number=number, user=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self._back_to(article, "history")
        live = article.status == Article.Status.PUBLISHED
        self.message_user(
            request,
            (
                gettext(
                    "Restored an earlier version of %(entry)s into the working copy: publish "
                    "the changes to make it public."
                )
                if live
                else gettext("Restored an earlier version of %(entry)s into the working copy.")
            )
            % {"entry": article},
            messages.SUCCESS,
        )
        return self._back_to(article)

    def _comparison(self, request, article) -> dict | None:
        """``?from=N&to=M`` on the history page: what changed between any two versions."""
        if "from" not in request.GET:
            return None
        try:
            first, second = int(request.GET["from"]), int(request.GET.get("to", ""))
        except ValueError:
            return {"error": gettext("Give two version numbers to compare.")}
        changes = revision_compare(article_id=article.pk, first=first, second=second)
        if changes is None:
            return {"error": gettext("Both versions must be versions of this entry.")}
        return {
            "first": first,
            "second": second,
            "changes": changes,
            "rows": diff_rows(changes),
            "first_label": gettext("Version %(number)s") % {"number": first},
            "second_label": gettext("Version %(number)s") % {"number": second},
        }

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("History: %(entry)s") % {"entry": article},
            "object": article,
            "opts": self.model._meta,
            "module_name": capfirst(self.model._meta.verbose_name_plural),
            "versions": [
                (version, diff_rows(version.changes))
                for version in revision_history(article=article)
            ],
            "comparison": self._comparison(request, article),
            "may_restore": may_edit_content(request.user, article),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)
