"""Tags of the site's layout (templates/base.html)."""

from django import template
from django.core.exceptions import DisallowedHost
from django.template.loader_tags import BLOCK_CONTEXT_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def block_text(context, name: str) -> str:
    """Return the page's block `name` rendered once more, as the page fills it: its title for
    the Open Graph title of a shared link, written in one place (the `title` block)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    return block.nodelist.render(context).strip() if block is not None else ""


@register.simple_tag(takes_context=True)
def page_url(context) -> str:
    """Return the page's absolute address for a shared link; empty when the request's host is
    not one the site answers to (the 400 page for that very refusal must still render)."""
    request = context.get("request")
    if request is None:
        return ""
    try:
        return request.build_absolute_uri()
    except DisallowedHost:
        return ""
