// A minimal client for the public GraphQL API: no library, no cookies.

export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join(" "));
    this.errors = errors;
  }
}

/**
 * Run one GraphQL document. Queries go out as GET, which browsers and shared caches may keep
 * for a minute; `post` is for mutations and for anything private, such as a preview token.
 */
export async function graphql(endpoint, query, variables, { post = false } = {}) {
  const init = { headers: { Accept: "application/json" }, credentials: "omit" };
  const url = new URL(endpoint, window.location.href);
  if (post) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ query, variables });
  } else {
    url.searchParams.set("query", query);
    url.searchParams.set("variables", JSON.stringify(variables));
  }
  const response = await fetch(url, init);
  let body;
  try {
    body = await response.json();
  } catch {
    throw new GraphQLRequestError([{ message: `HTTP ${response.status}` }]);
  }
  if (body.errors && body.errors.length) throw new GraphQLRequestError(body.errors);
  return body.data;
}
