"""Every extract of `extracts.md` (v2), declared as data, one module per group of sources.

`EXTRACTS` lists them in the specification's order; the vocabularies are
re-exported by `dscp_metrics.load.contract`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..model import Extract
from .education import EDUCATION_STATUS, EDUCATION_STATUSES
from .meetings import AGENCIES, ATTENDANCE, MEETING_ATTENDANCE, MEETING_TYPES
from .missing import IN_CARE, MISSING_EPISODES, RHI_STATUSES
from .osa import OSA_ISSUED, OSA_RETURNS, OSA_SECTIONS, RATINGS
from .referrals import (
    CEVT_REFERRALS,
    CSC_REFERRALS,
    EXPLOITATION_TYPES,
    FACTORS,
    LOCALITIES,
    RISK_LEVELS,
)
from .restraint import INJURY_LEVELS, RESTRAINT_INCIDENTS
from .training import COMPLETED, ORGANISATION_TYPES, TRAINING_RECORDS, TRAINING_ROUTES

_IN_SPEC_ORDER = (
    CSC_REFERRALS,
    CEVT_REFERRALS,
    RESTRAINT_INCIDENTS,
    OSA_RETURNS,
    OSA_ISSUED,
    TRAINING_RECORDS,
    MISSING_EPISODES,
    MEETING_ATTENDANCE,
    EDUCATION_STATUS,
)

EXTRACTS: Mapping[str, Extract] = MappingProxyType({e.source: e for e in _IN_SPEC_ORDER})
"""Every extract of the contract, by source name, in the order of `extracts.md`."""

__all__ = [
    "AGENCIES", "ATTENDANCE", "COMPLETED", "EDUCATION_STATUSES", "EXPLOITATION_TYPES", "EXTRACTS", "FACTORS",
    "INJURY_LEVELS", "IN_CARE", "LOCALITIES", "MEETING_TYPES", "ORGANISATION_TYPES", "OSA_SECTIONS", "RATINGS",
    "RHI_STATUSES", "RISK_LEVELS", "TRAINING_ROUTES",
]
