"""Latin letters for Hebrew, Persian and Armenian words, for e-mail addresses and web domains.

``unidecode`` (what ``ascii_slug`` uses) spells the abjads as bare consonants ("lvmh prts") and
Armenian in an old scheme ("Erewan", "Gyowmri"). Here known Hebrew and Persian names come from a
word list and the rest from simple reading rules (vowel letters, final he, a vowel to break
consonant clusters); Armenian is spelled as people do in e-mail addresses ("yerevan",
"gyumri"). Latin text and other scripts pass unchanged.
"""

from __future__ import annotations

import re

from .translit_words import HEBREW, PERSIAN

# A word of Hebrew or Arabic-script letters (with a geresh, an apostrophe or a ZWNJ inside).
_WORD = re.compile(
    "[\u05d0-\u05ea\u0620-\u064a\u067e-\u06d5]['\u05f3\u200c\u05d0-\u05ea\u0620-\u064a\u067e-\u06d5]*"
)

_HE = {
    "א": "a", "ב": "v", "ג": "g", "ד": "d", "ה": "h", "ו": "o", "ז": "z", "ח": "ch", "ט": "t",
    "י": "i", "כ": "ch", "ך": "ch", "ל": "l", "מ": "m", "ם": "m", "נ": "n", "ן": "n", "ס": "s",
    "ע": "a", "פ": "f", "ף": "f", "צ": "tz", "ץ": "tz", "ק": "k", "ר": "r", "ש": "sh", "ת": "t",
}  # fmt: skip
_HE_INITIAL = {"ב": "b", "כ": "k", "פ": "p"}
_HE_GERESH = {"ג": "j", "ז": "zh", "צ": "ch", "ץ": "ch", "ת": "th", "ח": "kh"}
# Endings of Ashkenazi surnames, spelled as their bearers do.
_HE_ENDINGS = {"שטיין": "stein", "ברג": "berg", "פלד": "feld", "וביץ": "ovitz", "סקי": "ski"}

_FA = {
    "ا": "a", "آ": "a", "أ": "a", "إ": "e", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j",
    "چ": "ch", "ح": "h", "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s",
    "ش": "sh", "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "gh",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "و": "o", "ه": "h", "ی": "i", "ئ": "e",
    "ؤ": "o", "ء": "", "ة": "eh",
}  # fmt: skip
_HY = dict(zip(
    "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
    "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f".split(),
    strict=True,
))  # fmt: skip
_ARMENIAN = re.compile("[\u0531-\u0587]+")
_VOWELS = set("aeiou")


def persian_letters(text: str) -> str:
    """``text`` with the Arabic forms of yeh and kaf (as in some Faker names) made Persian."""
    return text.replace("ي", "ی").replace("ى", "ی").replace("ك", "ک")


def _normalize_fa(word: str) -> str:
    return persian_letters(word).replace("\u200c", "")


def _break_clusters(units: list[str], vowel: str, end: bool = True) -> str:
    """Join letter units, with ``vowel`` between the first two and (``end``) last two consonants."""
    kinds = [u[0] not in _VOWELS for u in units]
    out: list[str] = []
    run = 0
    for i, unit in enumerate(units):
        consonant = kinds[i]
        at_edge = i == 1 or (end and i == len(units) - 1)
        if consonant and i and kinds[i - 1] and (at_edge or run >= 2):
            out.append(vowel)
            run = 0
        out.append(unit)
        run = run + 1 if consonant else 0
    text = "".join(out)
    return re.sub(r"([aeiou])\1+", r"\1", text)


def _hebrew(word: str, end: bool = True) -> str:
    for ending, latin in _HE_ENDINGS.items():
        if word.endswith(ending) and len(word) > len(ending) + 1:
            return _hebrew(word[: -len(ending)], end=False) + latin
    word = word.replace("\u05f3", "'")
    units: list[str] = []
    i = 0
    while i < len(word):
        ch, nxt = word[i], word[i + 1 : i + 2]
        last = i == len(word) - 1 or word[i + 1 :] == "'"
        if ch == "'":
            i += 1
            continue
        if nxt == "'" and ch in _HE_GERESH:
            units.append(_HE_GERESH[ch])
            i += 2
            continue
        if ch == "ו":
            if nxt == "ו" or i == 0 or (last and units[-1][-1] in _VOWELS):
                units.append("v")
                i += 2 if nxt == "ו" else 1
                continue
            units.append("o")
        elif ch == "י":
            if nxt == "י" and units:
                units.append("ai")
                i += 2
                continue
            units.append("y" if i == 0 or (units and units[-1][-1] in _VOWELS) else "i")
        elif ch in "אע":
            if not units and nxt in ("ו", "י"):
                i += 1
                continue
            units.append("a")
        elif ch == "ה":
            units.append("a" if last and units else "h")
        elif not units and ch in _HE_INITIAL:
            units.append(_HE_INITIAL[ch])
        else:
            units.append(_HE.get(ch, ""))
        i += 1
    return _break_clusters([u for u in units if u], "a", end)


def _persian(word: str) -> str:
    units: list[str] = []
    for i, ch in enumerate(word):
        nxt = word[i + 1 : i + 2]
        if ch in "اآ" and not units and nxt in ("و", "ی"):
            continue
        if ch == "و":
            after_vowel = bool(units) and units[-1][-1] in _VOWELS
            units.append("v" if i == 0 or nxt in ("ا", "آ") or after_vowel else "o")
        elif ch == "ی":
            units.append("y" if i == 0 or nxt in ("ا", "آ", "و") else "i")
        elif ch == "ه" and units and i == len(word) - 1:
            units.append("eh")
        else:
            units.append(_FA.get(ch, ""))
    return _break_clusters([u for u in units if u], "e")


def _word(match: re.Match[str]) -> str:
    word = match.group(0)
    if "\u05d0" <= word[0] <= "\u05ea":
        clean = word.replace("\u05f3", "'")
        return HEBREW.get(clean) or _hebrew(clean)
    word = _normalize_fa(word)
    return PERSIAN.get(word) or _persian(word)


def _armenian(match: re.Match[str]) -> str:
    word = match.group(0).lower().replace("ու", "u").replace("և", "ev")
    out = []
    for i, ch in enumerate(word):
        if i == 0 and ch in "եո":
            out.append("ye" if ch == "ե" else "vo")
        else:
            out.append(_HY.get(ch, ch))
    return "".join(out)


def to_latin(text: str) -> str:
    """``text`` with its Hebrew, Persian and Armenian words spelled in Latin letters."""
    return _ARMENIAN.sub(_armenian, _WORD.sub(_word, text))
