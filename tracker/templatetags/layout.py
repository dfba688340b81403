"""Tags of the page layout: the header and the fragments of tracker/fragments.py."""

from django import template

from tracker import fragments

register = template.Library()


@register.simple_tag(takes_context=True)
def page_header(context):
    """The top bar: brand, main navigation, user box and language switch (a Fragment: the
    links a role sees and the labels are rendered once per language)."""
    request, user = context["request"], context["user"]
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return fragments.HEADER.render(
        {
            "is_authenticated": user.is_authenticated,
            "role": profile.role if profile else None,
            "is_superuser": user.is_superuser,
            "is_staff": user.is_staff,
            "csrf_token": str(context.get("csrf_token") or ""),
            "display_name": (profile.display_name if profile else "") or user.get_username(),
            "next": request.get_full_path(),
        }
    )


@register.simple_tag(takes_context=True)
def fragment(context, name: str, **values):
    """{% fragment "pager" %}: a fragment of tracker/fragments.py, its slots and switches read
    from the context (or given: {% fragment "browse_subnav" active="tasks" %})."""
    with context.push(**values):
        return fragments.BY_NAME[name].render_from(context)
