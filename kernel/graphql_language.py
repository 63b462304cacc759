"""The GraphQL enum of content languages, one type shared by every app's part of the schema."""

from enum import Enum

import strawberry
from django.conf import settings

Language = strawberry.enum(
    Enum("Language", {code.upper(): code for code, _name in settings.LANGUAGES}),
    description=(
        "A content language (settings.LANGUAGES). A reader whose language an entry lacks "
        "gets the default language, and the response says so."
    ),
)
