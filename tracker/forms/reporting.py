"""Forms of the reporting area: the clerk's report, the office's review, periods."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.models import Document, ProgressReport
from tracker.services.periods import DEFAULT_DUE_DAYS
from tracker.uploads import ALLOWED_TYPES, check_upload

ACCEPT_ATTRIBUTE = ",".join(ext for kind in ALLOWED_TYPES for ext in kind.extensions)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's file-upload documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _text(label):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )


class ReportForm(forms.Form):
    """What a clerk types for one task, unit and period; `version` guards against overwrites."""

    progress_status = forms.ChoiceField(
        label=gettext_lazy("进展状态"), choices=ProgressReport.Progress.choices
    )
    percent = forms.IntegerField(
        label=gettext_lazy("完成百分比（%）"),
        min_value=0,
        max_value=100,
        initial=0,
        error_messages={
            "min_value": gettext_lazy("完成百分比应在0到100之间。"),
            "max_value": gettext_lazy("完成百分比应在0到100之间。"),
            "invalid": gettext_lazy("完成百分比应为0到100之间的整数。"),
            "required": gettext_lazy("请填写完成百分比。"),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    progress = _text(gettext_lazy("进展情况"))
    problems = _text(gettext_lazy("存在问题"))
    coordination = _text(gettext_lazy("需协调事项"))
    next_steps = _text(gettext_lazy("下步打算"))
    attachments = MultipleFileField(
        label=gettext_lazy("佐证材料"),
        required=False,
        help_text=format_lazy(
            gettext_lazy("可多选；支持 PDF、JPG、PNG、Word、Excel，每个文件不超过 {mb} MB。"),
            mb=settings.ATTACHMENT_MAX_BYTES // 1024 // 1024,
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting

    def clean_attachments(self):
        files = self.cleaned_data.get("attachments") or []
        errors = []
        for upload in files:
            try:
                check_upload(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        data = super().clean()
        if self.submitting and not (data.get("progress") or "").strip():
            self.add_error("progress", _("提交前请填写进展情况。"))
        if (
            data.get("progress_status") == ProgressReport.Progress.DONE
            and data.get("percent") is not None
            and data["percent"] < 100
        ):
            self.add_error("percent", _("进展状态为“已完成”时，完成百分比应为100。"))
        return data

    @classmethod
    def initial_for(cls, report: ProgressReport | None) -> dict:
        if report is None:
            return {"progress_status": ProgressReport.Progress.ON_TRACK, "percent": 0, "version": 0}
        return {
            "progress_status": report.progress_status,
            "percent": report.percent,
            "progress": report.progress,
            "problems": report.problems,
            "coordination": report.coordination,
            "next_steps": report.next_steps,
            "version": report.version,
        }

    def content(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "progress_status",
                "percent",
                "progress",
                "problems",
                "coordination",
                "next_steps",
            )
        }


class ReviewForm(forms.Form):
    """The office's comment when returning (required) or accepting (optional)."""

    comment = forms.CharField(
        label=gettext_lazy("审核意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class YearPeriodsForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    cadence = forms.ChoiceField(
        label=gettext_lazy("周期类型"),
        choices=Document.Cadence.choices,
        initial=Document.Cadence.QUARTERLY,
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("周期结束后第几天截止"),
        min_value=0,
        max_value=60,
        initial=DEFAULT_DUE_DAYS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("重新开放原因"), max_length=500)
