"""A realistic city plan built in code: sections, lead officials, lead and cooperating
units, a unit group of counties, and units renamed by the 2019 institutional reform."""

import datetime as dt
import itertools

from tests import factories
from tracker.models import Assignment, Document, Task, TaskOfficial, Unit
from tracker.services.units import rename_unit

DEPARTMENTS = [
    ("聊城市发展和改革委员会", "市发改委"),
    ("聊城市安全生产监督管理局", "市安监局"),
    ("聊城市环境保护局", "市环保局"),
    ("聊城市财政局", "市财政局"),
    ("聊城市教育局", "市教育局"),
    ("聊城市科学技术局", "市科技局"),
    ("聊城市公安局", "市公安局"),
    ("聊城市民政局", "市民政局"),
    ("聊城市人力资源和社会保障局", "市人社局"),
    ("聊城市住房和城乡建设局", "市住建局"),
    ("聊城市交通运输局", "市交通运输局"),
    ("聊城市水利局", "市水利局"),
    ("聊城市商务局", "市商务局"),
    ("聊城市文化和旅游局", "市文化和旅游局"),
    ("聊城市卫生健康委员会", "市卫生健康委"),
    ("聊城市审计局", "市审计局"),
    ("聊城市统计局", "市统计局"),
    ("聊城市医疗保障局", "市医保局"),
    ("聊城市自然资源和规划局", "市自然资源和规划局"),
    ("聊城市农业农村局", "市农业农村局"),
]
COUNTIES = [
    "东昌府区人民政府",
    "临清市人民政府",
    "阳谷县人民政府",
    "莘县人民政府",
    "茌平区人民政府",
    "东阿县人民政府",
    "冠县人民政府",
    "高唐县人民政府",
]
RENAMES = [
    ("市发改委", "聊城市发展和改革委员会（2019）", "市发展改革委"),
    ("市安监局", "聊城市应急管理局", "市应急局"),
    ("市环保局", "聊城市生态环境局", "市生态环境局"),
]
SECTION_NAMES = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
TOPICS = [
    "深化供给侧结构性改革，推动新旧动能转换重大工程",
    "优化营商环境，推进“一次办好”改革",
    "打好污染防治攻坚战，改善生态环境质量",
    "实施乡村振兴战略，推进农业现代化",
    "加快交通基础设施建设，完善综合交通网络",
    "保障和改善民生，办好民生实事",
]
LIGHT_CYCLE = [
    ("overdue", "red"),
    ("due_soon", "yellow"),
    ("on_track", "green"),
    ("on_track", "green"),
    ("done", "blue"),
    ("behind", "yellow"),
]


def build_city(units: int = 80):
    """The registry: departments, county governments, a county group, 2019 renames.

    Returns a dict with the units by short name, the group and the successors.
    """
    by_name = {}
    for name, short in DEPARTMENTS:
        by_name[short] = factories.make_unit(name, short_name=short)
    for name in COUNTIES:
        short = name.replace("人民政府", "政府")
        by_name[short] = factories.make_unit(
            f"聊城市{name}" if not name.startswith("聊城") else name,
            short_name=short,
            kind=Unit.Kind.COUNTY_GOVERNMENT,
        )
    for n in itertools.count(1):
        if len(by_name) >= units:
            break
        by_name[f"市直单位{n}"] = factories.make_unit(
            f"聊城市直属单位{n}", short_name=f"市直单位{n}"
        )
    counties = [u for u in by_name.values() if u.kind == Unit.Kind.COUNTY_GOVERNMENT]
    group = factories.make_group("各县（市、区）人民政府", members=counties)
    successors = {}
    for old, new_name, new_short in RENAMES:
        successors[old] = rename_unit(
            acting_user=None,
            unit=by_name[old],
            new_name=new_name,
            new_short_name=new_short,
            effective_on=dt.date(2019, 1, 20),
            source="聊政任〔2019〕3号",
        )
    return {"units": by_name, "group": group, "successors": successors, "counties": counties}


def build_plan(
    city,
    *,
    year: int = 2018,
    doc_number: str = "聊政发〔2018〕7号",
    tasks: int = 60,
    sections: int = 6,
    officials=None,
    lead_names=None,
) -> Document:
    """A division plan (分工方案) with `tasks` leaf tasks in `sections` sections.

    Every task has a lead official, a lead unit that consolidates, two or three
    cooperating units, and every fourth task the county group as implementing units.
    Lights cycle through red, yellow, green and blue.
    """
    document = factories.make_document(
        doc_number,
        year=year,
        title=f"{year}年市政府工作报告重点工作任务分工方案",
        issuer="聊城市人民政府",
        signed_on=dt.date(year, 2, 28),
    )
    officials = officials or [
        factories.make_official(name, position="副市长")
        for name in ("郭建民", "马丽红", "洪玉振", "任晓旺", "田中俊")
    ]
    units = [u for u in city["units"].values() if u.kind == Unit.Kind.CITY_DEPARTMENT]
    if year >= 2019:
        units = [u for u in units if u.dissolved_on is None] + list(city["successors"].values())
    else:
        units = [u for u in units if u.established_on is None or u.established_on.year <= year]
    if lead_names:
        leads = [city["units"].get(name) or city["successors"][name] for name in lead_names]
    else:
        leads = units
    section_rows = Task.objects.bulk_create(
        Task(
            document=document,
            number=SECTION_NAMES[s],
            printed_number=f"{SECTION_NAMES[s]}、",
            title=TOPICS[s % len(TOPICS)],
            text=TOPICS[s % len(TOPICS)],
            is_leaf=False,
            order=s * 1000,
        )
        for s in range(sections)
    )
    per_section = -(-tasks // sections)
    leaves = []
    for n in range(tasks):
        section = section_rows[n // per_section]
        status, light = LIGHT_CYCLE[n % len(LIGHT_CYCLE)]
        index = n % per_section + 1
        leaves.append(
            Task(
                document=document,
                parent=section,
                number=f"{section.number}.{index}",
                printed_number=f"{index}.",
                text=f"{TOPICS[n % len(TOPICS)]}第{n + 1}项：完成年度目标任务，确保取得实效。",
                is_leaf=True,
                order=section.order + index,
                deadline_on=dt.date(year, 3 * (n % 4) + 3, 28) if n % 3 else None,
                deadline_kind=Task.DeadlineKind.DATE if n % 3 else Task.DeadlineKind.NONE,
                schedule_status=status,
                light=light,
            )
        )
    leaves = Task.objects.bulk_create(leaves)
    links, assignments = [], []
    for n, task in enumerate(leaves):
        links.append(TaskOfficial(task=task, official=officials[n % len(officials)]))
        lead = leads[n % len(leads)]
        assignments.append(
            Assignment(
                task=task,
                unit=lead,
                written_name=str(lead),
                role=Assignment.Role.LEAD,
                consolidates=True,
                order=0,
            )
        )
        for k in range(2 + n % 2):
            other = units[(n * 7 + 3 * k + 1) % len(units)]
            if other.pk == lead.pk:
                continue
            assignments.append(
                Assignment(
                    task=task,
                    unit=other,
                    written_name=str(other),
                    role=Assignment.Role.COOPERATING,
                    order=k + 1,
                )
            )
        if n % 4 == 0:
            assignments.append(
                Assignment(
                    task=task,
                    group=city["group"],
                    written_name=city["group"].name,
                    role=Assignment.Role.IMPLEMENTING,
                    order=9,
                )
            )
    TaskOfficial.objects.bulk_create(links)
    Assignment.objects.bulk_create(assignments)
    return document
