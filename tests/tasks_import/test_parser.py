"""Task rules of parser.py, each with the seed wording it comes from."""

import datetime as dt

from tasks_import import parse_text
from tasks_import.result import Role

HEADER = "聊城市人民政府办公室\n\n聊政办字〔2023〕19号\n\n关于印发某实施方案的通知\n\n"


def _tasks(body, header=HEADER):
    result = parse_text(header + body)
    return result.documents[0].tasks, result.warnings


def test_a_series_without_units_has_no_tasks():
    tasks, _warnings = _tasks(
        "三、保障措施\n\n（一）加强组织领导。各级政府要重视。\n\n（二）强化督导。定期督查。\n"
    )
    assert tasks == []


def test_an_untagged_item_of_a_tagged_series_is_a_task_with_a_warning():
    body = "一、任务\n\n1. 甲。（牵头单位：市民政局）\n\n2. 乙。没有写责任单位。\n"
    tasks, warnings = _tasks(body)
    leaves = [t for t in tasks if t.leaf]
    assert [t.number for t in leaves] == ["一.1", "一.2"]
    assert leaves[1].units == []
    assert [w.code for w in warnings] == ["task_without_units"]


def test_each_tag_of_an_item_makes_a_child_task():
    # 聊政办字〔2023〕19号 L1019 (task 24)
    body = (
        "二、重点工作\n\n24. 维护老年人合法权益。贯彻落实《条例》。（牵头单位：市民政局）"
        "常态化开展诈骗排查整治工作。（牵头单位：市委政法委；配合单位：相关职能部门）"
        "加强老年人法律援助。（牵头单位：市司法局）\n"
    )
    tasks, _warnings = _tasks(body)
    by_number = {t.number: t for t in tasks}
    assert not by_number["二.24"].leaf
    children = [t for t in tasks if t.parent == "二.24"]
    assert [t.number for t in children] == ["二.24-1", "二.24-2", "二.24-3"]
    assert children[0].text == "维护老年人合法权益。贯彻落实《条例》。"
    assert children[1].text == "常态化开展诈骗排查整治工作。"
    assert [u.name for u in children[1].units if u.role == Role.LEAD] == ["市委政法委"]


def test_label_blocks_give_officials_and_units():
    # 聊政发〔2018〕7号 L108–110
    body = (
        "一、主要预期目标\n\n1. 生产总值增长7.5%左右。\n\n"
        "牵头领导：郭建民；牵头单位：市发改委；责任单位：市财政局，各县（市、区）人民政府。\n"
    )
    tasks, _warnings = _tasks(body, "聊城市人民政府文件\n\n聊政发〔2018〕7号\n\n关于印发的通知\n\n")
    task = [t for t in tasks if t.leaf][0]
    assert task.lead_officials == ["郭建民"]
    assert [(u.name, u.role) for u in task.units] == [
        ("市发改委", Role.LEAD),
        ("市财政局", Role.COOPERATING),
        ("各县（市、区）人民政府", Role.COOPERATING),
    ]
    assert task.text == "生产总值增长7.5%左右。"
    assert task.source_lines == (9, 11)  # original line numbers of the input


def test_drafting_units_take_the_deadline_of_their_category():
    # 聊政办字〔2018〕9号 L1002–1008
    body = (
        "一、地方性法规项目（4 件）\n\n（一）年内提请市人大常委会审议的重点立法项目（2 件）\n\n"
        "- 1.《聊城市养犬管理条例》（市公安局起草）\n\n（二）抓紧调查研究、起草的立法项目（2 件）\n\n"
        "- 1.《聊城市消防条例》（市公安局起草）\n"
    )
    tasks, _warnings = _tasks(
        body, "聊城市人民政府办公室\n\n聊政办字〔2018〕9号\n\n关于印发立法工作计划的通知\n\n"
    )
    leaves = [t for t in tasks if t.leaf]
    assert [t.deadline.date for t in leaves] == [dt.date(2018, 12, 31), None]


def test_inherited_implementers_stay_in_their_section():
    # 聊政办字〔2019〕13号 L654: the rule speaks of the tasks that follow in 三、重点任务.
    body = (
        "三、重点任务\n\n1. 甲。（市生态环境局牵头，各县（市、区）政府负责落实。以下任务措施均需各县（市、区）政府负责落实，不再列出）\n\n"
        "2. 乙。（市发展改革委牵头）\n\n四、保障措施\n\n（一）丙。（市财政局牵头）\n"
    )
    tasks, _warnings = _tasks(body)
    by_number = {t.number: t for t in tasks}
    assert "各县（市、区）政府" in [u.name for u in by_number["三.2"].units]
    assert "各县（市、区）政府" not in [u.name for u in by_number["四.(一)"].units]


def test_a_table_with_a_deadline_column_gives_each_task_its_deadline():
    # 聊政发〔2018〕61号 附件3: deadlines by 序号, continuation rows with empty cells.
    body = (
        "二、重点任务\n\n1. 甲。（责任单位：市科技局）\n\n2. 乙。（责任单位：市发改委）\n\n"
        "| 重点任务 | 序号 | 具体任务 | 责任单位 | 完成时限 |\n|--|--|--|--|--|\n"
        "| 一、甲 | 1 | 甲 | 市科技局 | 2019 年 12 月底前 |\n"
        "| | 2 | 乙 | 市发改委 | 2022年12月底前 |\n"
        "| | | | 东昌府区政府 | |\n"
    )
    tasks, _warnings = _tasks(
        body, "聊城市人民政府文件\n\n聊政发〔2018〕61号\n\n关于印发某推进方案的通知\n\n"
    )
    assert [t.deadline.date for t in tasks if t.leaf] == [
        dt.date(2019, 12, 31),
        dt.date(2022, 12, 31),
    ]


def test_a_plan_from_another_city_with_half_width_labels_on_their_own_lines():
    text = (
        "某市2024年优化营商环境工作方案\n\n一、重点任务\n\n1. 推进一网通办。\n\n责任领导:\n\n王某某\n\n"
        "牵头单位: 区行政审批局\n\n配合单位: 区大数据中心, 各街道办事处\n\n"
        "2. 压缩开办时间。(牵头单位:区市场监管局)\n"
    )
    result = parse_text(text)
    leaves = result.documents[0].leaf_tasks
    assert [t.number for t in leaves] == ["一.1", "一.2"]
    assert leaves[0].lead_officials == ["王某某"]
    assert [(u.name, u.role) for u in leaves[0].units] == [
        ("区行政审批局", Role.LEAD),
        ("区大数据中心", Role.COOPERATING),
        ("各街道办事处", Role.COOPERATING),
    ]


def test_it_never_raises_and_reports_what_it_could_not_read():
    result = parse_text("（下转第5页）")
    assert result.documents and result.warnings[0].code == "unpaired_page_marker"


def test_a_heading_wrapped_over_two_lines_is_joined():
    body = (
        "一、主要任务\n\n（一）提高政治站位，全面提升政务公开\n\n工作水平\n\n"
        "1. 做好公开。（牵头单位：市政府办公室）\n"
    )
    tasks, _warnings = _tasks(body)
    heading = {t.number: t for t in tasks}["一.(一)"]
    assert heading.text == "提高政治站位，全面提升政务公开工作水平"
    assert heading.source_lines == (9, 13)


def test_a_short_heading_is_not_joined_to_the_next_line():
    tasks, _warnings = _tasks(
        "一、主要任务\n\n（一）工作目标\n\n全面推进\n\n1. 甲。（市某局负责）\n"
    )
    assert {t.number: t for t in tasks}["一.(一)"].text == "工作目标\n全面推进"


def test_text_after_the_last_tag_stays_with_the_parent_and_is_reported():
    body = (
        "二、重点工作\n\n5. 加强协作。甲事项。（牵头单位：市民政局）乙事项。（牵头单位：市司法局）"
        "各地要结合实际抓好落实。\n"
    )
    tasks, warnings = _tasks(body)
    by_number = {t.number: t for t in tasks}
    assert by_number["二.5-2"].text == "乙事项。"
    assert "各地要结合实际抓好落实。" in by_number["二.5"].text
    assert [w.code for w in warnings] == ["text_after_last_tag"]


def test_the_signature_above_the_date_is_not_part_of_the_last_task():
    # 聊政办字〔2018〕73号 L818–821: 聊城市人民政府办公室 ⏎ 2018年9月3日 closes the opinion.
    body = (
        "一、任务\n\n（一）甲。（市民政局负责）\n\n（二）乙。（市司法局负责）\n\n"
        "聊城市人民政府办公室\n\n2018年9月3日\n"
    )
    tasks, _warnings = _tasks(body)
    last = tasks[-1]
    assert last.text == "乙。"
    assert last.source_lines == (11, 11)


def test_a_second_plans_title_and_preamble_open_that_plan():
    # 聊政办发〔2023〕10号 L739–745: the second measures' title follows the first plan's last item.
    body = (
        "一、主要任务\n\n（一）甲。（责任单位：市卫生健康委）\n\n"
        "二、保障措施\n\n（一）乙。（责任单位：市财政局）\n\n"
        "关于支持纺织服装产业高质量发展的若干措施\n\n为加快培育纺织服装产业，制定以下措施。\n\n"
        "一、支持措施\n\n（一）丙。（责任单位：市商务局）\n\n（二）丁。（责任单位：市工业和信息化局）\n"
    )
    tasks, _warnings = _tasks(body)
    by_number = {t.number: t for t in tasks}
    assert by_number["A.二.(一)"].text == "乙。"
    assert by_number["B"].title == "关于支持纺织服装产业高质量发展的若干措施"
