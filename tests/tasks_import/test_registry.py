"""The unit/official registry (fixtures/registry.json) and its pure resolver.

Run without Django: ``pytest tests/tasks_import/test_registry.py -p no:django``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from tasks_import.registry import Registry, RegistryError, Via, normalise_unit_name

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
BEFORE_REFORM = dt.date(2018, 6, 30)
AFTER_REFORM = dt.date(2020, 1, 1)
TODAY = dt.date(2024, 1, 1)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load_default()


# ------------------------------------------------------------------ exact, alias, normalised


def test_it_resolves_a_short_name_exactly(registry):
    res = registry.resolve_unit("市人力资源社会保障局")
    assert (res.unit_key, res.via, res.written_unit_key) == ("rsj", Via.EXACT, "rsj")
    assert res.group_key is None


def test_it_resolves_the_full_official_name_exactly(registry):
    assert registry.resolve_unit("聊城市人力资源和社会保障局").unit_key == "rsj"


def test_it_resolves_an_abbreviation_through_aliases(registry):
    # seed 000 7号 writes 市人社局, seed 002 市人力资源社会保障局: the same body
    res = registry.resolve_unit("市人社局")
    assert (res.unit_key, res.via) == ("rsj", Via.ALIAS)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("市市财政局", "czj"),  # OCR doubling, seed 001 L383
        ("聊城市科技局", "kjj"),  # 聊城市X -> 市X
        ("市 财政局", "czj"),  # stray space
        ("**市财政局**", "czj"),  # markdown bold left in the text
        ("市公安局等有关部门", "gaj"),  # open list, seed 004
        ("市水利局按照职责分工", "slj"),
        ("市財政局", "czj"),  # traditional characters (opencc)
        ("市教育体育局(市委教育工委)", "jtj_edu"),  # half-width parentheses, seed 003 L1503
    ],
)
def test_it_resolves_noisy_spellings_after_normalisation(registry, written, key):
    res = registry.resolve_unit(written)
    assert (res.unit_key, res.via) == (key, Via.NORMALISED)


def test_normalisation_folds_widths_and_prefixes():
    assert normalise_unit_name("各县（市、区）政府") == normalise_unit_name("各县(市、区)政府")
    assert normalise_unit_name("聊城市市场监督管理局") == "市场监督管理局"
    assert normalise_unit_name("市住建局等部门") == "市住建局"


def test_it_tells_the_development_zone_from_the_zone_group(registry):
    # seed 001 §4.9: 开发区管委会 is 聊城经济技术开发区, 市属开发区管委会 is the group
    assert registry.resolve_unit("开发区管委会").unit_key == "jkq"
    assert registry.resolve_unit("市属开发区管委会").group_key == "zones"


def test_it_reads_ocr_zai_ping_as_chiping(registry):
    assert registry.resolve_unit("在平县人民政府").written_unit_key == "cp_xian"


def test_it_keeps_similar_companies_apart(registry):
    assert registry.resolve_unit("山东莘县华祥石化有限公司").unit_key == "hxsh"
    assert registry.resolve_unit("莘县华祥盐化有限公司").unit_key == "hxyh"


# ------------------------------------------------------------------ successions


def test_an_old_name_resolves_to_itself_without_a_date(registry):
    res = registry.resolve_unit("市发改委")
    assert (res.unit_key, res.via, res.written_unit_key) == ("fgw_2018", Via.EXACT, "fgw_2018")


def test_an_old_name_resolves_to_itself_before_the_reform(registry):
    res = registry.resolve_unit("市发改委", on=BEFORE_REFORM)
    assert (res.unit_key, res.written_unit_key) == ("fgw_2018", "fgw_2018")


def test_an_old_name_rolls_up_to_its_successor_after_the_reform(registry):
    res = registry.resolve_unit("市发改委", on=AFTER_REFORM)
    assert (res.unit_key, res.via, res.written_unit_key) == ("fgw", Via.SUCCESSION, "fgw_2018")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("市安监局", "市应急局"),
        ("市环保局", "市生态环境局"),
        ("市公路局", "市公路事业发展中心"),  # 聊政任〔2019〕3号
        ("市经信委", "市工业和信息化局"),
        ("市国土局", "市自然资源和规划局"),
        ("市规划局", "市自然资源和规划局"),
        ("市农委", "市农业农村局"),
        ("市卫计委", "市卫生健康委"),
        ("市工商局", "市市场监管局"),
        ("市食药监局", "市市场监管局"),
        ("市质监局", "市市场监管局"),
        ("市旅发委", "市文化和旅游局"),
        ("市文广新局", "市文化和旅游局"),
        ("市教育局", "市教育体育局"),
        ("市金融办", "市地方金融监管局"),
        ("市服务业办公室", "市服务业发展服务中心"),  # 聊政任〔2019〕3号
        ("市南水北调管理局", "市重点水利项目服务中心"),  # 聊政任〔2019〕3号
        ("市民宗局", "市委统战部"),
    ],
)
def test_2019_reform_renames_roll_up(registry, old, new):
    assert registry.resolve_unit(old, on=TODAY).unit_key == registry.resolve_unit(new).unit_key


def test_the_explicit_renames_take_the_date_of_their_appointment_notice(registry):
    # 聊政任〔2019〕3号 is dated 2019-04-08 (seed 002 L1255)
    assert registry.resolve_unit("市地震局", on=dt.date(2019, 4, 7)).unit_key == "dzj"
    assert registry.resolve_unit("市地震局", on=dt.date(2019, 4, 8)).unit_key == "dzjc"


def test_chiping_county_becomes_a_district_in_september_2019(registry):
    assert registry.resolve_unit("茌平县人民政府", on=dt.date(2019, 9, 5)).unit_key == "cp_xian"
    assert registry.resolve_unit("茌平县人民政府", on=dt.date(2019, 9, 6)).unit_key == "cp_qu"


def test_successions_are_followed_transitively_through_a_split(registry):
    # 市商务局 (2018) -> 市商务投资促进局 (2019) -> 市商务局 + 市投资促进局 (by 2023)
    assert registry.resolve_unit("市商务投资促进局", on=AFTER_REFORM).unit_key == "swtz"
    assert registry.resolve_unit("市商务投资促进局", on=TODAY).unit_key == "swj"
    assert registry.resolve_unit("市商务局", on=TODAY).unit_key == "swj"


def test_an_abolished_unit_without_successor_keeps_the_written_unit(registry):
    res = registry.resolve_unit("市口岸办", on=TODAY)
    assert (res.unit_key, res.written_unit_key, res.via) == ("kab", "kab", Via.EXACT)


def test_an_undated_succession_is_lineage_only(registry):
    assert registry.resolve_unit("济南海关驻聊办事处", on=TODAY).unit_key == "hgbsc"
    assert "hg" in registry.lineage("hgbsc")


def test_lineage_goes_both_ways_transitively(registry):
    assert registry.lineage("yjj") == {"ajj", "yjb"}
    assert registry.lineage("ajj") == {"yjj"}
    assert registry.lineage("swj") >= {"swtz", "tzcj"}
    assert "swj" not in registry.lineage("swj")
    assert registry.lineage("czj") == set()


def test_lineage_of_an_unknown_unit_raises(registry):
    with pytest.raises(KeyError):
        registry.lineage("nope")


# ------------------------------------------------------------------ groups


@pytest.mark.parametrize(
    "written",
    [
        "各县（市、区）人民政府",
        "各县（市、区）政府",
        "各县(市、区)人民政府",
        "各县（市、区）",
        "各县市区政府",
    ],
)
def test_county_group_spellings_resolve_to_the_group(registry, written):
    res = registry.resolve_unit(written)
    assert (res.group_key, res.unit_key, res.via) == ("counties", None, Via.GROUP)


def test_the_county_group_expands_to_eight_governments(registry):
    members = registry.group_members("counties")
    assert len(members) == 8
    names = {registry.unit(key).short_name for key in members}
    assert {"东昌府区政府", "临清市政府", "茌平区政府", "冠县政府"} <= names


def test_the_zone_group_expands_to_three_zones(registry):
    assert sorted(registry.group_members("zones")) == ["djq", "gxq", "jkq"]


def test_open_groups_have_no_members(registry):
    assert registry.resolve_unit("市直有关部门").group_key == "city_departments_relevant"
    assert registry.group_members("city_departments_relevant") == []
    assert registry.resolve_unit("市食安委各成员单位").group_key == "m_sa"
    assert registry.resolve_unit("市食品安全委员会成员单位").group_key == "m_sa"


# ------------------------------------------------------------------ officials


def test_it_resolves_lead_officials(registry):
    assert registry.resolve_official("郭建民") == "guojianmin"
    assert registry.resolve_official("成伟", on=dt.date(2018, 3, 1)) == "chengwei"


def test_it_resolves_the_traditional_character_variant(registry):
    # seed 003 L105 市长：張百順
    assert registry.resolve_official("張百順") == "zhangbaishun"
    assert registry.resolve_official("張 百 順") == "zhangbaishun"


def test_it_never_confuses_look_alike_names(registry):
    assert registry.resolve_official("马丽红") == "malihong"
    assert registry.resolve_official("马卫红") == "maweihong"
    assert registry.resolve_official("刘建军") is None  # 潍坊, beside 张建军 in seed 003 L1783


def test_an_official_known_to_have_left_does_not_resolve_later(registry):
    assert registry.resolve_official("郭建民", on=dt.date(2019, 3, 1)) == "guojianmin"
    assert registry.resolve_official("郭建民", on=dt.date(2023, 9, 1)) is None


def test_unknown_official(registry):
    assert registry.resolve_official("王五") is None


# ------------------------------------------------------------------ unknown names, data checks


def test_unknown_names_are_never_invented(registry):
    res = registry.resolve_unit("市火星开发局")
    assert res == res.__class__("市火星开发局", None, None, Via.UNKNOWN, None)
    assert not res.known


def test_a_name_claimed_by_two_current_units_is_a_data_error():
    data = {
        "units": [
            {"key": "a", "name": "聊城市甲局", "short_name": "市甲局", "kind": "other"},
            {"key": "b", "name": "聊城市乙局", "short_name": "市甲局", "kind": "other"},
        ]
    }
    with pytest.raises(RegistryError, match="市甲局"):
        Registry.from_dict(data)


def test_a_dangling_succession_is_a_data_error():
    data = {
        "units": [{"key": "a", "name": "聊城市甲局", "short_name": "市甲局", "kind": "other"}],
        "successions": [{"predecessor": "a", "successor": "b", "on": None, "kind": "rename"}],
    }
    with pytest.raises(RegistryError, match="successor"):
        Registry.from_dict(data)


def test_every_unit_has_a_kind_and_every_dissolved_unit_a_note_or_successor(registry):
    with_successor = {s.predecessor for s in registry.successions}
    for unit in registry.units.values():
        if unit.dissolved_on is not None:
            assert unit.key in with_successor or unit.note, unit.key


# ------------------------------------------------------------------ coverage over the seeds

# A deliberately simple tag collector: label fields and role-word parentheticals.
_LABEL_RE = re.compile(
    r"(?:牵头单位|责任单位|配合单位)\s*[：:]\s*((?:[^；;。）)（(]|[（(][^（）()]*[）)])+)"
)
_TAG_RE = re.compile(
    r"[（(](?:[^（）()]|[（(][^（）()]*[）)]){2,200}?(?:负责|配合|实施|起草|牵头)[）)]"
)
_ROLE_SUFFIX = re.compile(
    r"(?:按职责分工负责落实|按职能分工负责落实|按职责分工负责|分别牵头落实|分头配合|分头落实|负责落实|"
    r"具体实施|分别实施|分别负责|牵头负责|牵头|配合|负责|起草)$"
)


def _split(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0 and ch in "、，,；;":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for part in parts:
        for piece in re.split(r"和(?=市|各|有关|人行|领导)", part):
            piece = piece.strip(" 。.")
            for _ in range(2):
                piece = _ROLE_SUFFIX.sub("", piece).strip()
            if piece:
                out.append(piece)
    return out


def collect_seed_unit_names() -> Counter:
    names: Counter = Counter()
    for path in sorted(SEEDS.glob("*.txt")):
        text = re.sub(r"[ \t]*\n+[ \t]*", "", path.read_text(encoding="utf-8").replace("**", ""))
        for match in _LABEL_RE.finditer(text):
            names.update(_split(match.group(1)))
        for match in _TAG_RE.finditer(text):
            inner = match.group(0)[1:-1]
            if not _LABEL_RE.search(inner):
                names.update(_split(inner))
    return names


def test_at_least_95_percent_of_seed_unit_mentions_resolve(registry):
    names = collect_seed_unit_names()
    assert sum(names.values()) > 2000  # the collector still finds the tags
    unresolved = Counter({n: c for n, c in names.items() if not registry.resolve_unit(n).known})
    distinct_rate = 1 - len(unresolved) / len(names)
    mention_rate = 1 - sum(unresolved.values()) / sum(names.values())
    print(f"\n{len(names)} distinct names, {sum(names.values())} mentions")
    print(f"resolved: {distinct_rate:.1%} of names, {mention_rate:.1%} of mentions")
    for name, count in unresolved.most_common():
        print(f"  unresolved x{count}: {name}")
    assert distinct_rate >= 0.90
    assert mention_rate >= 0.98


def test_it_leaves_another_citys_bare_names_unresolved():
    registry = Registry.load_default()
    assert registry.city == "聊城市"
    assert registry.for_place("聊城市") is registry
    assert registry.for_place("").resolve_unit("市财政局").unit_key is not None
    assert registry.for_place("潍坊市").resolve_unit("市财政局").unit_key is None


def test_it_gives_the_canonical_name_of_a_unit_or_group_or_none():
    registry = Registry.load_default()
    assert (
        registry.canonical_name("市人社局", on=dt.date(2019, 6, 1)) == "聊城市人力资源和社会保障局"
    )
    assert registry.canonical_name("各县（市、区）政府") == "各县（市、区）人民政府"
    assert registry.canonical_name("市不存在局") is None
