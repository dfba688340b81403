"""Writing the change log. Service functions call `record` inside their transaction."""

import contextlib
import contextvars
import datetime as dt
import decimal

from django.db import models

from tracker.models import AuditEntry

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("duban_request_id", default="")


@contextlib.contextmanager
def request_context(request_id: str):
    """Tag every audit row written inside the block with the request's id."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """The instance's concrete field values as JSON-ready data (FKs as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _json_value(getattr(instance, name)) for name in names}


def record(
    *,
    actor,
    action: str,
    obj: models.Model | None,
    before: dict | None = None,
    after: dict | None = None,
    task=None,
    label: str = "",
) -> AuditEntry:
    """Write one audit row; call it inside the transaction that makes the change.

    `obj` is the row changed; a change to many rows at once (a registry load) passes
    None and a `label` naming what was changed.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "bulk",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(label or str(obj))[:300],
        task=task,
        before=before,
        after=after,
        request_id=_request_id.get(),
    )
