"""Duban's models, one module per part of the domain."""

from .accounts import Profile, UnitMembership
from .audit import AuditEntry
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
from .reporting import Attachment, ProgressReport, ReportingPeriod
from .system import WorkerHeartbeat

__all__ = [
    "Assignment",
    "Attachment",
    "AuditEntry",
    "Document",
    "GazetteIssue",
    "Official",
    "Profile",
    "ProgressReport",
    "ReportingPeriod",
    "Task",
    "TaskOfficial",
    "Unit",
    "UnitAlias",
    "UnitGroup",
    "UnitMembership",
    "UnitSuccession",
    "WorkerHeartbeat",
]
