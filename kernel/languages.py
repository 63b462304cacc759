"""Content languages and the one fallback rule every surface uses.

A reader asks for a language; we serve that translation if it exists, else the default language
(the first of ``settings.LANGUAGES``), and we always say which language was actually served.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.translation.trans_real import parse_accept_lang_header


class UnsupportedLanguage(ValueError):
    def __init__(self, code: str):
        self.code = code
        super().__init__(
            f"Unsupported language {code!r}; supported: {', '.join(supported_languages())}."
        )


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def language_choices() -> list[tuple[str, str]]:
    """Choices for model and form fields; a callable so migrations never freeze the list."""
    return list(settings.LANGUAGES)


def default_language() -> str:
    return supported_languages()[0]


def validate_language(code: str) -> str:
    """Return the canonical code for ``code`` or raise :class:`UnsupportedLanguage`."""
    normalized = (code or "").strip().lower()
    if normalized not in supported_languages():
        raise UnsupportedLanguage(code)
    return normalized


def negotiate_language(requested: str | None, accept_language: str | None = None) -> str:
    """The language a request asks for: an explicit code wins, then ``Accept-Language``.

    An explicit unsupported code, an empty one included (``?lang=``), is an error; an
    ``Accept-Language`` header is a preference list, so its first supported entry is used and
    the default language when none is.
    """
    if requested is not None:
        return validate_language(requested)
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        base = code.lower().split("-")[0]
        if base in supported_languages():
            return base
    return default_language()


class Translated(Protocol):
    language: str


@dataclass(frozen=True)
class Resolved[T]:
    """A translation picked for a requested language, and whether it fell back."""

    requested: str
    served: str | None
    translation: T | None

    @property
    def fell_back(self) -> bool:
        return self.served is not None and self.served != self.requested


def resolve_translation[T: Translated](translations: Iterable[T], requested: str) -> Resolved[T]:
    """Pick the requested language's translation, else the default language's.

    ``served`` is None when neither exists (only possible for unpublished content).
    """
    by_language = {t.language: t for t in translations}
    for language in (requested, default_language()):
        if language in by_language:
            return Resolved(requested, language, by_language[language])
    return Resolved(requested, None, None)
