"""A note on an entry, as its document holds it."""

from datetime import datetime

import strawberry

from articles.graphql.enums import Language, NoteKind


@strawberry.type(
    name="EntryNote",
    description="A dated correction, clarification or update; never edited once published "
    "(a later note amends an earlier one).",
)
class EntryNote:
    id: int
    kind: NoteKind
    text: str = strawberry.field(description="Plain text, in `language`.")
    language: Language | None
    fallback: bool = strawberry.field(
        description="True when the note has no text in the requested language and the "
        "default language's is served."
    )
    amends: int | None = strawberry.field(description="The id of the note this one amends.")
    published_at: datetime

    @classmethod
    def from_dict(cls, note: dict) -> "EntryNote":
        return cls(
            id=note["id"],
            kind=NoteKind(note["kind"]),
            text=note["text"],
            language=Language(note["language"]) if note["language"] else None,
            fallback=note["fallback"],
            amends=note["amends"],
            published_at=datetime.fromisoformat(note["published_at"]),
        )
