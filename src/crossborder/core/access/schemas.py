"""What comes in and goes out of the identity API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    kind: str
    country: str = Field(min_length=2, max_length=8)


class OrganisationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    kind: str
    country: str
    created_at: datetime


class UserIn(Strict):
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)
    display_name: str = Field(default="", max_length=200)
    organisation_id: int
    roles: list[str] = Field(max_length=10)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    display_name: str
    organisation_id: int
    roles: list[str]
    active: bool
    created_at: datetime


class ApiKeyIn(Strict):
    organisation_id: int
    name: str = Field(default="", max_length=200)
    role: str


class ApiKeyOut(BaseModel):
    key_id: str
    name: str
    organisation_id: int
    role: str
    created_at: datetime
    revoked_at: datetime | None = None
    token: str | None = Field(default=None, description="The full key. Shown once, in the first response only.")
