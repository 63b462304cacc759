"""The live preview of an entry's page: the unsaved form, as the reader's GraphQL preview
query would answer once it is saved, without saving it.

The admin turns the posted form into a momentary working copy (saved by the services and
rolled back, ``articles.admin.live_preview``); here the public schema answers the reader's own
preview document (``reader/documents/entry_preview.graphql``) against it, in every language,
so the page beside the form, or a frontend of the desk's own, renders it with the code that
renders a saved preview. Nothing is stored: no revision, no change to the entry.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import patch_cache_control
from strawberry.django.context import StrawberryDjangoContext
from strawberry.django.views import TemporalHttpResponse

from articles.admin.live_preview import FormErrors, live_preview_budget
from articles.models import Article
from articles.previews import preview_token_create
from cms.schema import schema
from kernel.languages import supported_languages
from reader.documents import reader_documents

PREVIEW_DOCUMENT = "entry_preview"


def _answer(request, *, slug: str, token: str, language: str) -> dict | None:
    context = StrawberryDjangoContext(request=request, response=TemporalHttpResponse())
    result = schema.execute_sync(
        reader_documents()[PREVIEW_DOCUMENT]["query"],
        variable_values={"slug": slug, "language": language.upper(), "preview": token},
        context_value=context,
    )
    if result.errors:
        raise RuntimeError(f"The preview document failed: {result.errors}")
    return result.data


def _refused(status: int, *messages: str, **headers) -> JsonResponse:
    return JsonResponse({"errors": list(messages)}, status=status, headers=headers)


def live_preview(request, object_id: int):
    """POST the entry's form as the page would send it; the answer is ``{"slug", "answers":
    {language: the preview document's data}}``, or ``{"errors": [...]}`` with 400 (the form
    does not validate), 403, 404 or 429 (``Retry-After``)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    model_admin = admin.site.get_model_admin(Article)
    article = model_admin.get_object(request, str(object_id))
    if article is None:
        raise Http404("No such entry.")
    try:
        wait = live_preview_budget(request.user)
        if wait is not None:
            return _refused(429, "Previewing too often: wait a moment.", **{"Retry-After": wait})
        with model_admin.unsaved_working_copy(request, article) as unsaved:
            token = preview_token_create(article=unsaved)
            answers = {
                code: _answer(request, slug=unsaved.slug, token=token, language=code)
                for code in supported_languages()
            }
    except FormErrors as errors:
        return _refused(400, *errors.messages)
    except PermissionDenied as refused:
        return _refused(403, str(refused))
    response = JsonResponse({"slug": unsaved.slug, "answers": answers})
    patch_cache_control(response, private=True, no_store=True)
    return response
