"""Reminders: the office's log of e-mail (sent, failed, without address; resend) and rules;
every user's preferences (channel and digest frequency, within what the office allows)."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.forms import modelformset_factory
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tracker import emails
from tracker.access import is_supervisor
from tracker.models import OutgoingEmail, Profile, ReminderRule
from tracker.services import delivery, reminders

PAGE_SIZE = 50


def _office_only(user) -> None:
    if not is_supervisor(user):
        raise PermissionDenied


def get_email_for_user(user, pk: int) -> OutgoingEmail:
    """The office's fetch helper for one outgoing e-mail (403 for everyone else)."""
    _office_only(user)
    return get_object_or_404(OutgoingEmail.objects.select_related("period", "resent_from"), pk=pk)


class OutgoingEmailFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=gettext_lazy("搜索"))
    status = django_filters.ChoiceFilter(
        choices=OutgoingEmail.Status.choices, label=gettext_lazy("状态")
    )
    kind = django_filters.ChoiceFilter(
        choices=OutgoingEmail.Kind.choices, label=gettext_lazy("类型")
    )
    run_on = django_filters.DateFilter(
        label=gettext_lazy("计划日期"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = OutgoingEmail
        fields = ["q", "status", "kind", "run_on"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(recipient_email__icontains=value) | Q(recipient_name__icontains=value)
        )


@login_required
def email_log(request):
    _office_only(request.user)
    filterset = OutgoingEmailFilter(
        request.GET or None, queryset=OutgoingEmail.objects.order_by("-created_at", "-id")
    )
    rows = filterset.qs.only(
        "pk",
        "kind",
        "run_on",
        "recipient_email",
        "recipient_name",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
        "created_at",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        OutgoingEmail.objects.values_list("status").annotate(n=Count("pk")).order_by("status")
    )
    status_counts = [
        (value, label, counts.get(value, 0)) for value, label in OutgoingEmail.Status.choices
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reminders/log.html",
        {
            "filter": filterset,
            "page": page,
            "status_counts": status_counts,
            "query": query.urlencode(),
        },
    )


@login_required
def email_detail(request, pk: int):
    email = get_email_for_user(request.user, pk)
    preview = None
    if email.recipient_email:
        message = emails.build_message(email)
        preview = {"subject": message.subject, "body": message.body}
    return render(request, "reminders/detail.html", {"email": email, "preview": preview})


@login_required
@require_POST
def email_resend(request, pk: int):
    email = get_email_for_user(request.user, pk)
    try:
        copy = delivery.resend_email(email, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reminder_email", pk=email.pk)
    messages.success(
        request, _("已重新排队发送至 %(address)s。") % {"address": copy.recipient_email}
    )
    return redirect("reminder_email", pk=copy.pk)


class RuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["kind", "days", "working_days", "weekday", "mandatory", "is_active"]


RuleFormSet = modelformset_factory(ReminderRule, form=RuleForm, extra=1, can_delete=True)


@login_required
def reminder_rules(request):
    _office_only(request.user)
    formset = RuleFormSet(request.POST or None, queryset=ReminderRule.objects.all())
    if request.method == "POST" and formset.is_valid():
        changed = [
            f.save(commit=False)
            for f in formset.forms
            if f.has_changed() and f not in formset.deleted_forms and f.cleaned_data
        ]
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        try:
            count = reminders.save_rules(changed, deleted, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已保存%(count)d条催办规则的修改。") % {"count": count})
            return redirect("reminder_rules")
    return render(request, "reminders/rules.html", {"formset": formset})


class PreferencesForm(forms.Form):
    email_reminders = forms.BooleanField(
        label=gettext_lazy("通过电子邮件接收催办提醒"), required=False
    )
    digest_frequency = forms.ChoiceField(label=gettext_lazy("汇总邮件频率"))

    def __init__(self, *args, allowed: reminders.AllowedPreferences, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Profile.DigestFrequency.choices)
        self.fields["digest_frequency"].choices = [
            (value, labels[value]) for value in allowed.digest_frequencies
        ]
        if not allowed.can_opt_out:
            self.fields["email_reminders"].disabled = True
            self.fields["email_reminders"].help_text = gettext_lazy(
                "督查室要求所有人接收催办邮件。"
            )


@login_required
def preferences(request):
    profile = getattr(request.user, "profile", None)
    if profile is None:
        raise PermissionDenied
    allowed = reminders.allowed_preferences()
    initial = {
        "email_reminders": profile.email_reminders,
        "digest_frequency": profile.digest_frequency,
    }
    form = PreferencesForm(request.POST or None, initial=initial, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            reminders.update_preferences(
                profile,
                acting_user=request.user,
                email_reminders=form.cleaned_data["email_reminders"]
                if allowed.can_opt_out
                else True,
                digest_frequency=form.cleaned_data["digest_frequency"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("邮件偏好已保存。"))
            return redirect("reminder_preferences")
    return render(
        request,
        "reminders/preferences.html",
        {"form": form, "email": request.user.email, "is_official": _leads_tasks(request.user)},
    )


def _leads_tasks(user) -> bool:
    return user.profile.role == Profile.Role.OFFICIAL or hasattr(user, "official")


urlpatterns = [
    path("reminders/", email_log, name="reminder_log"),
    path("reminders/<int:pk>/", email_detail, name="reminder_email"),
    path("reminders/<int:pk>/resend/", email_resend, name="reminder_resend"),
    path("reminders/rules/", reminder_rules, name="reminder_rules"),
    path("reminders/preferences/", preferences, name="reminder_preferences"),
]
