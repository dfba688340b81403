"""The grammar's tables: labels, role verbs, unit-name shapes, deadline and target wording.

Everything a maintainer may need to extend lives here, one row per pattern, each with a short
note and the seed line it came from (the tests quote the same lines). The code in the sibling
modules only walks these tables.

Roles follow ``docs/domain.md`` ("Roles"):

* 牵头单位 / X牵头 / 牵头负责 -> lead;
* 配合单位, 责任单位 beside 牵头单位, Y配合, 分头配合, 会同, 按职责分工负责 after a lead
  -> cooperating;
* 负责落实, 具体实施, 分头落实 -> implementing;
* nothing marked lead (X负责, 责任单位 alone, 分别实施, X起草) -> responsible jointly; the
  first-listed unit is flagged ``inferred=True`` as the default unit that consolidates reports.

Patterns are plain strings or simple regexes without nested quantifiers (no catastrophic
backtracking); all text reaching them has been stripped of whitespace and ``**``.
"""

from __future__ import annotations

import re

from tasks_import.result import Role

# The tables below are laid out by hand, one row per line where it fits.
# fmt: off

# ---------------------------------------------------------------------------------------------
# Punctuation classes (full- and half-width; the seeds mix them even inside one tag).
# ---------------------------------------------------------------------------------------------
OPEN_PARENS = "（("
CLOSE_PARENS = "）)"
COLON = "：:"
# The longest tag in the seeds is about 300 characters; longer brackets are never read as tags,
# which also keeps pathological input linear.
MAX_TAG_LENGTH = 1000
CLAUSE_SEPARATORS = "，,；;。"  # top-level separators between clauses of one tag
LIST_SEPARATORS = "、，,；;"  # separators between units inside one clause

# ---------------------------------------------------------------------------------------------
# LABELS: "label：value" fields of label blocks and labelled paren tags.
# (label, slot, note, seed quote)
#   slot "officials"  -> Assignment.lead_officials
#   slot "deadline"   -> Assignment.deadline_text
#   slot "clauses"    -> value is parsed with the role-verb grammar (责任分工)
#   slot "<role>"     -> every unit of the value gets that role (责任单位 is resolved later:
#                        cooperating beside 牵头单位, otherwise responsible jointly)
# Longer labels first so that 牵头单位 never matches inside 牵头单位负责人.
# ---------------------------------------------------------------------------------------------
RESPONSIBLE_LABEL = "责任单位"

LABELS: tuple[tuple[str, str, str, str], ...] = (
    ("牵头领导", "officials", "vice-mayor(s) leading the task", "000 L110 牵头领导：郭建民；"),
    ("责任领导", "officials", "other cities' plans", "(not in the seeds; same slot)"),
    ("分管领导", "officials", "other cities' plans", "(not in the seeds; same slot)"),
    ("牵头单位", Role.LEAD, "lead units", "000 L110 牵头单位：市发改委；"),
    ("牵头部门", Role.LEAD, "lead units (variant)", "(not in the seeds; same slot)"),
    ("主办单位", Role.LEAD, "lead units (variant)", "(not in the seeds; same slot)"),
    ("配合单位", Role.COOPERATING, "cooperating units", "002 L147 配合单位：市工业和信息化局、…"),
    ("协办单位", Role.COOPERATING, "cooperating units (variant)", "(not in the seeds)"),
    ("配合部门", Role.COOPERATING, "cooperating units (variant)", "(not in the seeds)"),
    (
        RESPONSIBLE_LABEL,
        "responsible_label",
        "cooperating beside 牵头单位, else jointly responsible",
        "000 L110 责任单位：市财政局、…",
    ),
    ("责任部门", "responsible_label", "as 责任单位", "001 L321 附件2 column 责任部门"),
    ("责任分工", "clauses", "X牵头，Y配合，Z负责落实 block", "004 L1242 责任分工：市发改委牵头，…"),
    ("完成时限", "deadline", "explicit time limit inside the tag", "001 76号 完成时限：2018年12月底前"),
    ("时限要求", "deadline", "time limit (variant)", "(not in the seeds)"),
    ("完成时间", "deadline", "time limit (variant)", "(not in the seeds)"),
)

LABEL_SLOTS: dict[str, str] = {label: slot for label, slot, _note, _quote in LABELS}

# A label is only a label when a colon follows it (after optional ``**`` / spaces).
LABEL_RE = re.compile(
    "(?<![各的等和、])(" + "|".join(sorted(LABEL_SLOTS, key=len, reverse=True)) + r")[ \t\u3000*]*[：:]"
)
# Labels that may open a label block outside parentheses (deadline labels only continue one).
BLOCK_OPENING_LABELS = frozenset(
    label for label, slot, _n, _q in LABELS if slot not in ("deadline",)
)

# ---------------------------------------------------------------------------------------------
# CLAUSE_ROLES: the role verb at the end of a clause ("市农委牵头", "市林业局配合", …).
# (suffix, role, separately, note, seed quote)
# Matched longest first against the end of each clause. ``Role.RESPONSIBLE`` rows marked
# ``"plain"`` are context dependent: after a lead clause in the same tag they mean
# implementing (负责) or cooperating (按职责分工负责), see ``CONTEXT_ROLES``.
# ---------------------------------------------------------------------------------------------
CLAUSE_ROLES: tuple[tuple[str, str, bool, str, str], ...] = (
    # lead ------------------------------------------------------------------------------------
    ("按职责分工分别牵头落实", Role.LEAD, True, "leads who implement, each separately",
     "004 L1262 …等有关部门按职责分工分别牵头落实。"),
    ("按照职责分工分别牵头落实", Role.LEAD, True, "as above", "004 L1350 …按照职责分工分别牵头落实。"),
    ("按照职责分工分别牵头", Role.LEAD, True, "separate leads", "004 L1586 …等部门按照职责分工分别牵头"),
    ("按职责分工分别牵头", Role.LEAD, True, "separate leads", "(variant of L1586)"),
    ("分别牵头落实", Role.LEAD, True, "separate leads", "(variant of L1262)"),
    ("分别牵头", Role.LEAD, True, "separate leads", "(variant of L1586)"),
    ("按照职责分工牵头", Role.LEAD, False, "leads by remit", "004 L1394 市环保局、市水利局按照职责分工牵头"),
    ("按职责分工牵头", Role.LEAD, False, "leads by remit", "(variant of L1394)"),
    ("牵头负责", Role.LEAD, False, "lead", "domain.md 牵头负责"),
    ("牵头", Role.LEAD, False, "lead", "001 L752 （市农委牵头，…配合）"),
    # cooperating -----------------------------------------------------------------------------
    ("分头配合", Role.COOPERATING, False, "cooperating", "004 L1484 …市公安局分头配合"),
    ("协助配合", Role.COOPERATING, False, "cooperating", "(variant)"),
    ("配合", Role.COOPERATING, False, "cooperating", "001 L752 市林业局、市畜牧兽医局配合"),
    ("协助", Role.COOPERATING, False, "cooperating", "(variant)"),
    ("参与", Role.COOPERATING, False, "cooperating", "(variant)"),
    # implementing ----------------------------------------------------------------------------
    ("按职能分工负责落实", Role.IMPLEMENTING, False, "implementing by remit",
     "004 L1358 …按职能分工负责落实。"),
    ("按职责分工负责落实", Role.IMPLEMENTING, False, "implementing by remit", "(variant of L1358)"),
    ("根据工作职责分头落实", Role.IMPLEMENTING, False, "implementing", "004 L1314 …根据工作职责分头落实。"),
    ("按照职责分头落实", Role.IMPLEMENTING, False, "implementing", "(variant of L1314)"),
    ("分头落实", Role.IMPLEMENTING, False, "implementing", "domain.md 分头落实"),
    ("分别落实", Role.IMPLEMENTING, True, "implementing separately", "(variant)"),
    ("负责落实", Role.IMPLEMENTING, False, "implementing", "002 L634 …高唐县人民政府负责落实"),
    ("具体实施", Role.IMPLEMENTING, False, "implementing (enterprise)",
     "002 L506 山东鑫华特钢集团有限公司具体实施"),
    ("具体落实", Role.IMPLEMENTING, False, "implementing", "(variant)"),
    ("组织实施", Role.IMPLEMENTING, False, "implementing", "(variant)"),
    ("落实", Role.IMPLEMENTING, False, "implementing", "002 L710 以下任务措施均需各级政府落实"),
    # jointly responsible ---------------------------------------------------------------------
    ("按职责分工分别负责", Role.RESPONSIBLE, True, "separately responsible", "(variant)"),
    ("分别负责", Role.RESPONSIBLE, True, "separately responsible",
     "001 76号 …等市直部门单位分别负责"),
    ("分别实施", Role.RESPONSIBLE, True, "separately responsible", "001 L772 …分别实施)"),
    ("按照职责分工负责", Role.RESPONSIBLE, False, "plain: cooperating after a lead", "(variant)"),
    ("按职责分工负责", Role.RESPONSIBLE, False, "plain: cooperating after a lead",
     "002 L544 …按职责分工负责)"),
    ("按职责负责", Role.RESPONSIBLE, False, "plain", "(variant)"),
    ("共同负责", Role.RESPONSIBLE, False, "jointly responsible", "(variant)"),
    ("负责", Role.RESPONSIBLE, False, "plain: implementing after a lead", "001 L746 （市农委负责）"),
    ("起草", Role.RESPONSIBLE, False, "drafting unit", "000 L1004 （市城市管理局起草）"),
)

CLAUSE_ROLE_SUFFIXES = tuple(sorted(CLAUSE_ROLES, key=lambda row: len(row[0]), reverse=True))

# How a context-dependent ("plain") responsible verb reads once a lead was named before it in
# the same tag: (suffix, role after a lead, note, seed quote).
CONTEXT_ROLES: tuple[tuple[str, str, str, str], ...] = (
    ("按职责分工负责", Role.COOPERATING, "domain.md: 按职责分工负责 after a lead",
     "002 L540 (市工业和信息化局牵头，…按职责分工负责)"),
    ("按照职责分工负责", Role.COOPERATING, "as above", "(variant)"),
    ("按职责负责", Role.COOPERATING, "as above", "(variant)"),
    ("负责", Role.IMPLEMENTING, "X牵头，Y配合，Z负责: Z carries it out locally",
     "001 76号 （责任单位：市编办牵头，市直有关部门配合，各县（市、区）政府、市属开发区管委负责）"),
)
CONTEXT_ROLE_MAP: dict[str, str] = {suffix: role for suffix, role, _n, _q in CONTEXT_ROLES}

# "X会同Y" inside a clause: X leads, Y cooperates (domain.md: 会同 -> cooperating).
TOGETHER_WITH = ("会同", "联合")

# Tags whose only verb is 起草 are drafting assignments (聊政办字〔2018〕9号).
DRAFTING_SUFFIXES = ("起草", "牵头起草", "负责起草")

# Preambles inside a responsibility block that name no unit; dropped before reading clauses.
# (regex, note, seed quote)
PREAMBLES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"^(?:按照|根据|坚持)[^：:]{0,30}?原则[，,]"), "a principle, not a unit",
     "004 L1348 责任分工：按照谁牵头实施，谁负责公开的原则，市财政局、…"),
)

# ---------------------------------------------------------------------------------------------
# DOCUMENT_RULES: sentences that change how later tags read. (regex, effect, note, seed quote)
# ---------------------------------------------------------------------------------------------
FIRST_LISTED_RULE_RE = re.compile(
    r"[。，,；;]?列(?:第一|首)位(?:者|的)?为牵头(?:部门|单位)(?:或单位|或部门)?[^。）)]{0,60}?(?:下同|以下同)"
)
INHERITED_RULE_RE = re.compile(
    r"[。，,；;]?以下(?:任务|任务措施|措施|各项任务)均需(?P<units>[^。]{1,200}?)(?:负责)?落实[，,]?不再(?:一一)?列出"
)
DOCUMENT_RULES: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (FIRST_LISTED_RULE_RE, "first_listed_is_lead", "first unit of later X、Y负责 tags leads",
     "004 L163 …负责。列第一位者为牵头部门或单位，其他部门和单位按职责分工负责，下同）"),
    (INHERITED_RULE_RE, "inherited_implementers", "later tags implicitly add implementers",
     "002 L654 以下任务措施均需各县（市、区）政府、市属开发区管委会负责落实，不再列出"),
)

# ---------------------------------------------------------------------------------------------
# UNIT NAMES
# ---------------------------------------------------------------------------------------------
# Endings that make a string look like a unit or unit group. Used to tell assignment tags from
# ordinary parentheses such as （试行）, （2018—2020年）, （以下简称…）.
UNIT_SUFFIXES: tuple[str, ...] = (
    "局", "委", "办", "府", "会", "部", "室", "院", "校", "厅", "处", "所", "站", "中心", "集团",
    "公司", "单位", "部门", "支行", "分行", "海关", "管委", "团", "联", "协", "社", "队", "机关",
    "银行", "企业", "小组", "指挥部", "组", "段", "台", "馆", "工委", "机构", "各级政府",
    "镇", "乡", "街道",  # 各镇（街道）, 各乡镇: other places' plans name townships
)
# Places written bare before a shared suffix: 冠县、莘县、阳谷县人民政府.
PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{1,5}[县区市]$")
# Suffixes a list may share: the last item's suffix is distributed to bare places before it.
SHARED_SUFFIXES: tuple[str, ...] = ("人民政府", "政府", "管委会", "政府办公室")

# 和 / 及 / and separate units only before these starts (never inside 市工业和信息化局).
AND_WORDS: tuple[str, ...] = ("以及", "和", "及", "与", "and", "AND")
AND_FOLLOWERS_RE = re.compile(
    r"^(?:市|各|有关|相关|人民银行|人行|县|区|领导小组|聊城|省|驻聊|中国|国家|沿线|东昌府|临清|"
    r"阳谷|莘县|茌平|东阿|冠县|高唐|高新|经济技术|旅游度假"
    # any place name, so that other cities' units split too: 和天桥区人民政府, 及潍坊市税务局
    r"|[\u4e00-\u9fff]{1,5}[省市县区])"
)

# Whitespace between two complete unit names separates them (附件2 "市发改委 市科技局", 001 L332);
# whitespace anywhere else is a line-wrap artefact inside one name ("市政务服 务中心…").
SPACE_SEPARATOR_RE = re.compile(
    r"(?<=[局委办府会部室院校厅处站心团司位门行关队社联协])[ \t\u3000]+(?=市|各|有关|相关|人民银行|人行|县|聊城|省|驻聊|中国|国家|沿线)"
)

# Open lists: "…等部门" / "等有关部门" / "等市直部门单位" (stripped, flagged open_list).
OPEN_LIST_RE = re.compile(
    r"等(?:其他|有关|相关)?(?:市直|市直有关|行业主管|市级)?(?:部门|单位|机构)*(?:单位|部门|机构)$"
)

# OCR repairs applied to single unit names. (regex, replacement, note, seed quote)
OCR_FIXES: tuple[tuple[re.Pattern[str], str, str, str], ...] = (
    (re.compile(r"^市市(?!场)"), "市", "doubled 市 (but keep 市市场监管局)",
     "001 L383 …市经信委、市市财政局、市税务局…"),
    (re.compile(r"^市市(?=场监督管理局$|场监管局$)"), "市市", "legitimate 市市场监管局", "003 L557"),
)

# ---------------------------------------------------------------------------------------------
# DEADLINES (see deadlines.py for how the tables combine)
# ---------------------------------------------------------------------------------------------
# Spans masked before looking for dates: numbers that are not deadlines.
# (regex, note, seed quote)
NOT_A_DEADLINE: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"[A-Z]{1,4}(?:/[A-Z])?\d*[-—]?\d+(?:\.\d+)?[-—]\d{4}"), "standard numbers",
     "domain.md GB/T 35796-2017"),
    (re.compile(r"\d{4}年(?:以?前|之前)(?:建成|建设|竣工|修建)"), "building cohorts",
     "003 2000年前建成的老旧小区"),
    (re.compile(r"\d{4}年(?:以来|至今)"), "past periods", "004 L1678 2008年以来"),
    (re.compile(r"(?:比|较|与)\d{4}年"), "baselines", "002 L365 比 2015 年下降 6%"),
    (re.compile(r"(?:自|从)?\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?起(?:施行|执行|实施)?"),
     "start dates", "002 L644 自2020年起"),
    (re.compile(r"(?:上|去|前)年(?:年底|底|度)?"), "previous year", "000 L612 于上年年底前按时上解"),
    (re.compile(r"\d{4}年?[-—–~至]\d{4}年?\)?（?"), "year ranges, e.g. plan periods",
     "004 L1238 （2018-2022）"),
    (re.compile(r"第[一二三四五六七八九十\d]+(?:期|届|次)"), "ordinals", "000 L434 第三期"),
    (re.compile(r"\d+周年"), "anniversaries", "004 L1700 实施10周年"),
)

# Recurring duties: masked first so that 每年7月底前 never becomes a one-off date.
RECURRING_RE = re.compile(
    r"每(?:年度|年|个季度|季度|季|月|周|半年|学期|旬)(?:\d{1,2}月)?(?:\d{1,2}日|底|末|初|上旬|中旬|下旬)?(?:前|以前)?"
    r"|按(?:月|季度?|年度?|周)(?=[\u4e00-\u9fff])|定期|逐月|逐季"
)
RELATIVE_RE = re.compile(
    # a span of years (利用三年时间, 力争用5年), never a calendar year: 力争2020年 is a horizon
    r"今明两年|(?:利用|力争用|用|力争)(?:[一二三四五六七八九十两]+|(?<!\d)\d{1,2}(?!\d))年(?:时间|左右)?"
    r"|(?<!\d)(?:[一二三四五六七八九十两]+|\d{1,3})个?(?:工作日|小时|天|日|周|月|年)(?:之内|内)"
    r"|提前[一二三四五六七八九十两\d]+年"
)
ONGOING_RE = re.compile(r"长期坚持|长期公示|长期开展|持续推进|持续开展|持续加以推进|常态化推进|常抓不懈")

# Dated wording. Each row: (name, regex, kind, note, seed quote). Groups: y = year, m = month,
# d = day, y2/m2 = end of a range.
DATE_PATTERNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("month_range",
     r"(?P<y>\d{4})年(?P<m>\d{1,2})月[-—–~至到](?:(?P<y2>\d{4})年)?(?P<m2>\d{1,2})月(?:底|末)?(?:前|以前)?",
     "date", "end of a month range", "domain.md 2018年3月—2019年3月"),
    ("year_month_day_before",
     r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:前|以前|之前)",
     "date", "before a stated day", "000 L604 (variant) 2018年6月30日前"),
    ("year_month_end",
     r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份)?(?:底|末)(?:前|以前|之前)?",
     "date", "end of a month", "001 76号 完成时限：2018年12月底前"),
    ("year_first_half",
     r"(?P<y>\d{4})年上半年(?:前|以前|底前)?",
     "date", "end of June", "(variant)"),
    ("year_end_list",
     r"(?P<ylist>\d{4}年(?:、\d{4}年)+)(?:年底|年末|底)(?:前|以前|之前)?",
     "year_end", "respectively: every listed year ends 12-31", "(variant of 000 L220)"),
    ("year_end",
     r"(?P<y>\d{4})年(?:年底|年末|底)(?:前|以前|之前)?",
     "year_end", "end of a stated year", "002 L634 2020年年底以前"),
    ("month_end_no_year",
     r"(?<![\d年])(?P<m>\d{1,2})月(?:份)?(?:底|末)(?:前|以前|之前)",
     "date", "month end in the document's year", "004 L1710 8月底前完成试点验收"),
    ("month_day_no_year",
     r"(?<![\d年])(?P<m>\d{1,2})月(?P<d>\d{1,2})日(?:前|以前|之前)",
     "date", "day in the document's year", "(variant)"),
    ("year_end_no_year",
     r"(?:今年|本年度?|当年)?(?:年底前|年底以前|年末前|到年底|年底)|年内|今年内|本年内|年度内",
     "year_end", "the document's year", "004 L1750 今年年底前要完成…"),
)

# Only inside an explicit 完成时限 field or table cell: a month names its own end
# (``完成时限：2021年10月`` -> 2021-10-31). In prose a bare month stays undated.
FIELD_DATE_PATTERNS: tuple[tuple[str, str, str, str, str], ...] = (
    ("year_month_end",
     r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:份)?(?![\d底末])(?:前|以前|之前)?",
     "date", "a month in a deadline field", "(other cities' tables) | 完成时间 | 2021年10月 |"),
)

# Horizons: bare years (到2025年, 2020年基本消除…, 2019年、2020年…分别建成). No date.
HORIZON_RE = re.compile(
    r"(?:(?:力争|争取|确保)?(?:到|至)|力争|争取|确保)(?P<y>\d{4})年(?!\d{1,2}月)"
    r"|(?P<y_list>\d{4})年(?=、\d{4}年)"
    r"|(?P<y_bare>\d{4})年(?!\d{1,2}月)(?=[，,、\d]|完成|建成|实现|基本|全面|全部|全线|达到|前|内|要|将|力争)"
)
THIS_YEAR_RE = re.compile(r"今年|本年度|全年")

# ---------------------------------------------------------------------------------------------
# TARGETS (targets.py)
# ---------------------------------------------------------------------------------------------
TARGET_LABELS: tuple[str, ...] = ("目标要求", "建设目标", "工作目标", "目标任务", "预期目标")
# A measurable target: a number with a unit or percent, next to a target verb.
TARGET_NUMBER_RE = re.compile(
    r"\d+(?:\.\d+)?\s*(?:%|‰|个百分点|万|亿|千|百)?\s*"
    r"(?:元|人|户|家|个|项|处|所|套|座|公里|千米|米|亩|公顷|平方公里|平方米|吨|件|次|台|辆|条|张|"
    r"所|间|床|张|名|万|亿|%|‰|个百分点|倍|类|种|批|村|镇|场|园|区|基站|千瓦时|立方米|兆瓦|年)"
)
TARGET_VERB_RE = re.compile(
    r"达到|达|增长|提高|提升|新增|建成|突破|控制在|不低于|不少于|超过|下降|减少|降低|覆盖|完成|"
    r"培育|新开工|改造|累计|以上|左右|保持|稳定在|实现|创建|打造|引进|培训|招引|发展到|总数|比重|率"
)
NOT_TARGET_RE = re.compile(
    r"给予[^，。；]{0,20}(?:补助|奖励|补贴|奖补|支持|资助)|奖励\d|补助\d|补贴\d|资助\d|"
    r"(?:最高|最多)?不超过\d+万元|标准按|\d+万元(?:的)?(?:补助|奖励|补贴|奖补|资助)"
)
# fmt: on
