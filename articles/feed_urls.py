from django.urls import re_path

from articles.feeds import (
    AtomEntryFeed,
    AtomNoteFeed,
    EntryFeed,
    NoteFeed,
    json_feed,
    json_notes_feed,
)
from kernel.db_routing import replica_reads
from partners.throttling import throttled

LANGUAGE = r"(?P<language>[\w-]+)"
VENDOR = r"(?P<vendor>[\w-]+)"

# Every feed spends from the client's request budget, like the REST and GraphQL APIs.


def public(feed):
    return replica_reads(throttled(feed))


rss, atom, json = public(EntryFeed()), public(AtomEntryFeed()), public(json_feed)

urlpatterns = [
    re_path(rf"^corrections/{LANGUAGE}\.rss$", public(NoteFeed()), name="notes-feed-rss"),
    re_path(rf"^corrections/{LANGUAGE}\.atom$", public(AtomNoteFeed()), name="notes-feed-atom"),
    re_path(rf"^corrections/{LANGUAGE}\.json$", public(json_notes_feed), name="notes-feed-json"),
    re_path(rf"^{LANGUAGE}\.rss$", rss, name="feed-rss"),
    re_path(rf"^{LANGUAGE}\.atom$", atom, name="feed-atom"),
    re_path(rf"^{LANGUAGE}\.json$", json, name="feed-json"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.rss$", rss, name="vendor-feed-rss"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.atom$", atom, name="vendor-feed-atom"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.json$", json, name="vendor-feed-json"),
]
