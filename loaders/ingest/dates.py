"""Dates of signature as treaty closing clauses write them, in Dutch, English and French.

``parse_date("de eenendertigste maart 1989")`` -> ``(date(1989, 3, 31), "day")``.
Digits ("24 juli 1997", "1st June, 1988", "April 6, 1994", "le 4 décembre
2001") and words ("de tiende oktober tweeduizend zeven", "the thirtieth day of
July 1960", "le premier juin mil neuf cent ...", "negentienhonderd
achtennegentig") are read. A clause naming two dates (two places of
signature) or none gives ``None``: the caller leaves the date out.

This is a small grammar written for koppel: dateparser reads numeric dates and
month names in many languages but not ordinal day words or years written in
words ("eenendertigste", "negentienhonderdnegenentachtig"), which are common
in these clauses.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

MONTHS = {
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "october": 10, "november": 11, "december": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8,
    # French (accents removed)
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}

_NL_UNITS = ["", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_NL_TEENS = ["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien", "negentien"]
_NL_TENS = {20: "twintig", 30: "dertig", 40: "veertig", 50: "vijftig", 60: "zestig", 70: "zeventig", 80: "tachtig", 90: "negentig"}
_EN_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_EN_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
_EN_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
           "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
           "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30}
_FR_UNITS = ["", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]
_FR_TEENS = ["dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"]
_FR_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante"}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def _nl_cardinals() -> dict[str, int]:
    words = {}
    for n in range(1, 10):
        words[_NL_UNITS[n]] = n
    for i, w in enumerate(_NL_TEENS):
        words[w] = 10 + i
    for tens, w in _NL_TENS.items():
        words[w] = tens
        for n in range(1, 10):
            unit = _NL_UNITS[n]
            joint = "en" if not unit.endswith("e") else "en"  # tweeentwintig after accents are dropped
            words[f"{unit}{joint}{w}"] = tens + n
    return words


def _nl_ordinal(word: str) -> str:
    special = {"een": "eerste", "drie": "derde", "acht": "achtste"}
    if word in special:
        return special[word]
    if word.endswith(("tig", "ig")):
        return word + "ste"
    if word.endswith("acht"):
        return word + "ste"
    return word + "de"


def _en_cardinals() -> dict[str, int]:
    words = {}
    for n in range(1, 10):
        words[_EN_UNITS[n]] = n
    for i, w in enumerate(_EN_TEENS):
        words[w] = 10 + i
    for tens, w in _EN_TENS.items():
        words[w] = tens
        for n in range(1, 10):
            words[f"{w}-{_EN_UNITS[n]}"] = tens + n
            words[f"{w}{_EN_UNITS[n]}"] = tens + n
    return words


def _fr_cardinals() -> dict[str, int]:
    words = {"premier": 1}
    for n in range(1, 10):
        words[_FR_UNITS[n]] = n
    for i, w in enumerate(_FR_TEENS):
        words[w] = 10 + i
    for tens, w in _FR_TENS.items():
        words[w] = tens
        words[f"{w}-et-un"] = tens + 1
        for n in range(2, 10):
            words[f"{w}-{_FR_UNITS[n]}"] = tens + n
        if tens == 60:
            for i, teen in enumerate(_FR_TEENS):
                words[f"soixante-{teen}"] = 70 + i
            words["soixante-et-onze"] = 71
    words["quatre-vingt"] = words["quatre-vingts"] = 80
    for n in range(1, 10):
        words[f"quatre-vingt-{_FR_UNITS[n]}"] = 80 + n
    for i, teen in enumerate(_FR_TEENS):
        words[f"quatre-vingt-{teen}"] = 90 + i
    return words


NL_CARDINAL = _nl_cardinals()
EN_CARDINAL = _en_cardinals()
FR_CARDINAL = _fr_cardinals()
DAY_WORDS: dict[str, int] = {}
for _word, _value in NL_CARDINAL.items():
    if _value <= 31:
        DAY_WORDS[_nl_ordinal(_word)] = _value
        DAY_WORDS[_nl_ordinal(_word) + "n"] = _value  # "den vijf en twintigsten"
DAY_WORDS.update(_EN_ORD)
for _tens, _w in ((20, "twenty"), (30, "thirty")):
    for _n, _o in enumerate(["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"], start=1):
        if _tens + _n <= 31:
            DAY_WORDS[f"{_w}-{_o}"] = DAY_WORDS[f"{_w}{_o}"] = _tens + _n
for _word, _value in FR_CARDINAL.items():
    if _value <= 31:
        DAY_WORDS.setdefault(_word, _value)
for _word, _value in EN_CARDINAL.items():
    if _value <= 31:
        DAY_WORDS.setdefault(_word, _value)
for _word, _value in NL_CARDINAL.items():
    if _value <= 31:
        DAY_WORDS.setdefault(_word, _value)


def _below_100(word: str) -> int | None:
    word = word.strip("-")
    for table in (NL_CARDINAL, EN_CARDINAL, FR_CARDINAL):
        if word in table:
            return table[word]
    return None


def year_from_words(text: str) -> int | None:
    """A year written in words (nl, en, fr), e.g. ``negentienhonderd negenentachtig`` -> 1989; None if not one."""
    t = _plain(text)
    t = re.sub(r"\b(en|and|et)\b", lambda m: m.group(0), t)
    joined = re.sub(r"[\s]+", "", t)
    joined = joined.replace("-", "")
    # Dutch: [<n>]honderd[<m>] | tweeduizend[<m>] ; English: <n>hundred[and]<m> | twothousand[and]<m>
    for hundred, thousand, conj in (("honderd", "duizend", "en"), ("hundred", "thousand", "and")):
        match = re.fullmatch(rf"(\w+?){hundred}(?:{conj})?(\w*)", joined)
        if match:
            high = _below_100_joined(match.group(1))
            low = _below_100_joined(match.group(2)) if match.group(2) else 0
            if high and low is not None and 10 <= high <= 20:
                return high * 100 + low
        match = re.fullmatch(rf"(\w*?){thousand}(?:{conj})?(\w*)", joined)
        if match:
            high = _below_100_joined(match.group(1)) if match.group(1) else 1
            low = _below_100_joined(match.group(2)) if match.group(2) else 0
            if high in (1, 2) and low is not None:
                return high * 1000 + low
    # French: mil(le) neuf cent quatre-vingt-neuf | deux mille cinq
    words = t.replace("-", " - ").split()
    french = " ".join(words)
    match = re.fullmatch(r"(?:(deux)\s+)?mill?e?\s+(?:(\w+)\s+cents?)?\s*(.*)", french)
    if match:
        thousands = 2000 if match.group(1) else 1000
        hundreds = (_below_100(match.group(2)) or 0) * 100 if match.group(2) else 0
        rest = match.group(3).replace(" - ", "-").strip()
        low = (_below_100(rest.replace(" ", "-")) if rest else 0)
        if low is not None:
            return thousands + hundreds + low
    return None


def _below_100_joined(word: str) -> int | None:
    if not word:
        return None
    value = _below_100(word)
    if value is not None:
        return value
    for table in (EN_CARDINAL, FR_CARDINAL):
        for key, v in table.items():
            if key.replace("-", "") == word:
                return v
    return None


_NUM_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th|e|er|ste|sten|de|den|eme|me)?$")
_FILLER = {"op", "de", "den", "der", "the", "this", "day", "of", "le", "la", "van", "het", "jaar", "des", "year", "on",
           "maand", "month", "dag", "in", "en", "and", "et", "du", "mois", "an", "l", "onzes", "heeren", "heren",
           "our", "lord", "d", "jaars", "anno"}
_WEEKDAYS = {"maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag", "monday", "tuesday",
             "wednesday", "thursday", "friday", "saturday", "sunday", "lundi", "mardi", "mercredi", "jeudi", "vendredi",
             "samedi", "dimanche"}
_YEAR_WORD = re.compile(r"honderd|duizend|hundred|thousand|mill?e|cent")


def parse_date(text: str) -> tuple[dt.date, str] | None:
    """The one date a closing-clause fragment names, as (date, precision); None when there is none or more than one.

    Precision is ``day`` when day, month and year are given, ``month`` when only
    month and year are.
    """
    plain = _plain(re.sub(r"<[^>]*>", "", text))
    if re.search(r"\d{1,2}\s*/\s*\d{1,2}|\d{4}\s*/\s*\d", plain):
        return None
    numeric = re.search(r"\b(\d{1,2})[-.](\d{1,2})[-.](\d{4})\b", plain)
    tokens = [t for t in re.split(r"[\s,.;:()*]+", plain.replace("'", " ").replace("’", " ")) if t]
    found: list[tuple[dt.date, str]] = []
    months = [i for i, t in enumerate(tokens) if t in MONTHS]
    for m in months:
        month = MONTHS[tokens[m]]
        # Day before the month (skipping filler), else after it (American order).
        day = None
        j = m - 1
        while j >= 0 and (tokens[j] in _FILLER or tokens[j] in _WEEKDAYS):
            j -= 1
        day_tokens: list[str] = []
        while j >= 0 and (tokens[j] in DAY_WORDS or _NUM_DAY.match(tokens[j]) or tokens[j] in ("en", "et", "and")) and len(day_tokens) < 4:
            day_tokens.insert(0, tokens[j])
            j -= 1
        while day_tokens and day_tokens[0] in ("en", "et", "and"):
            day_tokens.pop(0)
        if sum(1 for t in day_tokens if _NUM_DAY.match(t)) > 1:
            return None  # "op 16 en 21 juni": two days of signature
        if day_tokens:
            day = _day_value(day_tokens)
        k = m + 1
        if day is None and k < len(tokens) and _NUM_DAY.match(tokens[k]) and len(tokens[k].rstrip("stndrhe")) <= 2:
            day = int(_NUM_DAY.match(tokens[k]).group(1))
            k += 1
        while k < len(tokens) and tokens[k] in _FILLER:
            k += 1
        year = None
        if k < len(tokens) and re.fullmatch(r"\d{4}", tokens[k]):
            year = int(tokens[k])
        else:
            words = []
            while k < len(tokens) and not re.fullmatch(r"\d+", tokens[k]) and tokens[k] not in MONTHS and len(words) < 8:
                if tokens[k] in ("in", "zijnde", "being", "en deux", "tweevoud", "duplicate") and words and not _YEAR_WORD.search(tokens[k]):
                    # "... in tweevoud": stop at words that start the next clause
                    trial = year_from_words(" ".join(words))
                    if trial:
                        break
                words.append(tokens[k])
                k += 1
            year = _longest_year(words)
        if year is None or not 1800 <= year <= 2030 or day is None:
            continue
        try:
            date = dt.date(year, month, day) if day else dt.date(year, month, 1)
        except ValueError:
            continue
        found.append((date, "day" if day else "month"))
    if numeric and not found:
        try:
            found.append((dt.date(int(numeric.group(3)), int(numeric.group(2)), int(numeric.group(1))), "day"))
        except ValueError:
            pass
    distinct = list(dict.fromkeys(found))
    if len(distinct) != 1:
        return None
    return distinct[0]


def _day_value(tokens: list[str]) -> int | None:
    if len(tokens) == 1:
        t = tokens[0]
        match = _NUM_DAY.match(t)
        if match:
            value = int(match.group(1))
            return value if 1 <= value <= 31 else None
        return DAY_WORDS.get(t)
    joined = "".join(t for t in tokens if t not in ("en", "et", "and"))
    if joined in DAY_WORDS:
        return DAY_WORDS[joined]
    nl = "en".join(t for t in tokens if t not in ("en", "et", "and"))
    if nl in DAY_WORDS:
        return DAY_WORDS[nl]
    hyphen = "-".join(t for t in tokens if t not in ("en", "et", "and"))
    if hyphen in DAY_WORDS:
        return DAY_WORDS[hyphen]
    return DAY_WORDS.get(tokens[-1]) if tokens[-1] in DAY_WORDS and len(tokens) == 1 else None


def _longest_year(words: list[str]) -> int | None:
    for end in range(len(words), 0, -1):
        year = year_from_words(" ".join(words[:end]))
        if year:
            return year
    return None
