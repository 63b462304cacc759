"""Who may do what to an entry. The admin and the services ask these; nothing else decides.

``user=None`` is the system itself (the demo loader, generators, backfills), which may do
anything a publisher may.
"""

from articles.choices import UNPUBLISHED_STATES, ArticleStatus


def allowed(user, permission: str) -> bool:
    return user is None or user.has_perm(permission)


def may_edit_content(user, article=None) -> bool:
    """Writers edit the working copy of any entry that is not archived (edits to a live entry
    wait for a publisher); publishers edit any entry."""
    if not allowed(user, "articles.change_article"):
        return False
    return (
        article is None
        or article.status != ArticleStatus.ARCHIVED
        or allowed(user, "articles.publish_article")
    )


def may_delete(user, article=None) -> bool:
    """Writers delete what they may edit and the public has not seen: a draft or an entry in
    review. An entry that is live or scheduled leaves the public surfaces when it is deleted,
    so, like unpublishing, that takes the publish right."""
    if not (allowed(user, "articles.delete_article") and may_edit_content(user, article)):
        return False
    return (
        article is None
        or article.status in UNPUBLISHED_STATES
        or allowed(user, "articles.publish_article")
    )


def may_translate(user) -> bool:
    return allowed(user, "articles.translate_article")


def may_preview(user) -> bool:
    """Writers, publishers and translators (who check their text as readers will see it)."""
    return (
        allowed(user, "articles.change_article")
        or allowed(user, "articles.publish_article")
        or may_translate(user)
    )


# The rules of the workflow's steps (``articles.workflow.STEPS`` names one per step): each takes
# the entry too, so that a rule may come to depend on it.


def may_submit(user, article=None) -> bool:
    return allowed(user, "articles.submit_for_review")


def may_review(user, article=None) -> bool:
    return allowed(user, "articles.review_article")


def may_publish(user, article=None) -> bool:
    return allowed(user, "articles.publish_article")


def may_archive(user, article=None) -> bool:
    return allowed(user, "articles.archive_article")


def may_submit_changes(user, article=None) -> bool:
    """Whoever may change the working copy of a live entry asks for it to be published."""
    return may_edit_content(user, article) or may_translate(user)
