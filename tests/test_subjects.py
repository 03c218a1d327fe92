"""Subject attribution: who or what a figure is about, as a table of sentences.

Each case is an invented news sentence (not from the dev corpus) with the fact
type, the figure, and the subject name expected, or None where the figure
must stay without a subject-phrase from the rule under test.
"""
from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.run import extract_text

CASES = {
    "attribute cue: the phrase before بقدرة/بسعة/باستثمارات": [
        ("وتعتزم الحكومة بناء مزرعة رياح بحرية بقدرة 500 ميغاواط قبالة الساحل.",
         "energy_capacity", "500000000", "مزرعة رياح بحرية"),
        ("ووقعت الوزارة اتفاقا لإنشاء محطة تحلية مياه البحر بسعة 300 ميغاواط.",
         "energy_capacity", "300000000", "محطة تحلية مياه البحر"),
        ("وأعلنت الهيئة عن منطقة لوجستية متكاملة، باستثمارات تصل إلى 4 مليارات دولار.",
         "investment", "4000000000", "منطقة لوجستية متكاملة"),
        ("وتزود الشركة المدينة بكابل بحري بقدرة 2 غيغاواط.",
         "energy_capacity", "2000000000", "كابل بحري"),
        ("وقعت الوزارة مذكرة تفاهم مع شركات يابانية باستثمارات تصل إلى 900 مليون دولار.",
         "investment", "900000000", "شركات يابانية"),
        ("وسيبدأ تشغيل أول مصنع للبطاريات في المملكة بطاقة إنتاجية تبلغ 10 غيغاواط.",
         "energy_capacity", "10000000000", "أول مصنع للبطاريات في المملكة"),
    ],
    "a figure in brackets glosses the name before it": [
        ("وتضم المحافظة مزارع رياح في خليج السويس (250 ميغاوات) ووادي النطرون (150 ميغاوات).",
         "energy_capacity", "250000000", "خليج السويس"),
        ("وتبني الشركة ستة محطات شمسية ضوئية (PV) بقدرة إجمالية 400 ميغاوات.",
         "energy_capacity", "400000000", "ستة محطات شمسية ضوئية"),
    ],
    "a relative clause hangs on the name before it": [
        ("وسجلت الاستثمارات ارتفاعا في دول مثل النرويج التي سجلت 5 مليارات دولار من الاستثمارات.",
         "investment", "5000000000", "النرويج"),
    ],
    "share of a sector named in the clause": [
        ("ثم قطاع الصحة والتعليم بنسبة وصلت إلى 12% من إجمالي التمويل.", "share", "12", "قطاع الصحة والتعليم"),
    ],
    "the name after an owner cue (حصة، نسبة)": [
        ("وفي مدن الجبيل ورأس الخير تبلغ حصة المملكة 15% من سوق الأسمدة العالمي.",
         "share", "15", "المملكة"),
    ],
    "an energy source after a capacity, named definite": [
        ("وشهد العام تركيب 40 غيغاوات طاقة شمسية في العالم.", "energy_capacity", "40000000000", "الطاقة الشمسية"),
        ("وشهد العام تركيب 12 غيغاوات طاقة رياح في أوروبا.", "energy_capacity", "12000000000", "طاقة الرياح"),
    ],
    "the phrase before the verb that governs the figure, after قال إن": [
        ("دبي، الإمارات العربية المتحدة (CNN)-- استحوذت شركة إيني الإيطالية على 42.5% من حقل الغاز.",
         "share", "42.5", "شركة إيني"),
        ("وقال المحلل إن صناعة الأسمنت المحلية تستهلك 12 بالمئة من الطاقة المنتجة.",
         "share", "12", "صناعة الأسمنت المحلية"),
        ("وفي عام 2015 كانت البنوك الإسلامية تملك 40% من أسهم السوق.", "share", "40", "البنوك الإسلامية"),
    ],
    "a definite facility noun names the facility named or described last": [
        ("وتدرس الهيئة مشروعا لتصنيع الألواح الشمسية في ينبع، ويوفر المشروع نحو 900 وظيفة مباشرة.",
         "jobs", "900", "مشروعا لتصنيع الألواح الشمسية"),
        ("وأعلنت الشركة إنشاء أول محطة رياح بحرية في المملكة.\nوأوضح المدير أن المحطة ستكون بقدرة 600 ميغاواط.",
         "energy_capacity", "600000000", "أول محطة رياح بحرية في المملكة"),
        ("وتتولى الشركة بناء محطة الزور الشمالية، وتبلغ تكلفة المحطة 2 مليار دولار.",
         "investment", "2000000000", "محطة الزور الشمالية"),
    ],
    "a share counts a group of people named after the figure": [
        ("وفي الشركة، 40 بالمئة من المهندسين هم من النساء.", "share", "40", "النساء"),
        ("ويعمل في المصنع 900 موظف، و12 بالمئة من السعوديين.", "share", "12", "السعوديين"),
        ("وبلغت نسبة الشباب من بين العاملين في القطاع 35 بالمئة.", "share", "35", "الشباب"),
    ],
    "the second party of a deal is the investor": [
        ("ووقعت مذكرة تفاهم بين هيئة الموانئ مع شركة Maersk لتطوير المحطة بقيمة 500 مليون دولار.",
         "investment", "500000000", "شركة Maersk"),
        ('ووقعت مذكرة تفاهم بين وزارة الطاقة و"سيمنس" لتطوير الشبكة الكهربائية، وتوفر نحو 400 وظيفة.',
         "jobs", "400", "سيمنس"),
    ],
    "with no investor named, an investment is about what it goes into": [
        ("وقال الوزير إن الاستثمارات الإجمالية في المصانع الكيماوية بلغت 40 مليار ريال.",
         "investment", "40000000000", "المصانع الكيماوية"),
        ("كما ارتفع حجم الاستثمار في الطاقة الشمسية ليصل إلى 12 مليار دولار.",
         "investment", "12000000000", "الطاقة الشمسية"),
    ],
    "a capacity belongs to the plant, not the company building it": [
        ("ووقعت الوزارة عقدا مع شركة مصدر الإماراتية لبناء أربع محطات رياح تعمل في الصحراء بقدرة إجمالية 900 ميغاوات.",
         "energy_capacity", "900000000", "أربع محطات رياح"),
        ('وتتولى الشركة تنفيذ "شمس 2" بطاقة توليدية تبلغ 300 ميغاواط.', "energy_capacity", "300000000", "شمس 2"),
    ],
    "an attribute with a pronoun refers to the phrase before its verb": [
        ("ولدى المملكة عدد من مزارع الرياح البحرية يبلغ إجمالي سعتها 3 غيغاوات.",
         "energy_capacity", "3000000000", "مزارع الرياح البحرية"),
        ('بينما سيعتمد مشروع "شمس 4" الذي تبلغ طاقته الإنتاجية 250 ميجاواط على الألواح الشمسية.',
         "energy_capacity", "250000000", "شمس 4"),
        ('وسيعتمد "شمس 5" الذي ستبلغ قدرته التوليدية 120 ميجاواط على الأبراج الشمسية.',
         "energy_capacity", "120000000", "شمس 5"),
        ("وتعمل شركة النخبة القابضة التي من المتوقع أن تصل استثماراتها إلى 90 مليار جنيه خلال سنوات.",
         "investment", "90000000000", "شركة النخبة القابضة"),
        ("وأضاف أن الفرص الاستثمارية المتاحة في شركة النخبة خلال السنوات الخمس المقبلة تصل قيمتها إلى 75 مليار ريال.",
         "investment", "75000000000", "شركة النخبة"),
    ],
    "a project's or a deal's value is money committed": [
        ("وموّل الصندوق السعودي للتنمية عدة مشاريع، منها مشروعان لقطاع المياه بقيمة إجمالية 80 مليون ريال.",
         "investment", "80000000", "الصندوق السعودي للتنمية"),
    ],
    "a plant's figure with no subject in reach is about the plant named last": [
        ("وتبني الشركة أول محطة رياح في المنطقة الشمالية.\nإضافة إلى الحد من انبعاثات الغازات بما يعادل 2 مليون طن من ثاني أكسيد الكربون.",
         "emissions_reduction", "2000000", "أول محطة رياح في المنطقة الشمالية"),
    ],
    "a clause that opens with its verb continues the previous figure's subject": [
        ("وتدرس الوزارة مشروعا لتصنيع الكابلات، ومن المقدر أن تبلغ تكلفة المشروع ملياري ريال، ويوفر حوالي 800 وظيفة مباشرة.",
         "jobs", "800", "مشروعا لتصنيع الكابلات"),
    ],
    "one facility under its first name": [
        ("وتبني الشركة محطة نوفا في الصحراء الغربية.\nوسيسهم مشروع نوفا للطاقة الشمسية بتوفير 700 وظيفة.",
         "jobs", "700", "محطة نوفا"),
    ],
    "a sector's part of a total (بنسبة), not its funder's": [
        ("ثم قطاع المياه الذي ساهم الصندوق فيه بتمويل ثلاثة مشروعات بنسبة (18.5%).", "share", "18.5", "قطاع المياه"),
        ("وكذلك قطاع النقل؛ حيث أسهم الصندوق فيه بمشروعات بقيمة (40) مليون ريال بنسبة (6.5%) من إجمالي المساهمات.",
         "share", "6.5", "قطاع النقل"),
        ("وتوزعت مساهمات الصندوق على قطاعات عدة، ثم قطاع التعليم بنسبة وصلت إلى (12.25%)",
         "share", "12.25", "قطاع التعليم"),
    ],
    "a percentage added to GDP is a contribution": [
        ("وتعتزم شركة أدنوك أن تساهم بإضافة 2 بالمئة إلى الناتج المحلي الإجمالي سنويا.",
         "gdp_contribution", "2", "أدنوك"),
    ],
    "a localization share belongs to what is localized": [
        ("وتقدم الشركة دعما للاستثمار في الصمامات والمضخات مع فرص توطين تصل إلى 60 بالمئة.",
         "share", "60", "الصمامات والمضخات"),
        ("كما تقدم دعما كأجهزة قياس بمبلغ 5 مليارات ريال، مع فرص توطين تبلغ 70 بالمئة.",
         "share", "70", "أجهزة قياس"),
    ],
    "with على التوالي the n-th figure belongs to the n-th name": [
        ("وستُخلق في آسيا وأوروبا وأفريقيا 4 ملايين و2 مليون ومليون فرصة عمل على التوالي.",
         "jobs", "2000000", "أوروبا"),
    ],
    "a share of the energy mix belongs to the source named before it": [
        ("وتهدف الخطة إلى إنتاج الكهرباء باستخدام طاقة الرياح لتوفير 12 في المائة من إجمالي إنتاج الطاقة في الإمارة.",
         "share", "12", "طاقة الرياح"),
        ("وقد ولدت المغرب 3 تيراواط من الطاقة الشمسية في 2019، وهو ما يمثل حوالي 9 في المئة من إجمالي توليد الطاقة.",
         "share", "9", "الطاقة الشمسية"),
    ],
    "money attracted is about where it goes": [
        ("وقد استطاعت الهيئة استقطاب استثمارات يقدر حجمها بأكثر من 40 مليار ريال لمدينة سدير الصناعية.",
         "investment", "40000000000", "مدينة سدير الصناعية"),
    ],
    "the government stands for its country": [
        ("تعتمد مصر على الغاز في توليد الكهرباء. وتخطط الحكومة لزيادة سعة الطاقة الشمسية إلى 5 غيغاوات بحلول 2030.",
         "energy_capacity", "5000000000", "مصر"),
    ],
    "jobs in a sector named right after the figure": [
        ("وستُخلق 1.5 مليون فرصة عمل في قطاع تحلية المياه بحلول 2030.", "jobs", "1500000", "قطاع تحلية المياه"),
    ],
    "a figure with no subject in reach, in an article about a cluster": [
        ("وتقع مدينة رأس الخير الصناعية على الخليج العربي.\nبينما سيوفر 12 ألف فرصة عمل خلال سنواته الأولى.",
         "jobs", "12000", "مدينة رأس الخير الصناعية"),
    ],
    "verb-first clause: the phrase after the verb": [
        ("وشكل التوليد بالفحم حوالي 40 في المئة من إنتاج الكهرباء.", "share", "40", "التوليد"),
        ("ويمثل القطاع الصناعي 25% من الانبعاثات.", "share", "25", "القطاع الصناعي"),
    ],
    "verb-first clause: a measure in construct measures the phrase after it": [
        ("وبلغت قيمة الأسمدة المصدرة نحو 30% من إجمالي الصادرات غير النفطية.", "share", "30", "الأسمدة المصدرة"),
        ("وتبلغ تكلفة الخطوط الجديدة 4 مليارات ريال.", "investment", "4000000000", "الخطوط الجديدة"),
    ],
}

NOT_FROM_RULE = {
    # a bare anaphor or the measured attribute is never the subject phrase itself
    "verb-first clause with an anaphor or attribute head": [
        ("وتبلغ القيمة الإجمالية للمشروعين 2 مليار دولار من الاستثمارات.", "verb_subject"),
        ("ويوفر المشروع حوالي 2000 وظيفة مباشرة.", "verb_subject"),
    ],
    # deals and verbs take بقيمة/بمبلغ: the word before is not what the money is about
    "value cues that follow deals": [
        ("وتتوقع الشركة مساهمة بقيمة 90 مليار دولار في الناتج المحلي.", "attribute_cue"),
        ("وتسهم المجموعات الموقعة بشكل مباشر بمبلغ 362 مليار دولار في الناتج المحلي.", "attribute_cue"),
        ("ووقعت شركة الكهرباء عقدا طويلا بقدرة 50 ميغاواط.", "attribute_cue"),
        ("واستقطب المجلس 76 شركة في الشهور التسعة الأولى من هذا العام باستثمارات تبلغ 810 ملايين دولار.",
         "attribute_cue"),
    ],
    "a bracket after a preposition glosses nothing": [
        ("ارتفع مؤشر السوق بشكل طفيف بـ(0.13%) من قيمته في يوليو.", "bracket_gloss"),
    ],
}


def _facts(text):
    return extract_text(text).facts


@pytest.mark.parametrize("text, ftype, value, subject",
                         [c for group in CASES.values() for c in group],
                         ids=[f"{g}-{i}" for g, cs in CASES.items() for i in range(len(cs))])
def test_subject(text, ftype, value, subject):
    facts = [f for f in _facts(text) if f.type == ftype and f.value == Decimal(value)]
    assert facts, [(f.type, f.value, f.subject.name) for f in _facts(text)]
    assert facts[0].subject.name == subject, facts[0].rule


@pytest.mark.parametrize("text, rule",
                         [c for group in NOT_FROM_RULE.values() for c in group],
                         ids=[f"{g}-{i}" for g, cs in NOT_FROM_RULE.items() for i in range(len(cs))])
def test_rule_does_not_fire(text, rule):
    for f in _facts(text):
        assert not f.rule.endswith(f"subject:{rule}"), (f.subject.name, f.rule)


RESTATED = [
    ("ويبلغ حجم إسهام الشركة في الناتج الصناعي 65% أي ثلثي الناتج.", "share"),
    ("وتبلغ استثمارات الشركة 3.75 مليار ريال، أي مليار دولار.", "investment"),
]


@pytest.mark.parametrize("text, ftype", RESTATED)
def test_restated_figure_is_one_fact(text, ftype):
    """65% أي ثلثي: a figure restated after أي is the same fact, not a second one."""
    assert len([f for f in _facts(text) if f.type == ftype]) == 1, [(f.value, f.rule) for f in _facts(text)]


NOT_A_FACT = [
    ("وأكد أن النظام ينفق 36 مليار دولار سنويا على الحرب.", "investment"),
    ("وتمكنت المصانع من خفض التكلفة التشغيلية بما يزيد على ستة ملايين دولار.", "investment"),
    ("وقالت منظمة العمل الدولية إن الوظائف ستزيد.\n• سيبلغ هذا العدد مليون فرصة عمل في قطاعين فقط.",
     "jobs:demonstrative_antecedent"),
    ("كما تراجع خلال الشهر الماضي قطاع الإسمنت بنسبة 2.48% ثم قطاع التأمين بنسبة 2.41%.", "share"),
    ("وتمثل القروض الاستهلاكية نحو 53.3% من إجمالي القروض الشخصية على الخليجيين.", "share:people_group"),
    ("وقد ولدت مصر حوالي 13.8 تيراواط من الطاقة الكهرومائية في عام 2016.", "energy_capacity"),
    ("مع توليد 186 غيغاوات في السنة المالية الماضية.", "energy_capacity"),
]


@pytest.mark.parametrize("text, ftype", NOT_A_FACT)
def test_not_a_fact(text, ftype):
    """Power over a year is energy generated, not capacity; a sector's fall is no share; a
    group named further on is not what the share counts. (type or type:subject rule)"""
    ftype, _, how = ftype.partition(":")
    hits = [f for f in _facts(text) if f.type == ftype and (not how or f.rule.endswith(f"subject:{how}"))]
    assert not hits, [(f.value, f.rule) for f in hits]


MODALITY = [
    ("وستُخلق 3 ملايين فرصة عمل في قطاع الطاقة المتجددة.", "jobs", "expected"),
    ("وستوفر شركة سابك 900 وظيفة مباشرة.", "jobs", "expected"),
    ("فقد بلغ عدد العاملات في شركة سابك 2120 عاملة.", "jobs", "reported"),
    ("وقد توفر شركة سابك 400 وظيفة إذا اكتمل التوسع.", "jobs", "potential"),
    ("ومن المقدر أن تبلغ تكلفة مشروع نوفا للطاقة 4 مليارات ريال.", "investment", "expected"),
    ("وتقدم شركة سابك دعما للاستثمار في الصمامات مع فرص توطين تصل إلى 65 بالمئة.", "share", "potential"),
    ("ووقعت شركة سابك صفقة بقيمة 3 مليارات ريال مع سيارات النقل في 2015.", "investment", "reported"),
]


@pytest.mark.parametrize("text, ftype, modality", MODALITY)
def test_modality(text, ftype, modality):
    """Future verbs (س + imperfect) expect; قد hedges only before an imperfect; فرص توطين is potential."""
    facts = [f for f in _facts(text) if f.type == ftype]
    assert facts, [(f.type, f.value, f.rule) for f in _facts(text)]
    assert facts[0].modality == modality
