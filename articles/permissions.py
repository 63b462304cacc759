"""Who may do what to an entry. The admin and the services ask these; nothing else decides."""

from articles.workflow import UNPUBLISHED_STATES


def may_edit_content(user, article=None) -> bool:
    """Writers edit entries that are not public yet; publishers edit any entry."""
    if not user.has_perm("articles.change_article"):
        return False
    return (
        article is None
        or article.status in UNPUBLISHED_STATES
        or user.has_perm("articles.publish_article")
    )


def may_translate(user) -> bool:
    return user.has_perm("articles.translate_article")


def may_preview(user) -> bool:
    return user.has_perm("articles.change_article") or user.has_perm("articles.publish_article")
