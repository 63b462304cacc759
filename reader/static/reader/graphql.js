// A minimal client for the public GraphQL API: no library, no cookies.

export class GraphQLRequestError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join(" "));
    this.errors = errors;
  }
}

async function send(url, init) {
  const response = await fetch(url, init);
  let body;
  try {
    body = await response.json();
  } catch {
    throw new GraphQLRequestError([{ message: `HTTP ${response.status}` }]);
  }
  return body;
}

const notPersisted = (body) =>
  (body.errors || []).some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND");

/**
 * Run one of the site's documents ({ id, query }, from reader/documents/). A persisted query
 * goes out as GET with its id (`documentId`, parameters in the canonical order), which browsers
 * and shared caches may keep; if the server does not know the id, as GET with its text.
 * `post` is for mutations and for anything private, such as a preview token. `release` (a
 * release preview's token) goes in the address of every request: the answer shows the release
 * as it will be, and no cache keeps it.
 */
export async function graphql(endpoint, document, variables, { post = false, release = null } = {}) {
  const init = { headers: { Accept: "application/json" }, credentials: "omit" };
  const url = new URL(endpoint, window.location.href);
  const inRelease = () => { if (release) url.searchParams.set("release", release); };
  inRelease();
  let body;
  if (post) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ query: document.query, variables });
    body = await send(url, init);
  } else {
    if (document.id) {
      url.searchParams.set("documentId", document.id);
      url.searchParams.set("variables", JSON.stringify(variables));
      body = await send(url, init);
    }
    if (!document.id || notPersisted(body)) {
      url.search = "";
      inRelease();
      url.searchParams.set("query", document.query);
      url.searchParams.set("variables", JSON.stringify(variables));
      body = await send(url, init);
    }
  }
  if (body.errors && body.errors.length) throw new GraphQLRequestError(body.errors);
  return body.data;
}
