"""Surrogate keys of a GraphQL answer: each resolver names what it read
(``articles.surrogate_keys``), and the answer's ``Surrogate-Key`` header carries them all, so
a cache in front purges a GraphQL GET answer when what it shows changes."""

import strawberry

HEADER = "Surrogate-Key"


def tag(info: strawberry.Info, *keys: str) -> None:
    """Add ``keys`` to the answer's ``Surrogate-Key`` header."""
    headers = info.context.response.headers
    known = headers.get(HEADER, "").split()
    headers[HEADER] = " ".join(dict.fromkeys([*known, *keys]))
