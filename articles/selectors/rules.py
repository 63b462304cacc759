"""The rules every public read shares: input limits, validation (``InvalidRequest``), the
entry filter, orderings, and what the public may see (``visible_documents``)."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db.models import CharField, Value
from django.utils import timezone

from articles import search as full_text
from articles import search_text
from articles.choices import ArticleKind
from articles.models import LiveDocument, LiveEntry, Topic, Vendor

MAX_FILTER_VALUES = 50


MAX_SEARCH_LENGTH = 200


# What a vendor, topic or entry slug can be (Django's ``SlugField``), as the OpenAPI document
# states it; anything else cannot name one.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
NOT_A_SLUG = "Use slugs: letters, digits, hyphens and underscores only."


MORE_FROM_VENDOR_DEFAULT = 4


MORE_FROM_VENDOR_MAX = 20


ORDERINGS = {
    "-published": ("-published_at", "-entry_id"),
    "published": ("published_at", "entry_id"),
    "-updated": ("-updated_at", "-entry_id"),
    "updated": ("updated_at", "entry_id"),
}


DEFAULT_ORDERING = "-published"


RELEVANCE = ("-search_score", "-entry_id")


class InvalidRequest(ValueError):
    """What the caller asked for cannot be answered; ``errors`` names each field's problems
    by the names used here (``vendors``, ``search``, ``limit``, ...)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


def _refuse(name: str, message: str):
    raise InvalidRequest({name: [message]})


def valid_time(name: str, moment: datetime | None) -> datetime | None:
    """An aware time in UTC (a time without an offset is UTC), or a refusal for one outside
    what the databases store."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        _refuse(name, "This time is out of range.")


def valid_limit(name: str, value: int | None, *, default: int, maximum: int) -> int:
    """One policy for page sizes and limits on every surface: 1 to ``maximum``, else refused."""
    if value is None:
        return default
    if not 1 <= value <= maximum:
        _refuse(name, f"Enter a whole number from 1 to {maximum}.")
    return value


def valid_offset(name: str, value: int | None) -> int:
    """How many entries a page skips: 0 or more."""
    if value is None:
        return 0
    if value < 0:
        _refuse(name, "Enter a whole number, 0 or more.")
    return value


def valid_ordering(value: str | None) -> str:
    if value is None:
        return DEFAULT_ORDERING
    if value not in ORDERINGS:
        _refuse("ordering", f"Use one of: {', '.join(ORDERINGS)}.")
    return value


def is_slug(value: str) -> bool:
    """Whether ``value`` can name a vendor or topic; a value that cannot (a NUL, a space) is
    refused before it reaches a database, which may not even store it."""
    try:
        validate_slug(value)
    except ValidationError:
        return False
    return True


@dataclass(frozen=True)
class EntryFilter:
    """What a list of entries is narrowed to; all conditions must hold, the values of one
    condition are alternatives. Validated on creation."""

    vendors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    published_after: datetime | None = None
    published_before: datetime | None = None
    updated_since: datetime | None = None
    search: str = ""
    has_scorecard: bool | None = None
    search_query: search_text.Query | None = field(
        default=None, init=False, compare=False, repr=False
    )

    def __post_init__(self):
        for name in ("vendors", "kinds", "topics"):
            if len(getattr(self, name)) > MAX_FILTER_VALUES:  # as sent, repeats included
                _refuse(name, f"Give at most {MAX_FILTER_VALUES} values.")
            values = tuple(dict.fromkeys(getattr(self, name)))
            if name != "kinds" and not all(map(is_slug, values)):
                _refuse(name, NOT_A_SLUG)
            object.__setattr__(self, name, values)
        unknown = sorted(set(self.kinds) - set(ArticleKind.values))
        if unknown:
            _refuse("kinds", f"Unknown kind: {', '.join(unknown)}.")
        for name in ("published_after", "published_before", "updated_since"):
            object.__setattr__(self, name, valid_time(name, getattr(self, name)))
        if len(self.search or "") > MAX_SEARCH_LENGTH:  # as sent, spaces included
            _refuse("search", f"Use at most {MAX_SEARCH_LENGTH} characters.")
        search = (self.search or "").strip()
        object.__setattr__(self, "search", search)
        if search:
            try:
                object.__setattr__(self, "search_query", search_text.parse(search))
            except search_text.SearchSyntaxError as error:
                _refuse("search", str(error))

    def apply(self, documents, *, language: str):
        """``documents`` (in ``language``) narrowed to what this filter asks for."""
        if self.vendors or self.topics:
            known = self._known_slugs()
            errors = {}
            for name in ("vendors", "topics"):
                unknown = [slug for slug in getattr(self, name) if slug not in known[name]]
                if unknown:
                    errors[name] = [f"Unknown: {', '.join(unknown)}."]
            if errors:
                raise InvalidRequest(errors)
        if self.vendors:
            documents = documents.filter(vendor_id__in=known["vendors"].values())
        if self.topics:
            tagged = LiveEntry.topics.through.objects.filter(topic_id__in=known["topics"].values())
            documents = documents.filter(entry_id__in=tagged.values("liveentry_id"))
        if self.kinds:
            documents = documents.filter(kind__in=self.kinds)
        if self.published_after:
            documents = documents.filter(published_at__gte=self.published_after)
        if self.published_before:
            documents = documents.filter(published_at__lt=self.published_before)
        if self.updated_since:
            documents = documents.filter(updated_at__gte=self.updated_since)
        if self.has_scorecard is not None:
            documents = documents.filter(has_scorecard=self.has_scorecard)
        if self.search_query:
            documents = documents.filter(full_text.matching(self.search_query, language))
        return documents

    def _known_slugs(self) -> dict[str, dict[str, int]]:
        """The ids of the vendor and topic slugs asked for, in one query for both."""
        parts = [
            model.objects.filter(slug__in=slugs)
            .order_by()
            .values_list(Value(name, output_field=CharField()), "slug", "pk")
            for name, model, slugs in (
                ("vendors", Vendor, self.vendors),
                ("topics", Topic, self.topics),
            )
            if slugs
        ]
        known = {"vendors": {}, "topics": {}}
        for name, slug, pk in parts[0].union(*parts[1:], all=True).order_by():
            known[name][slug] = pk
        return known


def visible_documents(language: str):
    """The live documents the public may see now, in ``language`` (fallback applied)."""
    return LiveDocument.objects.visible().filter(language=language)
