// The reader site's own words, per interface language. Entry texts come from the API.

/** "Preparedness Framework" -> "Preparedness", as the framework's scorecard is called. */
const shortFramework = (name) => name.replace(/\s+framework$/i, "");

/** The text for an API message a pattern knows, else undefined. */
const translated = (message, patterns) => {
  for (const [pattern, text] of patterns) {
    const match = pattern.exec(message);
    if (match) return text(...match.slice(1));
  }
  return undefined;
};

// The search syntax's messages (articles/search_text.py), which the API gives in English.
const NL_SEARCH_ERRORS = [
  [/^Close the quoted phrase with a second "\.$/, () => 'Sluit de zin tussen aanhalingstekens af met een tweede ".'],
  [/^Use "or" between words or phrases to search for, not next to an excluded one\.$/,
    () => 'Zet "or" tussen woorden of zinnen om naar te zoeken, niet naast een uitgesloten woord.'],
  [/^Put a word or phrase to search for on both sides of "or"\.$/,
    () => 'Zet aan beide kanten van "or" een woord of zin om naar te zoeken.'],
  [/^Give at least one word to search for\.$/, () => "Geef minstens één woord om naar te zoeken."],
  [/^Use at most (\d+) words\.$/, (n) => `Gebruik hoogstens ${n} woorden.`],
];

const EN = {
  loading: "Loading…",
  sideBySide: "Side by side",
  languageNav: "Language",
  servedIn: "In English",
  languageNames: { en: "English", nl: "Dutch" },
  onlyIn: (language) => `Only in ${language}`,
  fallback: (requested, served) => `Not available in ${requested}: shown in ${served}.`,
  preview: "Preview: this entry may not be public yet. Do not share this link.",
  published: "Published",
  updated: "Updated",
  notes: "Corrections and updates",
  noteKinds: { CORRECTION: "Correction", CLARIFICATION: "Clarification", UPDATE: "Update" },
  source: "Read the original",
  signal: "Quick editorial signal",
  riskAreas: "Specific areas of risk",
  scorecard: (framework) => `${shortFramework(framework)} Scorecard`,
  framework: "Rated under",
  overall: "Overall rating, after mitigation",
  overallPre: "Before mitigation",
  ratings: "Ratings per category",
  scale: "Scorecard ratings",
  category: "Category",
  pre: "Before mitigation",
  post: "After mitigation",
  none: "none",
  mayDeploy: "May be deployed",
  mayDevelop: "May be developed further",
  yes: "yes",
  no: "no",
  deployRule: (level) => `Only models with a post-mitigation score of "${level}" or below can be deployed.`,
  developRule: (level) =>
    `Only models with a post-mitigation score of "${level}" or below can be developed further.`,
  body: "Article",
  authors: "Authors",
  feedbackTitle: "Help shape what we cover next",
  feedbackIntro: "Anonymous feedback, no frontend account needed.",
  kindLabel: "What is it about?",
  feedbackKinds: { TOPIC_REQUEST: "A topic we should cover", CORRECTION: "A correction", GENERAL: "Something else" },
  message: "Your message",
  honeypot: "Leave this field empty",
  send: "Send feedback",
  sending: "Sending…",
  thanks: "Thank you: your feedback was received.",
  throttled: (seconds) => `Too many messages at once. Try again in ${seconds} seconds.`,
  sendFailed: "Your feedback could not be sent. Try again later.",
  moreFrom: (vendor) => `More from ${vendor}`,
  allUpdates: "All updates",
  notFound: "This entry does not exist or is not public.",
  loadFailed: "The page could not be loaded.",
  latest: "Latest updates",
  updatesFrom: (vendor) => `Updates from ${vendor}`,
  count: (n) => (n === 1 ? "1 entry" : `${n} entries`),
  results: (n, query) => `${n === 1 ? "1 result" : `${n} results`} for “${query}”`,
  search: "Search entries",
  searchTitle: "Search",
  searchError: (message) => message,
  searchButton: "Search",
  pages: "Pages",
  newer: "Newer",
  older: "Older",
  pageOf: (page, pages) => `Page ${page} of ${pages}`,
  kinds: {
    SYSTEM_CARD: "System card", MODEL_RELEASE: "Model release", PRODUCT_UPDATE: "Product update",
    RESEARCH: "Research", PARTNERSHIP: "Partnership", CUSTOMER_STORY: "Customer story",
    POLICY: "Policy", SECURITY: "Security", OPEN_SOURCE: "Open source",
  },
};

const NL = {
  ...EN,
  loading: "Laden…",
  sideBySide: "Naast elkaar",
  languageNav: "Taal",
  servedIn: "In het Nederlands",
  languageNames: { en: "Engels", nl: "Nederlands" },
  onlyIn: (language) => `Alleen in het ${language}`,
  fallback: (requested, served) => `Niet beschikbaar in het ${requested}: getoond in het ${served}.`,
  preview: "Voorbeeld: dit bericht is mogelijk nog niet openbaar. Deel deze link niet.",
  published: "Gepubliceerd",
  updated: "Bijgewerkt",
  notes: "Correcties en updates",
  noteKinds: { CORRECTION: "Correctie", CLARIFICATION: "Verduidelijking", UPDATE: "Update" },
  source: "Lees het origineel",
  signal: "Snelle redactionele duiding",
  riskAreas: "Specifieke risicogebieden",
  scorecard: (framework) => `${shortFramework(framework)}-scorekaart`,
  framework: "Beoordeeld volgens",
  overall: "Totaalscore, na mitigatie",
  overallPre: "Voor mitigatie",
  ratings: "Scores per categorie",
  scale: "Scores op de scorekaart",
  category: "Categorie",
  pre: "Voor mitigatie",
  post: "Na mitigatie",
  none: "geen",
  mayDeploy: "Mag worden ingezet",
  mayDevelop: "Mag verder worden ontwikkeld",
  yes: "ja",
  no: "nee",
  deployRule: (level) => `Alleen modellen met een score na mitigatie van "${level}" of lager mogen worden ingezet.`,
  developRule: (level) =>
    `Alleen modellen met een score na mitigatie van "${level}" of lager mogen verder worden ontwikkeld.`,
  body: "Artikel",
  authors: "Auteurs",
  feedbackTitle: "Help bepalen wat we hierna volgen",
  feedbackIntro: "Anonieme feedback, zonder front-end account.",
  kindLabel: "Waar gaat het over?",
  feedbackKinds: { TOPIC_REQUEST: "Een onderwerp dat we moeten volgen", CORRECTION: "Een correctie", GENERAL: "Iets anders" },
  message: "Je bericht",
  honeypot: "Laat dit veld leeg",
  send: "Feedback versturen",
  sending: "Bezig met versturen…",
  thanks: "Dank je: je feedback is ontvangen.",
  throttled: (seconds) => `Te veel berichten tegelijk. Probeer het over ${seconds} seconden opnieuw.`,
  sendFailed: "Je feedback kon niet worden verstuurd. Probeer het later opnieuw.",
  moreFrom: (vendor) => `Meer van ${vendor}`,
  allUpdates: "Alle updates",
  notFound: "Dit bericht bestaat niet of is niet openbaar.",
  loadFailed: "De pagina kon niet worden geladen.",
  latest: "Laatste updates",
  updatesFrom: (vendor) => `Updates van ${vendor}`,
  count: (n) => (n === 1 ? "1 bericht" : `${n} berichten`),
  results: (n, query) => `${n === 1 ? "1 resultaat" : `${n} resultaten`} voor “${query}”`,
  search: "Berichten zoeken",
  searchTitle: "Zoeken",
  searchError: (message) => translated(message, NL_SEARCH_ERRORS) ||
    "Deze zoekopdracht kan niet worden gelezen: sluit aanhalingstekens af en zet \"or\" tussen twee woorden.",
  searchButton: "Zoeken",
  pages: "Pagina's",
  newer: "Nieuwer",
  older: "Ouder",
  pageOf: (page, pages) => `Pagina ${page} van ${pages}`,
  kinds: {
    SYSTEM_CARD: "Systeemkaart", MODEL_RELEASE: "Modelrelease", PRODUCT_UPDATE: "Productupdate",
    RESEARCH: "Onderzoek", PARTNERSHIP: "Samenwerking", CUSTOMER_STORY: "Klantverhaal",
    POLICY: "Beleid", SECURITY: "Beveiliging", OPEN_SOURCE: "Open source",
  },
};

const LABELS = { en: EN, nl: NL };

/** The labels for an interface language; English for a language without its own. */
export function labels(code) {
  return LABELS[code] || EN;
}
