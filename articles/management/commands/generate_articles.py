"""Generate N synthetic public entries for benchmarks and scale tests.

Realistic shape: English and Dutch texts (Markdown bodies of about 1.5 KB with a heading, links
and a list), 3 signal bullets per language, 1-3 topics, a scorecard with risk areas on about
30 % of entries. Deterministic for a given --seed; running it again adds only missing entries.

Bulk path: rows are inserted in batches and each batch goes live through
``live_publish_bulk`` (the live documents and publication log that publishing writes). Bodies
come with their HTML already assembled from pre-rendered blocks (see ``_synthetic``), which the
live documents reuse instead of rendering every body again: 100,000 entries take minutes.
"""

import random
import time
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from articles.management.commands._synthetic import SyntheticText
from articles.models import (
    Article,
    ArticleTranslation,
    RiskArea,
    RiskFramework,
    Scorecard,
    ScorecardRating,
    SignalBullet,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.publishing import live_publish_bulk
from articles.services import revisions_import, risk_framework_create
from images import drawings
from images.models import Image
from images.services import image_create, image_renditions_render

VENDORS = [
    "Acme AI", "Nimbus Labs", "Orbital Models", "Quanta Research", "Vector Works",
    "Polder Intelligence", "Lumen Systems", "Cobalt Cognition", "Harbor ML", "Sable Compute",
]  # fmt: skip
TOPICS = [
    "Agents", "Coding", "Evaluations", "Multimodal", "Open weights", "Pricing", "Safety",
    "Speech", "Enterprise", "Research",
]  # fmt: skip
RISK_AREAS = [
    "Jailbreaks", "Hallucinations", "Disallowed content", "Privacy", "Bias", "Autonomy",
]  # fmt: skip
SCORECARD_SHARE = 0.3
SPAN_MINUTES = 3 * 365 * 24 * 60
BATCH = 1000
# Drawn images the entries share: three entries in four have one of them.
SHARED_IMAGES = 3
TRANSLATION_FIELDS = ("article", "language", "title", "summary", "audience", "body", "body_html")


class Command(BaseCommand):
    help = "Create N synthetic public entries with translations, signals and scorecards."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("count must be at least 1")
        started = time.perf_counter()
        self.verbosity = options["verbosity"]
        with transaction.atomic():
            created = self.generate(count=count, seed=seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Created {created} entries in {elapsed:.1f}s (seed {seed}).")

    def generate(self, *, count, seed):
        rng = random.Random(seed)
        text = SyntheticText(seed)
        refs = References()
        prefix = f"synthetic-{seed}-"
        existing = set(
            Article.objects.filter(slug__startswith=prefix).values_list("slug", flat=True)
        )
        created = 0
        for start in range(0, count, BATCH):
            # Every entry is drawn, existing or not, so each slug always gets the same content.
            planned = [
                plan(rng, text, refs, f"{prefix}{i}")
                for i in range(start, min(count, start + BATCH))
            ]
            created += write([p for p in planned if p["article"].slug not in existing])
            if self.verbosity > 1:
                self.stdout.write(f"{min(count, start + BATCH)} of {count}")
        return created


class References:
    """The vendors, topics, framework and risk areas entries refer to (created once)."""

    def __init__(self):
        self.vendors = [self.vendor(name) for name in VENDORS]
        self.topics = [  # shared with the real entries' topics of the same name, if any
            Topic.objects.get_or_create(
                name=name, defaults={"slug": f"synthetic-{name.lower().replace(' ', '-')}"}
            )[0]
            for name in TOPICS
        ]
        self.areas = [
            RiskArea.objects.get_or_create(
                slug=f"synthetic-{name.lower().replace(' ', '-')}",
                defaults={"name": f"{name} (synthetic)"},
            )[0]
            for name in RISK_AREAS
        ]
        framework = RiskFramework.objects.filter(slug="synthetic-framework").first()
        if framework is None:
            framework = risk_framework_create(
                name="Synthetic Framework",
                slug="synthetic-framework",
                scale=["Low", "Medium", "High", "Critical"],
                categories=["CBRN", "Cybersecurity", "Persuasion", "Model autonomy"],
                deploy_at_or_below="Medium",
                develop_at_or_below="High",
            )
        self.framework = framework
        self.levels = list(framework.levels.order_by("rank"))
        self.categories = list(framework.categories.all())
        self.images = [self.image(n) for n in range(SHARED_IMAGES)]

    @staticmethod
    def image(n: int) -> Image:
        """One of the few drawn images the entries share (made once, renditions included):
        thousands of entries, a handful of files."""
        title = f"Synthetic illustration {n + 1}"
        image = Image.objects.filter(texts__title=title).first()
        if image is None:
            image = image_create(
                user=None,
                upload=drawings.illustration(seed=n, width=960, height=540),
                credit=drawings.CREDIT,
                licence=drawings.LICENCE,
                texts={"en": {"title": title, "alt": "Abstract drawing of coloured bars."}},
            )
            image_renditions_render(image_id=image.pk)
        return image

    @staticmethod
    def vendor(name: str) -> Vendor:
        slug = name.lower().replace(" ", "-")
        vendor, created = Vendor.objects.get_or_create(
            slug=slug, defaults={"name": name, "website": f"https://{slug}.example.com"}
        )
        if created:
            descriptions = {"en": f"{name} builds AI models.", "nl": f"{name} bouwt AI-modellen."}
            VendorTranslation.objects.bulk_create(
                VendorTranslation(vendor=vendor, language=code, description=text)
                for code, text in descriptions.items()
            )
        return vendor


def plan(rng: random.Random, text: SyntheticText, refs: References, slug: str) -> dict:
    """One entry's rows (not saved yet)."""
    vendor = rng.choice(refs.vendors)
    article = Article(
        slug=slug,
        vendor=vendor,
        kind=rng.choice(Article.Kind.values),
        status=Article.Status.PUBLISHED,
        published_at=datetime(2026, 1, 1, tzinfo=UTC)
        - timedelta(minutes=rng.randrange(SPAN_MINUTES)),
        source_url=f"https://{vendor.slug}.example.com/news/{slug}",
        source_authors=text.authors(rng),
        # Chosen by the entry's number, not drawn: the texts stay what they were for a seed.
        image=([None, *refs.images])[int(slug.rsplit("-", 1)[1]) % (SHARED_IMAGES + 1)],
    )
    texts = text.entry(rng, vendor.name)
    ratings, areas = [], []
    if rng.random() < SCORECARD_SHARE:
        areas = rng.sample(refs.areas, rng.randint(1, 3))
        for category in refs.categories:
            pre = rng.randrange(len(refs.levels))
            post = max(pre - rng.randrange(2), 0)
            ratings.append((category, refs.levels[pre], refs.levels[post]))
    return {
        "article": article,
        "texts": texts,
        "topics": rng.sample(refs.topics, rng.randint(1, 3)),
        "framework": refs.framework if ratings else None,
        "ratings": ratings,
        "areas": areas,
    }


def write(planned: list[dict]) -> int:
    """Insert the planned entries and make them live."""
    articles = [p["article"] for p in planned]
    Article.objects.bulk_create(articles)
    translations, bullets, scorecards, ratings, topic_links, area_links = [], [], [], [], [], []
    html = {}
    for p in planned:
        pk = p["article"].pk
        for language, texts in p["texts"].items():
            html[texts.body] = texts.body_html
            translations.append(
                (pk, language, *(getattr(texts, f) for f in TRANSLATION_FIELDS[2:]))
            )
            bullets += [(pk, language, n, signal) for n, signal in enumerate(texts.signals)]
        topic_links += [(pk, topic.pk) for topic in p["topics"]]
        if p["framework"]:
            scorecards.append((pk, p["framework"].pk))
            ratings += [(pk, c.pk, pre.pk, post.pk) for c, pre, post in p["ratings"]]
            area_links += [(pk, area.pk) for area in p["areas"]]
    insert(ArticleTranslation, [*TRANSLATION_FIELDS], translations)
    insert(SignalBullet, ["article", "language", "position", "text"], bullets)
    insert(Scorecard, ["article", "framework"], scorecards)
    insert(ScorecardRating, ["article", "category", "pre_mitigation", "post_mitigation"], ratings)
    insert(Article.topics.through, ["article", "topic"], topic_links)
    insert(Scorecard.risk_areas.through, ["scorecard", "riskarea"], area_links)
    revisions_import(articles)
    return live_publish_bulk(articles, rendered=html)


def insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERTs: these rows have no defaults or signals to apply, and building a model
    instance per row would be most of the generator's time."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row = f"({', '.join(['%s'] * len(fields))})"
    per_statement = max(1, 900 // len(fields))  # within every backend's parameter limit
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
                f"VALUES {', '.join([row] * len(chunk))}",
                [value for values in chunk for value in values],
            )
