import pytest

from kernel.languages import (
    UnsupportedLanguage,
    negotiate_language,
    resolve_translation,
    validate_language,
)
from tests.factories import ArticleFactory


class Row:
    def __init__(self, language):
        self.language = language


def test_requested_translation_is_served_without_fallback():
    resolved = resolve_translation([Row("en"), Row("nl")], "nl")
    assert (resolved.served, resolved.fell_back) == ("nl", False)
    assert resolved.translation.language == "nl"


def test_missing_translation_falls_back_to_the_default_language_and_says_so():
    resolved = resolve_translation([Row("en")], "nl")
    assert (resolved.requested, resolved.served, resolved.fell_back) == ("nl", "en", True)


def test_nothing_to_serve_when_neither_language_exists():
    resolved = resolve_translation([], "nl")
    assert resolved.translation is None and resolved.served is None and not resolved.fell_back


def test_a_new_language_in_settings_is_supported_without_code_changes(settings):
    settings.LANGUAGES = [("en", "English"), ("nl", "Nederlands"), ("de", "Deutsch")]
    assert validate_language("DE") == "de"
    assert resolve_translation([Row("en")], "de").served == "en"


@pytest.mark.parametrize(
    ("param", "header", "expected"),
    [
        ("nl", "en-US,en;q=0.9", "nl"),
        (None, "nl-NL,nl;q=0.9,en;q=0.5", "nl"),
        (None, "fr-FR,fr;q=0.9,en;q=0.5", "en"),
        (None, "fr-FR", "en"),
        (None, None, "en"),
    ],
)
def test_query_parameter_wins_then_accept_language_then_default(param, header, expected):
    assert negotiate_language(param, header) == expected


def test_an_explicitly_requested_unknown_language_is_an_error_listing_supported_ones():
    with pytest.raises(UnsupportedLanguage, match="supported: en, nl"):
        negotiate_language("fr", "nl")


@pytest.mark.django_db
def test_article_signals_follow_the_same_fallback_as_the_texts():
    article = ArticleFactory(languages=["en", "nl"])
    for position, text in enumerate(["first", "second"]):
        article.signal_bullets.create(language="en", position=position, text=text)
    assert [b.text for b in article.signals("nl")] == ["first", "second"]
    article.signal_bullets.create(language="nl", position=0, text="eerste")
    assert [b.text for b in article.signals("nl")] == ["eerste"]
