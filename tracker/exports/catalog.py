"""What each export covers and how it is built, the same in a request and in a Celery job.

An export is (kind, params): params are plain JSON (ids and the list's query string) so
a job can rebuild exactly what the user asked for, with the user's own access rules.
"""

import datetime as dt
from types import SimpleNamespace

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.exports.ledger import build_ledger, ledger_periods
from tracker.exports.supervision import build_supervision_workbook
from tracker.exports.task_list import build_task_list_xlsx
from tracker.filters import browse_base_queryset, task_filterset
from tracker.models import Document, ExportJob, ReportingPeriod, Task

VARIANT_LABELS = {
    "combined": gettext_lazy("汇总"),
    "by_unit": gettext_lazy("分单位"),
    "by_official": gettext_lazy("分领导"),
}


def task_list_filterset(user, query: str):
    data = QueryDict(query)
    return task_filterset(SimpleNamespace(user=user, GET=data), data)


def describe_filters(filterset) -> str:
    """The list's filters in words, printed under the title ("download what I see")."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return _("全部任务")
    parts = []
    for name, value in filterset.form.cleaned_data.items():
        if value in (None, "", [], False) or name == "sort":
            continue
        field = filterset.form.fields[name]
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict(field.choices).get(value, value)
        if isinstance(value, slice):
            value = f"{value.start or ''}—{value.stop or ''}"
        parts.append(f"{field.label}：{value}")
    return _("筛选条件：") + "；".join(parts) if parts else _("全部任务")


def export_tasks(kind: str, user, params: dict) -> QuerySet[Task]:
    """The tasks an export covers, as the user may see them."""
    if kind == ExportJob.Kind.TASK_LIST:
        return task_list_filterset(user, params.get("query", "")).qs
    if kind == ExportJob.Kind.LEDGER:
        return browse_base_queryset(user).filter(document_id=params["document_id"])
    if kind == ExportJob.Kind.SUPERVISION:
        return browse_base_queryset(user).filter(document_id__in=params["document_ids"])
    raise ValueError(f"unknown export kind {kind!r}")


def export_filename(kind: str, params: dict, today: dt.date) -> str:
    stamp = today.strftime("%Y%m%d")
    if kind == ExportJob.Kind.TASK_LIST:
        return _("任务清单-%(date)s.xlsx") % {"date": stamp}
    if kind == ExportJob.Kind.LEDGER:
        document = Document.objects.only("doc_number", "title").get(pk=params["document_id"])
        return _("工作台账-%(plan)s-%(date)s.xlsx") % {
            "plan": (document.doc_number or document.title)[:40],
            "date": stamp,
        }
    period = ReportingPeriod.objects.get(pk=params["period_id"])
    return _("督查通报-%(period)s-%(variant)s-%(date)s.xlsx") % {
        "period": str(period),
        "variant": VARIANT_LABELS.get(params.get("variant"), ""),
        "date": stamp,
    }


def build_export(
    kind: str, user, params: dict, path, *, today: dt.date, on_progress=None, tmpdir=None
) -> None:
    """Write the export to `path` (an .xlsx file)."""
    tasks = export_tasks(kind, user, params)
    if kind == ExportJob.Kind.TASK_LIST:
        filterset = task_list_filterset(user, params.get("query", ""))
        build_task_list_xlsx(
            path,
            tasks=filterset.qs,
            description=describe_filters(filterset),
            today=today,
            on_progress=on_progress,
            tmpdir=tmpdir,
        )
    elif kind == ExportJob.Kind.LEDGER:
        document = Document.objects.get(pk=params["document_id"])
        build_ledger(
            path,
            document=document,
            tasks=tasks,
            periods=ledger_periods(document, today),
            today=today,
            on_progress=on_progress,
            tmpdir=tmpdir,
        )
    else:
        period = ReportingPeriod.objects.get(pk=params["period_id"])
        documents = list(Document.objects.filter(pk__in=params["document_ids"]).order_by("pk"))
        build_supervision_workbook(
            path,
            tasks=tasks,
            period=period,
            documents=documents,
            variant=params.get("variant", "combined"),
            today=today,
            on_progress=on_progress,
            tmpdir=tmpdir,
        )
