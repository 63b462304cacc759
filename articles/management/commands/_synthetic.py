"""Synthetic entry text in English and Dutch for ``generate_articles``, from word lists.

Bodies are Markdown of about 1.5 KB: a lead paragraph, a heading, paragraphs with links and a
list. They are assembled from blocks drawn from a fixed pool per language, so each block is
rendered once for the whole run: Markdown renders blank-line separated blocks independently and
joins them with a newline, so the joined block HTML is exactly ``render_markdown(body)`` (the
test suite checks this on generated entries).

Search terms the benchmarks rely on: ``release`` is in about 80 % of summaries (every
language), and a product name such as ``capella-3`` (40 names x 9 versions) is in about 0.3 % of
titles.
"""

import random
from dataclasses import dataclass

from articles.rendering import render_markdown

PRODUCT_NAMES = [
    "Altair", "Antares", "Arcturus", "Bellatrix", "Betelgeuse", "Canopus", "Capella", "Castor",
    "Deneb", "Electra", "Fomalhaut", "Hadar", "Izar", "Kochab", "Lyra", "Merak", "Mimosa",
    "Mizar", "Nashira", "Naos", "Orion", "Pollux", "Procyon", "Regulus", "Rigel", "Sirius",
    "Spica", "Tarazed", "Thuban", "Vega", "Wezen", "Zaniah", "Alcor", "Atlas", "Carina", "Draco",
    "Hydra", "Lupus", "Phoenix", "Sadr",
]  # fmt: skip
AUTHORS = [
    "Ada Jansen", "Noor de Vries", "Sam Okafor", "Lena Fischer", "Ravi Patel", "Mia Chen",
    "Tom Bakker", "Sofia Rossi", "Daan Visser", "Grace Liu", "Omar Haddad", "Eva Smit",
]  # fmt: skip

WORDS = {
    "en": {
        "noun": [
            "latency", "the context window", "pricing", "rate limits", "tool calling",
            "the evaluation results", "safety testing", "token throughput", "the documentation",
            "the SDK", "batch jobs", "fine-tuning", "multilingual support", "audit logging",
            "data retention", "structured output", "the model card", "prompt caching",
            "streaming", "the usage dashboard", "regional hosting", "image input",
            "function schemas", "the refusal rate", "long-document recall",
        ],
        "adj": [
            "faster", "cheaper", "more reliable", "stricter", "clearer", "broader", "slower",
            "more predictable", "better documented", "more expensive",
        ],
        "team": [
            "developers", "platform teams", "security reviewers", "data scientists",
            "support teams", "procurement", "researchers", "small startups",
            "enterprise customers", "educators",
        ],
        "time": [
            "this quarter", "from next month", "immediately", "after a short preview",
            "in most regions", "for paying customers first", "over the coming weeks",
            "before the end of the year",
        ],
        "verb": [
            "improves", "changes", "replaces", "limits", "extends", "simplifies", "affects",
            "doubles", "halves", "reworks",
        ],
        "title_verb": [
            "launches", "updates", "open-sources", "expands", "previews", "ships", "reprices",
            "retires", "benchmarks", "documents",
        ],
        "subject": [
            "reasoning model", "coding assistant", "agent toolkit", "embedding API",
            "speech model", "vision model", "eval suite", "safety framework", "fine-tuning API",
            "batch API",
        ],
        "link": ["the announcement", "the changelog", "the pricing page", "the system card"],
    },
    "nl": {
        "noun": [
            "de latentie", "het contextvenster", "de prijs", "de limieten",
            "het aanroepen van tools", "de evaluatieresultaten", "de veiligheidstests",
            "de doorvoer", "de documentatie", "de SDK", "batchtaken", "fine-tuning",
            "meertalige ondersteuning", "de auditlogs", "de bewaartermijn",
            "gestructureerde uitvoer", "de modelkaart", "promptcaching", "streaming",
            "het gebruiksdashboard", "regionale hosting", "beeldinvoer", "functieschema's",
            "het weigerpercentage", "het geheugen voor lange documenten",
        ],
        "adj": [
            "sneller", "goedkoper", "betrouwbaarder", "strenger", "duidelijker", "breder",
            "trager", "voorspelbaarder", "beter gedocumenteerd", "duurder",
        ],
        "team": [
            "ontwikkelaars", "platformteams", "securityreviewers", "datawetenschappers",
            "supportteams", "inkopers", "onderzoekers", "kleine startups", "zakelijke klanten",
            "docenten",
        ],
        "time": [
            "dit kwartaal", "vanaf volgende maand", "per direct", "na een korte preview",
            "in de meeste regio's", "eerst voor betalende klanten", "in de komende weken",
            "voor het einde van het jaar",
        ],
        "verb": [
            "verbetert", "verandert", "vervangt", "beperkt", "verlengt", "vereenvoudigt",
            "raakt", "verdubbelt", "halveert", "herziet",
        ],
        "title_verb": [
            "lanceert", "vernieuwt", "publiceert", "verbetert", "toont", "test", "stopt met",
            "documenteert", "verbreedt", "prijst opnieuw",
        ],
        "subject": [
            "redeneermodel", "programmeerassistent", "agenttoolkit", "embedding-API",
            "spraakmodel", "beeldmodel", "evaluatiesuite", "veiligheidskader",
            "fine-tuning-API", "batch-API",
        ],
        "link": ["de aankondiging", "de changelog", "de prijspagina", "de systeemkaart"],
    },
}  # fmt: skip

SENTENCES = {
    "en": [
        "{Noun} is {adj} than in the previous version, according to the vendor.",
        "{Team} will notice {time} that {noun} {verb} {noun2}.",
        "The update {verb} {noun} for {team}, {time}.",
        "Independent tests suggest {noun} is {adj}, but {noun2} still lags behind.",
        "According to [{link}]({url}), {noun} {verb} {noun2}.",
        "{Team} should check {noun} before migrating, as {noun2} {verb} existing setups.",
        "Early users report that {noun} is noticeably {adj}.",
        "The vendor says {noun} stays unchanged {time}; see [{link}]({url}).",
    ],
    "nl": [
        "{Noun} is {adj} dan in de vorige versie, aldus de leverancier.",
        "{Team} merken {time} dat {noun} {noun2} {verb}.",
        "De update {verb} {noun} voor {team}, {time}.",
        "Onafhankelijke tests wijzen erop dat {noun} {adj} is, maar {noun2} blijft achter.",
        "Volgens [{link}]({url}) {verb} {noun} {noun2}.",
        "{Team} controleren {noun} het best voor de overstap, "
        "want {noun2} {verb} bestaande opstellingen.",
        "Vroege gebruikers melden dat {noun} merkbaar {adj} is.",
        "Volgens de leverancier blijft {noun} {time} ongewijzigd; zie [{link}]({url}).",
    ],
}  # fmt: skip
ITEMS = {
    "en": ["{Noun} is {adj}", "Check {noun} {time}", "{Noun} {verb} {noun2}",
           "Read [{link}]({url})"],
    "nl": ["{Noun} is {adj}", "Controleer {noun} {time}", "{Noun} {verb} {noun2}",
           "Lees [{link}]({url})"],
}  # fmt: skip
HEADINGS = {
    "en": [
        "What changes", "Why it matters", "What to check before upgrading",
        "Pricing and availability", "How it compares", "Known limitations", "What we tested",
    ],
    "nl": [
        "Wat er verandert", "Waarom het ertoe doet", "Wat je controleert voor de upgrade",
        "Prijs en beschikbaarheid", "Hoe het zich verhoudt", "Bekende beperkingen",
        "Wat we testten",
    ],
}  # fmt: skip
HEADING_FOR = {"en": "for", "nl": "voor"}
SUMMARIES = {
    "en": [
        "The release makes {noun} {adj} for {team}.",
        "With this release, {noun} {verb} {noun2} {time}.",
        "This release changes {noun} and {noun2} for {team}.",
        "A {adj} release: {noun} {verb} {noun2}.",
        "{Noun} {verb} {noun2} {time}, the vendor says.",
    ],
    "nl": [
        "De release maakt {noun} {adj} voor {team}.",
        "Met deze release {verb} {noun} {noun2} {time}.",
        "Deze release verandert {noun} en {noun2} voor {team}.",
        "Een release die {noun} {adj} maakt: {noun2} gaat mee.",
        "{Noun} {verb} {noun2} {time}, aldus de leverancier.",
    ],
}  # fmt: skip
SIGNALS = {
    "en": ["{Noun} is {adj} than before.", "Matters most for {team}.", "Check {noun} {time}.",
           "{Noun} {verb} {noun2}.", "Plan for {noun} changing {time}."],
    "nl": ["{Noun} is {adj} dan voorheen.", "Vooral van belang voor {team}.",
           "Controleer {noun} {time}.", "{Noun} {verb} {noun2}.",
           "Houd rekening met {noun} {time}."],
}  # fmt: skip
AUDIENCES = {
    "en": [
        "Relevant if you build with AI tools, APIs, or coding agents.",
        "Relevant if you run models in production.",
        "Relevant for teams that buy AI services.",
        "Relevant if you evaluate model safety.",
    ],
    "nl": [
        "Relevant als je bouwt met AI-tools, API's of programmeeragents.",
        "Relevant als je modellen in productie draait.",
        "Relevant voor teams die AI-diensten inkopen.",
        "Relevant als je de veiligheid van modellen beoordeelt.",
    ],
}  # fmt: skip
POOL = {"paragraph": 1500, "list": 400}


@dataclass(frozen=True)
class Texts:
    """One language's texts of an entry."""

    title: str
    summary: str
    audience: str
    body: str
    body_html: str
    signals: list[str]


class SyntheticText:
    """Deterministic text for a seed. ``entry`` draws from the caller's random generator."""

    def __init__(self, seed: int):
        rng = random.Random(f"text-{seed}")
        self.pools = {
            language: {
                "paragraph": [
                    " ".join(
                        self.fill(rng, language, SENTENCES[language], n)
                        for n in range(rng.randint(3, 4))
                    )
                    for _ in range(POOL["paragraph"])
                ],
                "list": [
                    "\n".join(
                        "- " + self.fill(rng, language, ITEMS[language], n)
                        for n in range(rng.randint(3, 4))
                    )
                    for _ in range(POOL["list"])
                ],
            }
            for language in WORDS
        }
        self.rendered: dict[str, str] = {}

    @staticmethod
    def fill(rng: random.Random, language: str, templates: list[str], n: int = 0) -> str:
        words = WORDS[language]
        noun, noun2 = rng.sample(words["noun"], 2)
        text = rng.choice(templates).format(
            noun=noun,
            Noun=noun[0].upper() + noun[1:],
            noun2=noun2,
            adj=rng.choice(words["adj"]),
            team=(team := rng.choice(words["team"])),
            Team=team[0].upper() + team[1:],
            time=rng.choice(words["time"]),
            verb=rng.choice(words["verb"]),
            link=rng.choice(words["link"]),
            url=f"https://example.com/{language}/notes/{rng.randrange(100_000)}?ref={n}",
        )
        return text[0].upper() + text[1:]

    def html(self, block: str) -> str:
        if block not in self.rendered:
            self.rendered[block] = render_markdown(block)
        return self.rendered[block]

    def body(self, rng: random.Random, language: str) -> tuple[str, str]:
        pool = self.pools[language]
        team = rng.choice(WORDS[language]["team"])
        paragraphs = rng.sample(pool["paragraph"], 4)
        blocks = [
            paragraphs[0],
            f"## {rng.choice(HEADINGS[language])} {HEADING_FOR[language]} {team}",
            paragraphs[1],
            rng.choice(pool["list"]),
            paragraphs[2],
            paragraphs[3],
        ]
        return "\n\n".join(blocks), "\n".join(self.html(block) for block in blocks)

    def entry(self, rng: random.Random, vendor: str) -> dict[str, Texts]:
        product = f"{rng.choice(PRODUCT_NAMES)}-{rng.randint(1, 9)}"
        subject = rng.randrange(len(WORDS["en"]["subject"]))
        verb = rng.randrange(len(WORDS["en"]["title_verb"]))
        texts = {}
        for language, words in WORDS.items():
            title_verb, thing = words["title_verb"][verb], words["subject"][subject]
            title = (
                f"{vendor} {title_verb} {product} {thing}"
                if language == "en"
                else f"{vendor} {title_verb} {thing} {product}"
            )
            body, body_html = self.body(rng, language)
            texts[language] = Texts(
                title=title,
                summary=self.fill(rng, language, SUMMARIES[language]),
                audience=rng.choice(AUDIENCES[language]),
                body=body,
                body_html=body_html,
                signals=[self.fill(rng, language, SIGNALS[language]) for _ in range(3)],
            )
        return texts

    @staticmethod
    def authors(rng: random.Random) -> str:
        return ", ".join(rng.sample(AUTHORS, rng.randint(1, 2)))
