"""Tags of the page layout: the header and the fragments of tracker/fragments.py."""

from django import template

from tracker import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def page_header(context):
    """The top bar: brand, main navigation, user box and language switch (a Fragment: the
    links a role sees and the labels are rendered once per language). Its values come
    from the request, or as "page_header" from a page Fragment (fragments.render_page)."""
    values = context.get("page_header")
    if values is None:
        values = fragments.header_values(
            context["request"], context["user"], context.get("csrf_token")
        )
    return fragments.HEADER.render(values)


@register.simple_tag(takes_context=True)
def fragment(context, name: str, **values):
    """{% fragment "pager" %}: a fragment of tracker/fragments.py, its slots and switches read
    from the context (or given: {% fragment "browse_subnav" active="tasks" %})."""
    with context.push(**values):
        return fragments.BY_NAME[name].render_from(context)
