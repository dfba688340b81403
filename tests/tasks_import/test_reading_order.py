from tasks_import.normalize import clean_lines
from tasks_import.reading_order import rebuild_reading_order
from tests.tasks_import.seed_expectations import seed_path

TOC_AND_TWO_DOCUMENTS = "\n".join(
    [
        "目录",
        "聊政发〔2018〕34号 2",
        "聊政发〔2018〕36号 12",
        "聊城市人民政府文件",
        "聊政发〔2018〕34号",
        "关于严格土地管理的意见",
        "凡是没有用地手续的，一律不准（下转第 13 页）",
        "聊城市人民政府文件",
        "聊政发〔2018〕36号",
        "关于促进教育均衡发展的意见",
        "全部下放。",
        "聊城市人民政府",
        "2018年7月17日",
        "(上接第3页)开工建设。严格落实三个“凡是”。",  # 004 L300
        "聊城市人民政府",
        "2018年7月11日",
    ]
)


def test_it_moves_a_tail_back_after_the_line_that_sent_it_away():
    order = rebuild_reading_order(clean_lines(TOC_AND_TWO_DOCUMENTS))
    texts = [line.text for line in order.lines]
    cut = texts.index("凡是没有用地手续的，一律不准")
    assert texts[cut + 1] == "开工建设。严格落实三个“凡是”。"
    assert texts[cut + 3] == "2018年7月11日"
    assert order.moved_tails == [(14, 16, 7)]


def test_it_pairs_markers_by_the_page_the_text_came_from():
    # 001: 上接第25页 belongs to 23号 (p.22–25), not to 24号 (p.26), though both sent text on.
    order = rebuild_reading_order(clean_lines(seed_path("001").read_text(encoding="utf-8")))
    assert order.moved_tails == [
        (301, 308, 497),
        (310, 315, 669),
        (587, 593, 564),
        (724, 732, 963),
        (823, 837, 1026),
    ]
    assert not order.unpaired_markers


def test_it_reads_every_marker_spelling_of_the_seeds():
    # （下转第13页） / （上接第 29 页） / (下转第32页) / #### (上接第3页) 四、…
    for seed, moved in [("000", 2), ("002", 2), ("003", 5), ("004", 4)]:
        order = rebuild_reading_order(clean_lines(seed_path(seed).read_text(encoding="utf-8")))
        assert len(order.moved_tails) == moved
        assert not order.unpaired_markers
        assert not any("下转" in line.text or "上接" in line.text for line in order.lines)


def test_it_reports_a_marker_without_its_other_half():
    order = rebuild_reading_order(clean_lines("第一段（下转第5页）\n\n第二段"))
    assert order.unpaired_markers == [1]
    assert order.lines[0].text == "第一段"
