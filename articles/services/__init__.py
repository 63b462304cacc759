"""Every write to entries goes through these functions: the admin, the loaders and the
generators call them; nothing writes content through ``save()`` side effects."""

from articles.services.content import (
    StaleEdit,
    article_apply_source,
    article_lock_for_edit,
    article_mark_revisited,
    article_restore,
    risk_framework_create,
    scorecard_create,
)
from articles.services.workflow import (
    article_archive,
    article_delete,
    article_discard_changes,
    article_has_unpublished_changes,
    article_publish,
    article_publish_changes,
    article_publish_problems,
    article_reopen,
    article_return_to_draft,
    article_submit_changes,
    article_submit_for_review,
    article_unpublish,
)

__all__ = [
    "StaleEdit",
    "article_apply_source",
    "article_archive",
    "article_delete",
    "article_discard_changes",
    "article_has_unpublished_changes",
    "article_lock_for_edit",
    "article_mark_revisited",
    "article_publish",
    "article_publish_changes",
    "article_publish_problems",
    "article_reopen",
    "article_restore",
    "article_return_to_draft",
    "article_submit_changes",
    "article_submit_for_review",
    "article_unpublish",
    "risk_framework_create",
    "scorecard_create",
]
