"""The reader's side of full-text search: words, stemming, the query syntax, and snippets.

Words are folded and stemmed with the Snowball stemmer of the language a text is written in
(``snowballstemmer``), Dutch words corrected first (``articles.dutch_stemming``), the same way
for the index (``articles.search``) and for queries, so both databases find the same entries.
A query is parsed here once into a ``Query``, which ``articles.search`` compiles for each
database. Snippets are cut from the document's own text, so they show the reader's words, not
stems.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

import snowballstemmer
from django.conf.locale import LANG_INFO

from articles import dutch_stemming

# The version of each language's corrections to its stemmer: the index is rebuilt when the one
# it was built with differs (``articles.search.index_refresh``).
STEMMING_VERSIONS = {"nl": dutch_stemming.VERSION}
MAX_TERMS = 12
SNIPPET_WORDS = 24
WORD = re.compile(r"[^\W_]+")
TAG = re.compile(r"<[^>]*>")


class SearchSyntaxError(ValueError):
    """A search the reader must rephrase; the message says how."""


# --- Words ---------------------------------------------------------------------------------


@cache
def _stemmer(language: str):
    name = LANG_INFO.get(language, {}).get("name", "").lower()
    return snowballstemmer.stemmer(name) if name in snowballstemmer.algorithms() else None


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """``word`` (one token) as the index stores it in ``language``: lower case, stemmed (in
    Dutch, with the corrections of ``articles.dutch_stemming``), then without accents (so both
    databases fold them alike)."""
    word = unicodedata.normalize("NFKC", word).casefold()
    stemmer = _stemmer(language)
    if language == "nl":
        stemmed = dutch_stemming.stem(word, stemmer)
    else:
        stemmed = stemmer.stemWord(word) if stemmer else word
    stemmed = unicodedata.normalize("NFKD", stemmed)
    return "".join(c for c in stemmed if not unicodedata.combining(c)) or word


def words(text: str) -> list[str]:
    return WORD.findall(unicodedata.normalize("NFC", text or ""))


def stemmed_text(text: str, language: str) -> str:
    return " ".join(stem(word, language) for word in words(text))


def plain_text(body_html: str) -> str:
    return html.unescape(TAG.sub(" ", body_html or ""))


def text_language(document: dict, language: str) -> str:
    """The language the document's text is written in (its served language)."""
    return document.get("language") or language


# --- The query syntax ----------------------------------------------------------------------

Phrase = tuple[str, ...]  # words in order; one word is a phrase of one


@dataclass(frozen=True)
class Query:
    """All ``required`` groups must match (a group matches when any of its phrases does) and
    no ``excluded`` phrase may. Words are as the reader typed them until ``stemmed``."""

    required: tuple[tuple[Phrase, ...], ...]
    excluded: tuple[Phrase, ...] = ()

    def stemmed(self, language: str) -> "Query":
        def phrase(words_):
            return tuple(stem(word, language) for word in words_)

        return Query(
            tuple(tuple(phrase(p) for p in group) for group in self.required),
            tuple(phrase(p) for p in self.excluded),
        )

    def wanted(self) -> set[str]:
        """The words whose occurrences a snippet marks."""
        return {word for group in self.required for phrase in group for word in phrase}


PIECE = re.compile(r'(-?)"([^"]*)"|(-?)([^\s"]+)|(")')


def parse(text: str) -> Query:
    """Words, "quoted phrases", -excluded words or phrases and ``or`` between terms to
    search for (it binds tighter than the implied "and": ``agent safety or risk`` is agent
    AND (safety OR risk); next to an excluded term it is refused, as "either not x or y" is
    no search either database runs well). A word written with inner punctuation
    (``o3-mini``) is a phrase of its parts."""
    terms: list[tuple[bool, Phrase] | str] = []
    for match in PIECE.finditer(text):
        minus_quoted, quoted, minus, word, stray = match.groups()
        if stray:
            raise SearchSyntaxError('Close the quoted phrase with a second ".')
        if word is not None and word.lower() == "or" and not minus:
            terms.append("or")
            continue
        phrase = tuple(words(quoted if quoted is not None else word))
        if phrase:
            terms.append((bool(minus_quoted or minus), phrase))
    required: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    joining = False
    for position, term in enumerate(terms):
        if term == "or":
            before = terms[position - 1] if position else None
            after = terms[position + 1] if position + 1 < len(terms) else None
            if any(isinstance(side, tuple) and side[0] for side in (before, after)):
                raise SearchSyntaxError(
                    'Use "or" between words or phrases to search for, not next to an excluded one.'
                )
            if not required or joining or not isinstance(after, tuple):
                raise SearchSyntaxError('Put a word or phrase to search for on both sides of "or".')
            joining = True
            continue
        negated, phrase = term
        if negated:
            excluded.append(phrase)
        elif joining:
            required[-1].append(phrase)
        else:
            required.append([phrase])
        joining = False
    if not required:
        raise SearchSyntaxError("Give at least one word to search for.")
    count = sum(len(p) for group in required for p in group) + sum(len(p) for p in excluded)
    if count > MAX_TERMS:
        raise SearchSyntaxError(f"Use at most {MAX_TERMS} words.")
    return Query(tuple(tuple(group) for group in required), tuple(excluded))


# --- Snippets ------------------------------------------------------------------------------


def _marked_window(text: str, wanted: set[str], stems: dict[str, str | None], language: str):
    """The best window of ``text`` for ``wanted`` stems: (distinct, count, html) or None.
    ``stems`` holds the words already stemmed for this snippet (None: not wanted), so each
    distinct word is stemmed once per document; only the window's words are located."""
    text = unicodedata.normalize("NFC", text or "")
    tokens = WORD.findall(text)
    for word in set(tokens).difference(stems):
        stems[word] = stemmed if (stemmed := stem(word, language)) in wanted else None
    hits = [i for i, word in enumerate(tokens) if stems[word] is not None]
    if not hits:
        return None
    best = None
    for first in hits:
        start = max(0, min(first - 4, len(tokens) - SNIPPET_WORDS))
        inside = [i for i in hits if start <= i < start + SNIPPET_WORDS]
        key = (len({stems[tokens[i]] for i in inside}), len(inside))
        if best is None or key > best[0]:
            best = (key, start, inside)
    (distinct, count), start, marked = best
    end = min(start + SNIPPET_WORDS, len(tokens))
    spans = [match.span() for match in islice(WORD.finditer(text), start, end)]
    # The window's text escaped in pieces: up to each marked word, the word in <mark>, on.
    out, cursor = ["…" if start else ""], spans[0][0]
    for i in marked:
        word_start, word_end = spans[i - start]
        out += [html.escape(text[cursor:word_start]), "<mark>"]
        out += [html.escape(text[word_start:word_end]), "</mark>"]
        cursor = word_end
    tail = spans[-1][1] if end < len(tokens) else len(text)
    out.append(html.escape(text[cursor:tail]))
    out.append("…" if end < len(tokens) else "")
    return distinct, count, "".join(out).strip()


def snippet(query: Query, document: dict, language: str, indexed: dict[str, str]) -> str:
    """A short HTML-escaped passage of ``document`` with the reader's words in ``<mark>``:
    the one showing the most of them, from the summary, audience, signals, body or title.
    ``indexed`` (the document's search columns, ``articles.search.index_fields``) says which
    fields hold a wanted word or phrase: the others are not read (a body that has the "3" of
    "capella 3" but not the phrase has no passage to show)."""
    served = text_language(document, language)
    stemmed_query = query.stemmed(served)
    wanted = stemmed_query.wanted()
    phrases = [f" {' '.join(p)} " for group in stemmed_query.required for p in group]

    def holds(field: str) -> bool:
        stemmed = f" {indexed[field]} "
        return any(phrase in stemmed for phrase in phrases)

    texts = []
    if holds("search_summary"):
        texts.append(document.get("summary") or "")
    if holds("search_extra"):
        texts += [document.get("audience") or "", *document.get("signals", [])]
    if holds("search_body"):
        texts.append(plain_text(document.get("body_html") or ""))
    if holds("search_title"):
        texts.append(document.get("title") or "")
    best, stems = None, {}
    for text in texts:
        window = _marked_window(text, wanted, stems, served)
        if window and (best is None or window[:2] > best[:2]):
            best = window
    if best:
        return best[2]
    lead = words(document.get("summary") or "")
    return html.escape(" ".join(lead[:SNIPPET_WORDS])) + ("…" if len(lead) > SNIPPET_WORDS else "")
