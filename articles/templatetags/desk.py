from django import template

from articles.desk import desk_queues

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_queues_for(context):
    """The queues the signed-in editor may open (the admin's home page)."""
    return desk_queues(context["request"].user)
