"""Template fragments rendered once per language and then filled in per request.

The header, the list filters, the pager and the task table of the browse pages are mostly
text that comes from code: translated labels and URLs. Rendering their ~60 {% translate %}
and {% url %} tags was over half a millisecond of every list page. A Fragment renders its
template once per active language, URL prefix and combination of *switches* (the few
values its {% if %}s test), with a mark in place of each *slot* (a per-request value);
each request then joins the cached pieces with its escaped values. The cache is keyed by
exactly the inputs of the rendering, so it never serves stale text; no database value is
ever cached (a slot's value is always the request's own).

A fragment template may only test switches in {% if %} and only print slots (or fixed
text): a slot holds a mark (private-use characters around its name) while the fragment is
rendered, so a filter would change the mark, not the value. Both mistakes raise ValueError
at the first render.
"""

import functools

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template import Variable, VariableDoesNotExist
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

MARK = "\ue000"  # neither escaped by templates nor found in translations


class Fragment:
    """`template_name` with `slots` (dotted context names printed per request) and `switches`
    (dotted names its {% if %}s test; their values are part of the cache key, so they must
    be few: booleans, a role, a page name). A name in both is a switch on its truthiness
    and a slot when true (`{% if pager.next %}<a href="{{ pager.next }}">`)."""

    def __init__(self, template_name: str, *, slots=(), switches=(), cache_size=256):
        self.template_name = template_name
        self.slots = tuple(slots)
        self.switches = tuple(switches)
        self._resolvers = {name: Variable(name) for name in {*self.slots, *self.switches}}
        self._parts = functools.lru_cache(maxsize=cache_size)(self._render_parts)

    def render(self, values: dict) -> str:
        """The fragment for `values` (dotted name → value, every slot and switch)."""
        key = tuple(
            bool(values[name]) if name in self.slots else values[name] for name in self.switches
        )
        parts = self._parts(get_language(), get_script_prefix(), key)
        filled = list(parts)
        filled[1::2] = [conditional_escape(values[name]) for name in parts[1::2]]
        return SafeString("".join(filled))  # fixed text and escaped values

    def render_from(self, context) -> str:
        """The fragment with its slots and switches read from a template context."""
        values = {}
        for name, variable in self._resolvers.items():
            try:
                values[name] = variable.resolve(context)
            except VariableDoesNotExist:
                values[name] = ""  # as a template prints a missing variable
        return self.render(values)

    def _render_parts(self, language, script_prefix, key) -> tuple[str, ...]:
        # language and script_prefix are only the key: rendering reads them from the
        # active translation and the request's URL prefix, which are these.
        context = {}
        for name in self.slots:
            _assign(context, name, _SlotMark(f"{MARK}{name}{MARK}"))
        for name, value in zip(self.switches, key, strict=True):
            # A slot that is also a switch: its plain mark when true, else its false value.
            _assign(context, name, f"{MARK}{name}{MARK}" if name in self.slots and value else value)
        try:
            rendered = render_to_string(self.template_name, context)
        except ValueError as error:
            raise ValueError(f"{self.template_name}: {error}") from error
        parts = tuple(rendered.split(MARK))
        unknown = set(parts[1::2]) - set(self.slots)
        if len(parts) % 2 == 0 or unknown:
            raise ValueError(f"{self.template_name}: slot marks out of place ({unknown})")
        return parts


class _SlotMark(str):
    """A slot's mark while its fragment is rendered: testing it in {% if %} is an error (its
    value is not known yet; a switch is what an {% if %} may test)."""

    def __bool__(self):
        raise ValueError(f"slot {self.strip(MARK)!r} tested in {{% if %}}; make it a switch")


def _assign(context: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    for name in parents:
        context = context.setdefault(name, {})
    context[last] = value


HEADER = Fragment(
    "_header.html",
    slots=("csrf_token", "display_name", "next"),
    switches=("is_authenticated", "role", "is_superuser", "is_staff"),
)


def header_values(request, user, csrf_token) -> dict:
    """The HEADER's slots and switches for a request's signed-in (or anonymous) user."""
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    return {
        "is_authenticated": user.is_authenticated,
        "role": profile.role if profile else None,
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "csrf_token": str(csrf_token or ""),
        "display_name": (profile.display_name if profile else "") or user.get_username(),
        "next": request.get_full_path(),
    }


def messages_html(request) -> str:
    """The request's messages as base.html shows them (nothing when there are none).

    Read only when there are some: iterating marks the storage as used, and a used
    storage rewrites (or deletes) its cookie on the response.
    """
    storage = get_messages(request)
    if not storage:
        return ""
    items = format_html_join(
        "", '<li class="msg-{}">{}</li>', ((message.tags, message) for message in storage)
    )
    return SafeString(f'<ul class="messages" role="status">{items}</ul>')


PAGER = Fragment(
    "browse/_pager.html",
    slots=(
        "pager.cap",
        "pager.number",
        "pager.total",
        "pager.pages",
        "pager.first",
        "pager.previous",
        "pager.next",
    ),
    switches=("pager.capped", "pager.first", "pager.previous", "pager.next"),
)
BROWSE_SUBNAV = Fragment("browse/_subnav.html", switches=("active",))
TASK_TABLE = Fragment("browse/_task_table.html", slots=("rows.html",), switches=("rows.html",))
TASK_FILTERS = Fragment(
    "browse/_task_filters.html",
    slots=tuple(
        f"fields.{name}"
        for name in (
            "q",
            "year",
            "plan_find",
            "plan",
            "section",
            "unit_find",
            "unit",
            "role",
            "official",
            "status",
            "light",
            "overdue",
            "deadline_after",
            "deadline_before",
            "missing",
            "sort",
        )
    ),
    switches=("fields.has_sections",),
)

# A whole page: the header (page_header reads its values from "page_header" when the
# context has them), the messages and the page's own fragments, nested. A nested
# fragment prints the marks of the outer one's slots as they are (a mark needs no
# escaping), so the outer slots and switches are the inner ones under their names.
TASK_LIST_PAGE = Fragment(
    "browse/task_list.html",
    slots=(
        *(f"page_header.{name}" for name in HEADER.slots),
        "messages_html",
        *TASK_FILTERS.slots,
        *PAGER.slots,
        *TASK_TABLE.slots,
        "errors_html",
        "export_links.xlsx",
        "export_links.csv",
    ),
    switches=(
        *(f"page_header.{name}" for name in HEADER.switches),
        *TASK_FILTERS.switches,
        *PAGER.switches,
        *TASK_TABLE.switches,
        "export_links.xlsx",
    ),
    cache_size=1024,
)


def render_page(request, page: Fragment, context: dict) -> HttpResponse:
    """A page Fragment as the response to `request`: `context` holds the page's own
    values; the header's and the messages are the request's. The response keeps the
    values as `context_data`, as a TemplateResponse does (tests read them there)."""
    values = {
        **context,
        "page_header": header_values(request, request.user, get_token(request)),
        "messages_html": messages_html(request),
    }
    response = HttpResponse(page.render_from(values))
    response.context_data = values
    return response


# The fragments a template names in {% fragment "…" %}.
BY_NAME = {
    "pager": PAGER,
    "browse_subnav": BROWSE_SUBNAV,
    "task_table": TASK_TABLE,
    "task_filters": TASK_FILTERS,
}
