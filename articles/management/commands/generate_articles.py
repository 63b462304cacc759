"""Generate N synthetic public entries for benchmarks and scale tests.

Deterministic for a given --seed; bulk inserts, so 10,000 entries take seconds, not minutes.
"""

import random
import time
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

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
from articles.rendering import render_markdown
from articles.services import risk_framework_create
from cms.languages import supported_languages

VENDORS = ["Acme AI", "Nimbus Labs", "Orbital Models", "Quanta Research", "Vector Works"]
SUBJECTS = ["model", "agent toolkit", "API", "reasoning model", "coding assistant", "eval suite"]
VERBS = ["launches", "updates", "open-sources", "expands", "benchmarks", "retires"]
BATCH = 1000


class Command(BaseCommand):
    help = "Create N synthetic public entries with translations, signals and scorecards."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        if count < 1:
            raise CommandError("count must be at least 1")
        started = time.perf_counter()
        with transaction.atomic():
            created = self.generate(count=count, seed=seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Created {created} entries in {elapsed:.1f}s (seed {seed}).")

    def generate(self, *, count, seed):
        rng = random.Random(seed)
        vendors = self.vendors()
        framework = self.framework()
        levels = list(framework.levels.order_by("rank"))
        categories = list(framework.categories.all())
        topics = self.topics()
        risk_areas = list(RiskArea.objects.filter(slug__startswith="synthetic-"))
        slugs = [f"synthetic-{seed}-{i}" for i in range(count)]
        existing = set(Article.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        anchor = datetime(2025, 1, 1, tzinfo=UTC)

        articles = [
            Article(
                slug=slug,
                vendor=rng.choice(vendors),
                kind=rng.choice(Article.Kind.values),
                status=Article.Status.PUBLISHED,
                published_at=anchor - timedelta(minutes=rng.randrange(2 * 365 * 24 * 60)),
                source_url=f"https://example.com/{slug}",
                source_authors="Synthetic Desk",
            )
            for slug in slugs
            if slug not in existing
        ]
        Article.objects.bulk_create(articles, batch_size=BATCH)

        translations, bullets, scorecards, ratings, topic_links, area_links = [], [], [], [], [], []
        for article in articles:
            headline = f"{article.vendor.name} {rng.choice(VERBS)} {rng.choice(SUBJECTS)}"
            for language in supported_languages():
                body = f"## {headline}\n\nSynthetic *{language}* body for `{article.slug}`."
                translations.append(
                    ArticleTranslation(
                        article=article,
                        language=language,
                        title=f"{headline} ({language})",
                        summary=f"What changed in {headline.lower()}.",
                        audience="Relevant if you build with AI tools, APIs, or coding agents.",
                        body=body,
                        body_html=render_markdown(body),
                    )
                )
                bullets.extend(
                    SignalBullet(article=article, language=language, position=p, text=f"Signal {p}")
                    for p in range(3)
                )
            topic_links.append(Article.topics.through(article=article, topic=rng.choice(topics)))
            if rng.random() < 0.3:
                scorecards.append(Scorecard(article=article, framework=framework))
                area_links.append(
                    Scorecard.risk_areas.through(
                        scorecard_id=article.pk, riskarea=rng.choice(risk_areas)
                    )
                )
                for category in categories:
                    pre = rng.randrange(len(levels) - 1)
                    ratings.append(
                        ScorecardRating(
                            article=article,
                            category=category,
                            pre_mitigation=levels[pre],
                            post_mitigation=levels[max(pre - rng.randrange(2), 0)],
                        )
                    )
        for model, rows in [
            (ArticleTranslation, translations),
            (SignalBullet, bullets),
            (Scorecard, scorecards),
            (ScorecardRating, ratings),
            (Article.topics.through, topic_links),
            (Scorecard.risk_areas.through, area_links),
        ]:
            model.objects.bulk_create(rows, batch_size=BATCH)
        for start in range(0, len(articles), BATCH):
            live_publish_bulk(articles[start : start + BATCH])
        return len(articles)

    def vendors(self):
        vendors = []
        for name in VENDORS:
            slug = name.lower().replace(" ", "-")
            vendor, created = Vendor.objects.get_or_create(slug=slug, defaults={"name": name})
            if created:
                VendorTranslation.objects.bulk_create(
                    VendorTranslation(vendor=vendor, language=code, description=f"{name} ({code})")
                    for code in supported_languages()
                )
            vendors.append(vendor)
        return vendors

    def framework(self):
        framework = RiskFramework.objects.filter(slug="synthetic-framework").first()
        if framework is None:
            framework = risk_framework_create(
                name="Synthetic Framework",
                slug="synthetic-framework",
                scale=["Low", "Medium", "High", "Critical"],
                categories=["CBRN", "Cybersecurity", "Persuasion"],
                deploy_at_or_below="Medium",
                develop_at_or_below="High",
            )
        for name in ["Jailbreaks", "Hallucinations"]:
            RiskArea.objects.get_or_create(
                slug=f"synthetic-{name.lower()}", defaults={"name": f"{name} (synthetic)"}
            )
        return framework

    def topics(self):
        return [
            Topic.objects.get_or_create(slug=f"synthetic-{n}", defaults={"name": f"Topic {n}"})[0]
            for n in range(8)
        ]
