"""The responsibility matrix: documents, their task trees, and who answers for each task."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.browse_sorts import DEADLINE_KEY, LIGHT_RANK
from tracker.schedule import Light, ScheduleStatus


class GazetteIssue(models.Model):
    """One issue of a city government gazette (公报), e.g. 2018年第2期（总第179期）."""

    title = models.CharField(_("刊名"), max_length=100, default="聊城市人民政府公报")
    year = models.PositiveSmallIntegerField(_("年份"))
    number = models.PositiveSmallIntegerField(_("期号"))
    cumulative_number = models.PositiveIntegerField(_("总期号"), null=True, blank=True)
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("公报")
        verbose_name_plural = _("公报")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["title", "year", "number"],
                name="gazette_issue_unique_number",
                violation_error_message=_("同一刊物同一年的期号不能重复。"),
            )
        ]

    def __str__(self):
        return f"{self.title} {self.year}年第{self.number}期"


class Document(models.Model):
    """A document (文件) printed in a gazette; a plan is a document that carries tasks."""

    class Kind(models.TextChoices):
        DIVISION_PLAN = "division_plan", _("分工方案")
        IMPLEMENTATION_PLAN = "implementation_plan", _("实施方案")
        WORK_PLAN = "work_plan", _("工作方案")
        IMPLEMENTATION_OPINION = "implementation_opinion", _("实施意见")
        WORK_POINTS = "work_points", _("工作要点")
        MEASURES = "measures", _("措施")
        LEGISLATIVE_PLAN = "legislative_plan", _("立法工作计划")
        NOTICE = "notice", _("通知")
        OTHER = "other", _("其他")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        QUARTERLY = "quarterly", _("每季度")
        HALF_YEARLY = "half_yearly", _("每半年")
        ANNUAL = "annual", _("每年")

    # NULL, not "", for a pasted excerpt: the unique constraint applies only to real 文号.
    doc_number = models.CharField(_("文号"), max_length=64, null=True, blank=True)  # noqa: DJ001
    title = models.CharField(_("标题"), max_length=500)
    issuer = models.CharField(_("发文机关"), max_length=200, blank=True)
    signed_on = models.DateField(_("成文日期"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind, default=Kind.OTHER)
    reporting_cadence = models.CharField(
        _("报送周期"), max_length=16, choices=Cadence, default=Cadence.QUARTERLY
    )
    gazette_issue = models.ForeignKey(
        GazetteIssue,
        verbose_name=_("公报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    source_name = models.CharField(_("来源文件"), max_length=255, blank=True)
    source_file = models.ForeignKey(
        "tracker.SourceFile",
        verbose_name=_("原始文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
        help_text=_("任务的起止行号指向此文件。"),
    )
    source_text = models.TextField(_("原文"), blank=True)
    source_line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["-year", "doc_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["doc_number"],
                condition=Q(doc_number__isnull=False),
                name="document_unique_doc_number",
                violation_error_message=_("该文号的文件已存在。"),
            )
        ]
        # Browse area: the plan list pages newest year first by keyset (year, id).
        indexes = [models.Index(fields=["year", "id"], name="document_browse_year_idx")]

    def __str__(self):
        return f"{self.doc_number} {self.title}" if self.doc_number else self.title

    def get_absolute_url(self):
        return reverse("document_detail", args=[self.pk])


class Task(models.Model):
    """A node of a plan's task tree: a section, a parent item, or a leaf task to report on."""

    class DeadlineKind(models.TextChoices):
        DATE = "date", _("具体日期")
        YEAR_END = "year_end", _("年底前")
        ONGOING = "ongoing", _("长期坚持")
        RECURRING = "recurring", _("定期")
        RELATIVE = "relative", _("相对期限")
        HORIZON = "horizon", _("远期目标")
        NONE = "none", _("未规定")

    document = models.ForeignKey(
        Document, verbose_name=_("文件"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("编号路径"), max_length=64, help_text=_("如 一.2.(2)"))
    printed_number = models.CharField(_("原编号"), max_length=32, blank=True)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    text = models.TextField(_("任务内容"))
    targets = models.JSONField(_("目标要求"), default=list, blank=True)
    is_leaf = models.BooleanField(_("末级任务"), default=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    deadline_on = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=200, blank=True)
    deadline_kind = models.CharField(
        _("时限类型"), max_length=16, choices=DeadlineKind, default=DeadlineKind.NONE
    )
    suggested_deadline_on = models.DateField(_("建议时限"), null=True, blank=True)
    source_line_start = models.PositiveIntegerField(_("起始行"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("结束行"), null=True, blank=True)
    # Computed by tracker.services.schedule.refresh_task_schedules (after every report
    # change and nightly, because time alone turns tasks yellow or red); stored so lists
    # can filter and sort on them with an index. Never edited by hand.
    schedule_status = models.CharField(
        _("进度状态"), max_length=16, choices=ScheduleStatus, default=ScheduleStatus.ON_TRACK
    )
    light = models.CharField(_("亮灯"), max_length=8, choices=Light, default=Light.GREEN)
    reported_progress = models.CharField(_("最新报告进展"), max_length=16, blank=True)
    reported_percent = models.PositiveSmallIntegerField(
        _("最新报告完成比例"), null=True, blank=True
    )
    schedule_refreshed_on = models.DateField(_("状态计算日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="task_unique_number_in_document",
                violation_error_message=_("同一文件中的任务编号不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(deadline_on__isnull=True) | Q(deadline_kind__in=["date", "year_end"]),
                name="task_deadline_date_needs_date_kind",
                violation_error_message=_("只有具体日期或年底前类型的时限才能有日期。"),
            ),
        ]
        indexes = [
            models.Index(fields=["document", "order"], name="task_document_order_idx"),
            models.Index(fields=["deadline_on"], name="task_deadline_idx"),
            models.Index(fields=["light"], name="task_light_idx"),
            models.Index(fields=["schedule_status"], name="task_schedule_status_idx"),
            # Browse area: the task list's sort keys (tracker/browse_sorts.py), so keyset
            # pagination walks an index from its cursor. Text search: a pg_trgm GIN index
            # created on PostgreSQL by migration tracker/…browse_indexes.
            models.Index(fields=["-document", "order", "id"], name="task_browse_plan_idx"),
            models.Index(DEADLINE_KEY, F("id"), name="task_browse_deadline_idx"),
            models.Index(
                LIGHT_RANK, F("document").desc(), F("order"), F("id"), name="task_browse_light_idx"
            ),
        ]

    def __str__(self):
        label = self.title or self.text
        return f"{self.number} {label[:40]}"

    def get_absolute_url(self):
        return reverse("task_detail", args=[self.pk])


class Unit(models.Model):
    """An organisation that can be responsible for tasks (a department, a county, …)."""

    class Kind(models.TextChoices):
        CITY_DEPARTMENT = "city_department", _("市直部门")
        COUNTY_GOVERNMENT = "county_government", _("县（市、区）政府")
        DEVELOPMENT_ZONE = "development_zone", _("开发区")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    code = models.SlugField(_("代码"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("全称"), max_length=200, db_index=True)
    short_name = models.CharField(_("简称"), max_length=100, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind, default=Kind.CITY_DEPARTMENT)
    established_on = models.DateField(_("设立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["kind", "name"]
        constraints = [
            # A name can come back after a reform (聊城市发展和改革委员会 before and after
            # 2019 are two units); only one current unit may carry it.
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(dissolved_on__isnull=True),
                name="unit_unique_current_name",
                violation_error_message=_("已有同名的现存单位。"),
            )
        ]

    def __str__(self):
        return self.short_name or self.name

    def get_absolute_url(self):
        return reverse("unit_portfolio", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None


class UnitAlias(models.Model):
    """Another way a unit is written: abbreviation, old spelling or OCR variant."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases"
    )
    alias = models.CharField(_("别名"), max_length=200, unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]

    def __str__(self):
        return self.alias


class UnitSuccession(models.Model):
    """A unit taken over by another (机构改革): rename, merge or split, from a date."""

    class Kind(models.TextChoices):
        RENAME = "rename", _("更名")
        MERGE = "merge", _("合并")
        SPLIT = "split", _("拆分")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("原单位"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("承继单位"), on_delete=models.CASCADE, related_name="predecessions"
    )
    # Unknown when the sources do not date a change: kept for lineage, never followed by date.
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind, default=Kind.RENAME)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("机构沿革")
        verbose_name_plural = _("机构沿革")
        ordering = ["effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="unit_succession_unique_pair",
                violation_error_message=_("该机构沿革已存在。"),
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")),
                name="unit_succession_not_self",
                violation_error_message=_("单位不能承继自身。"),
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_on})"


class UnitGroup(models.Model):
    """A collective reference such as 各县（市、区）人民政府 that expands to member units."""

    code = models.SlugField(_("代码"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("名称"), max_length=200, unique=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    members = models.ManyToManyField(
        Unit, verbose_name=_("成员单位"), related_name="unit_groups", blank=True
    )
    is_open = models.BooleanField(
        _("成员不确定"),
        default=False,
        help_text=_("如“市直有关部门”：成员无法从原文列举，由督查室按需指定。"),
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("单位组")
        verbose_name_plural = _("单位组")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Official(models.Model):
    """A leading official (牵头领导, usually a vice-mayor) with a position and term."""

    code = models.SlugField(_("代码"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=200, blank=True)
    term_start = models.DateField(_("任职开始"), null=True, blank=True)
    term_end = models.DateField(_("任职结束"), null=True, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    aliases = models.JSONField(_("别名"), default=list, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )

    class Meta:
        verbose_name = _("领导")
        verbose_name_plural = _("领导")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="official_term_ordered",
                violation_error_message=_("任职结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("official_portfolio", args=[self.pk])


class TaskOfficial(models.Model):
    """A lead official (牵头领导) of a task."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="lead_officials"
    )
    official = models.ForeignKey(
        Official, verbose_name=_("领导"), on_delete=models.PROTECT, related_name="task_links"
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("牵头领导")
        verbose_name_plural = _("牵头领导")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "official"],
                name="task_official_unique",
                violation_error_message=_("该领导已是此任务的牵头领导。"),
            )
        ]

    def __str__(self):
        return f"{self.task.number} · {self.official}"


class Assignment(models.Model):
    """A unit (or unit group) with a role on a task: one cell of the responsibility matrix.

    A name the registry does not know is kept as written with neither unit nor
    group set: a proposal for the supervision office, never a silent new unit.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        COOPERATING = "cooperating", _("配合")
        IMPLEMENTING = "implementing", _("负责落实")
        RESPONSIBLE = "responsible", _("共同负责")

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    group = models.ForeignKey(
        UnitGroup,
        verbose_name=_("单位组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    written_name = models.CharField(_("原文名称"), max_length=200)
    role = models.CharField(_("角色"), max_length=16, choices=Role)
    separately = models.BooleanField(_("分别负责"), default=False)
    inferred = models.BooleanField(_("角色为推定"), default=False)
    consolidates = models.BooleanField(
        _("汇总报送"),
        default=False,
        help_text=_("该单位汇总任务进展（牵头单位，或未标明牵头时的第一责任单位）。"),
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=True) | Q(group__isnull=True),
                name="assignment_unit_or_group",
                violation_error_message=_("一条分工只能指向一个单位或一个单位组。"),
            ),
            models.UniqueConstraint(
                fields=["task", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="assignment_unit_once_per_role",
                violation_error_message=_("同一单位在同一任务中不能重复担任同一角色。"),
            ),
            models.UniqueConstraint(
                fields=["task", "group", "role"],
                condition=Q(group__isnull=False),
                name="assignment_group_once_per_role",
                violation_error_message=_("同一单位组在同一任务中不能重复担任同一角色。"),
            ),
            models.UniqueConstraint(
                fields=["task", "written_name", "role"],
                condition=Q(unit__isnull=True, group__isnull=True),
                name="assignment_proposal_once_per_role",
                violation_error_message=_("同一待确认单位在同一任务中不能重复担任同一角色。"),
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "role"], name="assignment_unit_role_idx"),
            models.Index(fields=["group", "role"], name="assignment_group_role_idx"),
            # Browse area: the task list's role filter without a unit.
            models.Index(fields=["role", "task"], name="assignment_role_task_idx"),
            # My work: "does this task have a consolidating unit?" per assignment row.
            models.Index(
                fields=["task"],
                condition=Q(consolidates=True, unit__isnull=False),
                name="assignment_consolidator_idx",
            ),
        ]

    def __str__(self):
        return f"{self.task.number} · {self.written_name} ({self.get_role_display()})"

    @property
    def is_proposal(self) -> bool:
        return self.unit_id is None and self.group_id is None
