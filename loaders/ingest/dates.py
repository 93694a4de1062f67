"""Dates of signature as treaty closing clauses and letters write them: one grammar, driven by a table of languages.

``parse_date("de eenendertigste maart 1989")`` -> ``(date(1989, 3, 31), "day")``.
Digits ("24 juli 1997", "1st June, 1988", "April 6, 1994", "le 4 décembre
2001", "27. August 1971", "11/12/1996") and words ("de tiende oktober
tweeduizend zeven", "the thirtieth day of July 1960", "le premier juin mil
neuf cent ...", "negentienhonderd achtennegentig") are read. A fragment naming
two different dates, or none, gives ``None``: the caller leaves the date out.

How each language writes numbers, day ordinals, years and month names is data
(:data:`LANGUAGES`, one :class:`Numerals` per language: Dutch, English,
French, plus the month names of German and Spanish, which the letters of some
exchanges use); the reading itself (:func:`parse_date`, :func:`year_from_words`)
is one grammar for all of them:

    date  := [weekday] day [filler...] month [filler...] year | month day[,] year
    day   := digits[ordinal suffix] | day word (ordinal or cardinal, 1-31)
    year  := four digits | [below-100 word] THOUSAND [below-100 word HUNDRED] [CONJ] [below-100 word]
                          | below-100 word HUNDRED [CONJ] [below-100 word]
    numeric := d/m/yyyy | d-m-yyyy | d.m.yyyy (day first; read only when no month word is present)

This is a small grammar written for koppel: dateparser (checked, 1.2) reads
numeric dates and month names in many languages but not ordinal day words or
years written in words ("eenendertigste", "negentienhonderdnegenentachtig"),
which are common in these clauses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache


@dataclass(frozen=True)
class Numerals:
    """How one language writes what a date needs: numbers below 100, day ordinals, years, months, filler words.

    ``compounds`` are format strings joining a tens word and a unit word
    (``{unit}en{tens}`` gives "eenentwintig"); ``teen_tens`` are tens words that
    combine with the teens (French "soixante-dix" = 70); ``ordinal`` gives the
    ordinal forms of a cardinal word and its value ("eenentwintig", 21 ->
    ["eenentwintigste", "eenentwintigsten"]). Words are lower case without
    accents (see :func:`plain`).
    """

    units: tuple[str, ...] = ()          # 1..9
    teens: tuple[str, ...] = ()          # 10..19
    tens: dict[int, str] = field(default_factory=dict)  # 20..90
    compounds: tuple[str, ...] = ()
    teen_tens: dict[int, str] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)
    ordinal: Callable[[str, int], list[str]] | None = None
    hundred: str = ""
    thousand: str = ""
    conjunction: str = ""
    months: tuple[tuple[str, ...], ...] = ()  # 12 entries, each the spellings of one month
    filler: tuple[str, ...] = ()
    weekdays: tuple[str, ...] = ()

    @property
    def cardinals(self) -> dict[str, int]:
        """Every number word below 100 this language writes, with its value."""
        return _cardinals(self)


def _nl_ordinal(word: str, value: int) -> list[str]:
    base = {1: "eerste", 3: "derde", 8: "achtste"}.get(value)
    if base is None:
        base = word + ("ste" if word.endswith(("ig", "acht")) else "de")
    return [base, base + "n"]  # "den vijf en twintigsten"


_EN_ORDINAL_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_EN_ORDINAL_TEENS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                     "eighteenth", "nineteenth")


def _en_ordinal(word: str, value: int) -> list[str]:
    if value < 10:
        return [_EN_ORDINAL_UNITS[value - 1]]
    if value < 20:
        return [_EN_ORDINAL_TEENS[value - 10]]
    tens, unit = divmod(value, 10)
    tens_word = {2: "twenty", 3: "thirty"}.get(tens)
    if tens_word is None:
        return []
    if unit == 0:
        return [tens_word[:-1] + "ieth"]
    return [f"{tens_word}-{_EN_ORDINAL_UNITS[unit - 1]}", f"{tens_word}{_EN_ORDINAL_UNITS[unit - 1]}"]


def _fr_ordinal(word: str, value: int) -> list[str]:
    return [word]  # "le vingt huit mai": French dates use cardinals ("premier" is in extra)


LANGUAGES: dict[str, Numerals] = {
    "nl": Numerals(
        units=("een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
        teens=("tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"),
        tens={20: "twintig", 30: "dertig", 40: "veertig", 50: "vijftig", 60: "zestig", 70: "zeventig", 80: "tachtig", 90: "negentig"},
        compounds=("{unit}en{tens}",),
        ordinal=_nl_ordinal, hundred="honderd", thousand="duizend", conjunction="en",
        months=(("januari",), ("februari",), ("maart",), ("april",), ("mei",), ("juni",), ("juli",), ("augustus",),
                ("september",), ("oktober", "october"), ("november",), ("december",)),
        filler=("op", "de", "den", "der", "van", "het", "jaar", "maand", "dag", "in", "en", "onzes", "heeren", "heren", "jaars", "anno", "d"),
        weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    ),
    "en": Numerals(
        units=("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
        teens=("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
        tens={20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"},
        compounds=("{tens}-{unit}", "{tens}{unit}"),
        ordinal=_en_ordinal, hundred="hundred", thousand="thousand", conjunction="and",
        months=(("january",), ("february",), ("march",), ("april",), ("may",), ("june",), ("july",), ("august",),
                ("september",), ("october",), ("november",), ("december",)),
        filler=("the", "this", "day", "of", "year", "on", "month", "in", "and", "our", "lord"),
        weekdays=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ),
    "fr": Numerals(
        units=("un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
        teens=("dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"),
        tens={20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante", 80: "quatre-vingt"},
        compounds=("{tens}-{unit}", "{tens}-et-{unit}"),
        teen_tens={60: "soixante", 80: "quatre-vingt"},
        extra={"premier": 1, "quatre-vingts": 80, "soixante-et-onze": 71},
        ordinal=_fr_ordinal, hundred="cents?", thousand="mill?e?", conjunction="et",
        months=(("janvier",), ("fevrier",), ("mars",), ("avril",), ("mai",), ("juin",), ("juillet",), ("aout",),
                ("septembre",), ("octobre",), ("novembre",), ("decembre",)),
        filler=("le", "la", "des", "du", "mois", "an", "l", "et", "d", "de", "en"),
        weekdays=("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    ),
    # month names only: letters in German and Spanish in some exchanges of notes
    "de": Numerals(
        months=(("januar",), ("februar",), ("marz", "maerz"), ("april",), ("mai",), ("juni",), ("juli",), ("august",),
                ("september",), ("oktober",), ("november",), ("dezember",)),
        filler=("den", "am", "vom"),
    ),
    "es": Numerals(
        months=(("enero",), ("febrero",), ("marzo",), ("abril",), ("mayo",), ("junio",), ("julio",), ("agosto",),
                ("septiembre", "setiembre"), ("octubre",), ("noviembre",), ("diciembre",)),
        filler=("de", "del"),
    ),
}


def plain(text: str) -> str:
    """Lower case without accents (``Février`` -> ``fevrier``)."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _cardinals(lang: Numerals) -> dict[str, int]:
    words: dict[str, int] = {}
    for n, word in enumerate(lang.units, start=1):
        words[word] = n
    for n, word in enumerate(lang.teens, start=10):
        words[word] = n
    for tens, word in lang.tens.items():
        words.setdefault(word, tens)
        for n, unit in enumerate(lang.units, start=1):
            for form in lang.compounds:
                words.setdefault(form.format(unit=unit, tens=word), tens + n)
    for tens, word in lang.teen_tens.items():
        for n, teen in enumerate(lang.teens, start=10):
            words.setdefault(f"{word}-{teen}", tens + n)
    words.update(lang.extra)
    return words


@cache
def months() -> dict[str, int]:
    """Every month spelling of every language in :data:`LANGUAGES` -> month number."""
    return {name: number for lang in LANGUAGES.values() for number, names in enumerate(lang.months, start=1) for name in names}


@cache
def day_words() -> dict[str, int]:
    """Words for a day of the month (1-31) in any language: ordinals first, then cardinals."""
    words: dict[str, int] = {}
    for lang in LANGUAGES.values():
        for word, value in lang.cardinals.items():
            if value <= 31 and lang.ordinal:
                for form in lang.ordinal(word, value):
                    words.setdefault(form, value)
    for lang in LANGUAGES.values():
        for word, value in lang.cardinals.items():
            if value <= 31:
                words.setdefault(word, value)
    return words


@cache
def _fillers() -> frozenset[str]:
    return frozenset(w for lang in LANGUAGES.values() for w in lang.filler)


@cache
def _weekdays() -> frozenset[str]:
    return frozenset(w for lang in LANGUAGES.values() for w in lang.weekdays)


@cache
def _year_grammar() -> list[tuple[re.Pattern[str], dict[str, int]]]:
    """Per language with year words: (a regex over the joined words, joined below-100 word -> value)."""
    grammars = []
    for lang in LANGUAGES.values():
        if not lang.hundred:
            continue
        joined = {word.replace("-", ""): value for word, value in lang.cardinals.items()}
        number = "|".join(sorted(map(re.escape, joined), key=len, reverse=True))
        pattern = re.compile(
            rf"(?:(?P<th>{number})?(?P<T>{lang.thousand}))?(?:(?P<hu>{number})?(?P<H>{lang.hundred}))?"
            rf"(?:{lang.conjunction})?(?P<lo>{number})?"
        )
        grammars.append((pattern, joined))
    return grammars


def year_from_words(text: str) -> int | None:
    """A year written in words (nl, en, fr), e.g. ``negentienhonderd negenentachtig`` -> 1989; None if not one."""
    joined = re.sub(r"[\s\-]+", "", plain(text))
    for pattern, numbers in _year_grammar():
        match = pattern.fullmatch(joined)
        if not match or not (match.group("T") or match.group("H")):
            continue
        value = numbers[match.group("lo")] if match.group("lo") else 0
        if match.group("T"):
            thousands = numbers[match.group("th")] if match.group("th") else 1
            if thousands not in (1, 2):
                continue
            value += thousands * 1000
            if match.group("H"):
                value += (numbers[match.group("hu")] if match.group("hu") else 1) * 100
        else:
            hundreds = numbers[match.group("hu")] if match.group("hu") else 0
            if not 10 <= hundreds <= 20:
                continue
            value += hundreds * 100
        return value
    return None


@dataclass(frozen=True)
class Reading:
    """One date read from a fragment: the date, its precision (``day``), and whether it was read from digits alone."""

    date: dt.date
    precision: str
    numeric: bool = False


_NUM_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|e|er|ste|sten|de|den|eme|me)?$")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4}|\d{2})(?![\d/-])")
_CLAUSE_STOP = ("in", "zijnde", "being", "tweevoud", "duplicate")
_JOIN = ("en", "et", "and")


def read_date(text: str) -> Reading | None:
    """The one date a closing-clause or letter fragment names (see the module docstring); None when none or several."""
    plain_text = plain(re.sub(r"<[^>]*>", "", text))
    plain_text = re.sub(r"(?<=\d{4})(?=[a-z])|(?<=[a-z])(?=\d{1,2}(?:st|nd|rd|th|e)?\s)", " ", plain_text)  # "1995No.", "Paz30 juni"
    tokens = [t for t in re.split(r"[\s,.;:()*]+", plain_text.replace("'", " ").replace("’", " ")) if t]
    month_names, fillers = months(), _fillers() | _weekdays()
    found: list[Reading] = []
    for m, token in enumerate(tokens):
        if token not in month_names:
            continue
        reading = _around_month(tokens, m, month_names, fillers)
        if reading == "two days":
            return None
        if reading:
            found.append(reading)
    if not found:
        for match in _NUMERIC.finditer(plain_text):
            day, month, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
            if len(match.group(4)) == 2:
                if match.group(2) != "/":
                    continue  # "1.2.10" is a paragraph number, not a date
                year += 1900 if year > 30 else 2000
            if not 1800 <= year <= 2030:
                continue  # e.g. a Hijri date "28/12/1428 A.H."
            try:
                found.append(Reading(dt.date(year, month, day), "day", numeric=True))
            except ValueError:
                continue
    distinct = list(dict.fromkeys(found))
    return distinct[0] if len(distinct) == 1 else None


def parse_date(text: str) -> tuple[dt.date, str] | None:
    """The one date a closing-clause fragment names, as (date, precision); None when there is none or more than one."""
    reading = read_date(text)
    return (reading.date, reading.precision) if reading else None


def _around_month(tokens: list[str], m: int, month_names: dict[str, int], fillers: frozenset[str]) -> Reading | str | None:
    """The date around the month word at ``tokens[m]``: the day before it (or after it, American order), the year after."""
    words = day_words()
    j = m - 1
    while j >= 0 and tokens[j] in fillers and tokens[j] not in _JOIN:
        j -= 1
    day_tokens: list[str] = []
    while j >= 0 and (tokens[j] in words or _NUM_DAY.match(tokens[j]) or tokens[j] in _JOIN) and len(day_tokens) < 4:
        day_tokens.insert(0, tokens[j])
        j -= 1
    while day_tokens and day_tokens[0] in _JOIN:
        day_tokens.pop(0)
    if sum(1 for t in day_tokens if _NUM_DAY.match(t)) > 1:
        return "two days"  # "op 16 en 21 juni": two days of signature
    day = _day_value(day_tokens) if day_tokens else None
    k = m + 1
    if day is None and k < len(tokens) and _NUM_DAY.match(tokens[k]) and len(tokens[k].rstrip("stndrhe")) <= 2:
        day = int(_NUM_DAY.match(tokens[k]).group(1))
        k += 1
    while k < len(tokens) and tokens[k] in fillers:
        k += 1
    if k < len(tokens) and re.fullmatch(r"\d{4}", tokens[k]):
        year = int(tokens[k])
    else:
        year_words: list[str] = []
        while k < len(tokens) and not re.fullmatch(r"\d+", tokens[k]) and tokens[k] not in month_names and len(year_words) < 8:
            if tokens[k] in _CLAUSE_STOP and year_words and year_from_words(" ".join(year_words)):
                break  # "... in tweevoud": the words of the next clause
            year_words.append(tokens[k])
            k += 1
        year = _longest_year(year_words)
    if year is None or not 1800 <= year <= 2030 or not day:
        return None
    try:
        return Reading(dt.date(year, month_names[tokens[m]], day), "day")
    except ValueError:
        return None


def _day_value(tokens: list[str]) -> int | None:
    words = day_words()
    if len(tokens) == 1:
        match = _NUM_DAY.match(tokens[0])
        if match:
            value = int(match.group(1))
            return value if 1 <= value <= 31 else None
        return words.get(tokens[0])
    parts = [t for t in tokens if t not in _JOIN]
    for joiner in ("", "en", "-"):  # "vijf en twintigsten", "twenty first", "vingt huit"
        if joiner.join(parts) in words:
            return words[joiner.join(parts)]
    return None


def _longest_year(words: list[str]) -> int | None:
    for end in range(len(words), 0, -1):
        year = year_from_words(" ".join(words[:end]))
        if year:
            return year
    return None
