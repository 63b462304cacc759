"""The workflow panel of an entry's page: its state, the changes waiting to go live (the
working copy against the live version), and the steps open to the editor."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.html import format_html

from articles.admin.states import state_label, when
from articles.models import Article
from articles.permissions import allowed, may_edit_content, may_preview, may_translate
from articles.previews import preview_token_create, preview_token_expires_at
from articles.publishing import working_and_live
from articles.revisions import source_changes
from articles.services import (
    article_archive,
    article_discard_changes,
    article_publish,
    article_publish_changes,
    article_publish_problems,
    article_reopen,
    article_return_to_draft,
    article_submit_changes,
    article_submit_for_review,
    article_unpublish,
)
from articles.workflow import TRANSITIONS, Action, may_take, transitions_from
from reader.links import preview_url

# The entries whose change page shows the reader's preview beside the form.
SIDE_PREVIEW_SESSION_KEY = "articles.side_preview"


@dataclass(frozen=True)
class ChangeStep:
    """A step between the working copy of a live entry and its live version."""

    action: str
    button: str
    service: object
    done: str

    def allowed(self, user, article) -> bool:
        if self.action == Action.PUBLISH_CHANGES:
            return allowed(user, "articles.publish_article")
        if self.action == Action.SUBMIT_CHANGES:
            return may_edit_content(user, article) or may_translate(user)
        return may_edit_content(user, article)


TRANSITION_SERVICES = {
    Action.SUBMIT_FOR_REVIEW: article_submit_for_review,
    Action.RETURN_TO_DRAFT: article_return_to_draft,
    Action.PUBLISH: article_publish,
    Action.UNPUBLISH: article_unpublish,
    Action.ARCHIVE: article_archive,
    Action.REOPEN: article_reopen,
}

CHANGE_STEPS = {
    step.action: step
    for step in [
        ChangeStep(
            Action.SUBMIT_CHANGES,
            "Submit changes for review",
            article_submit_changes,
            "Changes submitted for review",
        ),
        ChangeStep(
            Action.PUBLISH_CHANGES, "Publish changes", article_publish_changes, "Changes published"
        ),
        ChangeStep(
            Action.DISCARD_CHANGES, "Discard changes", article_discard_changes, "Changes discarded"
        ),
    ]
}


def live_changes(article: Article) -> list[tuple[str, str, str]] | None:
    """What the working copy of a published entry changes against its live version (None for
    an entry that has no live version)."""
    sources = working_and_live([article.pk]).get(article.pk)
    if sources is None:
        return None
    working, live = sources
    return source_changes(live, working)


class WorkflowPanelMixin:
    def workflow_context(self, request, article) -> dict:
        user = request.user
        changes = live_changes(article) if article.status == Article.Status.PUBLISHED else None
        steps = [t for t in transitions_from(article.status) if may_take(user, t)]
        submitted = article.changes_submitted_at is not None
        if changes:
            steps = [
                step
                for step in CHANGE_STEPS.values()
                if step.allowed(user, article)
                and not (submitted and step.action == Action.SUBMIT_CHANGES)
            ] + steps
        problems = []
        if article.status != Article.Status.PUBLISHED or changes:
            problems = article_publish_problems(article=article)
        return {
            "status": state_label(article, changed=bool(changes)),
            "live": changes is not None,
            "changes": changes or [],
            "submitted_at": when(article.changes_submitted_at) if submitted and changes else "",
            "steps": steps,
            "problems": problems,
            "may_preview": may_preview(user),
        }

    def workflow_view(self, request, object_id, action):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if action in CHANGE_STEPS:
            step = CHANGE_STEPS[action]
            if not step.allowed(request.user, article):
                raise PermissionDenied(f"You may not do this: {step.button.lower()}.")
            service, options, done = step.service, {}, step.done
            if step.action == Action.PUBLISH_CHANGES:
                options["significant"] = request.POST.get("significant") == "1"
        elif action in {t.value for t in TRANSITIONS}:
            transition = TRANSITIONS[Action(action)]
            if not may_take(request.user, transition):
                raise PermissionDenied(f"You may not do this: {transition.button.lower()}.")
            service, options, done = (
                TRANSITION_SERVICES[transition.action],
                {},
                transition.action.label,
            )
            if transition.action == Action.PUBLISH:
                at, problem = self._publication_time(request)
                if problem:
                    self.message_user(request, problem, messages.ERROR)
                    return self._back_to(article)
                if at is not None:
                    options["at"] = at
        else:
            raise Http404("No such workflow step.")
        try:
            article = service(article=article, user=request.user, **options)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            if service is article_publish and article.is_scheduled:
                done = f"Scheduled for {when(article.published_at)}"
            self.message_user(request, f"{done}: {article}.", messages.SUCCESS)
        return self._back_to(article)

    def preview_view(self, request, object_id):
        """Open the working copy as a reader will see it (a new preview link each time), or
        turn the preview beside the form on or off (``side``)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self._article_or_404(request, object_id)
        if not may_preview(request.user):
            raise PermissionDenied("You may not create preview links.")
        if "side" in request.POST:
            beside = set(request.session.get(SIDE_PREVIEW_SESSION_KEY, []))
            beside ^= {article.pk}
            request.session[SIDE_PREVIEW_SESSION_KEY] = sorted(beside)
            return self._back_to(article)
        token = preview_token_create(article=article)
        self.message_user(
            request,
            format_html(
                "Preview link, valid until {}. Token for another frontend (GraphQL "
                "<code>previewToken</code>, REST <code>?preview=</code>): <code>{}</code>",
                when(preview_token_expires_at()),
                token,
            ),
            messages.SUCCESS,
        )
        return redirect(preview_url(article, token))

    def side_preview_url(self, request, article: Article) -> str | None:
        """The preview shown beside the form, if the editor turned it on for this entry; a
        fresh link on every page load, so it shows the working copy as last saved."""
        if article.pk not in request.session.get(SIDE_PREVIEW_SESSION_KEY, []):
            return None
        if not may_preview(request.user):
            return None
        return preview_url(article, preview_token_create(article=article))
