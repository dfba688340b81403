"""Plans from other places: no 文号, other cities' unit names, half-width punctuation,
责任领导/分管领导, label lines on their own lines, and tasks that exist only as table rows.

Every input here is synthetic (written for the test, in the shapes issue 3 lists); none of them
names a 聊城 unit, so these tests fail if the parser starts to depend on 聊城's names.
"""

import datetime as dt

from tasks_import import parse_text
from tasks_import.result import DeadlineKind, Role


def _units(task):
    return [(u.name, u.role) for u in task.units]


def test_a_plan_whose_tasks_are_only_pipe_table_rows_gives_one_task_per_row():
    text = (
        "潍坊市2021年重点工作任务分工\n\n"
        "| 序号 | 工作任务 | 责任领导 | 牵头单位 | 配合单位 | 完成时限 |\n"
        "|---|---|---|---|---|---|\n"
        "| 1 | 推进老旧小区改造，完成120个小区 | 张某 | 市住房城乡建设局 | 市财政局、奎文区人民政府 | 2021年12月底前 |\n"
        "| 2 | 建设智慧城市运行平台 | 李某、王某 | 市大数据局 | 各县市区政府 | 2021年6月底前 |\n"
    )
    result = parse_text(text)
    (document,) = result.documents
    assert document.doc_number is None
    assert document.title == "潍坊市2021年重点工作任务分工"
    first, second = document.tasks
    assert (first.number, first.leaf, first.parent) == ("1", True, None)
    assert first.text == "推进老旧小区改造，完成120个小区"
    assert first.lead_officials == ["张某"]
    assert _units(first) == [
        ("市住房城乡建设局", Role.LEAD),
        ("市财政局", Role.COOPERATING),
        ("奎文区人民政府", Role.COOPERATING),
    ]
    assert first.deadline.date == dt.date(2021, 12, 31)
    assert first.source_lines == (5, 5)
    assert second.lead_officials == ["李某", "王某"]
    assert second.deadline.date == dt.date(2021, 6, 30)
    assert result.warnings == []


def test_a_flattened_table_without_outer_pipes_and_with_full_width_bars():
    text = (
        "序号｜工作任务｜分管领导｜牵头单位｜配合单位｜完成时限\n"
        "1｜推进港口建设｜赵某｜市交通运输局｜市发展改革委、寒亭区人民政府｜2022年底前\n"
        "2 | 加快高铁站建设 | 赵某 | 市发展改革委 | 潍城区、奎文区人民政府 | 长期坚持\n"
    )
    (document,) = parse_text(text).documents
    first, second = document.tasks
    assert first.lead_officials == ["赵某"]
    assert first.deadline.date == dt.date(2022, 12, 31)
    # a shared suffix is distributed: 潍城区、奎文区人民政府
    assert _units(second) == [
        ("市发展改革委", Role.LEAD),
        ("潍城区人民政府", Role.COOPERATING),
        ("奎文区人民政府", Role.COOPERATING),
    ]
    assert (second.deadline.date, second.deadline.kind) == (None, DeadlineKind.ONGOING)


def test_table_continuation_rows_category_rows_and_a_responsible_column():
    text = (
        "历城区城市更新工作台账\n\n"
        "| 序号 | 重点任务 | 责任单位 | 完成时间 |\n"
        "| --- | --- | --- | --- |\n"
        "| 一、城市更新 | | | |\n"
        "| 1 | 实施城市更新行动， | 区住建局、 | 2021年10月 |\n"
        "|  | 完成20个片区改造 | 各街道办事处 | |\n"
        "| 2 | 开展营商环境评价 | 区发改局牵头，区直各部门配合 | 2021年12月31日前 |\n"
    )
    (document,) = parse_text(text).documents
    first, second = document.tasks
    assert first.text == "实施城市更新行动，完成20个片区改造"
    # 责任单位 alone: jointly responsible, the first-listed is the inferred default
    assert [(u.name, u.role, u.inferred) for u in first.units] == [
        ("区住建局", Role.RESPONSIBLE, True),
        ("各街道办事处", Role.RESPONSIBLE, False),
    ]
    # in a deadline cell a bare month means the end of that month
    assert first.deadline.date == dt.date(2021, 10, 31)
    assert first.source_lines == (6, 7)
    assert _units(second) == [("区发改局", Role.LEAD), ("区直各部门", Role.COOPERATING)]
    assert second.deadline.date == dt.date(2021, 12, 31)


def test_a_table_row_without_units_is_a_task_with_a_warning():
    text = "| 序号 | 工作任务 | 牵头单位 |\n|--|--|--|\n| 1 | 甲项工作 | 市某局 |\n| 2 | 乙项工作 | |\n"
    result = parse_text(text)
    assert [t.units != [] for t in result.documents[0].tasks] == [True, False]
    assert [w.code for w in result.warnings] == ["task_without_units"]


def test_label_lines_on_their_own_lines_with_responsible_and_deputy_leaders():
    text = (
        "济南市历下区2021年工作要点\n\n一、重点工作\n\n"
        "1. 加快推进老旧小区改造,完成30个小区。\n"
        "责任领导:王某\n牵头单位:历下区住建局\n配合单位:历下区财政局、各街道办事处\n"
        "完成时限:2021年12月底前\n\n"
        "2. 推进营商环境改革。\n分管领导:赵某\n牵头单位:区行政审批服务局\n完成时限:2021年9月底前\n"
    )
    (document,) = parse_text(text).documents
    assert document.doc_number is None
    first, second = document.leaf_tasks
    assert first.text == "加快推进老旧小区改造，完成30个小区。"
    assert first.lead_officials == ["王某"]
    assert _units(first) == [
        ("历下区住建局", Role.LEAD),
        ("历下区财政局", Role.COOPERATING),
        ("各街道办事处", Role.COOPERATING),
    ]
    assert first.deadline.date == dt.date(2021, 12, 31)
    assert second.lead_officials == ["赵某"]
    assert second.deadline.date == dt.date(2021, 9, 30)


def test_another_citys_document_with_half_width_paren_tags():
    text = (
        "济南市人民政府办公厅\n济政办字〔2021〕5号\n"
        "济南市人民政府办公厅关于印发2021年重点工作分工方案的通知\n"
        "各区县人民政府：\n现印发给你们，请认真贯彻落实。\n济南市人民政府办公厅\n2021年3月1日\n"
        "一、重点工作\n"
        "(一)推进黄河流域生态保护。加快起步区建设,年底前完成规划编制。"
        "(责任单位:市发展改革委牵头,市自然资源和规划局和天桥区人民政府配合)\n"
        "(二)加强基层治理。推进网格化管理。(潍城区人民政府牵头,各镇(街道)配合)\n"
        "(三)提升教育质量。(市教育局、章丘区、莱芜区人民政府负责)\n"
    )
    (document,) = parse_text(text).documents
    assert (document.doc_number, document.issuer) == ("济政办字〔2021〕5号", "济南市人民政府办公厅")
    assert document.signed_on == dt.date(2021, 3, 1)
    first, second, third = document.leaf_tasks
    assert _units(first) == [
        ("市发展改革委", Role.LEAD),
        ("市自然资源和规划局", Role.COOPERATING),
        ("天桥区人民政府", Role.COOPERATING),
    ]
    assert first.deadline.date == dt.date(2021, 12, 31)  # 年底前 in the document's year
    assert _units(second) == [("潍城区人民政府", Role.LEAD), ("各镇（街道）", Role.COOPERATING)]
    assert [(u.name, u.role, u.inferred) for u in third.units] == [
        ("市教育局", Role.RESPONSIBLE, True),
        ("章丘区人民政府", Role.RESPONSIBLE, False),
        ("莱芜区人民政府", Role.RESPONSIBLE, False),
    ]


def test_a_table_restating_body_tasks_adds_no_task():
    # 聊政发〔2018〕61号 附件3 shape: the body already has the tasks; the table only dates them.
    text = (
        "一、重点任务\n\n1. 甲。（责任单位：市某局）\n\n2. 乙。（责任单位：市某委）\n\n"
        "| 序号 | 具体任务 | 责任单位 | 完成时限 |\n|--|--|--|--|\n"
        "| 1 | 甲 | 市某局 | 2022年6月底前 |\n| 2 | 乙 | 市某委 | 2022年9月底前 |\n"
    )
    (document,) = parse_text(text).documents
    assert [t.number for t in document.tasks] == ["一", "一.1", "一.2"]
    assert [t.deadline.date for t in document.leaf_tasks] == [
        dt.date(2022, 6, 30),
        dt.date(2022, 9, 30),
    ]


def test_a_document_knows_the_place_its_bare_unit_names_belong_to():
    # 市财政局 in a 潍坊 plan is 潍坊's: the saving layer must not take it for 聊城's.
    weifang = parse_text("潍坊市2021年重点工作任务分工\n\n一、任务\n\n1. 甲。（市财政局负责）\n")
    jinan = parse_text("济南市人民政府办公厅\n济政办字〔2021〕5号\n关于印发某方案的通知\n")
    pasted = parse_text("工作要点\n\n一、任务\n\n1. 甲。（区财政局负责）\n")
    assert [d.place for d in weifang.documents] == ["潍坊市"]
    assert [d.place for d in jinan.documents] == ["济南市"]
    assert [d.place for d in pasted.documents] == [""]
