// Building the page from data: text always goes in as text, never as markup.

/** An element with attributes (null, undefined and false leave one out) and children. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : value);
  }
  const kept = children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false);
  element.append(...kept);
  return element;
}

/** One column per language, side by side when there are several (stacked on a phone). */
export function pair(codes, render) {
  return h("div", { class: `pair cols-${codes.length}` },
    codes.map((code) => h("div", { class: "col", lang: code }, render(code))));
}

/** A risk level as a badge coloured by its rank (0 is the lowest risk). */
export function levelBadge(level, L) {
  if (!level) return h("span", { class: "level" }, L.none);
  return h("span", { class: `level rank-${Math.min(level.rank, 3)}` }, level.name);
}

/**
 * A search snippet (the API's HTML: escaped text, the words found in <mark>) as nodes: only
 * <mark> is kept and everything else becomes text, so nothing in it can run or restyle the page.
 * DOMParser's document is inert: it runs no script and loads nothing.
 */
export function marked(snippet) {
  const parsed = new DOMParser().parseFromString(snippet, "text/html");
  return [...parsed.body.childNodes].map((node) =>
    node.nodeName === "MARK" ? h("mark", {}, node.textContent) : node.textContent);
}
