"""Dunning planning settings: the rules that give each customer a profile (typology)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from src_dash.store.types import Money


class ProfileRule(SQLModel, table=True):
    """A rule giving a profile to the customers it matches; the first matching rule wins.

    Every condition that is set must hold (an empty list or None means "any"); a rule with no
    condition matches everyone (the catch-all at the end of the list). Customers whose profile
    was set by hand (`customer.profile_set_by_hand`) are never changed by rules.
    """

    __tablename__ = "profile_rule"

    id: int | None = Field(default=None, primary_key=True)
    position: int = 0
    profile: str = Field(max_length=40)
    description: str = Field(default="", max_length=200)
    company_id: int | None = Field(default=None, foreign_key="company.id", ondelete="CASCADE")
    grades: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    free_field: str = Field(default="", max_length=60)
    free_field_values: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    min_outstanding: Decimal | None = Field(default=None, sa_type=Money)
    countries: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    outside_countries: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    foreign_currency: bool | None = None
    active: bool = True
