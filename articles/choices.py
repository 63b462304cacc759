from django.db import models
from django.utils.translation import pgettext_lazy


class ArticleStatus(models.TextChoices):
    # The desk's words (the APIs show only public entries, and no state).
    DRAFT = "draft", pgettext_lazy("entry state", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("entry state", "In review")
    PUBLISHED = "published", pgettext_lazy("entry state", "Published")
    ARCHIVED = "archived", pgettext_lazy("entry state", "Archived")


# States in which the desk may still change an entry's content without the publish right.
UNPUBLISHED_STATES = frozenset({ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW})


class ArticleKind(models.TextChoices):
    SYSTEM_CARD = "system_card", "System card"
    MODEL_RELEASE = "model_release", "Model release"
    PRODUCT_UPDATE = "product_update", "Product update"
    RESEARCH = "research", "Research"
    PARTNERSHIP = "partnership", "Partnership"
    CUSTOMER_STORY = "customer_story", "Customer story"
    POLICY = "policy", "Policy"
    SECURITY = "security", "Security"
    OPEN_SOURCE = "open_source", "Open source"


class NoteKind(models.TextChoices):
    """What a note on an entry tells readers, the way news desks type them."""

    CORRECTION = "correction", pgettext_lazy("note kind", "Correction")
    CLARIFICATION = "clarification", pgettext_lazy("note kind", "Clarification")
    UPDATE = "update", pgettext_lazy("note kind", "Update")
