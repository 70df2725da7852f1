"""Possible duplicate contacts and companies, dismissing a pair, and merging two records.

Detection (``find_duplicates``, ``duplicates_of``)
    Records are compared only within blocks that share something (``keys``): an e-mail
    address, a phone number, or a name key (the sorted words of the name; last name + first
    initial; a sound key of the last name + first initial; first name + last initial; for
    companies the sorted words without the legal form, its first word, a sound key, the web
    domain and the phone). Names are compared folded (case, accents, punctuation) with
    rapidfuzz: token-sort ratio, plus 90 for "Anna Lee" / "Anna Maria Lee" (one name's words
    all in the other's) and "A. Lee" / "Anna Lee" (an initial). Never all pairs.

Scores (0–100) and reasons (codes in ``REASON_LABELS``, shown with their ``N_`` labels)
    Contacts
      strong  same e-mail (case-insensitive)      90, up to 100 with a similar name
              same E.164 phone                    85, up to 95; both: 95, up to 100
              …but with a clearly different name  65 (e-mail) / 60 (phone) / 70 (both):
              (similarity < 60) a shared mailbox or switchboard, so below the default list
      medium  similar name (≥ 85) + same company or the same e-mail domain (not a free-mail
              host such as gmail.com)             70–85, +5 when both
      weak    similar name alone (≥ 90)           50–60
    Companies
      strong  same web domain 90–100, same phone 85–95, both 95–100 (different name: 70/60/70)
      medium  similar name (≥ 90, legal form ignored), at most one has a web domain
                                                  70–80, +5 in the same city
      weak    the same, but both have different web domains and share the city   50–60
    ``DEFAULT_MIN_SCORE`` = 70: the list shows strong and medium evidence; pass
    ``min_score=50`` to see the weak pairs too. Pairs under 50 are never kept.

Cost
    A full scan of 100,800 contacts takes about 2.2 s, of 20,000 companies 0.6 s (shared
    2-core machine; bench/bench_duplicates.py). The result is kept per process and database
    until the data changes (``cache``): after the first call a page or ``duplicates_of``
    costs 20–35 ms, most of it the data-version check.

Merging (``merge_preview``, ``merge_contacts``, ``merge_companies``): see ``merge``.
"""

from __future__ import annotations

from .cache import forget as forget_cached_scans
from .fields import OTHER, SURVIVOR
from .finder import (
    ENTITIES,
    DuplicatePage,
    DuplicatePair,
    dismiss,
    duplicates_of,
    find_duplicates,
)
from .merge import merge_companies, merge_contacts
from .preview import MergeField, MergePreview, merge_preview
from .scoring import DEFAULT_MIN_SCORE, MIN_KEPT, NAME_ALONE, REASON_LABELS, SIMILAR_NAME

__all__ = [
    "DEFAULT_MIN_SCORE",
    "ENTITIES",
    "MIN_KEPT",
    "NAME_ALONE",
    "OTHER",
    "REASON_LABELS",
    "SIMILAR_NAME",
    "SURVIVOR",
    "DuplicatePage",
    "DuplicatePair",
    "MergeField",
    "MergePreview",
    "dismiss",
    "duplicates_of",
    "find_duplicates",
    "forget_cached_scans",
    "merge_companies",
    "merge_contacts",
    "merge_preview",
]
