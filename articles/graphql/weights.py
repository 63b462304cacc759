"""What the entries' costly fields weigh in a query's cost, in plain fields (a plain field, such
as a title read from an entry already loaded, costs 1). bench/graphql_cost.py prints each one's
time relative to a plain field; these are its figures at 10,000 entries on SQLite, two runs,
rounded (bench/README.md; docs/graphql.md, "Query cost"). Fields that a DataLoader serves for a
whole list weigh once per selection (``batched``)."""

from kernel.graphql import Weight

WEIGHTS: dict[str, Weight] = {
    # Each entry is built from its stored document (JSON of a few kilobytes): 3.4 to 4.8.
    "Article": Weight(5),
    # A search ranks its matches, reads the page's documents, makes snippets: 965 to 1,069.
    "Query.articles": Weight(1000, argument="filters.search"),
    "Vendor.articles": Weight(1000, argument="filters.search", batched=True),
    # With filters, the matches are counted, more of them as the archive grows: 2,098 to 3,073
    # (a search's count, of the matches it ranks: 176 to 321). Without, the kept counts are read.
    "ArticlePage.totalCount": Weight(3000, batched=True),
}
