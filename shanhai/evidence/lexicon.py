"""All the vocabulary the reader knows, in one place.

* `RULES`: the indicator-phrase table. One row per way a report states an indicator, tried in
  order; the first row whose patterns match a quantity decides its metric. Rows are keyed on the
  catalogue's `phrases` column and on how programme reports are worded, never on a particular
  article (no place, person or figure of one).
* `PAIR_KINDS`: the nouns that name the units of a pairing (…个乡镇, …所学校, …家医院).
* region and party vocabulary (`REGION_SUFFIXES`, `EAST_REGIONS`, `WEST_REGIONS`, …): suffixes,
  generic words that look like names, and the provinces and prefecture-level divisions on each
  side of the East–West programme (general geography, used to tell east from west).
* noise vocabulary for the cleaner (footer markers, ads, injected product words).

A rule's `item` pattern is matched against the comma/、-delimited item that holds the quantity,
with the quantity replaced by ``#`` and any other quantity by ``§``; ``G(n)`` is a gap of at most
n characters that does not cross another quantity. `cue` must occur in the text of the same
；-segment up to the end of the item; `veto` must not occur in the item.
"""

from __future__ import annotations

from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


def G(n: int) -> str:  # noqa: N802 - reads like a token inside the patterns below
    """A gap of at most n characters that does not cross another quantity."""
    return f"[^#§]{{0,{n}}}?"


Q = "#+"
PERSON = frozenset({"person", "person_time"})
PEOPLE_ONLY = frozenset({"person"})
UNITS = frozenset({"unit"})
SESSIONS = frozenset({"session"})
YUAN = frozenset({"yuan"})
TIMES = frozenset({"time", "session"})

DISPATCH = r"选派|派出|派驻|派遣|选调|输送|支教|支医|援派|交流到|挂职|援(?:川|滇|黔|桂|疆|藏|青|宁|甘|蒙|渝|陕)"
W2E_CUE = (r"到.{0,14}?(?:跟岗|进修|挂职学习|挂职锻炼|交流学习|学习|研修|培训)"
           r"|赴.{0,14}?(?:跟岗|进修|学习|挂职锻炼|研修)")
TEACHER = r"教师|老师|支教|教学骨干|学科骨干|班主任"
MEDICAL = (r"医生|医师|医疗专家|医务人员|医护人员|医护骨干|医疗队员|医疗卫生人员|医疗卫生人才|医疗人才|卫生人才|"
           r"卫生技术人员|卫技人员|护士|护理人员")
TALENT = r"专业技术人才|专技人才|专业人才|技术人才|技术人员|专业技术人员|人才"
SCHOOL_MGMT = r"校长|园长|学校管理人员|教育管理人员|学校管理干部|中层干部|管理人员"
LABOR = (r"农村劳动力|脱贫劳动力|贫困劳动力|劳动力|务工人员|农民工|脱贫人口|贫困人口|建档立卡|脱贫群众|易地搬迁群众|"
         r"群众|农户|种植户|养殖户")


@dataclass(frozen=True, slots=True)
class Rule:
    metric: str  # catalogue code; "{dir}" is filled with e2w / w2e, "@" means decided in code
    units: frozenset[str]  # unit classes the quantity may have
    item: str  # regex over the item with the quantity as '#'
    cue: str | None = None  # regex that must occur in the segment up to the item's end
    veto: str | None = None  # regex that must not occur in the item


RULES: tuple[Rule, ...] = (
    # --- trainings: checked first, since 培训 + 干部/教师 is training, not dispatch
    Rule("train.school.people", PERSON, rf"(?:{SCHOOL_MGMT}){G(14)}{Q}|{Q}{G(4)}(?:{SCHOOL_MGMT})",
         cue=r"培训|跟岗|研修|轮训|挂职学习"),
    Rule("train.leader.people", PERSON, rf"带头人{G(8)}{Q}|{Q}{G(6)}带头人|带头人{G(8)}培训班?{G(2)}§+{Q}",
         cue=r"培训|轮训"),
    Rule("train.cadre.people", PERSON,
         rf"培训{G(8)}干部{G(4)}{Q}|干部{G(6)}培训{G(4)}{Q}|培训{G(4)}{Q}{G(4)}干部"),
    Rule("train.talent.sessions", SESSIONS,
         rf"(?:{TALENT}|{TEACHER}|{MEDICAL}|教研){G(10)}培训{G(4)}{Q}|培训(?:{TALENT}|{TEACHER}){G(4)}{Q}"),
    Rule("train.labor.sessions", SESSIONS,
         rf"(?:劳务|劳动力|技能|就业|务工|农民工|创业|实用技术){G(12)}培训{G(6)}{Q}"
         rf"|{Q}{G(3)}(?:劳务|劳动力|技能|就业|务工|农民工|创业|实用技术){G(8)}培训",
         veto=rf"{TALENT}|{TEACHER}|{MEDICAL}|干部"),
    # 培训班N期 naming no trainees: the trainees named next in the sentence decide (see extractor)
    Rule("train.@.sessions", SESSIONS, rf"培训班?{G(3)}{Q}", veto=r"干部"),
    Rule("train.labor.people", PERSON,
         rf"培训{G(8)}(?:{LABOR}){G(4)}{Q}|(?:{LABOR}){G(6)}培训{G(4)}{Q}|培训{G(4)}{Q}{G(3)}(?:{LABOR})"),
    Rule("train.talent.people", PERSON,
         rf"培训{G(8)}(?:{TALENT}|{TEACHER}|{MEDICAL}|骨干){G(4)}{Q}|(?:{TALENT}|{TEACHER}|{MEDICAL})"
         rf"{G(6)}培训{G(4)}{Q}|培训{G(4)}{Q}{G(3)}(?:{TALENT}|{TEACHER}|{MEDICAL})"),
    # a bare 培训N人次 takes the category of the training just named in the same sentence
    Rule("train.@.people", PERSON, rf"培训{G(3)}{Q}|{Q}{G(2)}参训|培训{G(8)}{Q}$|培训[^#§]{{0,6}}§+{Q}"),
    # --- people sent along the pair
    Rule("talent.mutual", PERSON, rf"(?:{TALENT}){G(3)}{Q}|{Q}{G(8)}(?:{TALENT})", cue=r"互派(?:(?!选派|派出|选调|派遣).)*$", veto=r"培训|干部"),
    Rule("cadre.mutual", PEOPLE_ONLY, rf"互派{G(12)}{Q}|互派{G(4)}{Q}{G(8)}干部", veto=r"人才|技术人员"),
    # a total over mixed people (干部、人才N名; 干部人才N名) is no cadre count (and no talent one)
    Rule("mixed", PERSON, rf"干部(?:和|与|及|、)?(?:专业技术|专技)?人才{G(4)}{Q}|{Q}{G(8)}干部(?:和|与|及|、)?(?:专业技术|专技)?人才"
         rf"|{Q}{G(4)}(?:党政干部|干部)和(?:专业技术|专技)人才"),
    Rule("cadre.{dir}", PEOPLE_ONLY,
         rf"{Q}{G(10)}干部|(?:挂职干部|党政干部|干部){G(3)}{Q}(?!#|名?(?:专业技术|专技|专业|技术)?人才)|挂职{G(6)}{Q}",
         cue=DISPATCH, veto=r"培训|考察|调研"),
    Rule("talent.{dir}.teacher", PEOPLE_ONLY, rf"{Q}{G(8)}(?:{TEACHER})|(?:{TEACHER}){G(3)}{Q}",
         cue=DISPATCH, veto=r"培训|学生"),
    Rule("talent.{dir}.medical", PEOPLE_ONLY, rf"{Q}{G(8)}(?:{MEDICAL})|(?:{MEDICAL}|医疗队){G(3)}{Q}",
         cue=DISPATCH + r"|医疗队", veto=r"培训"),
    Rule("talent.{dir}", PEOPLE_ONLY, rf"{Q}{G(8)}(?:{TALENT})|(?:{TALENT}){G(3)}{Q}", cue=DISPATCH + "|" + W2E_CUE,
         veto=r"培训"),
    # 选派N人到<a school> sends teachers; to <a hospital> sends medical staff
    Rule("talent.e2w.teacher", PEOPLE_ONLY, rf"(?:{DISPATCH}){G(3)}{Q}{G(3)}(?:到|赴).{{0,14}}?(?:校|学|园)",
         veto=r"学生"),
    Rule("talent.e2w.medical", PEOPLE_ONLY, rf"(?:{DISPATCH}){G(3)}{Q}{G(3)}(?:到|赴).{{0,14}}?(?:医院|卫生院)"),
    # --- education
    Rule("edu.study_tour", PEOPLE_ONLY, rf"{Q}.{{0,20}}(?:研学|游学|夏令营|冬令营)|(?:研学|游学){G(10)}{Q}"),
    Rule("edu.tier1_admissions", PEOPLE_ONLY, rf"(?:一本|本科一批|一批本科|重点本科|一本线){G(8)}{Q}"),
    # people going east to learn (no category named: talent shadowing)
    Rule("talent.w2e", PEOPLE_ONLY, rf"{Q}{G(6)}(?:{W2E_CUE})", veto=r"学生|师生|群众|劳动力|务工"),
    Rule("talent.w2e", PERSON, rf"(?:{TALENT}|干部|{TEACHER}|{MEDICAL}){G(10)}(?:跟岗|进修|挂职学习|挂职锻炼|研修){G(4)}{Q}",
         veto=r"学生|师生|群众|劳动力|务工|校长"),
    Rule("talent.w2e.days", frozenset({"day"}), rf"(?:进修|跟岗|学习|培训){G(8)}{Q}"),
    Rule("edu.seats", UNITS, rf"学位{G(4)}{Q}|{Q}{G(3)}学位"),
    Rule("edu.facility.kindergarten", UNITS, rf"幼儿园{G(3)}{Q}|{Q}{G(10)}幼儿园",
         cue=r"援建|新建|建设|建成|捐建|改扩建|修建|援助|投用"),
    Rule("med.equipment", UNITS, rf"医疗(?:设备|器械){G(10)}{Q}|{Q}{G(6)}医疗(?:设备|器械)"),
    # --- labour cooperation
    Rule("labor.employed.poor", PEOPLE_ONLY, rf"脱贫劳动力{G(3)}{Q}|{Q}{G(3)}脱贫劳动力", cue=r"就业|务工|其中"),
    Rule("labor.job_fair", TIMES, rf"招聘会{G(6)}{Q}|{Q}{G(8)}招聘会"),
    Rule("workshop.count", UNITS, rf"车间{G(3)}{Q}|{Q}{G(8)}车间", veto=r"就业\d|吸纳"),
    # jobs: labour, workshop or enterprise jobs is decided from the sentence (see extractor)
    Rule("jobs.@", PEOPLE_ONLY,
         rf"就业{G(6)}{Q}|{Q}{G(16)}(?:就业|务工|上岗)|吸纳{G(12)}{Q}|(?:转移|稳岗|务工){G(6)}{Q}"),
    # --- industrial cooperation
    Rule("industry.park", UNITS, rf"(?:产业园区?|园区|工业园|产业园){G(3)}{Q}|{Q}{G(6)}(?:产业园区?|工业园|园区)",
         cue=r"共建|合作|援建|建设|打造", veto=r"车间|厂房"),
    Rule("industry.enterprise", frozenset({"unit", "household"}),
         rf"企业(?:数|数量)?{G(12)}{Q}|{Q}{G(8)}企业",
         cue=r"引进|引导|落地|招引|入驻|投产|签约|引入|招商|新增|落户|到位",
         veto=r"结对|帮扶|考察|捐|园.{0,4}入驻|^入驻"),
    Rule("industry.investment", YUAN, rf"(?:投资额|投资额度|到位投资|投资资金|实际投资|完成投资|到位资金|投资){G(6)}{Q}",
         veto=r"项目投资|总投资"),  # a project's budget or total cost is not enterprise investment in place
    # --- consumption assistance
    Rule("consume.sales", YUAN, rf"(?:销售额|销售|采购|购买|消费帮扶|带货|交易额|销售收入){G(12)}{Q}",
         veto=r"人均|每斤|每公斤|单价|价格"),
    Rule("consume.sales", YUAN, rf"(?:农特产品|农产品|农副产品|特色产品|农畜牧产品|手工艺产品|特产|产品){G(6)}{Q}",
         cue=r"销售|采购|购买|消费帮扶|带货", veto=r"人均|每斤|每公斤|单价|价格"),
    # --- projects, meetings, visits
    Rule("project.count", frozenset({"unit"}), rf"项目{G(4)}{Q}|{Q}{G(8)}项目", cue=r"实施|安排|落地|落实|援建|建设",
         veto=r"课题|签约|招商"),
    Rule("lead.meeting", TIMES, rf"联席会议{G(6)}{Q}|{Q}{G(6)}联席会议"),
    Rule("lead.visit", frozenset({"time"}), rf"(?:调研对接|互访|调研|考察){G(6)}{Q}|{Q}{G(8)}(?:调研|互访|考察)"),
    # --- money; the kind is decided from the item and the sentence (see extractor)
    Rule("funds.@", YUAN, rf"(?:资金|投入|援助|拨付|安排|价值|捐|资助|帮扶|援建|款|物资|折款|折合|人民币|合计|共计|累计)"
         rf"{G(14)}{Q}"
         rf"|{Q}{G(6)}(?:资金|帮扶|援助|捐|款)",
         veto=r"人均|产值|收入|增收|工资|薪|营业额|利润|价格|每斤|每公斤|单价|预计|纳税|税收|生产总值|年产|贷款|分红|市值|估值"),
)

#: a figure in a segment that says this before it is not the programme's own: a plan or forecast,
#: or a national statistic quoted for context
NOT_A_FACT_BEFORE = r"预计|计划|力争|拟|将突破|将达到|目标是|全国"
#: ... and in the item itself: a whole-county statistic (全县常年外出务工人员10万人) is background
NOT_A_FACT_ITEM = r"全县|全市|全省|全州|全旗|全区"
#: an average per unit (县均、每县、人均…) before the quantity in its item is no total
AVERAGE_ITEM = r"[县区市旗乡镇村校户人]均|每(?:个)?(?:县|区|市|旗|乡|镇|村|校|所|户|人|家)"
#: money in a segment that says this before it is intended or signed, not in place
NOT_MONEY_BEFORE = r"意向|签约|签下|签订|签署.{0,12}(?:协议|项目)|将再|将投入|将安排|拟投"

# ---------------------------------------------------------------------------------------------
# money kinds, in order: the first pattern found in the item (then in the segment) decides

FUND_EXPLICIT: tuple[tuple[str, str], ...] = (
    ("funds.education", r"教育(?:帮扶|协作|援助|专项|发展)?资金|教育经费"),
    ("funds.medical", r"医疗(?:帮扶|援助|卫生)?资金|卫生(?:帮扶)?资金|健康帮扶资金"),
    ("funds.fiscal", r"财政(?:帮扶|援助|衔接|协作)?资金"),
    ("funds.social", r"社会帮扶资金|物资折款|捐赠|捐资|捐款|捐助|捐献|募集|募捐|爱心款|爱心资金|善款|社会各界"),
    ("funds.education", r"助学金|奖学金"),
    ("funds.fiscal", r"财政"),
)
SECTOR_CONTEXT: tuple[tuple[str, str], ...] = (
    ("funds.education", r"教育|学校|学生|教师|老师|校园|幼儿园|学位|职校|课堂|教学"),
    ("funds.medical", r"医院|医疗|卫生|医务|患者|诊疗"),
)
# jobs: which family a 就业 figure belongs to, from the fact named just before it or the sentence
JOBS_CONTEXT: tuple[tuple[str, str], ...] = (
    ("workshop.jobs", r"车间"),
    ("industry.jobs", r"企业|园区|投资|落地|投产"),
)
JOBS_NEW = r"新增"
#: training categories for 培训N人次 without its own noun
TRAIN_FAMILY = ("cadre", "talent", "labor", "leader", "school")

# ---------------------------------------------------------------------------------------------
# pairings below county level

#: (kind, noun); order matters: 职业院校 before 学校, 高校 before 校
PAIR_KINDS: tuple[tuple[str, str], ...] = (
    ("enterprise_village", r"企业|民营企业|公司|商会"),
    ("social_village", r"社会组织|协会|基金会|爱心组织|社团"),
    ("university", r"高校|大学|高等院校|本科院校"),
    ("vocational", r"职业院校|职业学校|职校|技工学校|中职学校|高职院校|职业技术学院"),
    ("hospital", r"医院|卫生院|医疗机构|医疗卫生机构"),
    ("school", r"学校|中小学|中小学校|幼儿园|中学|小学|校"),
    ("township", r"乡镇|镇街|街道|乡\(镇\)|乡(?!村)|镇"),
    ("village", r"村(?:\(社区\)|\(居\))?|社区|行政村|村居"),
    ("county", r"县(?:市区|区|市)?|区|市(?![州(□])|旗"),
)
PAIR_VERB = r"结对|结成|叠加帮扶|对口帮扶|结对帮扶|帮扶|携手|牵手|组团式|对接|共建|建立.{0,6}关系"
PAIR_ADJ = r"(?:同类别|同类|优质|深度贫困|贫困|脱贫|重点|省级|市级|县级|三级|二级|三甲|二甲|基层)?"

# ---------------------------------------------------------------------------------------------
# completion against a baseline or target

BASELINE_RE = (
    r"(?:与|和|同|较|比)(?:上一?年度?|去年|上年同期|去年同期|前一年|同期|(?:19|20)\d\d年度?)(?:同期)?(?:的)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<mag>万|亿)?(?P<unit>人次|名|人|个|所|家|期|场|次|元|对|天)?(?:相比|比较|对比)?"
    r"|(?:年度目标任务|目标任务|年度任务|任务)(?:数)?(?:为|是)?(?P<num2>\d+(?:\.\d+)?)(?P<mag2>万|亿)?"
    r"(?P<unit2>人次|名|人|个|所|家|期|场|次|元|对|天)?"
)
RATE_RE = r"(?:完成|完成率|完成了|达到|为)(?:目标任务的|任务的|年度任务的)?(?P<rate>\d+(?:\.\d+)?)%"

# ---------------------------------------------------------------------------------------------
# parties: region and organisation names

REGION_SUFFIXES = (
    "自治县", "自治州", "自治旗", "自治区", "特别行政区", "新区", "县", "区", "市", "州", "盟", "旗", "省",
    "镇", "乡", "街道", "村",
)
#: suffixes whose names are county level or above (their stems are used as short names)
MAJOR_SUFFIXES = frozenset({"自治县", "自治州", "自治旗", "自治区", "县", "区", "市", "州", "盟", "旗", "省", "新区"})
ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "公司", "集团", "红十字会", "基金会", "商会", "协会", "办事处",
    "教育局", "卫健局", "卫生健康局", "人社局", "农业农村局", "乡村振兴局", "协作办", "合作办", "发改委",
    "人民政府", "政府", "医院", "卫生院", "中学", "小学", "学校", "幼儿园", "大学", "学院", "职校", "中心校",
    "工作队", "工作组",
)
#: words that precede a name in a sentence: a name starts after the last of them
NAME_BOUNDARY = (
    "据了解", "据介绍", "据统计", "近年来", "截至目前", "截至", "目前", "同时", "此外", "另外", "其中", "今年", "去年",
    "前年", "以来", "年来", "结对帮扶", "叠加帮扶", "对口帮扶", "对口支援", "帮扶", "结对", "叠加", "对口", "援建",
    "援助", "支援", "协作", "携手", "共建", "选派", "派驻", "派出", "推动", "助力", "促进", "组织", "动员", "倡议",
    "发动", "通过", "来自", "位于", "资助", "捐赠", "捐资", "帮助", "支持", "推进", "深化", "开展", "举办", "培训",
    "引导", "落地", "吸引", "带动", "以及", "围绕", "针对", "前往", "走进", "来到", "考察", "调研", "看望", "慰问",
    "率队", "带队", "挂职", "担任", "兼任", "覆盖", "涉及", "包括", "分别", "新增", "实现", "完成", "成为", "作为",
    "属于", "依托", "借助", "借力", "联合", "会同", "携", "驻", "向", "与", "和", "及", "同", "跟", "对", "给",
    "为", "由", "从", "自", "将", "把", "让", "使", "被", "经", "在", "到", "赴", "于", "的", "了", "是", "有",
    "也", "都", "还", "又", "已", "均", "等", "或", "并", "即", "年", "月", "日", "各", "该", "其", "全", "原", "共",
    "两地", "双方", "此次", "本次", "我们", "他们", "不", "出", "销售", "采购", "购买", "引进", "吸引", "招引",
    "接收", "辐射", "服务", "拨付", "投资", "兴业",
)
#: a candidate name ending like this is a common word, not a name
GENERIC_NAME_TAILS = (
    "地区", "园区", "社区", "景区", "片区", "辖区", "小区", "校区", "库区", "牧区", "市区", "矿区",
    "灾区", "郊区", "林区", "老区", "特区", "湾区", "军区", "战区", "街区", "厂区", "安置区", "示范区", "开发区",
    "贫困山区", "偏远山区", "深山区", "大山区", "主城区", "老城区", "中心城区",
    "试验区", "保护区", "功能区", "经济区", "核心区", "集中区", "新城区", "产业区", "民族地区", "城市", "都市", "超市",
    "门市", "上市", "夜市", "集市", "股市", "城乡", "家乡", "下乡", "返乡", "故乡", "老乡", "异乡", "他乡", "乡镇",
    "城镇", "村镇", "集镇", "小镇", "重镇", "古镇", "名镇", "农村", "乡村", "山村", "村村", "贫困村", "行政村",
    "自然村", "示范村", "重点村", "脱贫村", "搬迁村", "各村", "全村", "该村", "贫困县", "重点县", "帮扶县", "受援县",
    "脱贫县", "试点县", "示范县", "全县", "该县", "本县", "各县", "我县", "郊县", "全区", "该区", "本区", "各区",
    "我区", "全市", "本市", "该市", "我市", "各市", "全省", "本省", "该省", "我省", "各省", "外省", "兄弟省",
    "红旗", "国旗", "党旗", "团旗", "锦旗", "彩旗", "战旗", "神州", "九州", "全州", "本州", "联盟", "同盟", "加盟",
    "结盟", "省市", "市县", "县区", "县市", "区县", "省区", "街道", "全镇", "该镇", "本镇", "全乡", "该乡", "本乡",
    "开发新区", "城市新区", "县人民", "东西部", "东部", "西部",
)
#: a mention followed by one of these is used as a modifier (针对紫云实际), not as a party
MODIFIER_FOLLOWERS = (
    "实际", "实情", "所需", "所能", "人民", "群众", "老百姓", "百姓", "特色", "经验", "理念", "当地", "本地",
    "教学", "发展", "的", "方面", "一侧", "两地", "籍",
)
#: a group party: 东部省份, 西部结对省份 ... (the side is the first character)
GROUP_PARTY = r"(?:东部|西部)(?:结对|协作|对口)?(?:\d+个)?(?:省份|省区市|省市区|省市|省区|城市)"

#: East–West programme: the eastern side (donor provinces and their prefecture-level cities)
EAST_REGIONS = frozenset(_words("""
北京 天津 上海 江苏 浙江 福建 山东 广东 大连
南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水
福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
广州 深圳 珠海 汕头 佛山 韶关 湛江 肇庆 江门 茂名 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
"""))
#: the western side (receiving provinces and their prefecture-level divisions)
WEST_REGIONS = frozenset(_words("""
内蒙古 广西 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 河北 恩施 湘西
贵阳 六盘水 遵义 安顺 毕节 铜仁 黔东南 黔南 黔西南
昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆
成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山
兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南
西宁 海东 海北 黄南 果洛 玉树 海西
银川 石嘴山 吴忠 固原 中卫
乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰
拉萨 日喀则 昌都 林芝 山南 那曲 阿里
呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善
南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
"""))
#: provinces (bare mentions of these count without a suffix)
PROVINCES = frozenset(_words("""
北京 天津 上海 江苏 浙江 福建 山东 广东 内蒙古 广西 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 河北
"""))

#: role cues around a mention: (pattern before the name, pattern after it, side)
ROLE_CUES: tuple[tuple[str, str, str], ...] = (
    (r"(?:到|赴|前往|来到)$", r"^(?:开展|进行)?(?:跟岗|进修|挂职学习|挂职锻炼|交流学习|学习|考察学习|研修)", "east"),
    (r"(?:到|赴|前往|深入)$", r"^(?:开展|进行|参与)?(?:帮扶|支教|支医|援建|对口|组团|挂职|工作|调研)", "west"),
    (r"在$", r"^(?:投入|援建|建设|建成|实施|落地|举办|开展)", "west"),
    (r"(?:帮扶|援建|支援|援助|对口帮扶|结对帮扶|叠加帮扶|援|挂职|向|资助|帮助)$", r"", "west"),
    (r"(?:选派|派驻|派出|派遣|支教)[^,;。]{0,16}?(?:到|赴)$", r"^(?!.{0,6}(?:跟岗|学习|进修|培训|研修))", "west"),
    (r"(?<![与和同及在到向赴])$",
     r"^(?:\d+\D{1,8})?(?:对口帮扶|结对帮扶|叠加帮扶|帮扶|援建|支援|援助|帮助|选派.{0,12}到)"
     r"|^(?:累计)?(?:在|向|为)[^,;。]{1,12}?(?:援建|捐赠|捐资|投入|举办|开展)", "east"),
)

# ---------------------------------------------------------------------------------------------
# cleaner vocabulary

FOOTER_RE = (
    r"^[\s【\[〖]*(?:责任编辑|编辑[:：]|责编|推荐阅读|相关阅读|相关文章|相关新闻|相关链接|相关推荐|延伸阅读|热门推荐|热点推荐|"
    r"猜你喜欢|为您推荐|精彩推荐|上一篇|下一篇|友情链接|版权所有|版权声明|免责声明|Copyright|©|联系我们|关于我们|网站声明|"
    r"分享到|扫一扫|打印本页|关闭窗口|网友评论|发表评论|我要评论|评论区|热门评论|最新评论|全部评论|返回顶部|标签[:：]?|"
    r"主管[:：]|主办[:：]|本文来源|原标题|点击排行|热门文章|最新文章)"
)
BYLINE_RE = (
    r"^[\s(（【\[]*(?:总监审|监\s*审|审\s*核|校\s*对|初\s*审|复\s*审|终\s*审|编\s*审|一审|二审|三审|摄影|摄像|记者|"
    r"通讯员|作者|来源|撰稿|供稿|编辑|文字|图片|图/文|文/图|视频|发布者|浏览次数|阅读量|点击数)"
)
DATE_LINE_RE = (
    r"(?:发布时间|发布日期|发稿时间|时间|日期|更新时间)\s*[:：]?\s*(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]"
    r"\s*(?P<d>\d{1,2})"
)
NAV_WORDS = r"当前位置|您的位置|你的位置|设为首页|加入收藏|收藏本站|网站导航|网站地图|English|登录|注册|首页\s*[>＞»›|]"
IMAGE_LINE_RE = r"^\s*[\w\-\u4e00-\u9fff()（）.]+\.(?:jpe?g|png|gif|bmp|webp|tiff?)\s*$"
LICENCE_RE = r"ICP备|ICP证|许可证|备案号|公网安备|增值电信|经营许可|版权所有|版权声明|主办单位|承办单位|技术支持[:：]|邮编[:：]|投诉电话"
WIDGET_RE = r"^\s*(?:\d{1,6}|(?:点赞|收藏|分享|转发|评论|阅读|浏览|赞)\s*[(（]?\d*[)）]?|分享到.*|字号.*|打印|关闭|返回|顶|踩|\[\s*\d+\s*\]|[【\[](?:打印|关闭|收藏|分享)[】\]].*)\s*$"
AD_RE = (
    r"(?:哪家|哪里|哪个)(?:医院)?(?:好|最好|专业|靠谱|正规)|医院(?:哪家好|怎么样|好不好|排名|电话)|"
    r"(?:治疗|治|看)[^，。]{0,10}(?:医院|多少钱|费用|哪家)|"
    r"(?:男科|妇科|不孕|不育|阳痿|早泄|癫痫|精神分裂|白癜风|牛皮癣|银屑病|肝损伤|肾病|性病|湿疣|包皮|前列腺|痔疮|狐臭|"
    r"抑郁症|心理)[^，。]{0,12}(?:医院|原因|症状|治疗|怎么|哪|危害|表现|费用)|"
    r"博彩|彩票|娱乐城|百家乐|赌场|赌博|棋牌|真人视讯|老虎机|时时彩|六合彩|葡京|威尼斯人|体育投注|下注|色情|成人视频|福利视频"
)
#: product words injected into sentences by spam sites (industrial B2B vocabulary)
SPAM_WORDS = (
    "非标螺栓", "螺栓", "螺母", "螺丝钉", "螺钉", "轴承钢球", "钢球", "轴承", "齿轮箱", "法兰盘", "法兰", "阀门", "垫片",
    "铆钉", "钢丝绳", "拌和站", "搅拌站", "输送带", "滤芯", "减速机", "振动筛", "刀片", "模具钢", "不锈钢管", "镀锌管",
)
SPAM_MACHINE_RE = (
    r"(?:塑料|金属|钢材?|铝材?|铜|不锈钢|橡胶|木工|石材|激光|数控|全自动|半自动|自动|液压|气动|非标|工业|食品|薯片|肉类)?"
    r"(?:切片|混合|标记|打标|蚀刻|细碎|粉碎|破碎|切割|雕刻|注塑|灌注|灌装|包装|搅拌|球磨|制砂|压滤|离心|烘干|脱水|封口|"
    r"喷码|分切|复合|折弯|剪板|冲压|压力|开料|贴标|制袋|吹膜|造粒|清洗|抛光|焊接|点胶)机"
)
SPAM_SIZE_RE = (
    r"(?:其?(?:厚度|直径|长度|宽度|尺寸|规格|孔径|外径|内径)(?:为|是)?)?\d+(?:\.\d+)?[ \t]*(?:mm|MM|cm|CM|μm|um|毫米|丝)"
    r"(?:[ \t]*(?:和|或|、|至|-|~)[ \t]*\d+(?:\.\d+)?[ \t]*(?:mm|MM|cm|CM|μm|um|毫米|丝))*(?:[ \t]*(?:两|三|四|几)种)?"
)
PINYIN_RE = (
    r"[(（](?:[a-zA-Zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ][a-zA-Zü]*[)）]"
    r"|(?<=[\u4e00-\u9fff][(（])[a-z]{1,6}[)）](?=[\u4e00-\u9fff]))"
)
SITE_PREFIX_RE = (
    r"^[【\[]?[\u4e00-\u9fffA-Za-z0-9]{2,14}?(?:网|日报|晚报|报|新闻|客户端|在线|融媒)讯?[】\]]?(?:\s+|[:：]\s*)"
    r"|^[【\[]?[\u4e00-\u9fffA-Za-z0-9]{2,14}?(?:网|日报|晚报|报|新闻|客户端|在线|融媒)?讯[】\]]?\s*"
)
