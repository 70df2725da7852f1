"""Scoring a candidate pair: a score 0–100 and the reasons behind it (see the package docstring).

Reasons are ``(code, value)`` tuples; ``REASON_LABELS`` gives each code a message id for the
UI to translate and show beside the value.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from ..i18n import N_

# Name similarity (0–100) from which two names count as "similar".
SIMILAR_NAME = 85
# …and from which a similar name alone (no other evidence) is listed at all.
NAME_ALONE = 90
# Below this a pair is not kept at all (the lowest a "possible duplicate" can score).
MIN_KEPT = 50
# What the duplicates list shows unless asked otherwise: strong and medium evidence.
DEFAULT_MIN_SCORE = 70

REASON_LABELS = {
    "same_email": N_("Same e-mail address"),
    "same_phone": N_("Same phone number"),
    "similar_name": N_("Similar name"),
    "same_company": N_("Same company"),
    "same_email_domain": N_("Same e-mail domain"),
    "same_domain": N_("Same web domain"),
    "same_city": N_("Same city"),
}

type Reason = tuple[str, str | int]


@dataclass(frozen=True, slots=True)
class ContactProfile:
    id: int
    tokens: tuple[str, ...]
    sorted_name: str
    company_id: int | None
    emails: frozenset[str]
    phones: frozenset[str]
    domains: frozenset[str]  # e-mail domains that are not free-mail hosts


@dataclass(frozen=True, slots=True)
class CompanyProfile:
    id: int
    tokens: tuple[str, ...]
    sorted_name: str
    domain: str | None
    phone: str | None
    city: str


INITIAL, LONG = 1, 2


def name_rule(tokens: tuple[str, ...]) -> int:
    """Which rule of ``name_similarity`` may lift this name above its plain ratio:
    ``INITIAL`` (two words, one a single letter), ``LONG`` (three or more words, so a
    shorter name may be a subset of it) or 0."""
    if len(tokens) >= 3:
        return LONG
    if len(tokens) == 2 and min(len(t) for t in tokens) == 1:
        return INITIAL
    return 0


def name_similarity(a: tuple[str, ...], b: tuple[str, ...], sorted_a: str, sorted_b: str) -> int:
    """Token-sort similarity of two folded names, plus two rules it misses.

    A name whose words are all in the other (both at least two words: "Anna Lee" and
    "Anna Maria Lee") scores 90; the same last word with a bare initial for the other's
    first name ("A. Lee" and "Anna Lee") scores 90.
    """
    if not a or not b:
        return 0
    score = fuzz.ratio(sorted_a, sorted_b)
    if score < 90 and min(len(a), len(b)) >= 2:
        small, big = (set(a), set(b)) if len(a) <= len(b) else (set(b), set(a))
        if small <= big:
            score = 90
        elif a[-1] == b[-1] and len(a) == len(b) == 2:
            fa, fb = a[0], b[0]
            if (len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0]:
                score = 90
    return int(score)


def _strong(base: int, similarity: int, both_named: bool, floor: int) -> int:
    """A shared address or number: ``base`` raised by a similar name, lowered by a different one.

    A different name (under 60) with the same address or number is a shared mailbox or
    switchboard more often than a duplicate, so it drops to ``floor`` (below the default list).
    """
    if similarity >= SIMILAR_NAME:
        return min(100, base + round((similarity - SIMILAR_NAME) * 10 / (100 - SIMILAR_NAME)))
    if both_named and similarity < 60:
        return floor
    return base - 5


def score_contacts(p: ContactProfile, q: ContactProfile) -> tuple[int, list[Reason]]:
    """(score, reasons) for two contacts; a score under ``MIN_KEPT`` means "not a duplicate"."""
    reasons: list[Reason] = []
    similarity = name_similarity(p.tokens, q.tokens, p.sorted_name, q.sorted_name)
    emails = sorted(p.emails & q.emails) if p.emails and q.emails else ()
    phones = sorted(p.phones & q.phones) if p.phones and q.phones else ()
    if emails:
        reasons.append(("same_email", emails[0]))
    if phones:
        reasons.append(("same_phone", phones[0]))
    if similarity >= SIMILAR_NAME:
        reasons.append(("similar_name", similarity))
    same_company = p.company_id is not None and p.company_id == q.company_id
    domains = sorted(p.domains & q.domains) if p.domains and q.domains else ()
    if same_company:
        reasons.append(("same_company", p.company_id or 0))
    if domains and not emails:
        reasons.append(("same_email_domain", domains[0]))
    both_named = bool(p.tokens and q.tokens)
    if emails or phones:
        base, floor = (95, 70) if emails and phones else (90, 65) if emails else (85, 60)
        return _strong(base, similarity, both_named, floor), reasons
    if similarity < SIMILAR_NAME:
        return 0, reasons
    if same_company or domains:
        bonus = 5 if same_company and domains else 0
        return min(90, 70 + similarity - SIMILAR_NAME + bonus), reasons
    if similarity >= NAME_ALONE:
        return 50 + similarity - NAME_ALONE, reasons
    return 0, reasons


def score_companies(p: CompanyProfile, q: CompanyProfile) -> tuple[int, list[Reason]]:
    """(score, reasons) for two companies.

    Company names are rarer than people's, so a near-identical name counts as medium
    evidence on its own, unless both have a web domain and they differ (two branches or
    namesakes): then only the same city keeps it, as weak evidence.
    """
    reasons: list[Reason] = []
    similarity = name_similarity(p.tokens, q.tokens, p.sorted_name, q.sorted_name)
    same_domain = p.domain is not None and p.domain == q.domain
    same_phone = p.phone is not None and p.phone == q.phone
    same_city = bool(p.city) and p.city == q.city
    if same_domain:
        reasons.append(("same_domain", p.domain or ""))
    if same_phone:
        reasons.append(("same_phone", p.phone or ""))
    if similarity >= SIMILAR_NAME:
        reasons.append(("similar_name", similarity))
    if same_domain or same_phone:
        base, floor = (
            (95, 70) if same_domain and same_phone else (90, 70) if same_domain else (85, 60)
        )
        return _strong(base, similarity, True, floor), reasons
    if similarity < NAME_ALONE:
        return 0, reasons
    if same_city:
        reasons.append(("same_city", p.city))
    if p.domain is not None and q.domain is not None:  # two web sites: branches or namesakes
        return (50 + similarity - NAME_ALONE if same_city else 0), reasons
    return 70 + similarity - NAME_ALONE + (5 if same_city else 0), reasons
