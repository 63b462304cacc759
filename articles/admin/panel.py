"""The workflow panel of an entry's page: its state, the changes waiting to go live (the
working copy against the live version), and the steps open to the editor."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from articles.admin.diffs import diff_rows
from articles.admin.states import state_label, when
from articles.models import Article
from articles.permissions import may_edit_content, may_preview, may_translate
from articles.previews import preview_token_create, preview_token_expires_at
from articles.publishing import working_and_live
from articles.revisions import source_changes
from articles.scheduled_changes import due_source, live_scheduled
from articles.services import article_publish_problems
from articles.workflow import STEPS, Action, steps_open
from kernel.languages import default_language, supported_languages
from reader.links import preview_url

# The entries whose change page shows the reader's preview beside the form.
SIDE_PREVIEW_SESSION_KEY = "articles.side_preview"


# The steps that take an entry's scheduled changes away with what they do.
CANCELLING = (Action.PUBLISH_CHANGES, Action.UNPUBLISH, Action.ARCHIVE)


def scheduled_changes(article: Article, live: dict) -> dict | None:
    """The change waiting for its time on a live entry: when, by whom, and what it changes
    against the live version."""
    change = live_scheduled(article_id=article.pk)
    if change is None:
        return None
    content = due_source(change.revision.content, change.at)
    return {
        "at": when(change.at),
        "by": change.scheduled_by,
        "changes": diff_rows(source_changes(live, content)),
        "content": content,
    }


def cancelled_message(change) -> str:
    return gettext(
        "The changes scheduled for %(when)s were cancelled: they will not go live "
        "(the working copy keeps them)."
    ) % {"when": when(change.at)}


class WorkflowPanelMixin:
    def workflow_context(self, request, article) -> dict:
        user = request.user
        sources = None
        if article.status == Article.Status.PUBLISHED:
            sources = working_and_live([article.pk]).get(article.pk)
        changes = source_changes(sources[1], sources[0]) if sources else None
        scheduled = scheduled_changes(article, sources[1]) if sources else None
        submitted = article.changes_submitted_at is not None
        problems = []
        if article.status != Article.Status.PUBLISHED or changes:
            problems = article_publish_problems(article=article)
        status = state_label(article, changed=bool(changes))
        if scheduled:
            later = sources[0] != scheduled["content"]
            status = (
                gettext("Live, with changes scheduled for %(when)s and later edits not scheduled")
                if later
                else gettext("Live, with changes scheduled for %(when)s")
            ) % {"when": scheduled["at"]}
        return {
            "status": status,
            "live": changes is not None,
            "changes": diff_rows(changes),
            "scheduled": scheduled,
            "submitted_at": when(article.changes_submitted_at) if submitted and changes else "",
            "steps": steps_open(user, article, changed=bool(changes), scheduled=bool(scheduled)),
            "problems": problems,
            "may_preview": may_preview(user),
        }

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        try:
            step = STEPS[Action(action)]
        except ValueError:
            raise Http404(gettext("No such workflow step.")) from None
        step.refuse_unless_allowed(request.user, article)
        options = {}  # what the step's form on the panel gives its service
        if step.action == Action.PUBLISH:
            at, problem = self._publication_time(request)
            if problem:
                self.message_user(request, problem, messages.ERROR)
                return self._back_to(article)
            if at is not None:
                options["at"] = at
        elif step.action in (Action.SCHEDULE_CHANGES, Action.RESCHEDULE_CHANGES):
            at, problem = self._publication_time(request)
            if problem or at is None:
                self.message_user(request, problem or gettext("Give the time."), messages.ERROR)
                return self._back_to(article)
            options["at"] = at
        if step.action in (Action.PUBLISH_CHANGES, Action.SCHEDULE_CHANGES):
            options["significant"] = request.POST.get("significant") == "1"
        waiting = live_scheduled(article_id=article.pk) if step.action in CANCELLING else None
        try:
            result = step.function()(article=article, user=request.user, **options)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return self._back_to(article)
        done = gettext(step.done)
        if step.action == Action.PUBLISH and result.is_scheduled:
            done = gettext("Scheduled for %(when)s") % {"when": when(result.published_at)}
        elif step.action in (Action.SCHEDULE_CHANGES, Action.RESCHEDULE_CHANGES):
            done = gettext("Changes scheduled for %(when)s") % {"when": when(result.at)}
        self.message_user(request, f"{done}: {article}.", messages.SUCCESS)
        if waiting is not None:
            self.message_user(request, cancelled_message(waiting), messages.WARNING)
        return self._back_to(article)

    def preview_view(self, request, object_id):
        """Open the working copy as a reader will see it (a new preview link each time), or
        turn the preview beside the form on or off (``side``)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not may_preview(request.user):
            raise PermissionDenied(gettext("You may not create preview links."))
        if "side" in request.POST:
            beside = set(request.session.get(SIDE_PREVIEW_SESSION_KEY, []))
            beside ^= {article.pk}
            request.session[SIDE_PREVIEW_SESSION_KEY] = sorted(beside)
            return self._back_to(article)
        token = preview_token_create(article=article)
        self.message_user(
            request,
            format_html(
                gettext(
                    "Preview link, valid until {}. Its token ({}…, in the link's address) also "
                    "opens the entry on another frontend (GraphQL <code>previewToken</code>, "
                    "REST <code>?preview=</code>)."
                ),
                when(preview_token_expires_at()),
                token[:8],
            ),
            messages.SUCCESS,
        )
        language = preview_language(request.user, request.POST.get("lang"))
        return redirect(preview_url(article, token, language=language))

    def side_preview_url(self, request, article: Article) -> str | None:
        """The preview shown beside the form, if the editor turned it on for this entry; a
        fresh link on every page load, so it shows the working copy as last saved."""
        if article.pk not in request.session.get(SIDE_PREVIEW_SESSION_KEY, []):
            return None
        if not may_preview(request.user):
            return None
        language = preview_language(request.user, request.GET.get("preview_lang"))
        return preview_url(article, preview_token_create(article=article), language=language)

    def live_preview_config(self, request, article: Article, side_url: str | None) -> dict:
        """What the page's script needs to update the preview beside the form as the editor
        types: where to post the form, and the origin of the frame it tells (the desk's own
        frontend's, when ``PREVIEW_URL_TEMPLATE`` points at one; never any origin)."""
        parts = urlsplit(side_url or "")
        return {
            "url": reverse("article-live-preview", args=[article.pk]),
            "targetOrigin": f"{parts.scheme}://{parts.netloc}" if parts.netloc else "",
            "language": preview_language(request.user, request.GET.get("preview_lang")),
            # The page's words, in the admin's language.
            "words": {
                "updating": gettext("Updating…"),
                "updated": gettext("Updated %(time)s (not saved)"),
                "waiting": gettext("Waiting a moment before updating…"),
                "failed": gettext("The preview could not be updated."),
                "refused": gettext("Not previewed: %(reasons)s"),
            },
        }


def preview_language(user, asked: str | None) -> str:
    """The language a preview opens in: the one asked for, else the one the editor works in
    (a translator: the first language besides the default; anyone else: the default)."""
    if asked in supported_languages():
        return asked
    if not may_edit_content(user) and may_translate(user):
        others = [code for code in supported_languages() if code != default_language()]
        return others[0] if others else default_language()
    return default_language()
