"""The body of every error: an RFC 9457 problem detail."""

from __future__ import annotations

from pydantic import BaseModel, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:sourced-claims:problem:"


class FieldError(BaseModel):
    """One invalid parameter or field."""

    field: str = Field(description="The offending parameter or body field.")
    location: str = Field(description="query, path, header or body.")
    message: str = Field(description="What is wrong with it.")


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(
        description="URI naming the kind of problem.",
        examples=[PROBLEM_TYPE_BASE + "unknown-reference"],
    )
    title: str = Field(description="Short summary of the kind.", examples=["Unknown entity"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request.",
        examples=["entity='legoin' matches no entity. Did you mean: freedom-of-russia-legion?"],
    )
    field: str | None = Field(default=None, description="The parameter or field at fault.")
    suggestions: list[str] | None = Field(default=None, description="Close matches to try instead.")
    errors: list[FieldError] | None = Field(
        default=None, description="Every invalid field, for validation errors."
    )
