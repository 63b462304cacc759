"""GraphQL types of a model release's scorecard, built from the ``scorecard`` of an entry's
stored document (``articles.scorecards`` derives it when publishing)."""

import strawberry


@strawberry.type(
    description=(
        "One step of a framework's ordered scale; rank 0 is the lowest risk. An object rather "
        "than an enum because each framework defines its own scale as data: another vendor's "
        "framework works without a schema change. Compare levels of one framework by rank."
    )
)
class RiskLevel:
    name: str
    rank: int

    @classmethod
    def from_dict(cls, level: dict | None) -> "RiskLevel | None":
        return None if level is None else cls(name=level["name"], rank=level["rank"])


@strawberry.type(description="A vendor's safety framework.")
class RiskFramework:
    name: str
    url: str
    scale: list[RiskLevel] = strawberry.field(
        description="The framework's levels, lowest risk first."
    )
    deploy_threshold: RiskLevel | None = strawberry.field(
        description="The highest post-mitigation level that may be deployed."
    )
    develop_threshold: RiskLevel | None = strawberry.field(
        description="The highest post-mitigation level that may be developed further."
    )


@strawberry.type(description="A category's rating.")
class ScorecardRating:
    pre_mitigation: RiskLevel
    post_mitigation: RiskLevel | None = strawberry.field(
        description="Null when nothing mitigated the category."
    )
    category: str = strawberry.field(description="The risk category, e.g. CBRN.")


@strawberry.type(
    description="A specific area of risk a system card covers (Disallowed content, "
    "Jailbreaks, ...)."
)
class RiskArea:
    name: str
    slug: str


@strawberry.type(description="A model release's rating under a framework.")
class Scorecard:
    framework: RiskFramework
    risk_areas: list[RiskArea] = strawberry.field(
        description="Specific areas of risk the system card covers."
    )
    overall: RiskLevel | None = strawberry.field(
        description="The headline rating: the highest post-mitigation category rating."
    )
    overall_pre_mitigation: RiskLevel | None = strawberry.field(
        description="The highest pre-mitigation category rating."
    )
    may_deploy: bool = strawberry.field(
        description="Whether the framework allows deploying the model."
    )
    may_develop: bool = strawberry.field(
        description="Whether the framework allows developing the model further."
    )
    ratings: list[ScorecardRating] = strawberry.field(
        description="Per category, in the framework's order."
    )

    @classmethod
    def from_dict(cls, card: dict | None) -> "Scorecard | None":
        if card is None:
            return None
        level = RiskLevel.from_dict
        framework = card["framework"]
        return cls(
            framework=RiskFramework(
                name=framework["name"],
                url=framework["url"],
                scale=[level(step) for step in framework["scale"]],
                deploy_threshold=level(framework["deploy_threshold"]),
                develop_threshold=level(framework["develop_threshold"]),
            ),
            risk_areas=[RiskArea(name=a["name"], slug=a["slug"]) for a in card["risk_areas"]],
            overall=level(card["overall"]),
            overall_pre_mitigation=level(card["overall_pre_mitigation"]),
            may_deploy=card["may_deploy"],
            may_develop=card["may_develop"],
            ratings=[
                ScorecardRating(
                    pre_mitigation=level(rating["pre_mitigation"]),
                    post_mitigation=level(rating["post_mitigation"]),
                    category=rating["category"],
                )
                for rating in card["ratings"]
            ],
        )
