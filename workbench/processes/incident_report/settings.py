"""The ``incidents`` section of ``workbench.yaml``: the severity scale, the harm categories, and the
regulatory clocks of a serious incident (EU AI Act Art. 73), each a setting with its default."""

from __future__ import annotations

from pydantic import Field, field_validator

from workbench.validate import Slug, Strict

GROUNDS = ("death", "widespread-infringement", "critical-infrastructure", "other-serious-harm")


class AuthorityPeriods(Strict):
    """Calendar days (weekends and holidays count) from the day the organisation became aware of a
    serious incident to the day its report to the market surveillance authority is due."""

    death: int = Field(default=10, ge=0, le=365, description="where a person died (Art. 73(4))")
    widespread_infringement: int = Field(default=2, ge=0, le=365,
                                         description="a widespread infringement (Art. 73(3))")
    critical_infrastructure: int = Field(default=2, ge=0, le=365,
                                         description="a serious disruption of critical infrastructure (Art. 73(3))")
    other_serious_harm: int = Field(default=15, ge=0, le=365, description="any other serious incident (Art. 73(2))")

    def days(self, ground: str) -> int:
        """The period of one ground (one of :data:`GROUNDS`)."""
        return getattr(self, ground.replace("-", "_"))


class IncidentSettings(Strict):
    """How incidents are rated and when their reports are due."""

    severity: list[Slug] = Field(default_factory=lambda: ["negligible", "minor", "moderate", "major", "critical"],
                                 min_length=2, max_length=10, description="the severity scale, least severe first")
    harm_categories: list[Slug] = Field(
        default_factory=lambda: ["health-and-safety", "fundamental-rights", "discrimination", "privacy",
                                 "financial-loss", "property-or-environment", "critical-infrastructure",
                                 "service-quality", "other"], min_length=1, max_length=30)
    high_risk_tiers: list[Slug] = Field(default_factory=lambda: ["high"], max_length=20,
                                        description="system tiers that are high-risk AI systems in the EU AI Act's "
                                                    "sense: their serious incidents run the reporting clock")
    authority_periods: AuthorityPeriods = Field(default_factory=AuthorityPeriods)
    due_within_days: int = Field(default=3, ge=0, le=60,
                                 description="a report not yet made is flagged as due this many days before its due date")

    @field_validator("severity", "harm_categories")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each level or category is listed once")
        return value
