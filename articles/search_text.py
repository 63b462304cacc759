"""The reader's side of full-text search: words, stemming, the query syntax, and snippets.

Words are folded and stemmed with the Snowball stemmer of the language a text is written in
(``snowballstemmer``), the same way for the index (``articles.search``) and for queries, so
both databases find the same entries. A query is parsed here once into a ``Query``, which
``articles.search`` compiles for each database. Snippets are cut from the document's own
text, so they show the reader's words, not stems.
"""

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

import snowballstemmer
from django.conf.locale import LANG_INFO
from django.utils.html import escape

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
    """``word`` (one token) as the index stores it in ``language``: lower case, stemmed, then
    without accents (so both databases fold them alike)."""
    word = unicodedata.normalize("NFKC", word).casefold()
    stemmer = _stemmer(language)
    stemmed = unicodedata.normalize("NFKD", stemmer.stemWord(word) if stemmer else word)
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


def _marked_window(text: str, language: str, wanted: set[str]):
    """The best window of ``text`` for ``wanted`` stems: (distinct, count, html) or None.
    Each distinct word is stemmed once, and only the window's words are located."""
    text = unicodedata.normalize("NFC", text or "")
    tokens = WORD.findall(text)
    stems = {word: stemmed for word in set(tokens) if (stemmed := stem(word, language)) in wanted}
    if not stems:
        return None
    hits = [i for i, word in enumerate(tokens) if word in stems]
    best = None
    for first in hits:
        start = max(0, min(first - 4, len(tokens) - SNIPPET_WORDS))
        inside = [i for i in hits if start <= i < start + SNIPPET_WORDS]
        key = (len({stems[tokens[i]] for i in inside}), len(inside))
        if best is None or key > best[0]:
            best = (key, start, set(inside))
    (distinct, count), start, marked = best
    end = min(start + SNIPPET_WORDS, len(tokens))
    window = islice(WORD.finditer(text), start, end)
    out, cursor = ["…" if start else ""], None
    for i, token in enumerate(window, start):
        if cursor is not None:
            out.append(escape(text[cursor : token.start()]))
        word = escape(token.group())
        out.append(f"<mark>{word}</mark>" if i in marked else word)
        cursor = token.end()
    out.append("…" if end < len(tokens) else escape(text[cursor:]).rstrip())
    return distinct, count, "".join(out).strip()


def snippet(query: Query, document: dict, language: str) -> str:
    """A short HTML-escaped passage of ``document`` with the reader's words in ``<mark>``:
    the one showing the most of them, from the summary, audience, signals, body or title."""
    served = text_language(document, language)
    wanted = query.stemmed(served).wanted()
    texts = [
        document.get("summary") or "",
        document.get("audience") or "",
        *document.get("signals", []),
        plain_text(document.get("body_html") or ""),
        document.get("title") or "",
    ]
    best = None
    for text in texts:
        window = _marked_window(text, served, wanted)
        if window and (best is None or window[:2] > best[:2]):
            best = window
    if best:
        return best[2]
    lead = words(texts[0])
    return escape(" ".join(lead[:SNIPPET_WORDS])) + ("…" if len(lead) > SNIPPET_WORDS else "")
