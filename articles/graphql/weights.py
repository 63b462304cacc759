"""What the entries' costly fields weigh in a query's cost, in plain fields (a plain field, such
as a title read from an entry already loaded, costs 1). bench/graphql_cost.py prints each one's
time relative to a plain field; these are its figures at 10,000 entries on SQLite, rounded up
(docs/graphql.md, "Query cost"). Fields that a DataLoader serves for a whole list weigh once
per selection (``batched``)."""

from kernel.graphql import Weight

WEIGHTS: dict[str, Weight] = {
    # Each entry is built from its stored document (a JSON document of a few kilobytes): 4.8.
    "Article": Weight(5),
    # A search ranks its matches, then reads the page's documents and makes their snippets: 965.
    "Query.articles": Weight(1000, argument="filters.search"),
    "Vendor.articles": Weight(1000, argument="filters.search", batched=True),
    # With filters, the matches are counted, more of them as the archive grows: 3,073 (a
    # search's count stops at the matches it ranks: 176). Without, the kept counts are read.
    "ArticlePage.totalCount": Weight(3000, batched=True),
}
