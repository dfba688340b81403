"""Django admin for the registry and the matrix (the supervision office's back room).

Edits here bypass the service functions only for reference data (aliases, groups,
officials); units and assignments are changed through the services' audited paths
in the application, and the admin shows the audit log read-only.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tracker import models

admin.site.site_header = _("督办系统管理")
admin.site.site_title = _("督办系统")
admin.site.index_title = _("数据管理")


class UnitAliasInline(admin.TabularInline):
    model = models.UnitAlias
    extra = 0


class SuccessionInline(admin.TabularInline):
    model = models.UnitSuccession
    fk_name = "predecessor"
    extra = 0
    autocomplete_fields = ["successor"]
    verbose_name = _("承继单位")
    verbose_name_plural = _("承继单位")


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "established_on", "dissolved_on"]
    list_filter = ["kind", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["name", "short_name", "aliases__alias", "code"]
    inlines = [UnitAliasInline, SuccessionInline]


@admin.register(models.UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["members"]


@admin.register(models.UnitSuccession)
class UnitSuccessionAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "kind", "effective_on", "source"]
    list_filter = ["kind", "effective_on"]
    autocomplete_fields = ["predecessor", "successor"]
    search_fields = ["predecessor__name", "successor__name"]


@admin.register(models.Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "term_start", "term_end", "email", "user"]
    search_fields = ["name", "position", "email"]
    list_filter = ["term_end"]
    raw_id_fields = ["user"]


@admin.register(models.GazetteIssue)
class GazetteIssueAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "number", "cumulative_number", "source_name"]
    list_filter = ["year"]


class TaskInline(admin.TabularInline):
    model = models.Task
    extra = 0
    fields = ["number", "title", "is_leaf", "deadline_on", "deadline_kind"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["doc_number", "title", "issuer", "signed_on", "year", "kind"]
    list_filter = ["year", "kind", "issuer"]
    search_fields = ["doc_number", "title"]
    inlines = [TaskInline]


class AssignmentInline(admin.TabularInline):
    model = models.Assignment
    extra = 0
    autocomplete_fields = ["unit", "group"]
    fields = [
        "written_name",
        "unit",
        "group",
        "role",
        "separately",
        "inferred",
        "consolidates",
        "order",
    ]


class TaskOfficialInline(admin.TabularInline):
    model = models.TaskOfficial
    extra = 0
    autocomplete_fields = ["official"]


@admin.register(models.Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "document", "is_leaf", "deadline_on", "deadline_kind"]
    list_filter = ["is_leaf", "deadline_kind", "document__year"]
    search_fields = ["number", "title", "text", "document__doc_number"]
    list_select_related = ["document"]
    raw_id_fields = ["parent", "document"]
    inlines = [TaskOfficialInline, AssignmentInline]


@admin.register(models.Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "written_name", "unit", "group", "role", "separately", "inferred"]
    list_filter = ["role", "inferred", "separately"]
    search_fields = ["written_name", "unit__name", "task__text"]
    list_select_related = ["task", "unit", "group"]
    raw_id_fields = ["task"]
    autocomplete_fields = ["unit", "group"]


class MembershipInline(admin.TabularInline):
    model = models.UnitMembership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(models.Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "role", "language", "digest_frequency"]
    list_filter = ["role", "language"]
    search_fields = ["user__username", "display_name"]


@admin.register(models.UnitMembership)
class UnitMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "is_head_contact"]
    list_filter = ["is_head_contact"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(models.ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "cadence", "starts_on", "ends_on", "due_on", "closed_at"]
    list_filter = ["cadence", "year"]


@admin.register(models.ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["task", "unit", "period", "status", "progress_status", "submitted_at"]
    list_filter = ["status", "progress_status", "period"]
    search_fields = ["task__text", "unit__name"]
    list_select_related = ["task", "unit", "period"]
    raw_id_fields = ["task", "unit", "submitted_by", "reviewed_by"]

    def has_change_permission(self, request, obj=None):
        # Reports change only through the reporting services (audit + locks).
        return False


@admin.register(models.AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_type", "object_repr", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_repr", "action", "request_id"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operational records: visible for support, changed only by the application."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.UnitAlias)
class UnitAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "unit", "note"]
    search_fields = ["alias", "unit__name", "unit__short_name"]
    autocomplete_fields = ["unit"]


@admin.register(models.ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "source_name",
        "created_by",
        "status",
        "progress_done",
        "progress_total",
    ]
    list_filter = ["status"]
    search_fields = ["source_name"]
    exclude = ["source_text"]


@admin.register(models.SourceFile)
class SourceFileAdmin(ReadOnlyAdmin):
    list_display = ["name", "sha256", "created_at"]
    search_fields = ["name", "sha256"]
    exclude = ["text"]


@admin.register(models.Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_by", "uploaded_at"]
    search_fields = ["original_name"]
    list_select_related = ["report__task", "report__unit", "report__period", "uploaded_by"]


@admin.register(models.ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = [
        "filename",
        "owner",
        "kind",
        "status",
        "progress_done",
        "progress_total",
        "expires_at",
    ]
    list_filter = ["kind", "status"]


@admin.register(models.ProgressUpload)
class ProgressUploadAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "uploaded_by", "unit", "period", "status"]
    list_filter = ["status"]


@admin.register(models.ReminderRule)
class ReminderRuleAdmin(ReadOnlyAdmin):
    """Rules are edited on the office's own page (audited), not here."""

    list_display = ["kind", "days", "working_days", "mandatory", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]


@admin.register(models.OutgoingEmail)
class OutgoingEmailAdmin(ReadOnlyAdmin):
    list_display = ["run_on", "kind", "recipient_email", "recipient_name", "status"]
    list_filter = ["kind", "status", "run_on"]
    search_fields = ["recipient_email", "recipient_name", "idempotency_key"]


@admin.register(models.WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "seen_at", "hostname"]
