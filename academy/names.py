"""Chinese personal names in pinyin order: family name first, read as a family name.

pypinyin reads each character with its most common reading; many family names are read
otherwise (曾 zēng, not céng; 单 shàn, not dān), and compound family names (欧阳, 司马)
come as one. ``SURNAME_READINGS`` holds those readings as data.
"""

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "上官": ("shang", "guan"),
    "诸葛": ("zhu", "ge"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "令狐": ("ling", "hu"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"),
    "轩辕": ("xuan", "yuan"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "澹台": ("tan", "tai"),
    "端木": ("duan", "mu"),
    "司徒": ("si", "tu"),
    "司空": ("si", "kong"),
    "南宫": ("nan", "gong"),
    "西门": ("xi", "men"),
    "闻人": ("wen", "ren"),
    "钟离": ("zhong", "li"),
    "濮阳": ("pu", "yang"),
    "申屠": ("shen", "tu"),
    "淳于": ("chun", "yu"),
    "公羊": ("gong", "yang"),
    "鲜于": ("xian", "yu"),
    "闾丘": ("lv", "qiu"),
    "呼延": ("hu", "yan"),
    "百里": ("bai", "li"),
}
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "区": "ou",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "华": "hua",
    "纪": "ji",
    "缪": "miao",
    "翟": "zhai",
    "乐": "yue",
    "覃": "qin",
    "秘": "bi",
    "种": "chong",
    "重": "chong",
    "沈": "shen",
    "召": "shao",
    "折": "she",
    "繁": "po",
    "员": "yun",
    "贲": "ben",
    "长": "chang",
    "柏": "bai",
    "尉": "yu",
    "燕": "yan",
    "过": "guo",
    "牟": "mou",
    "宿": "su",
    "卜": "bu",
    "薄": "bo",
    "都": "du",
    "任": "ren",
    "隗": "wei",
    "莘": "shen",
    "句": "gou",
    "阚": "kan",
    "冼": "xian",
    "粘": "nian",
    "车": "che",
    "石": "shi",
    "藏": "zang",
    "那": "na",
    "佴": "nai",
    "称": "cheng",
    "殷": "yin",
    "蕃": "pi",
}


def _syllables(text: str) -> tuple[str, ...]:
    return tuple(syllable.lower() for syllable in lazy_pinyin(text, style=Style.NORMAL))


def family_name_split(full_name: str) -> tuple[str, str]:
    """A Chinese full name as (family name, given name); other names are all given name."""
    name = full_name.strip()
    if name[:2] in COMPOUND_SURNAMES and len(name) > 2:
        return name[:2], name[2:]
    if name and "\u4e00" <= name[0] <= "\u9fff":
        return name[:1], name[1:]
    return "", name


def pinyin_sort_key(full_name: str) -> tuple:
    """Sort key: the family name's pinyin (as a family name), then the given name's, then
    the characters themselves so that different names with one reading keep apart."""
    family, given = family_name_split(full_name)
    if family in COMPOUND_SURNAMES:
        family_syllables: tuple[str, ...] = COMPOUND_SURNAMES[family]
    elif family in SURNAME_READINGS:
        family_syllables = (SURNAME_READINGS[family],)
    else:
        family_syllables = _syllables(family)
    return (family_syllables, _syllables(given), full_name)
