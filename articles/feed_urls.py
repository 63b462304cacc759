from django.urls import re_path

from articles.feeds import AtomEntryFeed, EntryFeed, json_feed

LANGUAGE = r"(?P<language>[\w-]+)"
VENDOR = r"(?P<vendor>[\w-]+)"

urlpatterns = [
    re_path(rf"^{LANGUAGE}\.rss$", EntryFeed(), name="feed-rss"),
    re_path(rf"^{LANGUAGE}\.atom$", AtomEntryFeed(), name="feed-atom"),
    re_path(rf"^{LANGUAGE}\.json$", json_feed, name="feed-json"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.rss$", EntryFeed(), name="vendor-feed-rss"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.atom$", AtomEntryFeed(), name="vendor-feed-atom"),
    re_path(rf"^{LANGUAGE}/{VENDOR}\.json$", json_feed, name="vendor-feed-json"),
]
