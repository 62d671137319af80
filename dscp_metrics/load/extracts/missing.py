"""`missing_episodes.csv` (`extracts.md` v2): children missing from home or care, from the missing-children service.

Rules, each a reason of its own, in the specification's order: `return_date`
before `missing_date`; an `rhi_status` or an `rhi_date` without a
`return_date` (an interview follows a return); `rhi_status` `held` without an
`rhi_date`; an `rhi_date` with any other status (an empty status counts as
any other); `rhi_date` before `return_date`.
"""

from __future__ import annotations

from ..model import Column, ColumnType, Extract, codes
from ..rules import NotBefore, Requires

T, D, C = ColumnType.TEXT, ColumnType.DATE, ColumnType.CODE

IN_CARE = codes(("yes", "a looked-after child missing from care"), ("no", "missing from home"))

RHI_STATUSES = codes(
    ("held", "the return home interview was held"),
    ("declined", "offered, refused"),
    ("pending", "not yet held"),
    ("not_offered", "not offered"),
)

MISSING_EPISODES = Extract(
    source="missing_episodes",
    title="Children missing from home or care",
    row_meaning="one row per episode of a child going missing (police notifications and the local authority's records)",
    columns=(
        Column("episode_id", T, True, "the episode's identifier; each episode appears once"),
        Column("child_id", T, True,
               "the child's pseudonymised identifier, the same pseudonym as in every other extract"),
        Column("missing_date", D, True, "when the child was reported missing (a date-time is accepted)"),
        Column("return_date", D, False, "when the child returned or was found; empty while still missing"),
        Column("in_care", C, True, "whether the child is looked after (missing from care) or not (missing from home)",
               IN_CARE),
        Column("rhi_status", C, False, "the return home interview's status; empty when not recorded", RHI_STATUSES),
        Column("rhi_date", D, False, "the day the return home interview was held"),
    ),
    unique_key=("episode_id",),
    period_column="missing_date",
    rules=(
        NotBefore("return_date", "missing_date", "return_date before missing_date"),
        Requires("rhi_status", "return_date", "rhi_status without a return_date"),
        Requires("rhi_date", "return_date", "rhi_date without a return_date"),
        Requires("rhi_status", "rhi_date", "rhi_status held without an rhi_date", when=("held",)),
        Requires("rhi_date", "rhi_status", "rhi_date with a status other than held", other_in=("held",)),
        NotBefore("rhi_date", "return_date", "rhi_date before return_date"),
    ),
)
