"""What a safety framework's ratings add up to. Pure functions: no framework is hard-coded.

A framework has an ordered scale (rank 0 = lowest) and two thresholds on it: the highest
post-mitigation level that may be deployed and the highest that may be developed further.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class Level(Protocol):
    rank: int
    name: str


class Rating(Protocol):
    pre_mitigation: Level
    post_mitigation: Level | None


@dataclass(frozen=True)
class ScorecardSummary:
    overall_pre_mitigation: Level | None
    overall_post_mitigation: Level | None
    may_deploy: bool
    may_develop: bool

    @property
    def overall(self) -> Level | None:
        """The headline rating: post-mitigation, as deployment decisions are made on it."""
        return self.overall_post_mitigation


def _highest(levels: Iterable[Level | None]) -> Level | None:
    present = [level for level in levels if level is not None]
    return max(present, key=lambda level: level.rank) if present else None


def summarize(
    ratings: Iterable[Rating], *, deploy_threshold: Level | None, develop_threshold: Level | None
) -> ScorecardSummary:
    """Overall ratings are the highest category rating; a category without a post-mitigation
    rating counts at its pre-mitigation level (nothing mitigated it)."""
    ratings = list(ratings)
    overall_pre = _highest(r.pre_mitigation for r in ratings)
    overall_post = _highest(r.post_mitigation or r.pre_mitigation for r in ratings)

    def within(threshold: Level | None) -> bool:
        return (
            overall_post is not None
            and threshold is not None
            and overall_post.rank <= threshold.rank
        )

    return ScorecardSummary(
        overall_pre_mitigation=overall_pre,
        overall_post_mitigation=overall_post,
        may_deploy=within(deploy_threshold),
        may_develop=within(develop_threshold),
    )
