// Starts GraphiQL against the endpoint named on #graphiql. The query, variables and headers are
// kept in the address (?query=&variables=&headers=) so a query can be shared as a link.
(function () {
  "use strict";
  const root = document.getElementById("graphiql");
  const endpoint = root.dataset.endpoint;
  const params = new URLSearchParams(window.location.search);
  const EXAMPLE_QUERY = `# The newest public entries. Ctrl-Enter runs the query.
query Latest {
  articles(pagination: {limit: 5}) {
    totalCount
    results {
      slug
      publishedAt
      translation { language title }
      vendor { name }
    }
  }
}
`;

  function remember(key, value) {
    if (value) params.set(key, value);
    else params.delete(key);
    window.history.replaceState(null, "", "?" + params.toString());
  }

  function App() {
    const explorer = React.useMemo(() => GraphiQLPluginExplorer.explorerPlugin(), []);
    return React.createElement(GraphiQL, {
      fetcher: GraphiQL.createFetcher({ url: endpoint }),
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      query: params.get("query") || EXAMPLE_QUERY,
      variables: params.get("variables") || undefined,
      headers: params.get("headers") || undefined,
      onEditQuery: (value) => remember("query", value),
      onEditVariables: (value) => remember("variables", value),
      onEditHeaders: (value) => remember("headers", value),
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
    });
  }

  ReactDOM.createRoot(root).render(React.createElement(App));
})();
