"""Load the demo content from fixtures/demo.json; running it again only adds what is missing."""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import (
    Article,
    ArticleTranslation,
    RiskArea,
    RiskFramework,
    SignalBullet,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.services import (
    article_archive,
    article_publish,
    article_submit_for_review,
    risk_framework_create,
    scorecard_create,
)
from feedback.models import Feedback

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
# The workflow steps that bring a new (draft) entry to each demo state.
DEMO_STEPS = {
    "draft": [],
    "in_review": [article_submit_for_review],
    "published": [article_submit_for_review, article_publish],
    "archived": [article_submit_for_review, article_publish, article_archive],
}
DEMO_EDITOR = ("editor", "editor-demo-password")
# One account per desk role (groups from the articles migrations): username, password, group.
DEMO_ROLES = [
    ("writer", "writer-demo-password", "Writer"),
    ("translator", "translator-demo-password", "Translator"),
    ("publisher", "publisher-demo-password", "Publisher"),
]


class Command(BaseCommand):
    help = "Load the demo entries (idempotent) and, with debug on, a demo editor account."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEMO_FILE)

    @transaction.atomic
    def handle(self, *args, file, **options):
        data = json.loads(file.read_text(encoding="utf-8"))
        for item in data["topics"]:
            Topic.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
        for item in data["risk_areas"]:
            RiskArea.objects.get_or_create(slug=item["slug"], defaults={"name": item["name"]})
        for item in data["vendors"]:
            self.load_vendor(item)
        for item in data["frameworks"]:
            self.load_framework(item)
        created = [item["slug"] for item in data["articles"] if self.load_article(item)]
        for item in data["feedback"]:
            self.load_feedback(item)
        self.stdout.write(
            f"Demo data: {len(created)} new entries ({len(data['articles'])} in all)."
        )
        if settings.DEBUG:
            self.ensure_editor()
            self.ensure_role_accounts()

    def load_vendor(self, item):
        vendor, created = Vendor.objects.get_or_create(
            slug=item["slug"], defaults={"name": item["name"], "website": item["website"]}
        )
        if created:
            for language, text in item["description"].items():
                VendorTranslation.objects.create(vendor=vendor, language=language, description=text)

    def load_framework(self, item):
        if RiskFramework.objects.filter(slug=item["slug"]).exists():
            return
        risk_framework_create(
            name=item["name"],
            slug=item["slug"],
            url=item["url"],
            vendor=Vendor.objects.get(slug=item["vendor"]),
            scale=item["scale"],
            categories=item["categories"],
            deploy_at_or_below=item["deploy_at_or_below"],
            develop_at_or_below=item["develop_at_or_below"],
        )

    def load_article(self, item) -> bool:
        if Article.objects.filter(slug=item["slug"]).exists():
            return False
        article = Article.objects.create(
            slug=item["slug"],
            vendor=Vendor.objects.get(slug=item["vendor"]),
            kind=item["kind"],
            revisit_after=parse_date(item["revisit_after"]) if "revisit_after" in item else None,
            source_url=item["source_url"],
            source_authors=item["source_authors"],
        )
        article.topics.set(Topic.objects.filter(slug__in=item.get("topics", [])))
        for language, texts in item["translations"].items():
            ArticleTranslation.objects.create(article=article, language=language, **texts)
        for language, bullets in item.get("signals", {}).items():
            for position, text in enumerate(bullets):
                SignalBullet.objects.create(
                    article=article, language=language, position=position, text=text
                )
        if "scorecard" in item:
            self.load_scorecard(article, item["scorecard"])
        self.take_steps(article, item)
        return True

    def take_steps(self, article, item):
        """Bring the entry to its demo state through the workflow, as the desk would."""
        published_at = parse_datetime(item["published_at"]) if "published_at" in item else None
        steps = DEMO_STEPS[item["status"]]
        for step in steps:
            if step is article_publish:
                article = step(article=article, user=None, at=published_at)
            else:
                article = step(article=article, user=None)

    def load_scorecard(self, article, item):
        scorecard_create(
            article=article,
            framework=RiskFramework.objects.get(slug=item["framework"]),
            ratings=item["ratings"],
            risk_areas=RiskArea.objects.filter(slug__in=item["risk_areas"]),
        )

    def load_feedback(self, item):
        article = Article.objects.filter(slug=item.get("article")).first()
        Feedback.objects.get_or_create(
            kind=item["kind"],
            language=item["language"],
            message=item["message"],
            article=article,
        )

    def ensure_editor(self):
        username, password = DEMO_EDITOR
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo editor (debug only): username {username!r}, password {password!r}"
            )
        )

    def ensure_role_accounts(self):
        User = get_user_model()
        for username, password, role in DEMO_ROLES:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(username=username, password=password, is_staff=True)
            user.groups.add(Group.objects.get(name=role))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo {role.lower()} (debug only): username {username!r}, "
                    f"password {password!r}"
                )
            )
