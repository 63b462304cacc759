"""Full-text search in the database: the index of the live documents, and queries on it.

A document is indexed in four weighted fields (title; summary; audience and signals; body as
text), each stored as its words stemmed (``articles.search_text``) with the rules of the
language its text is written in (an entry served in a fallback language is indexed with that
language's rules). The database indexes those stemmed fields: an FTS5 table on SQLite, a
weighted ``tsvector`` with a GIN index on PostgreSQL, both kept current by triggers on the
document table (``install``). A parsed ``Query`` is stemmed the same way and compiled into an
FTS5 ``MATCH`` expression or a ``to_tsquery`` string built from quoted tokens only, so both
databases find the same entries.
"""

import json

from django.apps import apps as installed_apps
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import DEFAULT_DB_ALIAS, connection, models, transaction
from django.db.models import Case, F, FloatField, Func, Lookup, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.lookups import In

from articles.search_text import (
    STEMMING_VERSIONS,
    Query,
    plain_text,
    stemmed_text,
    text_language,
)
from kernel.languages import default_language

FIELDS = ("search_title", "search_summary", "search_extra", "search_body")
# bm25 column weights in FTS_COLUMNS order (SQLite); ts_rank weights D, C, B, A (PostgreSQL).
BM25_WEIGHTS = (10.0, 4.0, 2.0, 1.0, 0.0)
TS_RANK_WEIGHTS = [0.1, 0.2, 0.4, 1.0]
FTS_TABLE = "articles_livedocument_search"
# The FTS5 table's columns: the search fields, then ``fallback`` (0 or 1) so that one MATCH can
# treat fallback documents apart; its bm25 weight is 0.
FTS_COLUMNS = (*FIELDS, "fallback")
# The weights written into the SQL: passed as parameters, they make bm25 a third slower.
_NEGATED_BM25 = f"-bm25(%(expressions)s, {', '.join(map(str, BM25_WEIGHTS))})"
DOCUMENT_TABLE = "articles_livedocument"


# --- The index in the database -------------------------------------------------------------


def index_fields(document: dict, language: str) -> dict[str, str]:
    """The search columns of a ``LiveDocument`` from its full document (the stored JSON)."""
    served = text_language(document, language)
    extra = "\n".join([document.get("audience") or "", *document.get("signals", [])])
    return {
        "search_title": stemmed_text(document.get("title") or "", served),
        "search_summary": stemmed_text(document.get("summary") or "", served),
        "search_extra": stemmed_text(extra, served),
        "search_body": stemmed_text(plain_text(document.get("body_html") or ""), served),
    }


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
# SQLite: the document columns a search checks for each match (its language and visibility,
# and the list order's tie-break), so a match is checked in this small index rather than in
# the document's row, which is mostly the stored JSON.
JOIN_INDEX = f"{DOCUMENT_TABLE}_search_join"
_SQLITE_JOIN_INDEX = f"""CREATE INDEX IF NOT EXISTS {JOIN_INDEX}
    ON {DOCUMENT_TABLE} (id, language, published_at, entry_id, vendor_id)"""
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
    migration that rebuilds the document table drops its triggers (and the join index):
    this puts them back and rebuilds the FTS index from the stored search columns."""
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
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [JOIN_INDEX])
            if not cursor.fetchone()[0]:
                # Without statistics the planner reads the documents' rows instead.
                cursor.execute(_SQLITE_JOIN_INDEX)
                cursor.execute(f"ANALYZE {JOIN_INDEX}")
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


def index_refresh(
    *, using: str = DEFAULT_DB_ALIAS, apps=installed_apps, batch_size: int = 1000
) -> int | None:
    """Rebuild the search columns when the word rules changed since they were built (the
    versions stored in ``SearchStemming`` differ from ``STEMMING_VERSIONS``). Returns how many
    documents changed, or None when the index was current. ``apps`` is a migration's historical
    registry when a migration runs it."""
    SearchStemming = apps.get_model("articles", "SearchStemming")
    stored = SearchStemming.objects.using(using).values_list("language", "version")
    if dict(stored) == STEMMING_VERSIONS:
        return None
    return index_rebuild(using=using, apps=apps, batch_size=batch_size)


def index_rebuild(
    *, using: str = DEFAULT_DB_ALIAS, apps=installed_apps, batch_size: int = 1000
) -> int:
    """Bring every document's search columns in line with the current word rules and store
    their versions; returns how many documents changed."""
    LiveDocument = apps.get_model("articles", "LiveDocument")
    SearchStemming = apps.get_model("articles", "SearchStemming")
    versions = SearchStemming.objects.using(using)
    with transaction.atomic(using=using):
        changed = reindex(LiveDocument.objects.using(using), batch_size=batch_size)
        versions.delete()
        versions.bulk_create(
            SearchStemming(language=language, version=version)
            for language, version in STEMMING_VERSIONS.items()
        )
    return changed


def uninstall(db) -> None:
    with db.cursor() as cursor:
        if db.vendor == "sqlite":
            for action in ("insert", "delete", "update"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{action}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP INDEX IF EXISTS {JOIN_INDEX}")
        elif db.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {DOCUMENT_TABLE}_search ON {DOCUMENT_TABLE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {DOCUMENT_TABLE}_search_vector()")
            cursor.execute(f"DROP INDEX IF EXISTS {DOCUMENT_TABLE}_search_idx")


# --- Compiling a query ---------------------------------------------------------------------


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


def _may_hold(query: Query, language: str, count: int) -> bool:
    """Whether ``count`` documents may match on SQLite: the index alone tells cheaply (it
    holds every language), before the matches are looked up in the documents."""
    sql = f"SELECT EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT 1 OFFSET %s)"
    with connection.cursor() as cursor:
        cursor.execute(sql, [_fts5_match(query, language), count - 1])
        return bool(cursor.fetchone()[0])


def scored(documents, query: Query, language: str, *, newest: int | None = None):
    """``documents`` (in ``language``) that match ``query``, each with ``search_score``: how
    well it matches, higher is better (bm25 with column weights on SQLite; ts_rank with
    weights on PostgreSQL; the two scales differ). With ``newest``, only that many matches
    are kept, those written last (the highest document ids: the entries published or
    updated most recently), so a word found in most entries ranks a bounded set."""
    if connection.vendor == "postgresql":
        return _scored_postgresql(documents, query, language, newest=newest)
    matched = documents.filter(fts__text__match=_fts5_match(query, language))
    if newest is not None and _may_hold(query, language, newest):
        # The lowest id kept, found once, bounds the index entries the ranking reads (the
        # page and its count alike).
        newest_first = matched.order_by("-fts__position").values_list("fts__position", flat=True)
        floor = newest_first[newest - 1 :].first()
        if floor is not None:
            matched = matched.filter(fts__position__gte=floor)
    score = Func(F("fts__text"), template=_NEGATED_BM25, output_field=FloatField())
    return matched.annotate(search_score=score)


def _scored_postgresql(documents, query: Query, language: str, *, newest: int | None):
    """The matches are found once, in a subquery (the newest ``newest`` of them, off the GIN
    index or the id index, whichever the planner prefers); the ranking reads only those."""
    matched = documents.filter(matching(query, language))
    if newest is not None:
        matched = documents.filter(pk__in=matched.order_by("-pk").values("pk")[:newest])
    versions = _versions(query, language)
    if len(versions) == 1:
        score = _rank(versions[0][1])
    else:
        (_own, own), (_fallback, other) = versions
        score = Case(
            When(fallback=True, then=_rank(other)), default=_rank(own), output_field=FloatField()
        )
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
