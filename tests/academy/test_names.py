from academy.names import family_name_split, pinyin_sort_key


def test_family_names_read_as_family_names_sort_by_pinyin():
    names = ["张伟", "曾小凡", "单田芳", "陈晨", "解晓东", "欧阳晓燕", "李明", "区志强", "仇英"]

    ordered = sorted(names, key=pinyin_sort_key)

    # 陈 chén, 李 lǐ, 欧阳 ōuyáng, 区 ōu, 仇 qiú, 单 shàn, 解 xiè, 曾 zēng, 张 zhāng
    assert ordered == [
        "陈晨",
        "李明",
        "区志强",
        "欧阳晓燕",
        "仇英",
        "单田芳",
        "解晓东",
        "曾小凡",
        "张伟",
    ]


def test_the_given_name_orders_people_of_one_family_name():
    assert sorted(["王小明", "王安", "王子"], key=pinyin_sort_key) == ["王安", "王小明", "王子"]


def test_compound_and_latin_names_split():
    assert family_name_split("欧阳晓燕") == ("欧阳", "晓燕")
    assert family_name_split("张三") == ("张", "三")
    assert family_name_split("Alice Wong") == ("", "Alice Wong")
    assert sorted(["Bob", "alice"], key=pinyin_sort_key) == ["alice", "Bob"]
