"""Normalising names, addresses and numbers for matching, and the blocking keys.

Blocking keys decide which records are compared at all: two records are scored only when
they share a key, so detection never compares every pair. A name key that more than
``MAX_BLOCK`` distinct names share (a very common surname with one initial), or one name
that many records bear, is too unspecific to compare inside; those records still meet
through their other keys. An address or number more than ``MAX_SHARED`` records share is a
shared mailbox or switchboard: only those of its records with similar names are paired
(and none beyond ``MAX_BLOCK``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_BLOCK = 400
MAX_SHARED = 20

# Letters NFKD does not decompose into a base letter and a mark.
_FOLD = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "ł": "l", "þ": "th", "ı": "i", "ß": "ss"}
)
_NOT_WORD = re.compile(r"[^\w]+|_")

# Addresses anybody can get: a shared domain there says nothing about a shared employer.
FREE_MAIL = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk ymail.com hotmail.com hotmail.co.uk
    outlook.com live.com msn.com icloud.com me.com mac.com aol.com gmx.com gmx.de gmx.net
    web.de t-online.de mail.com mail.ru inbox.ru list.ru bk.ru yandex.ru yandex.com
    proton.me protonmail.com pm.me zoho.com hey.com fastmail.com tutanota.com
    mail.ee hot.ee online.ee inbox.lv one.lt luukku.com suomi24.fi telia.com
    walla.co.il walla.com chmail.ir laposte.net orange.fr free.fr wanadoo.fr libero.it
    seznam.cz wp.pl o2.pl interia.pl onet.pl
    """.split()
)

# Legal forms, dropped from company names before comparing ("Acme OÜ" = "ACME AS").
LEGAL_FORMS = frozenset(
    """
    ou mtu as ab oy oyj tmi ky uab sia ii gmbh ag kg ug ev mbh ltd limited llc llp inc
    incorporated corp corporation co company plc bv nv sa sas sarl srl spa aps asa sp zoo
    doo kft sro bm
    """.split()
)

_VOWELS = frozenset("aeiouy")
_SOUND = str.maketrans({"c": "k", "q": "k", "z": "s", "w": "v"})


@lru_cache(maxsize=1 << 16)  # names repeat a lot: Anna, Tamm, Helsinki…
def fold(text: str | None) -> str:
    """Lower case, without diacritics or punctuation, single spaces ("Jüri-Mätas" → "juri matas").

    Letters of other scripts are kept as they are (lower-cased), so Hebrew or Armenian names
    are compared as written.
    """
    text = unicodedata.normalize("NFKD", str(text or "")).casefold().translate(_FOLD)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def company_tokens(name: str | None) -> tuple[str, ...]:
    """The words of a company name without its legal form (kept when it is the whole name)."""
    words = tuple(fold(name).split())
    kept = tuple(w for w in words if w not in LEGAL_FORMS)
    return kept or words


@lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """A rough sound key: first letter, then consonants, similar ones merged, no repeats.

    "Leppik" and "Lepik", "Smith" and "Smyth", "Meyer" and "Maier" share one.
    """
    word = word.translate(_SOUND).replace("ph", "f").replace("th", "t")
    if not word:
        return ""
    out = [word[0]]
    for ch in word[1:]:
        if ch in _VOWELS or ch == "h" or ch == out[-1]:
            continue
        out.append(ch)
    return "".join(out)


def email_domain(address: str) -> str | None:
    """The domain of an address when it can tell an employer (None for free-mail hosts)."""
    domain = address.rsplit("@", 1)[-1].strip().lower() if "@" in address else ""
    return domain if domain and domain not in FREE_MAIL else None


def web_domain(domain: str | None) -> str | None:
    """A company's stored domain as compared: lower-case, no "www.", free-mail hosts dropped."""
    text = str(domain or "").strip().lower().removeprefix("www.")
    return text if text and text not in FREE_MAIL else None


def phone_key(phone: str | None) -> str | None:
    """A stored number as compared: E.164 as stored; legacy text reduced to "+" and digits."""
    text = "".join(ch for ch in str(phone or "") if ch.isdigit() or ch == "+")
    return text if len(text.lstrip("+")) >= 6 else None


def contact_name(first: str | None, last: str | None) -> tuple[tuple[str, ...], list[str]]:
    """A person's folded name words, and its blocking keys.

    ``n:`` the sorted words (same name, any order); ``l:`` last name + first initial
    (Kati/Katrin Tamm); ``p:`` sound key of the last name + first initial (Lepik/Leppik);
    ``f:`` first name + last initial (a typo anywhere in the last name).
    """
    first_words = fold(first).split()
    last_words = fold(last).split()
    tokens = (*first_words, *last_words)
    if not tokens:
        return tokens, []
    found = ["n:" + " ".join(sorted(tokens))]
    surname = "".join(last_words) or (tokens[-1] if len(tokens) > 1 else "")
    initial = first_words[0][0] if first_words else ""
    if surname:
        found.append(f"l:{surname}|{initial}")
        found.append(f"p:{skeleton(surname)}|{initial}")
    if first_words and last_words:
        found.append(f"f:{''.join(first_words)}|{last_words[0][0]}")
    return tokens, found


def company_name_keys(tokens: tuple[str, ...]) -> list[str]:
    """Blocking keys from a company name: the sorted words, the first word, the sound key."""
    if not tokens:
        return []
    keys = ["n:" + " ".join(sorted(tokens)), "s:" + skeleton("".join(tokens))]
    if len(tokens[0]) >= 3:
        keys.append("f:" + tokens[0])
    return keys
