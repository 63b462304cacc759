"""factory-boy factories. Tests build their data here; fixtures/ holds demo data only."""

from datetime import timedelta

import factory
from django.utils import timezone

from articles.choices import NoteKind
from articles.models import (
    Article,
    ArticleTranslation,
    Note,
    RiskArea,
    RiskFramework,
    Scorecard,
    SignalBullet,
    Topic,
    Vendor,
    VendorTranslation,
)
from articles.publishing import live_write
from articles.rendering import render_markdown
from articles.services import revisions_import, risk_framework_create, scorecard_create
from feedback.models import Feedback


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    website = factory.LazyAttribute(lambda o: f"https://{o.slug}.example.com")


class VendorTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorTranslation

    vendor = factory.SubFactory(VendorFactory)
    language = "en"
    description = factory.Faker("sentence")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A public entry with an English translation by default; traits make the other states."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    slug = factory.Sequence(lambda n: f"article-{n}")
    kind = Article.Kind.PRODUCT_UPDATE
    source_url = factory.LazyAttribute(lambda o: f"https://example.com/source/{o.slug}")
    source_authors = "Research Team"
    status = Article.Status.PUBLISHED
    published_at = factory.Sequence(lambda n: timezone.now() - timedelta(days=1, minutes=n))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        in_review = factory.Trait(status=Article.Status.IN_REVIEW, published_at=None)
        archived = factory.Trait(status=Article.Status.ARCHIVED)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=2))
        )

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        """``ArticleFactory(languages=["en", "nl"])``; English only by default, [] for none."""
        if not create:
            return
        for language in ["en"] if extracted is None else extracted:
            ArticleTranslationFactory(article=self, language=language)

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        """The entry is recorded as loaded (one revision, as bulk loads write it); a published
        (or scheduled) entry goes live as publishing would make it. Parts added later reach
        the public through ``tests.utils.go_live``."""
        if create:
            revisions_import([instance])
        if create and instance.status == Article.Status.PUBLISHED:
            live_write(article=instance, user=None, published_at=instance.published_at)


class ArticleTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleTranslation

    article = factory.SubFactory(ArticleFactory, languages=[])
    language = "en"
    title = factory.LazyAttribute(lambda o: f"{o.article.slug} title ({o.language})")
    summary = factory.LazyAttribute(lambda o: f"{o.article.slug} summary ({o.language})")
    audience = factory.LazyAttribute(lambda o: f"Relevant for builders ({o.language})")
    body = factory.LazyAttribute(lambda o: f"## {o.article.slug}\n\nBody in *{o.language}*.")
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))


class SignalBulletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignalBullet

    article = factory.SubFactory(ArticleFactory)
    language = "en"
    position = factory.Sequence(lambda n: n)
    text = factory.LazyAttribute(lambda o: f"Signal {o.position} ({o.language})")


class RiskFrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskFramework

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")


def make_framework(
    *,
    scale=("Low", "Medium", "High", "Critical"),
    deploy_at_or_below="Medium",
    develop_at_or_below="High",
    categories=("CBRN", "Cybersecurity", "Persuasion", "Model Autonomy"),
    **fields,
) -> RiskFramework:
    """A framework with its ordered scale (lowest first), categories and thresholds."""
    sequence = RiskFrameworkFactory._meta.next_sequence()
    return risk_framework_create(
        name=fields.pop("name", f"Framework {sequence}"),
        slug=fields.pop("slug", f"framework-{sequence}"),
        scale=list(scale),
        categories=list(categories),
        deploy_at_or_below=deploy_at_or_below,
        develop_at_or_below=develop_at_or_below,
        **fields,
    )


def make_scorecard(*, article, framework, ratings, risk_areas=()) -> Scorecard:
    """``ratings`` maps a category name to (pre-mitigation, post-mitigation or None) level names."""
    return scorecard_create(
        article=article,
        framework=framework,
        ratings=ratings,
        risk_areas=[RiskAreaFactory(name=name, slug=name.lower()) for name in risk_areas],
    )


class RiskAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Risk area {n}")
    slug = factory.Sequence(lambda n: f"risk-area-{n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    """A topic request by default; ``created_at=`` backdates it (the field is auto_now_add)."""

    class Meta:
        model = Feedback

    kind = Feedback.Kind.TOPIC_REQUEST
    message = factory.Faker("sentence")
    language = "en"

    class Params:
        correction = factory.Trait(
            kind=Feedback.Kind.CORRECTION, article=factory.SubFactory(ArticleFactory)
        )
        helpful_yes = factory.Trait(
            kind=Feedback.Kind.HELPFUL_YES, message="", article=factory.SubFactory(ArticleFactory)
        )
        helpful_no = factory.Trait(
            kind=Feedback.Kind.HELPFUL_NO, message="", article=factory.SubFactory(ArticleFactory)
        )

    @classmethod
    def _create(cls, model_class, *args, created_at=None, **kwargs):
        feedback = super()._create(model_class, *args, **kwargs)
        if created_at is not None:
            model_class.objects.filter(pk=feedback.pk).update(created_at=created_at)
            feedback.created_at = created_at
        return feedback


class UserFactory(factory.django.DjangoModelFactory):
    """A staff account; ``UserFactory(role="Writer")`` puts it in one of the desk's groups."""

    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"editor-{n}")
    is_staff = True

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name=extracted))


def admin_form_data(response) -> dict:
    """The POST body an admin add/change page (a test client response) sends when an editor
    saves it without touching anything, as a browser sends it (text areas with ``\r\n`` line
    endings); tests change the keys they edit."""
    from django.forms import MultiWidget, Textarea

    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field.widget, MultiWidget):
                for index, part in enumerate(field.widget.decompress(value)):
                    data[f"{key}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(field.widget, Textarea) and value is not None:
                data[key] = str(value).replace("\n", "\r\n")
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


class NoteFactory(factory.django.DjangoModelFactory):
    """A correction in the working copy (not live until the entry's changes are published)."""

    class Meta:
        model = Note

    article = factory.SubFactory(ArticleFactory)
    kind = NoteKind.CORRECTION
    text = factory.LazyAttribute(lambda o: {"en": f"We corrected {o.article.slug}."})
