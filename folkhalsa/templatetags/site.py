"""Tags of the site's layout (templates/base.html)."""

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY

register = template.Library()


@register.simple_tag(takes_context=True)
def block_text(context, name: str) -> str:
    """Return the page's block `name` rendered once more, as the page fills it: its title for
    the Open Graph title of a shared link, written in one place (the `title` block)."""
    blocks = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = blocks.get_block(name) if blocks is not None else None
    return block.nodelist.render(context).strip() if block is not None else ""
