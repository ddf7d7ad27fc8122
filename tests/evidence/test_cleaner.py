from shanhai.evidence import clean_text, extract_facts

BODY = "据了解，今年南沙区选派5名挂职干部、43名专业技术人才到紫云县开展帮扶工作。"


def reasons(doc) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in doc.dropped:
        out.setdefault(d.reason, []).append(d.text)
    return out


def test_header_navigation_and_date_line() -> None:
    doc = clean_text("设为首页 收藏本站 English\n当前位置: 某某网 >> 新闻\n标题\n发布时间:2023-10-26 14:12:08\n" + BODY)
    assert doc.text == BODY
    assert "header" in reasons(doc) and "metadata" in reasons(doc)
    assert doc.published.isoformat() == "2023-10-26"


def test_footer_related_and_comments() -> None:
    raw = BODY + "\n责任编辑：朱峰\n推荐阅读\n· 某地投入资金5000万元\n网友评论 0条\n发表评论"
    doc = clean_text(raw)
    assert doc.text == BODY
    assert "5000万元" in "".join(reasons(doc)["footer"])


def test_spam_words_inside_sentences() -> None:
    doc = clean_text("中山区教育局将组团式帮扶工作进一步具体化轴承钢球。为水标记机城县举办培训，十五年其厚度为3mm 和6mm 两种教育工作")
    assert doc.text == "中山区教育局将组团式帮扶工作进一步具体化。为水城县举办培训，十五年教育工作"
    assert set(reasons(doc)) == {"spam"}


def test_pinyin_glosses() -> None:
    doc = clean_text("深化东西部协(xié)作，推进產業協(xié)同")
    assert doc.text == "深化东西部协作，推进產業協同"
    assert reasons(doc)["pinyin"] == ["(xié)", "(xié)"]


def test_hospital_ads_images_licences() -> None:
    raw = "\n".join([BODY, "重庆治疗儿童精神分裂哪家医院好", "郑州肾病医院哪家好", "微信图片_20231026103208.jpg",
                     "京ICP备2022015544号-1"])
    doc = clean_text(raw)
    r = reasons(doc)
    assert doc.text == BODY
    assert "ad" in r and "image" in r and "licence" in r


def test_article_repeated_twice_is_one_copy() -> None:
    para = ["标题很长的一篇文章的标题行在这里", BODY, "同时，两地共建产业园区1个，引进企业3个。"]
    doc = clean_text("\n".join(para + para))
    assert doc.text.count(BODY) == 1
    assert "repeated" in reasons(doc)
    facts = extract_facts(doc, doc_id="x").facts
    assert sorted(f.metric for f in facts).count("cadre.e2w") == 1


def test_mojibake_is_dropped() -> None:
    raw = BODY + "\né»„å²›åŒºä¸Žå®•æ˜ŒåŽ¿\n两地鍙戝竷鏃堕棿锛氬叡寤轰骇涓氬洯鍖猴紝引进企业3个。\n乱码\ufffd\ufffd\ufffd在这里"
    doc = clean_text(raw)
    assert "鍙戝竷" not in doc.text and "\ufffd" not in doc.text and "å²›" not in doc.text
    assert "引进企业3个" in doc.text
    assert "mojibake" in reasons(doc)


def test_site_prefix_on_paragraphs() -> None:
    raw = "陇南日报讯 今年以来两地深化协作，各项工作取得成效。\n陇南日报讯 黄岛区选派挂职干部6名到宕昌县。"
    doc = clean_text(raw)
    assert "陇南日报讯" not in doc.text
    assert reasons(doc)["site prefix"] == ["陇南日报讯 ", "陇南日报讯 "]


def test_offsets_map_back_to_raw() -> None:
    raw = "首页 | 新闻 | 协作 | 图片\n发布时间：2023-01-01\n" + BODY + "\n推荐阅读"
    doc = clean_text(raw)
    i = doc.text.index("5名")
    assert raw[doc.to_raw(i):doc.to_raw(i) + 2] == "5名"


def test_rare_names_are_not_mojibake() -> None:
    text = "在四大寨乡噜嘎水库、格凸河镇二关村发展渔业，阿戛镇、果布戛乡、宕昌县陡箐镇。"
    assert clean_text(text).text == text
