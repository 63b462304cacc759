"""Markdown to sanitised HTML: the only way a body becomes HTML anywhere in the project."""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
}


_local = threading.local()


def _converter() -> markdown.Markdown:
    """One converter per thread: building one costs as much as converting a short body."""
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(extensions=["extra", "sane_lists"])
    return _local.converter.reset()


def render_markdown(text: str) -> str:
    html = _converter().convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
