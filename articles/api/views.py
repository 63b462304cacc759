"""The partner REST API: read-only, public entries only, in the requested language.

Views convert wire values into the selectors' types and render what comes back: entries are
the JSON documents publishing stored, joined into the response body as they are. Every public
GET is validated and cached by ``kernel.http_cache`` under the publication log's head, and
carries a ``Surrogate-Key`` header naming what it shows (see docs/rest.md).
"""

from dataclasses import asdict
from datetime import datetime

import orjson
from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound

from articles import selectors
from articles.api.base import (
    PublicReadView,
    joined,
    json_response,
    keyset,
    paging,
    parsed,
    querydict,
    refusals_as_400,
)
from articles.api.filters import ArticleFilter, ArticleFilterBackend
from articles.api.language import request_language
from articles.api.pagination import (
    ArticlePagination,
    KeysetPagination,
    page_size,
    whole_number,
    whole_number_schema,
)
from articles.api.schema import documented
from articles.api.serializers import (
    ArticleListItemSerializer,
    ArticleSerializer,
    ChangesPageSerializer,
    MoreFromVendorSerializer,
    TopicListSerializer,
    VendorSerializer,
)
from articles.documents import iso
from articles.models import LiveDocument
from articles.surrogate_keys import TOPICS_KEY, entry_key, list_keys, vendor_key, vendors_key


class VendorListView(PublicReadView):
    serializer_class = VendorSerializer
    pagination_class = KeysetPagination
    parameters = ("cursor", "page_size")

    def parse(self, query):
        return parsed(**paging(query, (str,)))

    def build(self, request, language, query, values):
        page = selectors.vendor_page(language=language, **keyset(values))
        results = orjson.dumps([vendor_data(view) for view in page.items])
        body = self.page_body(language, query, page, values["cursor"], results)
        return json_response(body, keys=[vendors_key(language)])

    @documented(
        summary="List vendors",
        description="Vendors by slug, each with its count of public entries, its logo and "
        "its description in the requested language.",
        ok=VendorSerializer(many=True),
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


def vendor_data(view: selectors.VendorView) -> dict:
    vendor, resolved = view.vendor, view.resolved
    return {
        "slug": vendor.slug,
        "name": vendor.name,
        "website": vendor.website,
        "description": resolved.translation.description if resolved.translation else "",
        "public_article_count": view.public_article_count,
        "updated_at": iso(vendor.updated_at),
        "logo": view.logo,
        "language": resolved.served,
        "requested_language": view.language,
        "fallback": resolved.fell_back,
    }


class VendorDetailView(PublicReadView):
    serializer_class = VendorSerializer

    def build(self, request, language, query, values, slug):
        vendors = selectors.vendor_list(language=language, slugs=[slug])
        if not vendors:
            raise NotFound("No vendor has this slug.")
        keys = [vendor_key(vendors[0].vendor.slug)]
        return json_response(orjson.dumps(vendor_data(vendors[0])), keys=keys)

    @documented(
        summary="One vendor",
        description="A vendor with its count of public entries and its logo.",
        ok=VendorSerializer,
        errors=(404,),
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class TopicListView(PublicReadView):
    serializer_class = TopicListSerializer

    def build(self, request, language, query, values):
        topics = [asdict(topic) for topic in selectors.topic_list()]
        return json_response(orjson.dumps({"results": topics}), keys=[TOPICS_KEY])

    @documented(
        summary="List topics",
        description="The topics public entries carry, by name, each with how many public "
        "entries carry it. Filter entries by topic with `?topic=<slug>` on the entry list.",
        ok=TopicListSerializer,
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class ArticleListView(PublicReadView):
    queryset = LiveDocument.objects.none()  # names the model for the schema; reads use selectors
    serializer_class = ArticleListItemSerializer
    filter_backends = [ArticleFilterBackend]
    filterset_class = ArticleFilter
    pagination_class = ArticlePagination
    parameters = (*ArticleFilter.base_filters, "ordering", "page_size", "cursor")
    repeatable = ArticleFilter.REPEATABLE

    def parse(self, query):
        filters = {name: query[name] for name in ArticleFilter.base_filters if name in query}
        filterset = ArticleFilter(data=querydict(filters), queryset=self.queryset)
        ordering = query.get("ordering", [None])[0]
        # A search without an ordering comes most relevant first, paged by (score, id).
        relevance = ordering is None and bool(query.get("q", [""])[0].strip())
        return parsed(
            filter=filterset.entry_filter,
            ordering=lambda: None if relevance else selectors.valid_ordering(ordering),
            **paging(query, (float, int) if relevance else (datetime, int)),
        )

    def build(self, request, language, query, values):
        page = selectors.entry_page(
            values["filter"], language=language, ordering=values["ordering"], **keyset(values)
        )
        results = joined(with_hits(page.items, page.hits))
        body = self.page_body(language, query, page, values["cursor"], results)
        wanted = values["filter"]
        keys = list_keys(
            language=language,
            vendors=wanted.vendors,
            topics=wanted.topics,
            search=bool(wanted.search_query),
        )
        return json_response(body, keys=keys)

    @documented(
        summary="List public entries",
        description="Public entries, newest publication first unless `ordering` says "
        "otherwise (a search, `q`, comes most relevant first, each result with its `score` "
        "and `snippet`), in pages linked by `next` and `previous` (cursor pagination: pages "
        "neither repeat nor skip entries while new ones arrive). Filters combine with AND; "
        "repeated values of one filter combine with OR.",
        ok=ArticleListItemSerializer(many=True),
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


def with_hits(documents: list[str], hits: list[selectors.SearchHit] | None) -> list[str]:
    """Search results: each stored document with its ``score`` and ``snippet`` added at the
    end of its JSON text, without parsing it."""
    if hits is None:
        return documents
    return [
        document[:-1] + "," + orjson.dumps(asdict(hit)).decode()[1:]
        for document, hit in zip(documents, hits, strict=True)
    ]


class ArticleDetailView(PublicReadView):
    serializer_class = ArticleSerializer
    uncached_parameters = ("preview",)

    def build(self, request, language, query, values, slug):
        document = selectors.entry_detail(slug=slug, language=language)
        if document is None:
            raise NotFound("No public entry has this slug.")
        return json_response(document.document.encode(), keys=[entry_key(document.entry_id)])

    @documented(
        summary="One public entry",
        description="Everything the entry's page shows. Entries that are not public "
        "(drafts, in review, scheduled, archived) are 404, unless `preview` carries a valid "
        "preview token for this entry: then the entry is returned in any state, built from "
        "its working copy as publishing would build it, with `Cache-Control: private, "
        "no-store`.",
        ok=ArticleSerializer,
        errors=(404,),
        parameters=[
            OpenApiParameter(
                "preview",
                OpenApiTypes.STR,
                description="A preview token created in the admin. An invalid or expired "
                "token is ignored.",
            )
        ],
    )
    def get(self, request, slug):
        token = request.query_params.get("preview")
        if token:
            language = request_language(request)
            document = selectors.preview_document(slug=slug, token=token, language=language)
            if document is not None:
                response = json_response(document.encode())
                response.headers["Cache-Control"] = "private, no-store"
                return response
        return super().get(request, slug=slug)


class MoreFromVendorView(PublicReadView):
    serializer_class = MoreFromVendorSerializer
    parameters = ("limit",)

    def parse(self, query):
        raw = query.get("limit", [None])[0]
        return {
            "limit": whole_number(
                "limit",
                raw,
                default=selectors.MORE_FROM_VENDOR_DEFAULT,
                maximum=selectors.MORE_FROM_VENDOR_MAX,
            )
        }

    def build(self, request, language, query, values, slug):
        related = selectors.related_entries(slug=slug, language=language, limit=values["limit"])
        if related is None:
            raise NotFound("No public entry has this slug.")
        body = b'{"results":' + joined(card for _id, card in related.others) + b"}"
        # The vendor's key covers its other entries: any change to one purges it.
        keys = [entry_key(related.entry_id), vendor_key(related.vendor_slug)]
        return json_response(body, keys=keys)

    @documented(
        summary="More from the entry's vendor",
        description="The vendor's other public entries, newest first.",
        ok=MoreFromVendorSerializer,
        errors=(404,),
        parameters=[
            OpenApiParameter(
                "limit",
                whole_number_schema(maximum=selectors.MORE_FROM_VENDOR_MAX),
                description=f"How many: 1 to {selectors.MORE_FROM_VENDOR_MAX} "
                f"(default {selectors.MORE_FROM_VENDOR_DEFAULT}).",
            )
        ],
    )
    def get(self, request, **kwargs):
        return super().get(request, **kwargs)


class ChangesView(PublicReadView):
    """The change feed (``selectors.changes_after``); never cached, as what is settled
    grows with time alone."""

    serializer_class = ChangesPageSerializer
    cacheable = False

    @documented(
        summary="Changes since a cursor (incremental sync)",
        description="Every change to the public entries after `since`, in the order they "
        "became visible: `upsert` carries the full entry (store it under its `id`), `delete` "
        "only its `id` and `slug` (drop it). Without `since`, every change from the start, "
        "which builds a mirror from nothing. Send `next` as `since` on the next request; "
        "while `has_more` is true, more changes are ready at once. Changes are served once "
        "they are a few seconds old, so that none committed late is ever skipped; a change "
        "may be seen twice, and applying it again is harmless. A change a release made names "
        "it in `release`; a release's changes take effect together and come in one page "
        "(longer than `page_size` if need be). A cursor of an earlier "
        "version of the feed is refused: sync again from the start.",
        ok=ChangesPageSerializer,
        cached=False,
        parameters=[
            OpenApiParameter("since", OpenApiTypes.STR, description="A `next` cursor."),
            OpenApiParameter(
                "page_size",
                whole_number_schema(maximum=settings.API_MAX_PAGE_SIZE),
                description="Changes per response: 1 to API_MAX_PAGE_SIZE (default PAGE_SIZE).",
            ),
        ],
    )
    def get(self, request):
        language = request_language(request)
        with refusals_as_400():
            values = parsed(
                limit=lambda: page_size(request.query_params.get("page_size")),
                since=lambda: since(request.query_params.get("since")),
            )
        page = selectors.changes_after(values["since"], language=language, limit=values["limit"])
        results = b",".join(change_body(change) for change in page.changes)
        body = orjson.dumps({"next": page.next.encode(), "has_more": page.has_more})
        response = json_response(b'{"results":[' + results + b"]," + body[1:])
        response.headers["Cache-Control"] = "no-store"
        return response


def since(cursor: str | None) -> selectors.FeedPosition | None:
    if not cursor:
        return None
    try:
        return selectors.FeedPosition.decode(cursor)
    except selectors.OutdatedCursor:
        message = (
            "This cursor comes from an earlier version of the change feed and cannot be "
            "continued: empty your mirror and sync again from the start (without `since`)."
        )
    except selectors.InvalidCursor:
        message = "Malformed cursor; use a `next` value."
    raise selectors.InvalidRequest({"since": [message]})


def change_body(change: selectors.Change) -> bytes:
    head = orjson.dumps(
        {
            "action": change.action,
            "id": change.id,
            "slug": change.slug,
            "time": iso(change.time),
            "release": change.release,
        }
    )
    article = change.document.encode() if change.document else b"null"
    return head[:-1] + b',"article":' + article + b"}"
