"""The Surrogate-Key values of articles' cached public answers (REST and feeds): a CDN purges
every answer that carries a key at once."""

# The Surrogate-Key of every response that lists or counts entries.
LIST_KEY = "lists"


def entry_key(entry_id: int) -> str:
    return f"entry-{entry_id}"


def vendor_key(vendor_id: int) -> str:
    return f"vendor-{vendor_id}"
