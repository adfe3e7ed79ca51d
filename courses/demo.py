"""Demo curricula, courses, lessons and sessions; safe to run again."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academy.models import QualificationLevel

from .models import (
    ClassSession,
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    DeliveryMode,
    ExamPaper,
    LessonPage,
    Track,
)
from .roles import catalog_page_permissions_sync

User = get_user_model()

LESSON_INTAKE = """## 学习目标

- 理解接案（intake）在服务流程中的位置；
- 掌握初次会谈的基本结构与记录要点；
- 能够识别需要立即转介的风险信号。

## 一、接案的三个任务

接案不是"登记一下"，而是建立专业关系的起点。社工在首次接触中要完成三件事：

1. **澄清来意**：服务对象为什么现在来？是自己求助、家人陪同，还是居委会转介？
2. **初步评估**：需要是否在本机构的服务范围内，是否存在安全风险。
3. **说明服务**：告知保密原则及其例外、服务时长和双方的权利义务。

## 二、初次会谈记录表

| 栏目 | 记录要点 | 常见问题 |
|:--|:--|:--|
| 基本信息 | 姓名、联系方式、居住社区 | 遗漏紧急联系人 |
| 求助问题 | 用服务对象自己的话记录 | 过早下结论 |
| 风险筛查 | 自伤、家暴、照护中断 | 未按流程上报 |
| 下一步 | 约定时间与联系方式 | 只写"再联系" |

> 记录要"可核查"：写观察到的事实，把判断和推测单独标注。

## 三、需要立即转介的情形

遇到以下情况，应当当天向督导报告并启动转介流程[^1]：

- 服务对象表达明确的自伤或伤人计划；
- 发现未成年人或老年人处于无人照护状态；
- 有家庭暴力的迹象且服务对象仍与施暴者同住。

## 课后练习

请用本节的记录表，整理一次你最近接待的来访，并标出哪些内容是事实、哪些是判断。

[^1]: 各街道的转介联系人名单见机构内部的《转介资源手册》。
"""

LESSON_ETHICS = """## 学习目标

- 熟悉社会工作专业伦理的核心价值；
- 能运用伦理决策步骤分析常见两难情境。

## 一、核心价值

我国社会工作者职业道德指引强调：**以人为本、助人自助、尊重、接纳、保密、公正**。
这些价值不是口号，而是在每一次服务决定中都要回到的依据。

## 二、保密及其例外

保密是信任的基础，但并非绝对。下列情况可以、甚至必须突破保密：

1. 服务对象可能伤害自己或他人；
2. 涉及未成年人受虐待或被忽视；
3. 法律法规要求提供信息。

突破保密前，应尽可能先告知服务对象，并记录决策过程。

## 三、伦理决策五步法

```text
第一步  明确问题：冲突的是哪些价值或义务？
第二步  收集信息：相关的法规、机构政策、各方意见
第三步  列出选项：至少想出三种可能的做法
第四步  评估后果：对服务对象、家庭、机构各有什么影响
第五步  作出决定并记录，事后与督导复盘
```

## 情境讨论

一位独居老人请你不要把他跌倒的事告诉远在外地的女儿。你会怎么做？请按五步法写下你的思路。
"""

LESSON_RECORDS = """## 学习目标

- 了解个案记录的类型与法律属性；
- 会写结构清晰的过程记录和摘要记录。

## 一、为什么要写记录

个案记录既是服务质量的证据，也是机构问责和督导的依据。**没有记录的服务，等于没有发生。**

## 二、SOAP 记录格式

| 字母 | 含义 | 写什么 |
|:--:|:--|:--|
| S | 主观资料 | 服务对象怎么说 |
| O | 客观资料 | 社工观察到什么 |
| A | 评估 | 社工的专业判断 |
| P | 计划 | 下一步做什么、何时做 |

## 三、常见错误

- 使用标签化语言，如"难缠""不配合"；
- 记录与服务时间相隔太久，细节失真；
- 把同事之间的讨论当作事实写入。

完成本课后，请把上周的一份记录改写成 SOAP 格式。
"""

LESSON_ASSESSMENT = """## 学习目标

- 掌握"需求评估"的常用工具：生态图与家庭结构图；
- 能根据评估结果确定服务优先次序。

## 一、生态图

生态图用圆圈表示服务对象与周围系统（家庭、学校、单位、社区、医院等）的关系，
用不同线条表示关系的强弱与压力。画图时请与服务对象一起完成，这本身就是一次会谈。

## 二、需求排序

| 需求 | 紧迫程度 | 服务对象意愿 | 可用资源 |
|:--|:--:|:--:|:--|
| 基本生活保障 | 高 | 高 | 低保、临时救助 |
| 就业支持 | 中 | 中 | 街道就业服务站 |
| 家庭关系修复 | 中 | 低 | 家庭社会工作项目 |

排序原则：**先安全，后发展；先意愿强的，后意愿弱的。**

## 练习

为你正在跟进的一个家庭画一张生态图，并说明你确定的前三项需求。
"""

LESSON_GROUP = """## 学习目标

- 理解小组发展的阶段；
- 能设计一次 90 分钟的小组活动。

## 一、小组的五个阶段

1. 形成期：成员试探、依赖带领者；
2. 冲突期：出现不同意见和角色竞争；
3. 规范期：形成小组规则与凝聚力；
4. 执行期：围绕目标开展工作；
5. 结束期：处理离别情绪，巩固成果。

## 二、活动设计模板

```text
小组名称：
本次目标：（不超过两条，可观察、可检验）
时间安排：热身 15 分钟 / 主体活动 50 分钟 / 分享 20 分钟 / 小结 5 分钟
物资准备：
风险预案：
```

## 三、带领技巧

- **联结**：把不同成员相似的经历连起来；
- **阻止**：温和而坚定地制止伤害性的发言；
- **摘要**：在每个环节结束时归纳要点。

请用上面的模板设计一次"照护者减压小组"的第一次活动。
"""

LESSON_COMMUNITY = """## 学习目标

- 掌握社区需求调研的方法；
- 能组织居民议事会并形成行动方案。

## 一、社区走访

走访不是问卷，而是"用脚做研究"。建议按照以下路线观察：

- 早晚高峰时段的菜场和公交站；
- 老旧小区的楼道、加装电梯情况；
- 社区活动中心的使用时段和人群。

## 二、居民议事会的流程

| 环节 | 时间 | 要点 |
|:--|:--:|:--|
| 议题说明 | 10 分钟 | 只说事实，不给结论 |
| 分组讨论 | 30 分钟 | 每组一名记录员 |
| 方案汇总 | 20 分钟 | 用投票贴纸排序 |
| 认领任务 | 10 分钟 | 写清责任人与时间 |

## 三、从议题到项目

一个好的社区项目，往往来自居民自己提出、自己认领的小事[^1]。

[^1]: 例如"楼道照明"和"老人助餐点"都是常见的起步项目。
"""

LESSON_POLICY = """## 学习目标

- 梳理与社会工作相关的主要法律法规；
- 会在实务中查找并引用政策依据。

## 一、法规框架

| 领域 | 主要法规 |
|:--|:--|
| 社会救助 | 《社会救助暂行办法》 |
| 未成年人保护 | 《中华人民共和国未成年人保护法》 |
| 老年人权益 | 《中华人民共和国老年人权益保障法》 |
| 反家庭暴力 | 《中华人民共和国反家庭暴力法》 |
| 慈善与志愿服务 | 《中华人民共和国慈善法》《志愿服务条例》 |

## 二、考点提示

- 强制报告制度的主体与时限；
- 人身安全保护令的申请人范围；
- 最低生活保障的申请、审核和确认程序。

## 三、练习方法

每学完一部法规，用一张卡片写下：**适用对象、核心制度、社工可以做什么**。
"""

LESSON_EXAM_PRACTICE = """## 学习目标

- 熟悉《社会工作实务》的题型和答题结构；
- 能在 20 分钟内完成一道案例分析题。

## 一、案例分析题的答题结构

```text
1. 问题识别：服务对象的主要问题与需求（分点）
2. 理论视角：选择一个适合的理论并说明理由
3. 服务目标：总目标 + 2～3 个具体目标
4. 服务计划：按阶段列出活动和方法
5. 评估方法：过程评估与结果评估
```

## 二、常见失分点

- 只写理论名称，不说明如何应用；
- 目标写成"提高能力"这类无法检验的表述；
- 忽视伦理问题和风险预案。

## 三、限时练习

请在 20 分钟内完成课后附件中的案例，并对照评分要点自评。
"""

LESSON_COMPREHENSIVE = """## 学习目标

- 掌握《社会工作综合能力》的知识结构；
- 建立高频考点的复习清单。

## 一、知识结构

1. 社会工作的内涵、原则与功能；
2. 人类行为与社会环境；
3. 社会工作价值观与专业伦理；
4. 个案、小组、社区三大方法；
5. 社会工作行政、督导与研究。

## 二、高频考点清单

| 模块 | 高频考点 | 建议用时 |
|:--|:--|:--:|
| 人类行为 | 埃里克森心理社会发展阶段 | 2 小时 |
| 个案工作 | 危机介入模式、任务中心模式 | 3 小时 |
| 小组工作 | 小组发展阶段与带领技巧 | 2 小时 |
| 社区工作 | 地区发展、社会策划、社区照顾 | 3 小时 |

## 三、复习建议

每天做 20 道单选题，错题按模块归类，周末集中复盘。
"""

LESSON_ELDERLY = """## 学习目标

- 了解居家养老服务中的常见风险；
- 会使用简易评估工具筛查独居老人的需求。

## 一、独居老人的四类风险

- **健康风险**：慢性病管理中断、跌倒；
- **经济风险**：诈骗、收入不足；
- **社会风险**：孤独、社会隔离；
- **照护风险**：子女不在身边、照护者倦怠。

## 二、入户评估要点

| 观察项 | 看什么 |
|:--|:--|
| 居住环境 | 地面是否湿滑、夜间照明、扶手 |
| 用药情况 | 药盒是否分装、有无过期药 |
| 饮食 | 冰箱存货、是否按时吃饭 |
| 联络 | 紧急联系人是否能接通 |

## 三、服务衔接

评估后应在三个工作日内与社区卫生服务中心、助餐点和志愿者团队对接，形成"一户一档"。
"""

LESSON_YOUTH = """## 学习目标

- 理解青少年发展阶段的需求；
- 掌握学校社会工作中常见的介入方式。

## 一、青少年的发展任务

青春期的核心任务是形成自我认同。社工需要理解：叛逆常常是寻求独立的表现，而不是"问题"本身。

## 二、介入方式

1. **个案辅导**：针对厌学、网络沉迷、家庭冲突；
2. **成长小组**：情绪管理、人际交往、生涯规划；
3. **家校社协同**：与班主任、家长共同制定支持计划。

## 三、保护优先

发现欺凌或疑似虐待时，按照强制报告制度及时上报，不要自行调查取证。
"""

LESSON_VOLUNTEER = """## 学习目标

- 掌握志愿者招募、培训和激励的基本方法；
- 能设计一份志愿服务岗位说明书。

## 一、岗位说明书

```text
岗位名称：助餐点送餐志愿者
服务时间：每周一、三、五 10:30-12:30
岗位职责：按名单送餐上门，观察老人状况并记录
所需能力：熟悉社区道路，能使用手机记录
培训要求：完成 2 学时岗前培训
```

## 二、激励与保留

- 让志愿者看到服务成果，例如老人的感谢卡；
- 按服务时长在平台上记录志愿时数；
- 每季度组织一次交流分享会。

## 三、风险管理

为志愿者购买意外险，明确"不单独进入服务对象家中"等安全规则。
"""

# (slug, title, track, code, target level, summary, trainer usernames, courses)
# Each course: (slug, title, summary, mode, exam paper, capacity, approval, lessons, sessions)
# Each lesson: (slug, title, body, hours, minutes, required)
# Each session: (title, kind, week offset, start hour, hours, place or meeting link)
CURRICULA = [
    (
        "newcomer",
        "新人培育课程体系",
        Track.NEWCOMER,
        "XR",
        QualificationLevel.NONE,
        "面向入职一年内的社会工作者和骨干志愿者，打好专业价值与基础方法的底子。",
        [
            (
                "casework-basics",
                "个案工作入门",
                "从接案、预估到结案，掌握个案工作的基本流程与记录方法。",
                DeliveryMode.BLENDED,
                "",
                40,
                False,
                ["trainer"],
                [
                    ("intake", "接案与初次会谈", LESSON_INTAKE, "1.5", 60, True),
                    ("records", "个案记录的写法", LESSON_RECORDS, "1.0", 45, True),
                    ("assessment", "需求评估工具", LESSON_ASSESSMENT, "1.5", 60, False),
                ],
                [
                    ("第一次面授：会谈技巧演练", ClassSession.Kind.CLASSROOM, 1, 9, "3.0", "A"),
                    ("第二次面授：个案记录工作坊", ClassSession.Kind.CLASSROOM, 3, 14, "3.0", "A"),
                ],
            ),
            (
                "ethics",
                "社会工作专业伦理",
                "理解社会工作的核心价值，学会在伦理两难中作出可以说明理由的决定。",
                DeliveryMode.ONLINE,
                "",
                None,
                False,
                ["trainer"],
                [
                    (
                        "values-and-confidentiality",
                        "核心价值与保密原则",
                        LESSON_ETHICS,
                        "2.0",
                        75,
                        True,
                    ),
                    (
                        "volunteer-boundaries",
                        "与志愿者共事的边界",
                        LESSON_VOLUNTEER,
                        "1.0",
                        40,
                        False,
                    ),
                ],
                [
                    ("线上答疑：伦理两难案例", ClassSession.Kind.LIVE_ONLINE, 2, 19, "1.5", "M"),
                ],
            ),
        ],
    ),
    (
        "intermediate",
        "中级进阶课程体系",
        Track.INTERMEDIATE,
        "ZJ",
        QualificationLevel.ASSISTANT,
        "面向持证助理社会工作师，提升小组与社区工作能力，衔接中级职业水平。",
        [
            (
                "group-work",
                "小组工作设计与带领",
                "从小组计划书到现场带领，完成一个完整小组的设计与评估。",
                DeliveryMode.CLASSROOM,
                "",
                30,
                True,
                ["trainer2"],
                [
                    ("group-stages", "小组发展阶段与活动设计", LESSON_GROUP, "2.0", 80, True),
                    ("group-records", "小组记录与评估", LESSON_RECORDS, "1.0", 45, True),
                ],
                [
                    ("小组带领实操（一）", ClassSession.Kind.CLASSROOM, 1, 14, "3.0", "B"),
                    ("小组带领实操（二）", ClassSession.Kind.CLASSROOM, 2, 14, "3.0", "B"),
                    ("小组计划书点评", ClassSession.Kind.LIVE_ONLINE, 4, 19, "2.0", "M"),
                ],
            ),
            (
                "community-work",
                "社区营造与居民议事",
                "用社区走访和居民议事会发现议题，把居民的小事变成可持续的社区项目。",
                DeliveryMode.BLENDED,
                "",
                50,
                False,
                ["trainer2", "trainer"],
                [
                    ("community-survey", "社区走访与议事会", LESSON_COMMUNITY, "2.0", 70, True),
                    (
                        "community-volunteers",
                        "社区志愿者团队建设",
                        LESSON_VOLUNTEER,
                        "1.0",
                        40,
                        True,
                    ),
                ],
                [
                    ("东湖社区实地走访", ClassSession.Kind.CLASSROOM, 2, 9, "3.5", "C"),
                ],
            ),
        ],
    ),
    (
        "exam-prep",
        "职业水平考试考前培训",
        Track.EXAM_PREP,
        "KQ",
        QualificationLevel.ASSISTANT,
        "对照全国社会工作者职业水平考试的科目，系统复习并限时训练。",
        [
            (
                "comprehensive",
                "社会工作综合能力（初级）精讲",
                "按考试大纲梳理知识结构，配合高频考点清单和每日练习。",
                DeliveryMode.ONLINE,
                ExamPaper.COMPREHENSIVE,
                200,
                False,
                ["trainer"],
                [
                    ("structure", "知识结构与高频考点", LESSON_COMPREHENSIVE, "2.0", 90, True),
                    ("ethics-review", "专业伦理考点回顾", LESSON_ETHICS, "1.0", 45, True),
                ],
                [
                    ("直播串讲：综合能力", ClassSession.Kind.LIVE_ONLINE, 3, 19, "2.0", "M"),
                ],
            ),
            (
                "practice",
                "社会工作实务（中级）案例突破",
                "聚焦案例分析题的答题结构，结合法规政策完成限时训练。",
                DeliveryMode.BLENDED,
                ExamPaper.PRACTICE,
                80,
                False,
                ["trainer2"],
                [
                    ("case-answers", "案例分析题答题结构", LESSON_EXAM_PRACTICE, "2.0", 80, True),
                    ("policy", "法规政策速览", LESSON_POLICY, "1.5", 60, True),
                ],
                [
                    ("模拟考试与讲评", ClassSession.Kind.CLASSROOM, 4, 9, "4.0", "A"),
                ],
            ),
        ],
    ),
    (
        "topics",
        "专题课程",
        Track.TOPIC,
        "ZT",
        QualificationLevel.NONE,
        "围绕养老、青少年、志愿服务等领域的专题课程，计入继续教育学时。",
        [
            (
                "elderly-care",
                "居家养老服务实务",
                "识别独居老人的风险，完成入户评估，并与社区资源衔接。",
                DeliveryMode.CLASSROOM,
                "",
                35,
                False,
                ["trainer"],
                [
                    ("home-visit", "独居老人入户评估", LESSON_ELDERLY, "1.5", 60, True),
                    (
                        "elderly-assessment",
                        "需求评估与服务排序",
                        LESSON_ASSESSMENT,
                        "1.0",
                        45,
                        False,
                    ),
                ],
                [
                    ("入户评估模拟演练", ClassSession.Kind.CLASSROOM, 2, 9, "3.0", "C"),
                ],
            ),
            (
                "youth-work",
                "青少年社会工作",
                "理解青少年发展需求，掌握学校社会工作与家校社协同的方法。",
                DeliveryMode.ONLINE,
                "",
                None,
                False,
                ["trainer2"],
                [
                    ("youth-development", "青少年发展与介入方式", LESSON_YOUTH, "1.5", 60, True),
                    ("youth-groups", "青少年成长小组设计", LESSON_GROUP, "1.0", 45, False),
                ],
                [
                    ("线上研讨：校园欺凌的应对", ClassSession.Kind.LIVE_ONLINE, 5, 19, "1.5", "M"),
                ],
            ),
        ],
    ),
]

PLACES = {
    "A": "城东区民生路 88 号社会工作服务大楼 301 教室",
    "B": "城西区启明社工事务所 2 楼活动室",
    "C": "东湖街道社区服务中心多功能厅",
}
MEETING_URL = "https://meeting.academy.example/room/{slug}"


def _publish_child(parent, page_class, slug: str, **fields):
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing, False
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    return page, True


def _session_start(week_offset: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(weeks=week_offset)
    # Sessions fall on the Saturday of that week, or a weekday evening for live ones.
    day += timedelta(days=(5 - day.weekday()) % 7 if hour < 18 else (2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def seed_courses():
    from cms_pages.models import HomePage, HomePageFeaturedPage

    catalog = CourseCatalogPage.objects.first()
    home = HomePage.objects.first()
    if catalog is None or home is None:
        return
    catalog_page_permissions_sync()
    people = {
        user.username: user for user in User.objects.filter(username__in=["trainer", "trainer2"])
    }
    now = timezone.now()
    curricula = []
    for slug, title, track, code, level, description, courses in CURRICULA:
        curriculum, created = _publish_child(
            catalog,
            CurriculumPage,
            slug,
            title=title,
            track=track,
            code=code,
            target_qualification_level=level,
            description=f"<p>{description}</p>",
            search_description=description,
        )
        if created:
            curriculum.save_revision().publish()
        curricula.append(curriculum)
        for (
            course_slug,
            course_title,
            summary,
            mode,
            paper,
            capacity,
            approval,
            trainer_names,
            lessons,
            sessions,
        ) in courses:
            trainers = [people[name] for name in trainer_names if name in people]
            lesson_hours = sum((Decimal(lesson[3]) for lesson in lessons), Decimal("0"))
            required_hours = sum(
                (Decimal(lesson[3]) for lesson in lessons if lesson[5]), Decimal("0")
            )
            session_hours = sum((Decimal(session[4]) for session in sessions), Decimal("0"))
            course, created = _publish_child(
                curriculum,
                CoursePage,
                course_slug,
                title=course_title,
                summary=summary,
                delivery_mode=mode,
                exam_paper=paper,
                capacity=capacity,
                requires_approval=approval,
                enrollment_opens_at=now - timedelta(days=7),
                enrollment_closes_at=now + timedelta(weeks=6),
                class_hours=lesson_hours + session_hours,
                min_attendance_percent=80 if sessions else 0,
                min_hours=required_hours,
            )
            if not created:
                continue
            course.trainers.set(trainers)
            for position, (
                lesson_slug,
                lesson_title,
                body,
                hours,
                minutes,
                required,
            ) in enumerate(lessons, start=1):
                lesson = LessonPage(
                    slug=lesson_slug,
                    title=lesson_title,
                    body=body,
                    class_hours=Decimal(hours),
                    estimated_minutes=minutes,
                    min_study_minutes=minutes // 3,
                    sort_order=position,
                    is_required=required,
                )
                course.add_child(instance=lesson)
                lesson.save_revision().publish()
            for session_title, kind, week, hour, hours, where in sessions:
                starts_at = _session_start(week, hour)
                live = kind == ClassSession.Kind.LIVE_ONLINE
                course.sessions.add(
                    ClassSession(
                        title=session_title,
                        kind=kind,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=float(hours) + (0 if live else 0.5)),
                        place="" if live else PLACES[where],
                        meeting_url=MEETING_URL.format(slug=course_slug) if live else "",
                        trainer=trainers[0] if trainers else None,
                        capacity=capacity,
                        class_hours=Decimal(hours),
                    )
                )
            course.save_revision().publish()

    if not home.featured_pages.exists():
        for position, curriculum in enumerate(curricula):
            home.featured_pages.add(HomePageFeaturedPage(page=curriculum, sort_order=position))
        home.save_revision().publish()
