from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy


class ArticleStatus(models.TextChoices):
    # The desk's words (the APIs show only public entries, and no state).
    DRAFT = "draft", pgettext_lazy("entry state", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("entry state", "In review")
    PUBLISHED = "published", pgettext_lazy("entry state", "Published")
    ARCHIVED = "archived", pgettext_lazy("entry state", "Archived")


# States in which the desk may still change an entry's content without the publish right.
UNPUBLISHED_STATES = frozenset({ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW})


class ArticleKind(models.TextChoices):
    SYSTEM_CARD = "system_card", gettext_lazy("System card")
    MODEL_RELEASE = "model_release", gettext_lazy("Model release")
    PRODUCT_UPDATE = "product_update", gettext_lazy("Product update")
    RESEARCH = "research", gettext_lazy("Research")
    PARTNERSHIP = "partnership", gettext_lazy("Partnership")
    CUSTOMER_STORY = "customer_story", gettext_lazy("Customer story")
    POLICY = "policy", gettext_lazy("Policy")
    SECURITY = "security", gettext_lazy("Security")
    OPEN_SOURCE = "open_source", gettext_lazy("Open source")


class NoteKind(models.TextChoices):
    """What a note on an entry tells readers, the way news desks type them."""

    CORRECTION = "correction", pgettext_lazy("note kind", "Correction")
    CLARIFICATION = "clarification", pgettext_lazy("note kind", "Clarification")
    UPDATE = "update", pgettext_lazy("note kind", "Update")
