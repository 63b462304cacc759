"""Public reference data: vendors (with their counts and pages of entries) and topics."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from articles.models import (
    LiveDocument,
    LiveEntry,
    LiveTopicCount,
    LiveVendorCount,
    Topic,
    Vendor,
)
from articles.selectors.entries import Page, keyset_page, per_vendor_rows
from articles.selectors.rules import DEFAULT_ORDERING, ORDERINGS, EntryFilter, visible_documents
from images.selectors import shown_image_documents
from kernel.languages import default_language, resolve_translation


def vendor_pages(
    vendor_ids,
    entry_filter: EntryFilter,
    *,
    language: str,
    ordering: str = DEFAULT_ORDERING,
    offset: int,
    limit: int,
) -> dict[int, list[str]]:
    """One page of each vendor's public entries matching ``entry_filter`` (the same page of
    ``entry_list`` narrowed to the vendor), as stored documents, in one query
    (``per_vendor_rows``)."""
    pages: dict[int, list[str]] = {vendor_id: [] for vendor_id in vendor_ids}
    rows = per_vendor_rows(
        entry_filter.apply(visible_documents(language), language=language),
        sorted(pages),
        ORDERINGS[ordering],
        offset=offset,
        limit=limit,
        columns=("document",),
    )
    for vendor_id, document in rows:
        pages[vendor_id].append(document)
    return pages


def vendor_totals(vendor_ids, entry_filter: EntryFilter, *, language: str) -> dict[int, int]:
    """How many public entries of each vendor match ``entry_filter``, in one query: with
    nothing narrowing the list, the counts publishing keeps (``public_counts``)."""
    vendor_ids = set(vendor_ids)
    if entry_filter == EntryFilter():
        counted = public_counts(vendor_ids)
    else:
        counted = dict(
            entry_filter.apply(visible_documents(language), language=language)
            .filter(vendor_id__in=vendor_ids)
            .order_by()
            .values("vendor_id")
            .annotate(n=Count("pk"))
            .values_list("vendor_id", "n")
        )
    return {vendor_id: counted.get(vendor_id, 0) for vendor_id in vendor_ids}


def _public_count(kept, scheduled, *, by: str):
    """A count of public entries as an expression on the outer row (a vendor or a topic):
    its live entries as publishing counts them (``kept``), less its entries scheduled for
    later or withdrawn (``scheduled``, rows naming it in column ``by``: few, found by time off
    an index)."""
    live = kept.filter(pk=OuterRef("pk")).values("entries")
    later = scheduled.order_by().values(by).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(live), 0) - Coalesce(Subquery(later), 0)


def _hidden_documents():
    return LiveDocument.objects.hidden().filter(language=default_language())


def _vendor_count():
    scheduled = _hidden_documents().filter(vendor_id=OuterRef("pk"))
    return _public_count(LiveVendorCount.objects.all(), scheduled, by="vendor_id")


def public_counts(vendor_ids=None) -> dict[int, int]:
    """How many public entries each vendor has (one query, whatever the archive's size)."""
    vendors = (
        Vendor.objects.all() if vendor_ids is None else Vendor.objects.filter(pk__in=vendor_ids)
    )
    return dict(vendors.annotate(n=_vendor_count()).values_list("pk", "n"))


def entry_count(entry_filter: EntryFilter, documents) -> int:
    """How many entries ``documents`` (the ``entry_list`` of ``entry_filter``) holds. With
    nothing narrowing the list, that is every public entry: the vendors' counts added up,
    not the entries counted."""
    if entry_filter == EntryFilter():
        return sum(public_counts().values())
    return documents.count()


@dataclass(frozen=True)
class VendorView:
    vendor: Vendor
    language: str
    public_article_count: int
    logo: dict | None = None  # as documents embed it; None without one or until rendered

    @property
    def resolved(self):
        return resolve_translation(self.vendor.translations.all(), self.language)


def _vendors():
    """Vendors with their translations and their count of public entries (two queries)."""
    return Vendor.objects.prefetch_related("translations").annotate(public_count=_vendor_count())


def vendor_list(*, language: str, slugs=None) -> list[VendorView]:
    """Every vendor (or those with ``slugs``) by slug, with its count of public entries and
    its logo."""
    vendors = Vendor.objects.prefetch_related("translations").order_by("slug")
    if slugs is not None:
        vendors = vendors.filter(slug__in=slugs)
    vendors = list(vendors)
    counts = public_counts([vendor.pk for vendor in vendors])
    logos = _logos(vendors, language)
    return [
        VendorView(vendor, language, counts.get(vendor.pk, 0), logos.get(vendor.logo_id))
        for vendor in vendors
    ]


def _logos(vendors, language: str) -> dict[int, dict]:
    """The vendors' logos with renditions to show (one query; none without logos)."""
    return shown_image_documents({vendor.logo_id for vendor in vendors}, language)


def vendor_page(
    *, language: str, limit: int, after: tuple | None = None, backwards: bool = False
) -> Page:
    """A page of vendors by slug, as :class:`VendorView` (with their logos); keys are
    (slug,)."""
    page = keyset_page(
        _vendors(),
        ("slug",),
        limit=limit,
        after=after,
        backwards=backwards,
        key=lambda vendor: (vendor.slug,),
    )
    logos = _logos(page.items, language)
    views = [
        VendorView(vendor, language, vendor.public_count, logos.get(vendor.logo_id))
        for vendor in page.items
    ]
    return Page(views, page.keys, page.more)


def vendor_by_slug(slug: str) -> Vendor | None:
    return Vendor.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class TopicView:
    slug: str
    name: str
    public_article_count: int


def topic_list(*, slugs=None) -> list[TopicView]:
    """Topics with public entries (of those with ``slugs``), by name, with how many each
    has: its live entries (a count publishing keeps) less those scheduled for later or
    withdrawn. A topic
    no public entry carries is not listed: its name may announce one."""
    scheduled = LiveEntry.topics.through.objects.filter(
        topic_id=OuterRef("pk"), liveentry_id__in=_hidden_documents().values("entry_id")
    )
    topics = Topic.objects.annotate(
        public_count=_public_count(LiveTopicCount.objects.all(), scheduled, by="topic_id")
    ).filter(public_count__gt=0)
    if slugs is not None:
        topics = topics.filter(slug__in=slugs)
    return [
        TopicView(topic.slug, topic.name, topic.public_count)
        for topic in topics.order_by("name", "slug")
    ]
