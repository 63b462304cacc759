"""Load the demo content from fixtures/demo.json; running it again only adds what is missing.

The loader touches only rows it owns: entries, vendors and the like by their demo slugs, feedback
by the fixed ids in the fixture, accounts by the demo e-mail address it gave them. A database
people have used (their own entries, readers' feedback, an account that happens to be called
"writer") is left as it is.
"""

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.dateparse import parse_date, parse_datetime

from articles.models import (
    Article,
    Release,
    RevisionReason,
    RiskArea,
    RiskFramework,
    Topic,
    Vendor,
)
from articles.services import (
    article_archive,
    article_create,
    article_publish,
    article_submit_for_review,
    note_create,
    release_create,
    release_item_add,
    risk_framework_create,
    vendor_create,
)
from articles.services.edits import KEEP
from feedback.models import Feedback
from images import drawings
from images.models import Image
from images.services import image_create, image_renditions_render

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo.json"
# The workflow steps that bring a new (draft) entry to each demo state.
DEMO_STEPS = {
    "draft": [],
    "in_review": [article_submit_for_review],
    "published": [article_submit_for_review, article_publish],
    "archived": [article_submit_for_review, article_publish, article_archive],
}
# The demo accounts: username, password, desk role (a group from the articles migrations; None
# for the superuser). Debug only.
DEMO_ACCOUNTS = [
    ("editor", "editor-demo-password", None),
    ("writer", "writer-demo-password", "Writer"),
    ("translator", "translator-demo-password", "Translator"),
    ("publisher", "publisher-demo-password", "Publisher"),
]
DEMO_USERNAMES = [username for username, _, _ in DEMO_ACCOUNTS]
# Marks an account as the demo's own; .invalid is a reserved domain, so no mail can go there.
DEMO_EMAIL_DOMAIN = "demo.invalid"


def demo_email(username):
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def migrations_pending() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def demo_logins():
    """The lines that tell a developer how to log in with the demo accounts that exist."""
    accounts = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    own = {
        name
        for name, email in accounts.values_list("username", "email")
        if email == demo_email(name)
    }
    return [
        f"Demo {username} (debug only): username {username!r}, password {password!r}"
        for username, password, _ in DEMO_ACCOUNTS
        if username in own
    ]


class Command(BaseCommand):
    help = "Load the demo entries (idempotent) and, with debug on, the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEMO_FILE)

    def handle(self, *args, file, **options):
        if migrations_pending():
            raise CommandError(
                "The database is not up to date: run `manage.py migrate` first "
                "(`make serve` migrates and loads the demo by itself)."
            )
        self.load(json.loads(file.read_text(encoding="utf-8")))

    @transaction.atomic
    def load(self, data):
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
        for item in data.get("releases", []):
            self.load_release(item)
        self.stdout.write(
            f"Demo data: {len(created)} new entries ({len(data['articles'])} in all)."
        )
        if settings.DEBUG:
            self.ensure_accounts()
            for line in demo_logins():
                self.stdout.write(self.style.SUCCESS(line))

    def load_release(self, item):
        """An open release of demo entries, for the desk to review, preview and publish."""
        if Release.objects.filter(title=item["title"]).exists():
            return
        release = release_create(title=item["title"], user=None)
        for article in Article.objects.filter(slug__in=item["entries"]).order_by("pk"):
            release_item_add(release=release, article=article, user=None)

    def load_vendor(self, item):
        if not Vendor.objects.filter(slug=item["slug"]).exists():
            mark = item.get("mark")
            vendor_create(
                user=None,
                name=item["name"],
                slug=item["slug"],
                website=item["website"],
                descriptions=item["description"],
                logo=self.image(drawings.mark(item["name"][0], mark["colour"]), alt=mark["alt"])
                if mark
                else None,
            )

    def image(self, drawn, *, alt: dict) -> Image:
        """A drawn image in the library with its renditions made here: the command runs
        before the site serves, and the demo's entries are published at once."""
        image = image_create(
            user=None,
            upload=drawn,
            credit=drawings.CREDIT,
            licence=drawings.LICENCE,
            texts={language: {"alt": text} for language, text in alt.items()},
        )
        image_renditions_render(image_id=image.pk)
        return image

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
        article = article_create(
            user=None,
            vendor=Vendor.objects.get(slug=item["vendor"]),
            slug=item["slug"],
            kind=item["kind"],
            revisit_after=parse_date(item["revisit_after"]) if "revisit_after" in item else None,
            source_url=item["source_url"],
            source_authors=item["source_authors"],
            topics=Topic.objects.filter(slug__in=item.get("topics", [])),
            translations=item["translations"],
            signals=item.get("signals", {}),
            scorecard=self.scorecard(item["scorecard"]) if "scorecard" in item else KEEP,
            reason=RevisionReason.IMPORT,
            **self.entry_image(item),
        )
        for note in item.get("notes", []):
            note_create(article=article, kind=note["kind"], texts=note["text"], user=None)
        self.take_steps(article, item)
        return True

    def entry_image(self, item) -> dict:
        """The entry's image and caption, drawn for the demo, as ``article_create`` takes
        them; nothing for an entry without one."""
        if "image" not in item:
            return {}
        drawn = drawings.illustration(seed=len(item["slug"]))
        return {
            "image": self.image(drawn, alt=item["image"]["alt"]),
            "image_caption": item["image"]["caption"],
        }

    def take_steps(self, article, item):
        """Bring the entry to its demo state through the workflow, as the desk would."""
        published_at = parse_datetime(item["published_at"]) if "published_at" in item else None
        steps = DEMO_STEPS[item["status"]]
        for step in steps:
            if step is article_publish:
                article = step(article=article, user=None, at=published_at)
            else:
                article = step(article=article, user=None)

    def scorecard(self, item) -> dict:
        """The scorecard as ``article_create`` takes it, from the demo file's names."""
        framework = RiskFramework.objects.get(slug=item["framework"])
        levels = {level.name: level.pk for level in framework.levels.all()}
        categories = {category.name: category.pk for category in framework.categories.all()}
        return {
            "framework": framework,
            "risk_areas": RiskArea.objects.filter(slug__in=item["risk_areas"]),
            "ratings": {
                categories[category]: (levels[pre], levels[post] if post else None)
                for category, (pre, post) in item["ratings"].items()
            },
        }

    def load_feedback(self, item):
        """Demo feedback is known by its fixed id, never by its text: readers send the same."""
        if Feedback.objects.filter(public_id=item["id"]).exists():
            return
        Feedback.objects.create(
            public_id=item["id"],
            kind=item["kind"],
            language=item["language"],
            message=item["message"],
            article=Article.objects.filter(slug=item.get("article")).first(),
        )

    def ensure_accounts(self):
        """Create the demo accounts that are missing; an existing account is never changed."""
        User = get_user_model()
        existing = {
            user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)
        }
        missing = [account for account in DEMO_ACCOUNTS if account[0] not in existing]
        for username, user in existing.items():
            if user.email != demo_email(username):
                self.stdout.write(
                    f"An account {username!r} exists already; it is not a demo account "
                    "and is left as it is."
                )
        # Hashing a password takes most of a second by design; the hashes are computed together.
        with ThreadPoolExecutor() as pool:
            hashes = list(pool.map(make_password, [password for _, password, _ in missing]))
        for (username, _, role), hashed in zip(missing, hashes, strict=True):
            user = User.objects.create(
                username=username,
                email=demo_email(username),
                password=hashed,
                is_staff=True,
                is_superuser=role is None,
            )
            if role is not None:
                user.groups.add(Group.objects.get(name=role))
