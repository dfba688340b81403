"""Values every page needs."""

import functools

from django.conf import settings

from tracker.fragments import messages_html


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL}


def messages(request):
    """base.html's messages, built when the page prints them (tracker.fragments)."""
    return {"messages_html": functools.partial(messages_html, request)}
