// The reader site: every page is one GraphQL query (plus the feedback mutation when sent).
import { graphql } from "./graphql.js";
import { labels } from "./labels.js";
import { feedbackForm } from "./feedback.js";
import { h, levelBadge, marked, pair } from "./dom.js";

const config = JSON.parse(document.getElementById("reader-config").textContent);
const params = new URLSearchParams(window.location.search);
// A release preview's token: every request and every link of the site keeps it.
const release = params.get("release");
const CODES = config.languages.map((language) => language.code);
const PAGE_SIZE = 20;

const enumOf = (code) => code.toUpperCase();
const codeOf = (value) => value.toLowerCase();
const languageName = (code, inLanguage) =>
  labels(inLanguage).languageNames[code] ||
  config.languages.find((language) => language.code === code)?.name ||
  code;
// Only web addresses become links: a source URL is data, and data never runs script.
const webUrl = (url) => (/^https?:\/\//i.test(url || "") ? url : null);
const inRelease = (url) => (release ? `${url}${url.includes("?") ? "&" : "?"}release=${encodeURIComponent(release)}` : url);
const entryUrl = (code, slug) => inRelease(`${config.readerUrl}${code}/${slug}/`);
const listUrl = (code, search = "") => inRelease(`${config.readerUrl}${code}/${search}`);
const formatDate = (iso, code) =>
  new Intl.DateTimeFormat(code, { dateStyle: "long", timeZone: "UTC" }).format(new Date(iso));

// The site's GraphQL documents, from reader/documents/ (with their persisted ids).
const DOCUMENTS = config.documents;

const main = document.getElementById("main");
const status = document.getElementById("status");

function fail(message, error) {
  status.textContent = error ? `${message} (${error.message})` : message;
  status.className = "status error";
  status.hidden = false;
  document.title = `${message} · AI News`;
}

function languageSwitch(lang, links) {
  const nav = document.getElementById("switch");
  nav.setAttribute("aria-label", labels(lang).languageNav);
  nav.replaceChildren(
    h("ul", {}, links.map(({ href, text, textLang, current }) =>
      h("li", {}, h("a", { href, lang: textLang, "aria-current": current ? "page" : null }, text)))),
  );
}

function served(code, translation) {
  const L = labels(code);
  const servedCode = codeOf(translation.language);
  if (!translation.fallback) return h("p", { class: "served" }, L.servedIn);
  return h("p", { class: "served fallback" },
    L.fallback(languageName(code, code), languageName(servedCode, code)));
}

/** The entry's dated corrections, clarifications and updates, oldest first. */
function notesSection(code, notes) {
  const L = labels(code);
  return [
    h("h2", {}, L.notes),
    h("ul", {}, notes.map((note) => h("li", { class: "note" },
      h("strong", {}, `${L.noteKinds[note.kind] || note.kind} `),
      h("time", { datetime: note.publishedAt }, formatDate(note.publishedAt, code)), ": ",
      h("span", { lang: codeOf(note.language) }, note.text)))),
  ];
}

/** schema.org JSON-LD for search engines, as the API built it (text, never markup), unless
 * the server put it in the page already. */
function structuredData(data) {
  if (document.querySelector('script[type="application/ld+json"]')) return;
  const script = h("script", { type: "application/ld+json" });
  script.textContent = JSON.stringify(data);
  document.head.append(script);
}

function scorecardSection(scorecard, L) {
  const { framework } = scorecard;
  const rule = (allowed, label, threshold, sentence) =>
    h("li", { class: allowed ? "rule allowed" : "rule refused" },
      h("strong", {}, `${label}: ${allowed ? L.yes : L.no}`),
      threshold ? h("span", {}, ` ${sentence(threshold.name)}`) : null);
  return h("section", { class: "card scorecard", "aria-labelledby": "scorecard-title" },
    h("h2", { id: "scorecard-title" }, L.scorecard(framework.name)),
    h("p", {}, `${L.framework} `, h("a", { href: webUrl(framework.url) }, framework.name)),
    h("dl", { class: "overall" },
      h("div", {}, h("dt", {}, L.overall), h("dd", {}, levelBadge(scorecard.overall, L))),
      h("div", {}, h("dt", {}, L.overallPre), h("dd", {}, levelBadge(scorecard.overallPreMitigation, L)))),
    h("div", { class: "table-scroll" }, h("table", {},
      h("caption", {}, L.ratings),
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, L.category), h("th", { scope: "col" }, L.pre), h("th", { scope: "col" }, L.post))),
      h("tbody", {}, scorecard.ratings.map((rating) => h("tr", {},
        h("th", { scope: "row" }, rating.category),
        h("td", {}, levelBadge(rating.preMitigation, L)),
        h("td", {}, levelBadge(rating.postMitigation, L))))))),
    h("h3", { id: "scale-title" }, L.scale),
    h("ul", { class: "scale", "aria-labelledby": "scale-title" },
      framework.scale.map((level) => h("li", {}, levelBadge(level, L)))),
    h("ul", { class: "rules" },
      rule(scorecard.mayDeploy, L.mayDeploy, framework.deployThreshold, L.deployRule),
      rule(scorecard.mayDevelop, L.mayDevelop, framework.developThreshold, L.developRule)));
}

function moreFromVendor(code, entry) {
  const L = labels(code);
  return [
    h("h2", {}, vendorMark(entry.vendor.logo), L.moreFrom(entry.vendor.name)),
    h("ul", { class: "more" }, entry.moreFromVendor.map((other) => h("li", {},
      h("a", { href: entryUrl(code, other.slug), lang: codeOf(other.translation.language) },
        other.translation.title),
      h("p", { lang: codeOf(other.translation.language) }, other.translation.summary)))),
    h("p", {}, h("a", { href: listUrl(code, `?vendor=${encodeURIComponent(entry.vendor.slug)}`) },
      L.allUpdates)),
  ];
}

// The entry column is at most 46rem wide (reader.css), the whole width on a phone; the
// server-rendered page (entry_text.html) uses the same sizes.
const PICTURE_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)";

/** An image's renditions by format, narrowest first. */
function byFormat(image) {
  const formats = {};
  for (const r of [...image.renditions].sort((a, b) => a.width - b.width)) {
    (formats[r.format] ||= []).push(r);
  }
  return formats;
}

const srcset = (list) => list.map((r) => `${r.url} ${r.width}w`).join(", ");

/** AVIF and WebP sources of a <picture>, for the formats the image has. */
function sources(formats, sizes) {
  return ["AVIF", "WEBP"].filter((f) => formats[f]).map((f) => h("source",
    { type: `image/${f.toLowerCase()}`, srcset: srcset(formats[f]), sizes }));
}

/** The vendor's mark before its name, 2rem high; decorative (the name follows), so no alt. */
function vendorMark(logo) {
  if (!logo || !logo.renditions.length) return null;
  const formats = byFormat(logo);
  const fallback = formats.JPEG || formats.PNG;
  const smallest = fallback[0];
  return h("picture", { class: "vendor-mark" },
    sources(formats, "2rem"),
    h("img", {
      src: smallest.url, srcset: srcset(fallback), sizes: "2rem", width: 32,
      height: Math.round((32 * smallest.height) / smallest.width), alt: "", loading: "lazy",
      decoding: "async",
    }));
}

/** The entry's image: AVIF, then WebP, then JPEG or PNG, each with all its widths. */
function picture(image) {
  if (!image || !image.renditions.length) return null;
  const formats = byFormat(image);
  const fallback = formats.JPEG || formats.PNG;
  const largest = fallback[fallback.length - 1];
  return h("figure", { class: "entry-image" },
    h("picture", {},
      sources(formats, PICTURE_SIZES),
      h("img", {
        src: largest.url, srcset: srcset(fallback), sizes: PICTURE_SIZES, width: largest.width,
        height: largest.height, alt: image.alt, lang: codeOf(image.language), loading: "lazy",
        decoding: "async",
      })),
    h("figcaption", {},
      image.caption && image.caption.text
        ? [h("span", { lang: image.caption.language ? codeOf(image.caption.language) : null },
          image.caption.text), " "]
        : null,
      h("small", {}, image.credit)));
}

async function showEntry() {
  const lang = config.lang;
  const L = labels(lang);
  const preview = params.get("preview");
  const both = params.get("view") === "both";
  const keep = preview ? `preview=${encodeURIComponent(preview)}` : "";
  const also = (url, more) => (more ? `${url}${url.includes("?") ? "&" : "?"}${more}` : url);
  languageSwitch(lang, [
    ...CODES.map((code) => ({
      href: also(entryUrl(code, config.slug), keep), text: languageName(code, code), textLang: code,
      current: !both && code === lang,
    })),
    { href: also(also(entryUrl(lang, config.slug), keep), "view=both"), text: L.sideBySide, current: both },
  ]);
  const fetched = shownLanguages(lang, both);
  if (preview) followTheDesk();
  // One request per language: each is a persisted GET any cache can keep (a preview: a POST).
  let answers;
  try {
    answers = await Promise.all(fetched.map((code) => preview
      ? graphql(config.graphqlUrl, DOCUMENTS.entry_preview,
        { slug: config.slug, language: enumOf(code), preview }, { post: true, release })
      : graphql(config.graphqlUrl, DOCUMENTS.entry, { slug: config.slug, language: enumOf(code) }, { release })));
  } catch (error) {
    return fail(L.loadFailed, error);
  }
  // The desk's typing, if it came first, is newer than the saved working copy fetched here.
  if (!deskUpdated) renderEntry(lang, Object.fromEntries(fetched.map((code, i) => [code, answers[i].article])));
}

const shownLanguages = (lang, both) => (both ? [lang, ...CODES.filter((code) => code !== lang)] : [lang]);

/** A preview shown beside the entry's form in the admin follows the editor's typing: the
 * admin (the page's parent, on this site's origin) posts the unsaved entry as the preview
 * query would answer it, per language, and says which language is being edited. */
let deskUpdated = false;

function followTheDesk() {
  if (window.parent === window) return;
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || event.origin !== window.location.origin) return;
    const message = event.data || {};
    if (message.type !== "ainews:preview" || !message.answers) return;
    deskUpdated = true;
    const lang = CODES.includes(message.language) ? message.language : config.lang;
    renderEntry(lang, Object.fromEntries(CODES.map((code) => [code, message.answers[code]?.article])));
  });
  // Ready: the admin sends what the editor typed before this page could listen.
  window.parent.postMessage({ type: "ainews:preview-ready" }, window.location.origin);
}

/** The entry in ``lang`` from the preview or entry query's answers by language. */
function renderEntry(lang, texts) {
  const L = labels(lang);
  const preview = params.get("preview");
  const both = params.get("view") === "both";
  const fetched = shownLanguages(lang, both);
  const entry = texts[lang];
  if (!entry || !entry.translation) return fail(L.notFound);
  document.documentElement.lang = lang;
  const content = (code) => codeOf(texts[code].translation.language);
  // One column per language actually served: a language served by fallback would repeat
  // another column word for word, so it is left out and the page says it is missing.
  const columns = CODES.filter((code) => fetched.includes(code) && code === content(code));
  if (!columns.length) columns.push(lang);
  const missing = both && !columns.includes(lang) ? served(lang, entry.translation) : null;
  const titles = new Set(columns.map((code) => texts[code].translation.title));
  const card = entry.scorecard;

  document.title = `${entry.translation.title} · AI News`;
  if (entry.structuredData) structuredData(entry.structuredData);
  const article = h("article", { class: both ? "entry both" : "entry" },
    preview ? h("p", { class: "preview-banner", role: "note" }, L.preview) : null,
    h("header", { class: "entry-head" },
      missing,
      pair(columns, (code) => [
        served(code, texts[code].translation),
        h("p", { class: "audience", lang: content(code) }, texts[code].translation.audience),
      ]),
      titles.size === 1
        ? h("h1", {}, h("span", { lang: content(columns[0]) }, entry.translation.title))
        : h("h1", { class: `pair cols-${columns.length}` }, columns.map((code) =>
          h("span", { lang: content(code) }, texts[code].translation.title))),
      pair(columns, (code) => h("p", { class: "meta" },
        `${entry.vendor.name} · ${labels(code).kinds[entry.kind] || entry.kind} · `,
        entry.publishedAt ? [`${labels(code).published} `,
          h("time", { datetime: entry.publishedAt }, formatDate(entry.publishedAt, code)), " · "] : null,
        entry.modifiedAt && entry.modifiedAt !== entry.publishedAt ? [`${labels(code).updated} `,
          h("time", { datetime: entry.modifiedAt }, formatDate(entry.modifiedAt, code)), " · "] : null,
        h("a", { href: webUrl(entry.sourceUrl) }, labels(code).source)))),
    picture(entry.image),
    h("section", { class: "signal", "aria-label": L.signal }, pair(columns, (code) => [
      h("h2", {}, labels(code).signal),
      h("ul", { lang: content(code) }, texts[code].signals.map((text) => h("li", {}, text))),
    ])),
    card && card.riskAreas.length ? h("section", { class: "card", "aria-labelledby": "risk-title" },
      h("h2", { id: "risk-title" }, L.riskAreas),
      h("ul", { class: "tags" }, card.riskAreas.map((area) => h("li", {}, area.name)))) : null,
    card ? scorecardSection(card, L) : null,
    h("section", { class: "body", "aria-label": L.body }, pair(columns, (code) => {
      const body = h("div", { class: "prose", lang: content(code) });
      body.innerHTML = texts[code].translation.bodyHtml; // sanitised by the API
      return body;
    })),
    entry.notes.length ? h("section", { class: "notes", "aria-label": L.notes },
      pair(columns, (code) => notesSection(code, texts[code].notes))) : null,
    // The source's authors are the same in every language: listed once.
    h("section", { class: "authors", "aria-labelledby": "authors-title" },
      h("h2", { id: "authors-title" }, L.authors),
      h("ul", {}, entry.authors.map((author) => h("li", {}, author)))),
    // A release preview only reads: no feedback (its mutation would be refused).
    release ? null : feedbackForm({ config, lang, slug: preview ? null : entry.slug }),
    entry.moreFromVendor.length
      ? h("section", { class: "more-from", "aria-label": L.moreFrom(entry.vendor.name) },
        pair(columns, (code) => moreFromVendor(code, texts[code])))
      : null,
  );
  status.remove();
  // The text the server filled in for readers without JavaScript gives way to the full page.
  document.getElementById("entry-text")?.remove();
  main.querySelector("article.entry")?.remove(); // a preview the desk updated
  main.append(article);
}

/** The API's complaint about the search typed, if that is why the list failed. */
function searchProblem(error) {
  const refused = (error.errors || []).map((problem) => problem.extensions || {})
    .find((extensions) => extensions.code === "BAD_USER_INPUT" && extensions.fields?.["filters.search"]);
  return refused ? refused.fields["filters.search"] : null;
}

async function showList() {
  // The server chose the language of a list without one in its address from the browser's.
  const lang = config.lang || document.documentElement.lang;
  const L = labels(lang);
  const page = Math.max(1, Number.parseInt(params.get("page") || "1", 10) || 1);
  const vendor = params.get("vendor") || "";
  const search = (params.get("q") || "").trim();
  const query = (changes) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const text = next.toString();
    return text ? `?${text}` : "";
  };
  languageSwitch(lang, CODES.map((code) => ({
    href: `${config.readerUrl}${code}/${query({ page: null })}`, text: languageName(code, code),
    textLang: code, current: code === lang,
  })));
  const filters = {};
  if (vendor) filters.vendors = [vendor];
  if (search) filters.search = search;
  let data;
  let problems = null;
  try {
    data = await graphql(config.graphqlUrl, DOCUMENTS.list, {
      language: enumOf(lang), filters, vendor, withVendor: Boolean(vendor),
      pagination: { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE },
    }, { release });
  } catch (error) {
    problems = searchProblem(error);
    if (!problems) return fail(L.loadFailed, error);
  }
  const { totalCount, results } = data ? data.articles : { totalCount: 0, results: [] };
  const pages = Math.max(1, Math.ceil(totalCount / PAGE_SIZE));
  const vendorName = data && data.vendor ? data.vendor.name : null;
  let title = vendorName ? L.updatesFrom(vendorName) : L.latest;
  if (problems) title = L.searchTitle;
  else if (search) title = L.results(totalCount, search);
  document.title = `${title} · AI News`;
  const item = (entry) => h("li", { class: "card" },
    h("h2", {}, h("a", { href: entryUrl(lang, entry.slug), lang: codeOf(entry.translation.language) },
      entry.translation.title)),
    h("p", { class: "meta" },
      `${entry.vendor.name} · ${L.kinds[entry.kind] || entry.kind} · `,
      h("time", { datetime: entry.publishedAt }, formatDate(entry.publishedAt, lang)),
      entry.translation.fallback ? [" · ", h("span", { class: "served fallback" },
        L.onlyIn(languageName(codeOf(entry.translation.language), lang)))] : null),
    // A search shows why the entry matched: its passage with the words found marked.
    entry.search
      ? h("p", { class: "snippet", lang: codeOf(entry.translation.language) }, marked(entry.search.snippet))
      : h("p", { lang: codeOf(entry.translation.language) }, entry.translation.summary));
  const error = problems
    ? h("p", { class: "field-error", id: "search-error", role: "alert" },
      problems.map((message) => L.searchError(message)).join(" "))
    : null;
  status.remove();
  const shown = [
    h("h1", {}, title),
    search && vendorName ? h("p", { class: "lead" }, L.updatesFrom(vendorName)) : null,
    !search && data.vendor && data.vendor.description ? h("p", { class: "lead" }, data.vendor.description) : null,
    h("form", { class: "search", role: "search", method: "get" },
      vendor ? h("input", { type: "hidden", name: "vendor", value: vendor }) : null,
      release ? h("input", { type: "hidden", name: "release", value: release }) : null,
      h("label", { for: "search" }, L.search),
      h("input", {
        id: "search", type: "search", name: "q", value: search, maxlength: "200",
        "aria-invalid": problems ? "true" : null, "aria-describedby": problems ? "search-error" : null,
      }),
      h("button", { type: "submit" }, L.searchButton),
      error),
    problems || search ? null : h("p", { class: "count", role: "status" }, L.count(totalCount)),
    problems ? null : h("ol", { class: "entries" }, results.map(item)),
    pages > 1 ? h("nav", { class: "pages", "aria-label": L.pages },
      page > 1 ? h("a", { href: query({ page: page > 2 ? String(page - 1) : null }), rel: "prev" }, L.newer) : null,
      h("span", {}, L.pageOf(page, pages)),
      page < pages ? h("a", { href: query({ page: String(page + 1) }), rel: "next" }, L.older) : null) : null,
  ];
  main.append(...shown.filter(Boolean));
  if (problems) document.getElementById("search").focus();
}

if (config.page === "entry") showEntry();
else showList();
