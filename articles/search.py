"""Full-text search over the live documents: one query syntax, one stemmer, two databases.

A document is indexed in four weighted fields (title; summary; audience and signals; body as
text), each stored as its words stemmed with the Snowball stemmer of the language its text is
written in (``snowballstemmer``; an entry served in a fallback language is indexed with that
language's rules). The database indexes those stemmed fields: an FTS5 table on SQLite, a
weighted ``tsvector`` with a GIN index on PostgreSQL, both kept current by triggers on the
document table (``install``). Queries are parsed here once, stemmed the same way, and compiled
into an FTS5 ``MATCH`` expression or a ``to_tsquery`` string built from quoted tokens only, so
both databases find the same entries. Snippets are cut here from the document's own text.
"""

import html
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice

import snowballstemmer
from django.conf.locale import LANG_INFO
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Case, F, FloatField, Func, Lookup, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.db.models.lookups import In
from django.utils.html import escape

from cms.languages import default_language

MAX_TERMS = 12
SNIPPET_WORDS = 24
FIELDS = ("search_title", "search_summary", "search_extra", "search_body")
# bm25 column weights in FTS_COLUMNS order (SQLite); ts_rank weights D, C, B, A (PostgreSQL).
BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0, 0.0)
TS_RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
FTS_TABLE = "articles_livedocument_search"
# The FTS5 table's columns: the search fields, then ``fallback`` (0 or 1) so that one MATCH can
# treat fallback documents apart; its bm25 weight is 0.
FTS_COLUMNS = (*FIELDS, "fallback")
DOCUMENT_TABLE = "articles_livedocument"

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


def _stemmed(text: str, language: str) -> str:
    return " ".join(stem(word, language) for word in words(text))


def plain_text(body_html: str) -> str:
    return html.unescape(TAG.sub(" ", body_html or ""))


def text_language(document: dict, language: str) -> str:
    """The language the document's text is written in (its served language)."""
    return document.get("language") or language


def index_fields(document: dict, language: str) -> dict[str, str]:
    """The search columns of a ``LiveDocument`` from its full document (the stored JSON)."""
    served = text_language(document, language)
    extra = "\n".join([document.get("audience") or "", *document.get("signals", [])])
    return {
        "search_title": _stemmed(document.get("title") or "", served),
        "search_summary": _stemmed(document.get("summary") or "", served),
        "search_extra": _stemmed(extra, served),
        "search_body": _stemmed(plain_text(document.get("body_html") or ""), served),
    }


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


def to_fts5(query: Query) -> str:
    """An FTS5 MATCH expression of a stemmed query: every token quoted, no reader's syntax."""

    def phrase(words_):
        return '"' + " ".join(words_) + '"'

    def either(phrases):
        return "(" + " OR ".join(phrase(p) for p in phrases) + ")"

    expression = " AND ".join(either(group) for group in query.required)
    if query.excluded:
        expression = f"({expression}) NOT {either(query.excluded)}"
    return expression


def to_tsquery(query: Query) -> str:
    """A ``to_tsquery('simple', ...)`` text of a stemmed query, lexemes quoted."""

    def phrase(words_):
        return "(" + " <-> ".join("'" + w.replace("'", "''") + "'" for w in words_) + ")"

    def either(phrases):
        return "(" + " | ".join(phrase(p) for p in phrases) + ")"

    parts = [either(group) for group in query.required]
    parts += ["!" + phrase(p) for p in query.excluded]
    return " & ".join(parts)


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


# --- The index in the database -------------------------------------------------------------

_SQLITE = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        {", ".join(FTS_COLUMNS)}, content='{DOCUMENT_TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {", ".join(FTS_COLUMNS)})
        VALUES (new.id, {", ".join("new." + f for f in FTS_COLUMNS)}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {", ".join(FTS_COLUMNS)})
        VALUES ('delete', old.id, {", ".join("old." + f for f in FTS_COLUMNS)}); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE ON {DOCUMENT_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {", ".join(FTS_COLUMNS)})
        VALUES ('delete', old.id, {", ".join("old." + f for f in FTS_COLUMNS)});
        INSERT INTO {FTS_TABLE}(rowid, {", ".join(FTS_COLUMNS)})
        VALUES (new.id, {", ".join("new." + f for f in FTS_COLUMNS)}); END""",
]
_VECTOR = " || ".join(
    f"setweight(to_tsvector('simple', coalesce(NEW.{name}, '')), '{weight}')"
    for name, weight in zip(FIELDS, "ABCD", strict=True)
)
_POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION {DOCUMENT_TABLE}_search_vector() RETURNS trigger AS $$
        BEGIN NEW.search_vector := {_VECTOR}; RETURN NEW; END $$ LANGUAGE plpgsql""",
    f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_search ON {DOCUMENT_TABLE}",
    f"""CREATE TRIGGER {DOCUMENT_TABLE}_search BEFORE INSERT OR UPDATE ON {DOCUMENT_TABLE}
        FOR EACH ROW EXECUTE FUNCTION {DOCUMENT_TABLE}_search_vector()""",
    f"""CREATE INDEX IF NOT EXISTS {DOCUMENT_TABLE}_search_idx
        ON {DOCUMENT_TABLE} USING gin (search_vector)""",
]


def install(db) -> None:
    """Create the index and the triggers that keep it current (idempotent). On SQLite a
    migration that rebuilds the document table drops its triggers: this puts them back and
    rebuilds the FTS index from the stored search columns."""
    with db.cursor() as cursor:
        tables = db.introspection.table_names(cursor)
        columns = (
            {c.name for c in db.introspection.get_table_description(cursor, DOCUMENT_TABLE)}
            if DOCUMENT_TABLE in tables
            else set()
        )
        if not columns.issuperset(FIELDS):
            return  # the database is at a migration before search
        if db.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{FTS_TABLE}_%"],
            )
            if cursor.fetchone()[0] == len(_SQLITE) - 1:
                return
            for statement in _SQLITE:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
        elif db.vendor == "postgresql":
            for statement in _POSTGRESQL:
                cursor.execute(statement)


def reindex(documents, *, batch_size: int = 1000) -> int:
    """Bring the search columns of ``documents`` (a LiveDocument queryset) in line with their
    stored JSON, after the indexing rules changed; returns how many changed."""
    changed, batch = 0, []
    rows = documents.only("pk", "language", "document", *FIELDS).order_by("pk")
    for row in rows.iterator(chunk_size=batch_size):
        fields = index_fields(json.loads(row.document), row.language)
        if any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            batch.append(row)
        if len(batch) == batch_size:
            changed += documents.model.objects.using(documents.db).bulk_update(batch, FIELDS)
            batch = []
    return changed + documents.model.objects.using(documents.db).bulk_update(batch, FIELDS)


def uninstall(db) -> None:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for action in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{action}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        elif db.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_search ON {DOCUMENT_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {DOCUMENT_TABLE}_search_vector()")
            cursor.execute(f"DROP INDEX IF EXISTS {DOCUMENT_TABLE}_search_idx")


# --- Queries -------------------------------------------------------------------------------


def _versions(query: Query, language: str) -> list[tuple[bool | None, Query]]:
    """The stemmed forms of ``query`` for documents in ``language``: documents whose text is
    their own are matched with that language's stems, fallback documents with the default
    language's (None: one form serves both)."""
    own = query.stemmed(language)
    other = query.stemmed(default_language())
    if other == own:
        return [(None, own)]
    return [(False, own), (True, other)]


def _fts5_match(query: Query, language: str) -> str:
    versions = _versions(query, language)
    if len(versions) == 1:
        return to_fts5(versions[0][1])
    return " OR ".join(
        f'(fallback : "{int(fallback)}" AND ({to_fts5(stemmed)}))' for fallback, stemmed in versions
    )


def _tsquery(stemmed: Query) -> SearchQuery:
    return SearchQuery(to_tsquery(stemmed), config="simple", search_type="raw")


def matching(query: Query, language: str) -> Q:
    """The condition on ``LiveDocument`` rows in ``language`` that match ``query``. On SQLite
    the matches are read from the index once; the unary ``+`` keeps the planner reading the
    documents in their list order rather than looking each match up."""
    if connection.vendor != "postgresql":
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        unindexed = Func(F("pk"), template="+%(expressions)s", output_field=models.IntegerField())
        return Q(In(unindexed, RawSQL(sql, [_fts5_match(query, language)])))
    condition = Q()
    for fallback, stemmed in _versions(query, language):
        branch = Q(search_vector=_tsquery(stemmed))
        condition |= branch if fallback is None else Q(fallback=fallback) & branch
    return condition


def _rank(stemmed: Query):
    """ts_rank as double precision: a real would come back rounded, and a cursor holding the
    rounded score would not find its row again."""
    rank = SearchRank(
        F("search_vector"), _tsquery(stemmed), weights=TS_RANK_WEIGHTS, normalization=Value(1)
    )
    return Cast(rank, FloatField())


def scored(documents, query: Query, language: str, *, newest: int | None = None):
    """``documents`` (in ``language``) that match ``query``, each with ``search_score``: how
    well it matches, higher is better (bm25 with column weights on SQLite; ts_rank with
    weights on PostgreSQL; the two scales differ). With ``newest``, only that many matches
    are kept, those written last (the highest document ids: the entries published or
    updated most recently), so a word found in most entries ranks a bounded set: the lowest
    id kept is found first (a query on PostgreSQL, a subquery on SQLite), and the ranking
    then reads only the index entries above it."""
    if connection.vendor != "postgresql":
        matched = documents.filter(fts__text__match=_fts5_match(query, language))
        position = "fts__position"
        bm25 = Func(
            F("fts__text"), *map(Value, BM25_WEIGHTS), function="bm25", output_field=FloatField()
        )
        score = -bm25
    else:
        matched = documents.filter(matching(query, language))
        position = "pk"
        versions = _versions(query, language)
        if len(versions) == 1:
            score = _rank(versions[0][1])
        else:
            (_own, own), (_fallback, other) = versions
            score = Case(
                When(fallback=True, then=_rank(other)),
                default=_rank(own),
                output_field=FloatField(),
            )
    if newest is not None:
        newest_first = matched.order_by(f"-{position}").values_list(position, flat=True)
        if connection.vendor == "postgresql":
            # A floor known when planning lets PostgreSQL bound the scan with it: one query.
            floor = newest_first[newest - 1 :].first()
            if floor is not None:
                matched = matched.filter(pk__gte=floor)
        else:
            # The index alone tells cheaply whether there are that many matches at all; only
            # then are the matches looked up in the documents for the floor, in a subquery.
            many = RawSQL(
                f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1 OFFSET %s)",
                [_fts5_match(query, language), newest - 1],
                output_field=models.BooleanField(),
            )
            floor = Coalesce(Subquery(newest_first[newest - 1 : newest]), 0)
            matched = matched.filter(fts__position__gte=Case(When(many, then=floor), default=0))
    return matched.annotate(search_score=score)


class Match(Lookup):
    """``fts__text__match=expression``: an FTS5 MATCH on the index table."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", [*lhs_params, *rhs_params]


class IndexColumn(models.TextField):
    """The FTS5 table's hidden column named like the table: MATCH on it searches every
    column, and the auxiliary functions (bm25) take it as their first argument."""


IndexColumn.register_lookup(Match)
