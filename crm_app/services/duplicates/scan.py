"""The full scan: load the few columns matching needs, block, score the candidate pairs.

Records meet in blocks (same address, number or name key, see ``keys``); inside a name
block rapidfuzz's ``cdist`` compares the sorted names in C and only pairs that can reach a
kept score (a similar enough name, or one a rule of ``name_similarity`` may lift) are
scored in Python. Nothing here writes or caches (see ``cache``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import sqlalchemy as sa
from rapidfuzz import fuzz, process
from sqlmodel import Session

from crm_app.models import Company, Contact, ContactEmail, ContactPhone

from . import keys
from .scoring import (
    INITIAL,
    LONG,
    MIN_KEPT,
    NAME_ALONE,
    SIMILAR_NAME,
    CompanyProfile,
    ContactProfile,
    name_rule,
    score_companies,
    score_contacts,
)

_SMALL_BLOCK = 16

# (low id, high id, score, reasons)
type Scored = tuple[int, int, int, tuple[tuple[str, Any], ...]]


_NONE: frozenset[str] = frozenset()


def load_contacts(session: Session) -> tuple[list[ContactProfile], list[list[str]]]:
    """The contacts as matching sees them, and each one's name keys (same order)."""
    db = session.connection()  # Core rows: no ORM result processing for 100k+ rows
    emails: dict[int, set[str]] = defaultdict(set)
    for cid, email in db.execute(sa.select(ContactEmail.contact_id, ContactEmail.email)).all():
        if email:
            emails[cid].add(email.strip().lower())
    phones: dict[int, set[str]] = defaultdict(set)
    for cid, phone in db.execute(sa.select(ContactPhone.contact_id, ContactPhone.phone)).all():
        if key := keys.phone_key(phone):
            phones[cid].add(key)
    query = sa.select(Contact.id, Contact.first_name, Contact.last_name, Contact.company_id)
    out, name_keys = [], []
    for cid, first, last, company_id in db.execute(query).all():
        tokens, found = keys.contact_name(first, last)
        name_keys.append(found)
        mine = frozenset(emails[cid]) if cid in emails else _NONE
        out.append(
            ContactProfile(
                id=cid,
                tokens=tokens,
                sorted_name=" ".join(sorted(tokens)),
                company_id=company_id,
                emails=mine,
                phones=frozenset(phones[cid]) if cid in phones else _NONE,
                domains=frozenset(d for e in mine if (d := keys.email_domain(e))) or _NONE,
            )
        )
    return out, name_keys


def load_companies(session: Session) -> list[CompanyProfile]:
    query = sa.select(Company.id, Company.name, Company.domain, Company.phone, Company.city)
    out = []
    for cid, name, domain, phone, city in session.connection().execute(query).all():
        tokens = keys.company_tokens(name)
        out.append(
            CompanyProfile(
                id=cid,
                tokens=tokens,
                sorted_name=" ".join(sorted(tokens)),
                domain=keys.web_domain(domain),
                phone=keys.phone_key(phone),
                city=keys.fold(city),
            )
        )
    return out


def _exact_blocks(profiles: list[Any], values: Callable[[Any], Iterable[str]]) -> list[list[int]]:
    """Positions of profiles sharing a value (an address, a number), per value."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(profiles):
        for value in values(p):
            groups[value].append(i)
    return [g for g in groups.values() if len(g) > 1]


@dataclass
class _Names:
    """The distinct sorted names, who bears each, and the name blocks over them.

    Comparing distinct names instead of records means a name that many records share is
    compared once, and the records bearing one name are paired without comparing at all.
    """

    texts: list[str]
    bearers: list[list[int]]
    blocks: list[list[int]]


def _names(profiles: list[Any], name_keys: list[list[str]]) -> _Names:
    index: dict[str, int] = {}
    texts: list[str] = []
    bearers: list[list[int]] = []
    groups: dict[str, set[int]] = defaultdict(set)
    for i, p in enumerate(profiles):
        if not p.sorted_name:
            continue
        u = index.get(p.sorted_name)
        if u is None:
            u = index[p.sorted_name] = len(texts)
            texts.append(p.sorted_name)
            bearers.append([])
        bearers[u].append(i)
        for key in name_keys[i]:
            groups[key].add(u)
    blocks = [sorted(g) for g in groups.values() if 1 < len(g) <= keys.MAX_BLOCK]
    return _Names(texts, bearers, blocks)


def _close_pairs(
    block: list[int], names: list[str], rules: list[int], cutoff: int
) -> Iterable[tuple[int, int]]:
    """Pairs of positions in ``block`` worth scoring: sorted names at least ``cutoff`` alike;
    a long name (``LONG``) and one whose words are all in it (token-set 100, the subset rule);
    every pair with a name holding an initial (``INITIAL``, the initial rule).

    Small blocks are compared pair by pair; larger ones with rapidfuzz's ``cdist`` in C,
    whose per-call overhead would cost more than the loop for a handful of names.
    """
    for x, i in enumerate(block):
        if rules[i] == INITIAL:
            for j in block[:x] + block[x + 1 :]:
                yield i, j
    if len(block) <= _SMALL_BLOCK:
        for x in range(len(block)):
            for y in range(x + 1, len(block)):
                i, j = block[x], block[y]
                if fuzz.ratio(names[i], names[j], score_cutoff=cutoff) or (
                    LONG in (rules[i], rules[j])
                    and fuzz.token_set_ratio(names[i], names[j], score_cutoff=100)
                ):
                    yield i, j
        return
    texts = [names[i] for i in block]
    close = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=cutoff, dtype=np.uint8)
    xs, ys = np.nonzero(np.triu(close, 1))
    for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
        yield block[x], block[y]
    longs = [x for x, i in enumerate(block) if rules[i] == LONG]
    if longs:
        subset = process.cdist(
            [texts[x] for x in longs],
            texts,
            scorer=fuzz.token_set_ratio,
            score_cutoff=100,
            dtype=np.uint8,
        )
        for r, y in zip(*(a.tolist() for a in np.nonzero(subset)), strict=True):
            if longs[r] != y:
                yield block[longs[r]], block[y]


def _scan(
    profiles: list[Any],
    exact: list[list[int]],
    names: _Names,
    score: Callable[[Any, Any], tuple[int, list]],
    cutoff: int,
) -> list[Scored]:
    seen: set[tuple[int, int]] = set()
    out: list[Scored] = []
    shared: dict[tuple, tuple] = {}  # tens of thousands of pairs share a few reason tuples

    def consider(i: int, j: int) -> None:
        pair = (i, j) if i < j else (j, i)
        if pair in seen:
            return
        seen.add(pair)
        p, q = profiles[pair[0]], profiles[pair[1]]
        value, reasons = score(p, q)
        if value >= MIN_KEPT:
            low, high = (p.id, q.id) if p.id < q.id else (q.id, p.id)
            why = tuple(reasons)
            out.append((low, high, value, shared.setdefault(why, why)))

    def all_pairs(block: list[int]) -> Iterable[tuple[int, int]]:
        for x in range(len(block)):
            for y in range(x + 1, len(block)):
                yield block[x], block[y]

    for block in exact:
        if len(block) <= keys.MAX_SHARED:
            for i, j in all_pairs(block):
                consider(i, j)
        elif len(block) <= keys.MAX_BLOCK:  # a switchboard or shared mailbox: similar names only
            texts = [profiles[i].sorted_name for i in block]
            local = [name_rule(profiles[i].tokens) for i in block]
            for x, y in _close_pairs(list(range(len(block))), texts, local, cutoff):
                consider(block[x], block[y])
    for bearers in names.bearers:  # the same name
        if 1 < len(bearers) <= keys.MAX_BLOCK:
            for i, j in all_pairs(bearers):
                consider(i, j)
    rules = [name_rule(tuple(text.split())) for text in names.texts]
    compared: set[tuple[int, int]] = set()
    for block in names.blocks:
        for u, v in _close_pairs(block, names.texts, rules, cutoff):
            if (u, v) in compared or (v, u) in compared:
                continue
            compared.add((u, v))
            for i in names.bearers[u]:
                for j in names.bearers[v]:
                    consider(i, j)
    out.sort(key=lambda s: (-s[2], s[0], s[1]))
    return out


def scan_contacts(session: Session) -> list[Scored]:
    """Every contact pair scoring at least MIN_KEPT, best first."""
    profiles, name_keys = load_contacts(session)
    exact = _exact_blocks(profiles, lambda p: p.emails) + _exact_blocks(
        profiles, lambda p: p.phones
    )
    return _scan(profiles, exact, _names(profiles, name_keys), score_contacts, SIMILAR_NAME)


def scan_companies(session: Session) -> list[Scored]:
    """Every company pair scoring at least MIN_KEPT, best first."""
    profiles = load_companies(session)
    exact = _exact_blocks(profiles, lambda p: [p.domain] if p.domain else []) + _exact_blocks(
        profiles, lambda p: [p.phone] if p.phone else []
    )
    name_keys = [keys.company_name_keys(p.tokens) for p in profiles]
    return _scan(profiles, exact, _names(profiles, name_keys), score_companies, NAME_ALONE)
