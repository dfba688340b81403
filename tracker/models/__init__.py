"""Duban's models, one module per part of the domain."""

from .accounts import Profile, UnitMembership
from .audit import AuditEntry
from .exports import ExportJob, ProgressUpload
from .imports import ImportBatch, SourceFile
from .matrix import (
    Assignment,
    Document,
    GazetteIssue,
    Official,
    Task,
    TaskOfficial,
    Unit,
    UnitAlias,
    UnitGroup,
    UnitSuccession,
)
from .notifications import OutgoingEmail, ReminderRule
from .reporting import Attachment, ProgressReport, ReportingPeriod
from .system import WorkerHeartbeat

__all__ = [
    "Assignment",
    "Attachment",
    "AuditEntry",
    "Document",
    "ExportJob",
    "GazetteIssue",
    "ImportBatch",
    "Official",
    "OutgoingEmail",
    "Profile",
    "ProgressReport",
    "ProgressUpload",
    "ReminderRule",
    "ReportingPeriod",
    "SourceFile",
    "Task",
    "TaskOfficial",
    "Unit",
    "UnitAlias",
    "UnitGroup",
    "UnitMembership",
    "UnitSuccession",
    "WorkerHeartbeat",
]
