"""The quantity grammar as tables: one parametrized test per origin, plus the negative corpus."""
from decimal import Decimal

import pytest

from pipeline.numbers import read_quantities

# (text, expected quantity text, value, unit, approximate, value_max)
NEWS_CASES = {
    "digits and scales": [
        ("بلغت 3.4 مليون فرصة عمل", "3.4 مليون فرصة عمل", "3400000", "jobs", False, None),
        ("نحو 16 مليون طن من الانبعاثات", "نحو 16 مليون طن", "16000000", "t", True, None),
        ("بقيمة 1.2 مليار دولار أمريكي", "1.2 مليار دولار أمريكي", "1200000000", "USD", False, None),
        ("و54.3 مليار دولار", "54.3 مليار دولار", "54300000000", "USD", False, None),
        ("بـ3 مليارات دولار", "3 مليارات دولار", "3000000000", "USD", False, None),
        ("ملياري دولار", "ملياري دولار", "2000000000", "USD", False, None),
        ("تريليوني دولار", "تريليوني دولار", "2000000000000", "USD", False, None),
        ("نصف مليون برميل يومياً", "نصف مليون برميل يومياً", "500000", "bbl/day", False, None),
    ],
    "separators": [
        ("و34.546 وظيفة مباشرة", "34.546 وظيفة", "34546", "jobs", False, None),
        ("١٢٥٬٠٠٠ طن", "١٢٥٬٠٠٠ طن", "125000", "t", False, None),
        ("بلغ 7,5 مليار ريال", "7,5 مليار ريال", "7500000000", "SAR", False, None),
        ("حوالي 4،2 بالمائة", "حوالي 4،2 بالمائة", "4.2", "percent", True, None),
        ("90,000 ريال إيراني", "90,000 ريال إيراني", "90000", "IRR", False, None),
        ("نحو 6ر4 بالمائة", "نحو 6ر4 بالمائة", "4.6", "percent", True, None),
        ("٣٤٫٥٪ من السوق", "٣٤٫٥٪", "34.5", "percent", False, None),
    ],
    "number words": [
        ("أربع قارات", "أربع قارات", "4", "count", False, None),
        ("الموقعون الثلاثة الجدد", "الموقعون الثلاثة", "3", "count", False, None),
        ("ثلاثة ملايين وأربعمائة ألف دولار", "ثلاثة ملايين وأربعمائة ألف دولار", "3400000", "USD", False, None),
        ("12 مليون و500 ألف طن", "12 مليون و500 ألف طن", "12500000", "t", False, None),
        ("مليار و167 مليونا و600 ألف ريال عماني", "مليار و167 مليونا و600 ألف ريال عماني", "1167600000", "OMR", False, None),
        ("خمسة وعشرون مشروعا", "خمسة وعشرون مشروعا", "25", "count", False, None),
    ],
    "hedges and ranges": [
        ("ما يزيد على ستة ملايين دولار", "ما يزيد على ستة ملايين دولار", "6000000", "USD", True, None),
        ("أكثر من 520 ألف وظيفة", "أكثر من 520 ألف وظيفة", "520000", "jobs", True, None),
        ("بين 10 و20 مليون طن", "بين 10 و20 مليون طن", "10000000", "t", False, "20000000"),
        ("ما بين 8% إلى 12%", "ما بين 8% إلى 12%", "8", "percent", False, "12"),
        ("20 مليار دولار أميركي تقريباً", "20 مليار دولار أميركي تقريباً", "20000000000", "USD", True, None),
    ],
    "units": [
        ("بسعة 50 ميغاواط", "50 ميغاواط", "50000000", "W", False, None),
        ("160 غيغاوات", "160 غيغاوات", "160000000000", "W", False, None),
        ("18.75 هللة", "18.75 هللة", "0.1875", "SAR", False, None),
        ("4.5 كم مربع", "4.5 كم مربع", "4500000", "m2", False, None),
        ("2.5 مليون متر مكعب", "2.5 مليون متر مكعب", "2500000", "m3", False, None),
        ("0٫58 نقطة مئوية", "0٫58 نقطة مئوية", "0.58", "percent_point", False, None),
        ("60.5 دولار أمريكي للبرميل", "60.5 دولار أمريكي للبرميل", "60.5", "USD/bbl", False, None),
        ("300 ألف مواطن", "300 ألف مواطن", "300000", "persons", False, None),
    ],
    "a list shares the unit of its last item": [
        # (the hedge before the list covers every item)
        ("زهاء 3 ملايين و14 مليونا ومليوني فرصة عمل على التوالي", "14 مليونا", "14000000", "jobs", True, None),
        ("زهاء 3 ملايين و14 مليونا ومليوني فرصة عمل على التوالي", "مليوني فرصة عمل", "2000000", "jobs", True, None),
        ("سجلت 5 ملايين و7 ملايين طن على التوالي", "5 ملايين", "5000000", "t", False, None),
    ],
    "shares in words": [
        ("ثلثا المساحة", "ثلثا", "66.6667", "percent", False, None),
        ("أكثر من ثلث تجارة الحاويات", "أكثر من ثلث", "33.3333", "percent", True, None),
        ("اثنان من كل خمسة", "اثنان من كل خمسة", "40", "percent", False, None),
    ],
}

CASES = [(origin, *c) for origin, cs in NEWS_CASES.items() for c in cs]


@pytest.mark.parametrize("origin,text,qtext,value,unit,approx,vmax", CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_news_quantity(origin, text, qtext, value, unit, approx, vmax):
    qs = read_quantities(text)
    match = [q for q in qs if q.text == qtext]
    assert match, [(q.text, str(q.value), q.unit) for q in qs]
    q = match[0]
    assert q.value == Decimal(value) and q.unit == unit and q.approximate == approx, (q.value, q.unit, q.approximate)
    assert q.value_max == (Decimal(vmax) if vmax else None)
    assert text[q.start:q.end] == q.text


# Phrases that hold numbers but no measured amount (ANNOTATION.md): each must yield nothing.
NEGATIVE = [
    "في عام 2021", "بحلول عام 2050", "خلال الفترة 2015-2019", "مؤتمر COP26", "تحالف H2 the Future",
    "(النطاق 1)", "1- الشراكات", "للاتصال 0501234567", "المرتبة الأولى", "الثالث عالمياً", "رؤية 2030",
    "Vision 2030", "الساعة 10:30 صباحا", "منذ 40 عاماً", "خلال ثلاث سنوات", "25 عاما", "نصف ساعة",
    "الربع الثاني من العام", "النصف الأول", "آلاف الإيرانيين", "المليارات", "ثاني أكسيد الكربون",
    "محطتين", "البلدين", "٢٠١٥/٩/٢", "7 سبتمبر", "1436هـ", "2014م", "يورو 6", "صفحة 12",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_corpus_yields_nothing(text):
    assert read_quantities(text) == [], [(q.text, str(q.value), q.unit) for q in read_quantities(text)]


def test_prefilters_skip_only_tokens_that_cannot_open_a_quantity(monkeypatch):
    """The parser skips a token with no digit or number word within reach, and a word outside
    the number-word set is never a numeral. With both shortcuts off (every word a number word)
    the shipped articles read exactly the same quantities."""
    from pathlib import Path

    from pipeline.stages.quantities import lexicon

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(__file__).parent.parent.glob("corpus/*/*.txt"))]
    assert len(texts) >= 40
    fast = [read_quantities(t) for t in texts]

    class Everything:
        def __contains__(self, word):
            return True

    monkeypatch.setattr(lexicon(), "number_words", Everything())
    slow = [read_quantities(t) for t in texts]
    assert sum(map(len, fast)) > 500
    assert fast == slow
