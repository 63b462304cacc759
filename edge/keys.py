"""What a publication purges: the surrogate keys (``articles.surrogate_keys``) of every
answer the log rows' changes can alter, and no other.

- an entry published, changed or taken down: its own key; its vendor's and topics' keys, now
  and as its previous change left them (a move between vendors purges both); the lists,
  searches, vendor list, topic list and feeds of every language (it has a document in each,
  and counts change), and the sitemaps; the corrections feeds if it has notes, or had;
- a vendor added, changed or deleted: its key under its slug now and before, and the vendor
  lists. Its entries' documents that changed come as entry rows of their own.

Read in the publishing transaction, in a fixed number of queries whatever the rows.
"""

from collections import defaultdict

from django.db.models import Q

from articles.models import LiveDocument, LiveEntry, PublicationLog, Vendor
from articles.surrogate_keys import (
    SITEMAPS_KEY,
    TOPICS_KEY,
    corrections_key,
    entries_key,
    entry_key,
    every_language,
    feed_key,
    search_key,
    topic_key,
    vendor_key,
    vendors_key,
)
from edge.models import Tagged

NOTED = "noted"  # kept in an entry's tags: it had notes, so the corrections feeds showed it


def purge_keys(rows: list[PublicationLog]) -> dict[int, list[str]]:
    """Each row's keys, by the row's position; remembers what each entry and vendor is now
    tagged with for the next change."""
    entry_ids = {row.article_id for row in rows if row.article_id}
    vendor_ids = {row.vendor_id for row in rows if not row.article_id and row.vendor_id}
    now = _entry_tags(entry_ids)
    vendors = dict(Vendor.objects.filter(pk__in=vendor_ids).values_list("pk", "slug"))
    for pk, slug in vendors.items():
        now[(Tagged.Kind.VENDOR, pk)] = [vendor_key(slug)]
    known = Tagged.objects.filter(
        Q(kind=Tagged.Kind.ENTRY, object_id__in=entry_ids)
        | Q(kind=Tagged.Kind.VENDOR, object_id__in=vendor_ids)
    )
    before = {(tagged.kind, tagged.object_id): tagged.keys for tagged in known}
    known.delete()
    Tagged.objects.bulk_create(
        Tagged(kind=kind, object_id=pk, keys=tags) for (kind, pk), tags in now.items()
    )
    listed = [
        *every_language(entries_key, search_key, vendors_key, feed_key),
        TOPICS_KEY,
        SITEMAPS_KEY,
    ]
    keys = {}
    for row in rows:
        if row.article_id:
            tag = (Tagged.Kind.ENTRY, row.article_id)
            tags = {*before.get(tag, ()), *now.get(tag, ())}
            noted = every_language(corrections_key) if NOTED in tags else []
            found = [entry_key(row.article_id), *sorted(tags - {NOTED}), *listed, *noted]
        else:
            tag = (Tagged.Kind.VENDOR, row.vendor_id)
            tags = {vendor_key(row.slug), *before.get(tag, ()), *now.get(tag, ())}
            found = [*sorted(tags), *every_language(vendors_key)]
        keys[row.position] = found
    return keys


def _entry_tags(entry_ids: set[int]) -> dict[tuple[str, int], list[str]]:
    """What each live entry's answers are tagged with beside its own key, now."""
    tags = defaultdict(list)
    for pk, vendor in LiveEntry.objects.filter(pk__in=entry_ids).values_list("pk", "vendor__slug"):
        tags[(Tagged.Kind.ENTRY, pk)].append(vendor_key(vendor))
    topics = LiveEntry.topics.through.objects.filter(liveentry_id__in=entry_ids)
    for pk, topic in topics.values_list("liveentry_id", "topic__slug"):
        tags[(Tagged.Kind.ENTRY, pk)].append(topic_key(topic))
    noted = LiveDocument.objects.filter(entry_id__in=entry_ids, noted_at__isnull=False)
    for pk in set(noted.values_list("entry_id", flat=True)):
        tags[(Tagged.Kind.ENTRY, pk)].append(NOTED)
    return tags
