"""Stage 5: the Arabic number and quantity grammar.

A left-to-right parser over the article's key tokens:

    [hedge] NUMERAL [و NUMERAL ...] [UNIT [RATE] | COUNTED NOUN] [hedge-after]
    بين NUMERAL (و|إلى) NUMERAL UNIT            (ranges)
    NOUN ال+CARDINAL                             (المجموعات العشرين)

Every quantity keeps its text span, the rule that fired and any ambiguity it
resolved (decimal vs thousands separator, which rial).  Values are Decimals.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from itertools import compress, count
from typing import Optional

from ..data import load_tsv, load_yaml
from ..document import Doc
from ..lexicon import NUMBER_CLITICS, PhraseTable, form_tokens, strip_clitic, with_clitics
from ..normalize import key

INTEGER_UNITS = frozenset({"jobs", "persons", "count"})


@dataclass
class RawQuantity:
    """A quantity on token indices, before it becomes a contract Quantity."""

    tstart: int
    tend: int
    value: Decimal
    unit: str
    rule: str
    value_max: Optional[Decimal] = None
    approximate: bool = False
    counted: Optional[str] = None
    ambiguity: Optional[str] = None
    kstart: Optional[int] = None  # key offset override when a clitic is cut off the first token

    def start_key(self, doc: Doc) -> int:
        return self.kstart if self.kstart is not None else doc.tokens[self.tstart].start


@dataclass
class Numeral:
    value: Decimal
    end: int  # token index after the numeral
    scale: int  # largest scale word used (1 if none)
    rule: str
    alt_thousands: Optional[Decimal] = None  # reading if a single '.' groups thousands
    ambiguity: Optional[str] = None
    word: bool = False


class Lexicon:
    """All quantity tables, keyed and compiled once."""

    def __init__(self) -> None:
        nums = load_yaml("numbers")
        self.cardinals: PhraseTable[int] = PhraseTable(sorted(nums["cardinals"].items(), key=lambda kv: -len(kv[0])))
        # Egyptian colloquial forms collide with MSA words (كمية = ك + مية): number suites only
        cards = list(nums["cardinals"].items()) + list(nums["cardinals_colloquial"].items())
        self.cardinals_all: PhraseTable[int] = PhraseTable(sorted(cards, key=lambda kv: -len(kv[0])))
        self.decimal_points = frozenset(key(w) for w in nums["decimal_points"])
        self.negative_words = frozenset(key(w) for w in nums["negative_words"])
        self.definite_cardinals = {key(w): self.cardinals.match(form_tokens(w), 0)[1] for w in nums["definite_cardinals"]}
        self.scales: dict[str, tuple[int, int]] = {key(w): tuple(v) for w, v in nums["scales"].items()}
        self.vague_scales = frozenset(key(w) for w in nums["vague_scales"])
        self.money_nouns = frozenset(key(w) for w in nums["money_nouns"])
        self.fractions: PhraseTable[tuple[int, int]] = PhraseTable((w, tuple(v)) for w, v in nums["fractions"].items())
        self.hedges_before: PhraseTable[str] = PhraseTable((h, h) for h in nums["hedges_before"])
        self.hedges_after: PhraseTable[str] = PhraseTable((h, h) for h in nums["hedges_after"])
        self.rates: PhraseTable[str] = PhraseTable(nums["rates"].items())
        self.time_nouns = frozenset(key(w) for w in nums["time_nouns"])
        self.not_counted = frozenset(key(w) for w in nums["not_counted"])
        units: PhraseTable[tuple[str, Decimal]] = PhraseTable()
        for row in load_tsv("currencies"):
            units.add(row["form"], (row["code"], Decimal(row["factor"])))
        for row in babel_currency_forms():
            units.add(row[0], (row[1], Decimal(1)))
        self.alone: dict[tuple, int] = {}
        for row in load_tsv("units"):
            units.add(row["form"], (row["unit"], Decimal(row["factor"])))
            self.alone[form_tokens(row["form"])] = int(row["alone"])
        for code in iso_currency_codes():
            units.add(code, (code, Decimal(1)))  # 42 KWD
        self.units = units
        self.symbols = {"$": "USD", "€": "EUR", "£": "GBP"}
        # Every word that can open a quantity, with any proclitic: parse_at skips the rest at once.
        firsts = set(self.scales) | self.decimal_points | self.negative_words | {"بين", "من", "ما"}
        for table in (self.cardinals_all, self.fractions, self.hedges_before, self.units):
            firsts |= table.first_tokens()
        self.starters = with_clitics(firsts)
        # The tokens parse_at does not turn away at once (see there): digits, the starters and
        # the signs that open an amount, and the word before واحد or an ال+cardinal (NOUN ال+CARDINAL).
        self.openers = self.starters | frozenset(OPENING_SIGNS)
        self.one_forms = frozenset({"واحد", "واحده"} | {"ال" + c for c in self.definite_cardinals})
        # The words that are numbers themselves. Every quantity holds a digit or one of
        # these; a hedge, unit or preposition that opens one (في، من، ما لا يقل عن) has it
        # a few tokens on, and the many that have none in reach are skipped.
        self.number_words = with_clitics(
            set(self.scales) | self.vague_scales | set(self.definite_cardinals)
            | self.cardinals_all.first_tokens() | self.fractions.first_tokens())
        self.families = load_yaml("currency_families")


# Tokens from the opening word of a quantity to its number, at most: a hedge of four
# words (ما لا يقل عن), a negative word and a currency sign or bracket fit in it.
NUMBER_REACH = 8
OPENING_SIGNS = ("(", "%", "$", "€", "£", "-", "¢")  # the only signs that can open a quantity


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()


@lru_cache(maxsize=1)
def iso_currency_codes() -> tuple[str, ...]:
    from babel import Locale

    return tuple(c for c in Locale("en").currencies if len(c) == 3 and c.isalpha())


@lru_cache(maxsize=1)
def babel_currency_forms() -> tuple[tuple[str, str], ...]:
    """CLDR's Arabic currency names (all plural forms) with their ISO codes."""
    from babel import Locale

    loc = Locale("ar")
    out = []
    for code, name in loc.currencies.items():
        if len(code) == 3:
            out.append((name, code))
    plurals = loc._data.get("currency_names_plural", {})
    for code, forms in plurals.items():
        for name in forms.values():
            out.append((name, code))
    return tuple(out)


# ---------------------------------------------------------------------------
# digits


def parse_digits(s: str) -> tuple[Decimal, Optional[Decimal], Optional[str], str]:
    """Value of a digit token, the thousands reading if ambiguous, a note, the rule."""
    if s.startswith("."):
        return Decimal("0" + s), None, None, "digits_decimal"
    if "ر" in s:  # Tunisian wire style: fraction digits first, then the integer part
        frac, whole = s.split("ر")
        return Decimal(f"{whole}.{frac}"), None, None, "digits_wire_decimal"
    seps = [c for c in s if c in ".,،"]
    if not seps:
        return Decimal(s), None, None, "digits"
    groups = [g for g in _split_groups(s)]
    kinds = set(seps)
    if kinds == {",", "."} and s.rfind(".") > s.rfind(","):
        return Decimal(s.replace(",", "")), None, None, "digits_grouped"  # 9,098.27
    if kinds == {",", "."}:
        return Decimal(s.replace(".", "").replace(",", ".")), None, None, "digits_grouped"  # 1.234,5
    sep = seps[0]
    if len(seps) > 1:
        if all(len(g) == 3 for g in groups[1:]):
            return Decimal("".join(groups)), None, None, "digits_grouped"
        return Decimal("".join(groups)), None, f"odd grouping {s}", "digits_grouped"
    whole, frac = groups
    if sep == "،":
        return Decimal(f"{whole}.{frac}"), None, None, "digits_decimal_comma"
    if sep == ",":
        if len(frac) == 3:
            return Decimal(whole + frac), None, None, "digits_grouped"
        return Decimal(f"{whole}.{frac}"), None, None, "digits_decimal_comma"
    # A single dot: a decimal, unless three digits follow and the unit says otherwise.
    dec = Decimal(f"{whole}.{frac}")
    if len(frac) == 3 and whole != "0":
        return dec, Decimal(whole + frac), None, "digits_decimal"
    return dec, None, None, "digits_decimal"


def _split_groups(s: str) -> list[str]:
    out, cur = [], ""
    for c in s:
        if c in ".,،":
            out.append(cur)
            cur = ""
        else:
            cur += c
    out.append(cur)
    return out


# ---------------------------------------------------------------------------
# the parser


class Parser:
    def __init__(self, doc: Doc, bare: bool = False):
        # bare: also emit numerals without a unit (for number suites, not for news)
        self.bare = bare
        self._explicit: Optional[frozenset] = None
        self._families: dict[str, tuple[str, Optional[str]]] = {}  # family -> its reading in this article
        self.doc = doc
        self.lx = lexicon()
        self.cardinals = self.lx.cardinals_all if bare else self.lx.cardinals
        self.toks = doc.tokens
        self._numerals: dict[int, Optional[tuple[Numeral, str, int]]] = {}
        columns = doc.columns()
        self.keys = columns.match_keys
        self.kinds = columns.kinds
        self.n = len(self.toks)
        key_text = doc.norm.key
        # Outlet habit: several dot groups (1.108.600) means dots group thousands here.
        # (the whole-article scans pick their tokens with compress: C loops, not a Python step per token)
        numbers = list(compress(count(), map("num".__eq__, self.kinds)))
        self.dot_groups_habit = any(columns.keys[i].count(".") > 1 for i in numbers)
        self._key = key_text
        # next_number[i]: the first token at or after i that is a digit or a number word
        self.next_number = nxt = [self.n + NUMBER_REACH + 1] * (self.n + 1)
        number_words = self.lx.number_words
        start = 0
        for h in sorted(set(numbers).union(compress(count(), map(number_words.__contains__, self.keys)))):
            nxt[start:h + 1] = [h] * (h + 1 - start)  # a slice per number, not a step per token
            start = h + 1

    # -- helpers ----------------------------------------------------------
    def adjacent(self, i: int, j: int) -> bool:
        """Tokens i and j touch (no space between)."""
        return 0 <= i < self.n and 0 <= j < self.n and self.toks[i].end == self.toks[j].start

    def gap_has_newline(self, i: int) -> bool:
        return i + 1 < self.n and "\n" in self._key[self.toks[i].end:self.toks[i + 1].start]

    def is_identifier_number(self, i: int) -> bool:
        """A number glued to letters (COP26, H2, 2030s) is a name, not an amount; 10:30 is a time."""
        if i > 1 and self.keys[i - 1] == ":" and self.adjacent(i - 1, i) and self.kinds[i - 2] == "num":
            return True
        if i + 2 < self.n and self.keys[i + 1] == ":" and self.adjacent(i, i + 1) and self.kinds[i + 2] == "num":
            return True
        if i > 0 and self.adjacent(i - 1, i):
            prev = self.toks[i - 1]
            if prev.kind == "latin":
                return True
            if prev.kind == "word" and prev.key not in NUMBER_CLITICS:
                return True
        if i + 1 < self.n and self.adjacent(i, i + 1) and self.kinds[i + 1] == "latin":
            return True
        return False

    # -- numerals -----------------------------------------------------------
    def word_number(self, i: int, allow_clitic: bool) -> Optional[tuple[Numeral, str]]:
        """Spelled-out cardinal (with و-joined parts) at token i; returns (numeral, clitic)."""
        if self.kinds[i] != "word":
            return None
        clitics = ("و", "ب", "ل", "ك", "ف", "وب", "ول", "لل") if allow_clitic else ()
        for clitic, rest in strip_clitic(self.keys[i], clitics):
            m = self.cardinals.match(self.keys, i, rest)
            if not m:
                continue
            end, value = m
            places = {_place(value)}
            total = value
            # خمسة وعشرون، واحدة و عشرون، ثلاثمائة وخمسون، متين تلاتة وستين
            while end < self.n and self.kinds[end] == "word":
                k = self.keys[end]
                if k == "و" and end + 1 < self.n:
                    m2 = self.cardinals.match(self.keys, end + 1)
                elif k.startswith("و") and len(k) > 1:
                    m2 = self.cardinals.match(self.keys, end, k[1:])
                elif _place(total) == 2 and total % 100 == 0:
                    m2 = self.cardinals.match(self.keys, end)  # hundreds then units, no و
                else:
                    m2 = None
                if not m2 or _place(m2[1]) in places or m2[1] >= 1000 or m2[1] >= total and _place(total) == 2:
                    break
                places.add(_place(m2[1]))
                total += m2[1]
                end = m2[0]
            # واحد فاصلة واحد، 1 فاصلة 5
            dec = self.decimal_words(end)
            if dec:
                return Numeral(Decimal(total) + dec[0], dec[1], 1, "words_decimal", word=True), clitic
            return Numeral(Decimal(total), end, 1, "words", word=True), clitic
        return None

    def decimal_words(self, j: int) -> Optional[tuple[Decimal, int]]:
        """فاصلة + digits or a cardinal: the fractional part and where it ends."""
        if j + 1 >= self.n or self.keys[j] not in self.lx.decimal_points:
            return None
        nxt = self.keys[j + 1]
        if self.kinds[j + 1] == "num" and nxt.isdigit():
            return Decimal("0." + nxt), j + 2
        m = self.cardinals.match(self.keys, j + 1)
        if m:
            return Decimal("0." + str(m[1])), m[0]
        return None

    def atom(self, i: int, first: bool) -> Optional[tuple[Numeral, str, int]]:
        """One numeral component at i: digits or words, times an optional scale.

        Returns (numeral, clitic cut from token i, token index where the span starts).
        """
        if i >= self.n:
            return None
        lx = self.lx
        span_start = i
        clitic = ""
        base: Optional[Numeral] = None
        k = self.keys[i]
        # (2571) مليون — a parenthesised figure
        if k == "(" and i + 2 < self.n and self.kinds[i + 1] == "num" and self.keys[i + 2] == ")":
            v, alt, note, rule = parse_digits(self.keys[i + 1])
            base = Numeral(v, i + 3, 1, rule + "_paren", alt, note)
        elif self.kinds[i] == "num":
            if self.is_identifier_number(i):
                return None
            v, alt, note, rule = parse_digits(k)
            # -0.48% : a sign glued to the number, not a range dash
            if i > 0 and self.keys[i - 1] == "-" and self.adjacent(i - 1, i) and not (
                i > 1 and self.kinds[i - 2] == "num" and self.adjacent(i - 2, i - 1)):
                v, alt = -v, (-alt if alt is not None else None)
                span_start = i - 1
            base = Numeral(v, i + 1, 1, rule, alt, note)
            dec = self.decimal_words(i + 1)
            if dec:
                base = Numeral(v + dec[0] * (1 if v >= 0 else -1), dec[1], 1, "digits_decimal_word")
            # 77/100 : a written fraction (number suites only; in news a slash is a date or a ratio)
            elif self.bare and i + 2 < self.n and self.keys[i + 1] == "/" and self.kinds[i + 2] == "num" \
                    and self.adjacent(i, i + 1) and self.adjacent(i + 1, i + 2) and self.keys[i + 2].isdigit() \
                    and int(self.keys[i + 2]) > 0 and not (i + 3 < self.n and self.keys[i + 3] == "/"):
                base = Numeral(v / Decimal(self.keys[i + 2]), i + 3, 1, "slash_fraction")
        elif self.kinds[i] == "word" and k not in lx.number_words:
            return None  # every spelled numeral, fraction and scale word is in that set
        elif self.kinds[i] == "word" and self.lx.fractions.match(self.keys, i) and \
                self.lx.fractions.match(self.keys, i)[0] - i > 1:
            return None  # ثلاثة أرباع is a fraction, read by fraction_percent_at
        elif self.kinds[i] == "word":
            wn = self.word_number(i, allow_clitic=True)
            if wn:
                base, clitic = wn
            else:
                # fraction before a scale: نصف مليون
                for c, rest in strip_clitic(k, ("و", "ب", "ل")):
                    fm = lx.fractions.match(self.keys, i, rest)
                    if fm and fm[0] < self.n and (self.keys[fm[0]] in lx.scales or lx.units.match(self.keys, fm[0])):
                        num, den = fm[1]
                        base = Numeral(Decimal(num) / Decimal(den), fm[0], 1, "fraction_scale", word=True)
                        clitic = c
                        break
                if base is None:
                    # a scale word standing alone: مليار دولار، ملياري دولار، وسبعة ملايين
                    for c, rest in strip_clitic(k, ("و", "ب", "ل", "ال")):
                        if rest in lx.scales and rest not in lx.vague_scales:
                            mult, count = lx.scales[rest]
                            return (Numeral(Decimal(count * mult), i + 1, mult, "scale_word", word=True), c, i)
        if base is None:
            return None
        # scale words after the base: 3.4 مليون، 600 ألف، ثلاثة ملايين
        j = base.end
        scale = 1
        if j < self.n and self.kinds[j] == "word" and self.keys[j] in lx.scales and not self.gap_has_newline(j - 1):
            mult, _ = lx.scales[self.keys[j]]
            scale = mult
            j += 1
            # 63000 ألف / ألف مليون: a second scale multiplies again
            if j < self.n and self.keys[j] in lx.scales and lx.scales[self.keys[j]][0] > mult:
                scale *= lx.scales[self.keys[j]][0]
                j += 1
        value = base.value * scale
        alt = base.alt_thousands * scale if base.alt_thousands is not None else None
        if scale > 1:
            alt = None  # 1.2 مليار: with a scale word the dot is a decimal
        rule = base.rule + ("+scale" if scale > 1 else "")
        return Numeral(value, j, scale, rule, alt, base.ambiguity, base.word), clitic, span_start

    def numeral(self, i: int) -> Optional[tuple[Numeral, str, int]]:
        """A full numeral: components joined by و with falling scales (12 مليون و500 ألف)."""
        # read once per token: a range (بين X و Y) and the main loop both ask for the same ones
        if i not in self._numerals:
            self._numerals[i] = self._numeral(i)
        return self._numerals[i]

    def _numeral(self, i: int) -> Optional[tuple[Numeral, str, int]]:
        a = self.atom(i, True)
        if not a:
            return None
        num, clitic, span_start = a
        total, last_scale, end = num.value, num.scale, num.end
        parts = 1
        while last_scale > 1 and end < self.n:
            k = self.keys[end]
            nxt = None  # the next component, if any
            if k == "و" and end + 1 < self.n and self.adjacent(end, end + 1):
                nxt = self.atom(end + 1, False)
            elif self.kinds[end] == "word" and k.startswith("و"):
                nxt = self.atom(end, False)
                if nxt and nxt[1] != "و":
                    nxt = None
            if not nxt or nxt[0].value >= last_scale or nxt[0].value <= 0:
                break
            total += nxt[0].value
            last_scale = nxt[0].scale
            end = nxt[0].end
            parts += 1
        if parts > 1:
            num = Numeral(total, end, num.scale, "compound", None, None, num.word)
        return num, clitic, span_start

    # -- units ----------------------------------------------------------------
    def unit_at(self, j: int) -> Optional[tuple[int, str, Decimal]]:
        if j >= self.n or self.gap_has_newline(j - 1):
            return None
        m = self.lx.units.match(self.keys, j)
        if not m and self.kinds[j] == "word":
            # بالمئة / ريالاً are in the table; a clitic on a unit is rare but
            # happens with و in lists (ومليون طن is handled by numeral)
            m = None
        if m:
            end, (unit, factor) = m
            return end, unit, factor
        return None

    def rate_at(self, j: int) -> Optional[tuple[int, str]]:
        if j >= self.n or self.gap_has_newline(j - 1):
            return None
        m = self.lx.rates.match(self.keys, j)
        if m:
            nxt = self.keys[m[0]] if m[0] < self.n else ""
            if self.kinds[m[0]] == "num" if m[0] < self.n else False:
                return None  # في العام 2020 is a date, not a rate
            if nxt.startswith("ال") and self.keys[m[0] - 1].startswith("ال"):
                return None  # في العام الماضي
            return m
        # per-unit prices: للبرميل، لكل برميل، لكل كيلوواط ساعة
        k = self.keys[j]
        if k in ("للبرميل",):
            return j + 1, "bbl"
        if k == "لكل" and j + 1 < self.n:
            u = self.unit_at(j + 1)
            if u:
                end, unit, factor = u
                # كيلو وات/ ساعة
                if end + 1 < self.n and self.keys[end] == "/" and self.keys[end + 1] == "ساعه":
                    end += 2
                    unit = "Wh"
                per = {"W": "kWh", "Wh": "kWh"}.get(unit, unit)
                return end, per
        return None

    def counted_noun(self, j: int) -> Optional[tuple[int, str]]:
        """An indefinite noun right after a number (14 شركة، أربع قارات) and its nisba adjective."""
        if j >= self.n or self.kinds[j] != "word" or self.gap_has_newline(j - 1):
            return None
        k = self.keys[j]
        if (k in self.lx.not_counted or k in self.lx.time_nouns or k.startswith("ال")
                or k in self.lx.scales or len(k) < 2):
            return None
        if k.startswith("و") and len(k) > 3 and (k[1:] in self.lx.time_nouns):
            return None
        if k.startswith(("ي", "لل", "بال", "كال", "وال", "لت", "لا", "با", "كا")) or k.endswith("وا"):
            return None  # a verb (يعيشون، نزحوا) or a prepositional phrase (لتطوير، بالسوق), not a counted noun
        if self.lx.rates.match(self.keys, j) or (k.startswith("و") and (k[1:] in self.lx.scales or self.cardinals.match(self.keys, j, k[1:]))):
            return None  # سنويا is a rate; ومليوني starts the next numeral of a list
        end = j + 1
        # a nisba adjective continues the noun: مجموعات صناعية، ورقة علمية (not a rate: سفينة يوميا)
        if end < self.n and self.kinds[end] == "word" and _is_nisba(self.keys[end]) and not self.gap_has_newline(end - 1) \
                and not self.lx.rates.match(self.keys, end):
            end += 1
        return end, self.doc.surface(j, end)

    # -- the main loop ----------------------------------------------------------
    def parse(self) -> list[RawQuantity]:
        out: list[RawQuantity] = []
        i = 0
        nxt = self.next_number
        # parse_at turns every other token away at once: the loop goes from one of these to the next
        lx, keys = self.lx, self.keys
        candidates = set(compress(count(), map(lx.openers.__contains__, keys)))
        candidates.update(i for i in compress(count(-1), map(lx.one_forms.__contains__, keys)) if i >= 0)
        candidates.update(compress(count(), map("num".__eq__, self.kinds)))
        candidates = sorted(candidates)
        candidates.append(self.n)
        while i < self.n:
            i = candidates[bisect_left(candidates, i)]
            if i >= self.n:
                break
            if nxt[i] - i > NUMBER_REACH and not self.bare:  # bare suites may hold a unit alone
                i = nxt[i] - NUMBER_REACH  # straight to the first token in reach of a number
                continue
            q = self.parse_at(i)
            if q:
                out.extend(q)
                i = max(x.tend for x in q)
            else:
                i += 1
        return self.currency_by_ellipsis(out)

    def currency_by_ellipsis(self, qs: list[RawQuantity]) -> list[RawQuantity]:
        """6.17 مليارات in a headline about riyals: a bare scaled amount takes the article's currency.

        Only when the article's money is in one currency; otherwise the amount is dropped
        rather than guessed.
        """
        from collections import Counter

        money = Counter(q.unit for q in qs if len(q.unit) == 3 and q.unit.isupper())
        out = []
        for q in qs:
            if q.unit != "number" or (self.bare and q.rule.find("ellipsis") < 0):
                out.append(q)
            elif self.bare and len(money) != 1:
                out.append(q)
            elif len(money) == 1:
                code = next(iter(money))
                q.unit = code
                q.ambiguity = _join(q.ambiguity, f"no currency word; {code}, the article's only currency")
                out.append(q)
        return out

    def parse_at(self, i: int) -> Optional[list[RawQuantity]]:
        lx = self.lx
        if self.kinds[i] == "word" and self.keys[i] not in lx.starters:
            nxt = self.keys[i + 1] if i + 1 < self.n else ""
            # only NOUN ال+CARDINAL and NOUN واحد start with an ordinary word
            if not (nxt in ("واحد", "واحده") or nxt.startswith("ال") and nxt[2:] in lx.definite_cardinals):
                return None
        elif self.kinds[i] == "latin" and self.keys[i] not in lx.starters:
            return None
        elif self.kinds[i] == "punct" and self.keys[i] not in OPENING_SIGNS:
            return None  # only these signs can open a quantity
        # ranges: بين X و Y، من X إلى Y
        r = self.range_at(i)
        if r:
            return [r]
        hedge = lx.hedges_before.match_clitic(self.keys, i, ("و", "ب", "ل", "ف"))
        start_tok, kstart = i, None
        j = i
        approx = False
        if hedge:
            end, _, clitic = hedge
            if clitic:
                kstart = self.toks[i].start + len(clitic)
            j = end
            approx = True
            # a range after a hedge (بحدود 10-20 دولار) is still a range, and approximate
            r = self.range_at(j) if j < self.n else None
            if r:
                r.tstart, r.kstart, r.approximate = start_tok, kstart, True
                return [r]
        # $10، € 20 : a currency symbol before the number
        if j + 1 < self.n and self.keys[j] in self.lx.symbols and self.kinds[j + 1] == "num":
            nm = self.numeral(j + 1)
            if nm:
                num = nm[0]
                q = RawQuantity(start_tok if hedge else j, num.end, num.value, self.lx.symbols[self.keys[j]],
                                num.rule + "+symbol_before", approximate=approx, kstart=kstart)
                return [self.add_cents(q)]
        if self.bare and not hedge:
            alone = self.unit_alone_at(i)
            if alone:
                return [alone]
        # %47 : the sign before the number
        if j < self.n and self.keys[j] == "%" and j + 1 < self.n and self.kinds[j + 1] == "num" and self.adjacent(j, j + 1):
            v, _, _, rule = parse_digits(self.keys[j + 1])
            st = j if not hedge else start_tok
            return [RawQuantity(st, j + 2, v, "percent", "percent_sign_before", approximate=approx, kstart=kstart)]
        if j < self.n and self.kinds[j] in ("word", "num"):
            frac = self.fraction_percent_at(j, approx, kstart, start_tok if hedge else None)
            if frac:
                return frac
        negative = False
        if j + 1 < self.n and self.keys[j] in self.lx.negative_words:
            negative, j = True, j + 1
        nm = self.numeral(j) if j < self.n else None
        if nm and negative:
            n0 = nm[0]
            nm = (Numeral(-n0.value, n0.end, n0.scale, n0.rule + "+negative_word", None, n0.ambiguity, n0.word), nm[1],
                  start_tok if hedge else j - 1)
        if not nm:
            if hedge:
                return None
            return self.definite_count_at(i) or self.noun_one_at(i)
        num, clitic, span_start = nm
        if not hedge:
            start_tok = span_start
            if clitic:
                kstart = self.toks[span_start].start + len(clitic)
        q = self.finish(start_tok, num, approx, kstart, allow_bare=self.bare)
        if q is None or _unitless_scaled(q):
            # 57 و55% : a bare number shares the unit of the next one in a list; so does a
            # scaled one (3 ملايين و14 مليونا ومليوني فرصة عمل)
            lst = self.list_head(start_tok, num, approx, kstart)
            if lst or q is None:
                return lst
        return [q]

    def finish(self, start_tok: int, num: Numeral, approx: bool, kstart: Optional[int],
               allow_bare: bool = False) -> Optional[RawQuantity]:
        """Attach unit, rate, counted noun and trailing hedge to a numeral."""
        lx = self.lx
        j = num.end
        value = num.value
        rule = num.rule
        counted = None
        u = self.unit_at(j)
        ambiguity = num.ambiguity
        if not u and num.scale >= 1_000_000 and not allow_bare:
            nxt = self.keys[j] if j < self.n else ""
            money_noun = any(r in self.lx.money_nouns for _, r in strip_clitic(nxt, ("ك", "ب", "و"), min_rest=3))
            if money_noun or not self.counted_noun(j):
                return RawQuantity(start_tok, j, value, "number", rule + "+ellipsis", approximate=approx,
                                   ambiguity=ambiguity, kstart=kstart)
        if u:
            end, unit, factor = u
            if unit.startswith("FAMILY:"):
                unit, note = self.resolve_family(unit[7:])
                ambiguity = _join(ambiguity, note)
            if num.alt_thousands is not None and (unit in INTEGER_UNITS or self.dot_groups_habit):
                ambiguity = _join(ambiguity, f"'.' read as thousands separator ({'whole unit ' + unit if unit in INTEGER_UNITS else 'outlet groups thousands with dots'})")
                value = num.alt_thousands
            value = value * factor
            rule += "+unit"
            j = end
        else:
            c = self.counted_noun(j)
            if c is None:
                if not allow_bare:
                    return None
                unit = "number"
            else:
                end, counted = c
                noun_key = self.keys[j]
                # a year followed by a noun is still a year (2014 شهدت ...)
                if num.rule == "digits" and 1900 <= value <= 2100 and num.scale == 1:
                    return None
                unit = "count"
                if num.alt_thousands is not None:
                    ambiguity = _join(ambiguity, "'.' read as thousands separator (whole count)")
                    value = num.alt_thousands
                rule += "+counted"
                j = end
                if noun_key in lx.time_nouns:
                    return None
        if unit in ("count",) and num.word and value == 1:
            return None  # واحد before a noun is an article-like 'one', not a figure
        rt = self.rate_at(j) if (u or counted) else None
        if not rt and u and j < self.n and self.keys[j] == "من":
            for k in range(j + 2, min(j + 6, self.n)):
                if self.kinds[k - 1] != "word":
                    break
                rt = self.rate_at(k)
                if rt:
                    break
        if rt:
            j, per = rt
            unit = f"{unit}/{per}"
        if u and unit == "USD" and not rt:
            tmp = self.add_cents(RawQuantity(start_tok, j, value, unit, rule))
            j, value, rule = tmp.tend, tmp.value, tmp.rule
        ha = lx.hedges_after.match(self.keys, j) if j < self.n else None
        if ha:
            j = ha[0]
            approx = True
        if value == 0 and unit == "count":
            return None
        if self.bare and unit in ("kg", "l") and j + 1 < self.n and self.keys[j] == "من" and self.kinds[j + 1] == "word":
            j += 2  # the product measured (Duckling includes it)
        return RawQuantity(start_tok, j, value, unit, rule, approximate=approx, counted=counted,
                           ambiguity=ambiguity, kstart=kstart)

    def unit_alone_at(self, i: int) -> Optional[RawQuantity]:
        """كيلوجرام = 1 kg، لترين = 2 l، لتر ونصف = 1.5 l (number suites: a unit word states an amount)."""
        m = self.lx.units.match(self.keys, i)
        if not m:
            return None
        end, (unit, factor) = m
        if unit.startswith("FAMILY:") or unit in ("percent", "percent_point", "jobs", "persons"):
            return None
        toks = tuple(self.keys[i:end])
        value = Decimal(self.lx.alone.get(toks, 1))
        # لتر ونصف، لتر و ربع
        k = end
        if k < self.n and self.keys[k] == "و":
            k += 1
        fm = None
        if k < self.n:
            for c, rest in strip_clitic(self.keys[k], ("و",)):
                if (c or k > end) and self.lx.fractions.match(self.keys, k, rest):
                    fm = self.lx.fractions.match(self.keys, k, rest)
                    break
        if fm:
            value += Decimal(fm[1][0]) / Decimal(fm[1][1])
            end = fm[0]
        return RawQuantity(i, end, value * factor, unit, "unit_alone")

    def add_cents(self, q: RawQuantity) -> RawQuantity:
        """20 دولار و43 سنت، 20$ 43c: whole units and cents are one amount."""
        j = q.tend
        if q.unit != "USD" or j >= self.n:
            return q
        if self.keys[j] == "و":
            j += 1
        if j >= self.n or self.kinds[j] != "num":
            return q
        v, _, _, _ = parse_digits(self.keys[j])
        u = self.unit_at(j + 1)
        if u and u[1] == "USD" and u[2] == Decimal("0.01"):
            q.value += v * u[2]
            q.tend = u[0]
            q.rule += "+cents"
        elif self.bare and not u and v < 100 and q.rule.endswith("symbol_before"):
            q.value += v / 100  # $20 43
            q.tend = j + 1
            q.rule += "+cents"
        return q

    def list_head(self, start_tok: int, num: Numeral, approx: bool, kstart: Optional[int]) -> Optional[list[RawQuantity]]:
        """``57 و55%``: a number without unit followed by و and a number with one."""
        j = num.end
        if j >= self.n or (num.word and num.scale == 1):
            return None
        if self.keys[j] == "و" and j + 1 < self.n:
            nxt_i = j + 1
        elif self.kinds[j] == "word" and self.keys[j].startswith("و") and num.scale > 1:
            nxt_i = j  # ومليوني: the و is a clitic on the next numeral
        else:
            return None
        nm = self.numeral(nxt_i)
        if not nm:
            return None
        # ومليوني: the span of the next item starts after its conjunction
        nxt_kstart = self.toks[nxt_i].start + 1 if nxt_i == j else None
        second = self.finish(nxt_i, nm[0], approx, nxt_kstart)
        if second is None or _unitless_scaled(second):
            lst = self.list_head(nxt_i, nm[0], approx, None)
            if lst:
                # the middle of a longer list: share the last item's unit
                last = lst[-1]
                factor = last.value / self.numeral(last.tstart)[0].value if self.numeral(last.tstart) and self.numeral(last.tstart)[0].value else Decimal(1)
                first = RawQuantity(start_tok, num.end, num.value * factor, last.unit, num.rule + "+shared_unit",
                                    approximate=approx, kstart=kstart)
                return [first] + lst
            return None
        if not second or second.unit in ("count", "number"):
            return None
        if num.rule.startswith("digits") and 1900 <= num.value <= 2100:
            return None
        unit = second.unit
        if not (unit.startswith("percent") or num.scale > 1):
            return None  # bare integers before و are too often something else
        factor = second.value / nm[0].value if nm[0].value else Decimal(1)
        first = RawQuantity(start_tok, num.end, num.value * factor, unit, num.rule + "+shared_unit",
                            approximate=approx, kstart=kstart)
        second.approximate = second.approximate or approx
        return [first, second]

    def range_at(self, i: int) -> Optional[RawQuantity]:
        """بين 10 و20 مليون، ما بين عشرة وعشرون دولار، من 10 الى 20 دولار، من عشرة لعشرين، 10-20 دولار."""
        k = self.keys[i]
        opener, o_clitic, a_i, start_tok = None, "", i, i
        for c, rest in strip_clitic(k, ("و", "ف", "ب", "ل")):
            if rest in ("بين", "من"):
                opener, o_clitic, a_i = rest, c, i + 1
                break
        if k == "ما" and i + 1 < self.n and self.keys[i + 1] == "بين":
            opener, a_i = "بين", i + 2
        if a_i >= self.n or self.kinds[a_i] not in ("num", "word"):
            return None
        if self.kinds[a_i] == "word" and self.keys[a_i] not in self.lx.starters:
            return None  # من الشركة: no number follows
        a = self.numeral(a_i)
        if not a:
            return None
        an, aclitic, a_start = a
        if opener is None:
            start_tok = a_start
        j = an.end
        first_unit = self.unit_at(j)  # بين 10 آلاف دولار و20 ألفا، 10$-20$
        if first_unit:
            j = first_unit[0]
        if j >= self.n:
            return None
        sep = self.keys[j]
        b_clitic = None
        if opener == "بين" and sep == "و":
            b_i = j + 1
        elif opener == "بين" and self.kinds[j] == "word" and sep.startswith("و"):
            b_i, b_clitic = j, "و"
        elif sep in ("الي", "حتي") and (opener or self.bare):
            b_i = j + 1
        elif self.bare and sep in ("-", "–", "~") and j + 1 < self.n:
            b_i = j + 1
        elif sep == "-" and self.adjacent(j - 1, j) and j + 1 < self.n and self.adjacent(j, j + 1):
            b_i = j + 1
        elif opener == "من" and self.kinds[j] == "word" and sep.startswith("ل"):
            b_i, b_clitic = j, "ل"  # من عشرة لعشرين
        else:
            return None
        if b_i >= self.n:
            return None
        b = self.numeral(b_i)
        if not b:
            return None
        bn = b[0]
        if b_clitic and b[1] != b_clitic:
            return None
        q = self.finish(b_i, bn, False, None, allow_bare=self.bare)
        if q is None and first_unit:
            end, unit, factor = first_unit
            if unit.startswith("FAMILY:"):
                unit, _ = self.resolve_family(unit[7:])
            q = RawQuantity(b_i, bn.end, bn.value * factor, unit, bn.rule)
            rt = self.rate_at(bn.end)
            if rt:
                q.tend, per = rt
                q.unit = f"{unit}/{per}"
        if q is None or q.unit in ("count",) and opener is None:
            return None
        if first_unit and unit_base(first_unit[1]) != unit_base(q.unit) and not first_unit[1].startswith("FAMILY:"):
            return None  # 50 في المائة إلى 150 مليار ريال: two different amounts
        if opener is None and sep != "-" and not first_unit and not self.bare:
            return None  # 10 الى 20 without من needs a unit on the first number too
        factor = q.value / bn.value if bn.value else Decimal(1)
        if first_unit:
            lo = an.value * first_unit[2]
        elif an.scale == 1 and bn.scale > 1:
            lo = an.value * bn.scale * factor  # بين 10 و20 مليون
        else:
            lo = an.value * factor
        if sep == "-" and opener is None and 1900 <= an.value <= 2100 and 1900 <= bn.value <= 2100:
            return None  # 2030-2040 is a span of years
        if lo >= q.value:
            return None
        kstart = None
        if opener and o_clitic:
            kstart = self.toks[i].start + len(o_clitic)
        elif opener is None and aclitic:
            kstart = self.toks[a_start].start + len(aclitic)
        return RawQuantity(start_tok, q.tend, lo, q.unit, "range", value_max=q.value,
                           counted=q.counted, kstart=kstart)

    def definite_count_at(self, i: int) -> Optional[list[RawQuantity]]:
        """NOUN ال+CARDINAL: المجموعات العشرين، الموقعون الثلاثة، للمشروعات الأربعة."""
        if i + 1 >= self.n or self.kinds[i] != "word" or self.kinds[i + 1] != "word":
            return None
        nk = self.keys[i + 1]
        if not nk.startswith("ال") or nk[2:] not in self.lx.definite_cardinals:
            return None
        for clitic, rest in strip_clitic(self.keys[i], ("و", "ب", "ل", "ف", "ك", "")):
            if rest.startswith("ال") or (clitic == "ل" and rest.startswith("ل")):
                noun = rest[2:] if rest.startswith("ال") else rest[1:]
                if noun in self.lx.time_nouns or "ال" + noun in self.lx.time_nouns or len(noun) < 3:
                    return None
                cut = len(clitic)
                if clitic == "ل" and not rest.startswith("ال"):
                    cut = 0  # للمشروعات: keep the whole word (ل + ال with alef dropped)
                value = self.lx.definite_cardinals[nk[2:]]
                return [RawQuantity(i, i + 2, Decimal(value), "count", "definite_cardinal",
                                    counted=self.doc.surface(i, i + 1),
                                    kstart=self.toks[i].start + cut if cut else None)]
        return None

    def fraction_percent_at(self, i: int, approx: bool = False, kstart: Optional[int] = None,
                            start_tok: Optional[int] = None) -> Optional[list[RawQuantity]]:
        """ثلثا المساحة، نحو نصف الاستثمارات، اثنان من كل خمسة: a portion, in percent.

        Ordinal quarters and halves (الربع الثاني، النصف الأول), durations (نصف ساعة، ربع قرن)
        and fractions of a scale (نصف مليون, read as a number) stay out.
        """
        lx = self.lx
        st = i if start_tok is None else start_tok
        # X من كل Y
        nm = self.numeral(i) if self.kinds[i] in ("word", "num") else None
        if nm and nm[0].end + 1 < self.n and self.keys[nm[0].end] == "من" and self.keys[nm[0].end + 1] == "كل":
            den = self.numeral(nm[0].end + 2)
            if den and den[0].value > 0 and nm[0].value < den[0].value:
                value = (nm[0].value * 100 / den[0].value).quantize(Decimal("0.01"))
                end = den[0].end
                return [RawQuantity(st, end, _trim(value), "percent", "proportion", approximate=approx, kstart=kstart)]
        for clitic, rest in strip_clitic(self.keys[i], ("و", "ب", "ل", "ال", "بال", "وال")):
            fm = lx.fractions.match(self.keys, i, rest)
            if not fm:
                continue
            end, (num, den) = fm
            nxt = self.keys[end] if end < self.n else ""
            if nxt in lx.scales or nxt in lx.time_nouns or _strip_al(nxt) in lx.time_nouns or nxt in ORDINAL_WORDS \
                    or (end < self.n and self.kinds[end] == "num"):
                return None
            if not (approx or nxt == "من" or clitic.endswith("ال") or (end < self.n and self.kinds[end] == "word")):
                return None
            if rest == "خمس" or (end < self.n and lx.units.match(self.keys, end)):
                return None  # نصف لتر is half a litre
            if clitic.startswith("و") and not approx:
                return None  # مرة ونصف: and a half
            if clitic.endswith("ال") and (nxt.startswith("ال") or (i > 0 and self.keys[i - 1] in ("خلال", "في", "منذ"))):
                return None  # الربع المماثل، خلال الربع: a quarter of the year, not a share
            value = (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.0001"))
            ks = kstart
            if start_tok is None and clitic and not clitic.endswith("ال"):
                ks = self.toks[i].start + len(clitic)
            return [RawQuantity(st, end, _trim(value), "percent", "fraction_share", approximate=approx, kstart=ks)]
        return None

    def noun_one_at(self, i: int) -> Optional[list[RawQuantity]]:
        """معيار واحد، مرحلة واحدة: a noun counted as one."""
        if i + 1 >= self.n or self.kinds[i] != "word" or self.keys[i + 1] not in ("واحد", "واحده"):
            return None
        k = self.keys[i]
        if k in self.lx.not_counted or k in self.lx.time_nouns or k.startswith(("ال", "لل", "بال")) or len(k) < 3:
            return None
        if k.startswith(("ي",)) or k in ("كل", "رجل", "جانب", "صوت", "وقت"):
            return None
        return [RawQuantity(i, i + 2, Decimal(1), "count", "noun_one", counted=self.doc.surface(i, i + 1))]

    def resolve_family(self, family: str) -> tuple[str, Optional[str]]:
        """The currency a bare family word (ريال، دينار) stands for in this article, and why."""
        if family not in self._families:
            self._families[family] = self._resolve_family(family)
        return self._families[family]

    def _resolve_family(self, family: str) -> tuple[str, Optional[str]]:
        cfg = self.lx.families[family]
        counts = _country_counts(self.doc)
        best, best_n = cfg["default"], 0
        for code in cfg["candidates"]:
            n = sum(c for cc, c in counts.items() if code in _territory_currencies(cc))
            if n > best_n:
                best, best_n = code, n
        # an explicitly qualified form elsewhere in the article decides (ريال عماني)
        explicit = self.explicit_codes()
        cands = [c for c in cfg["candidates"] if c in explicit]
        if len(cands) == 1:
            return cands[0], f"bare {family} read as {cands[0]} (qualified elsewhere in the article)"
        if best != cfg["default"]:
            return best, f"bare {family} read as {best} (country named most in the article)"
        return best, None

    def explicit_codes(self) -> frozenset:
        """ISO codes the article names with a qualified form (ريال عماني), computed once per article."""
        if self._explicit is not None:
            return self._explicit
        codes = set()
        for i in self.lx.units.starts(self.keys):
            m = self.lx.units.match(self.keys, i)
            if m and len(m[1][0]) == 3 and m[0] - i > 1:
                codes.add(m[1][0])
        self._explicit = frozenset(codes)
        return self._explicit


@lru_cache(maxsize=None)
def _territory_currencies(cc: str) -> frozenset:
    from babel.numbers import get_territory_currencies

    try:
        return frozenset(get_territory_currencies(cc, tender=True, non_tender=False))
    except Exception:
        return frozenset()


def _country_counts(doc: Doc) -> dict[str, int]:
    from ..gazetteer import country_mention_counts

    return country_mention_counts(doc)


ORDINAL_WORDS = frozenset(key(w) for w in ("الأول", "الثاني", "الثالث", "الرابع", "الأولى", "الثانية", "الثالثة", "الرابعة", "الأخير", "الأخيرة"))


def _strip_al(k: str) -> str:
    return k[2:] if k.startswith("ال") else k


def _trim(v: Decimal) -> Decimal:
    """75.0000 -> 75; 66.6667 stays."""
    return v.to_integral_value() if v == v.to_integral_value() else v.normalize()


def unit_base(unit: str) -> str:
    return unit.split("/")[0]


def _place(v: int) -> int:
    return 0 if v < 10 else 1 if v < 100 else 2 if v < 1000 else 3


def _is_nisba(k: str) -> bool:
    return len(k) >= 4 and (k.endswith("يه") or k.endswith("يا") or k.endswith("ي") or k.endswith("يين")) \
        and not k.startswith("ال") and not k.startswith("في")


def _join(a: Optional[str], b: Optional[str]) -> Optional[str]:
    if a and b:
        return f"{a}; {b}"
    return a or b


def to_contract(doc: Doc, rq: RawQuantity):
    from ..models import Quantity

    ks = rq.start_key(doc)
    ke = doc.tokens[rq.tend - 1].end
    s, e = doc.norm.span(ks, ke)
    return Quantity(text=doc.text[s:e], start=s, end=e, value=rq.value, value_max=rq.value_max,
                    unit=rq.unit, approximate=rq.approximate, counted=rq.counted, rule=rq.rule,
                    ambiguity=rq.ambiguity)


def _unitless_scaled(q: RawQuantity) -> bool:
    """3 ملايين with no unit after it (kept for the article's currency, or for a list's unit)."""
    return q.unit == "number" and "ellipsis" in q.rule


def quantities(doc: Doc) -> Doc:
    """Find every measured amount with its value, unit, hedge and rule."""
    raw = Parser(doc).parse()
    doc.quantities = [to_contract(doc, q) for q in raw]
    return doc
