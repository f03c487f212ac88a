"""The exceptions of the client: one per kind of refusal, each carrying the problem body.

Kept apart from the transport so that code which only catches errors (or builds them in
tests) needs neither client.
"""

from __future__ import annotations

import httpx
from pydantic import ValidationError

from models import FieldError, Problem, Retraction


class ClaimsAPIError(Exception):
    """The service said no; `problem` is its RFC 9457 body, so callers can branch on
    `field` and offer `suggestions` instead of parsing messages."""

    def __init__(self, problem: Problem, response: httpx.Response | None = None) -> None:
        super().__init__(f"{problem.status} {problem.title}: {problem.detail}")
        self.problem = problem
        self.response = response

    @property
    def status(self) -> int:
        return self.problem.status

    @property
    def title(self) -> str:
        return self.problem.title

    @property
    def detail(self) -> str:
        return self.problem.detail

    @property
    def field(self) -> str | None:
        return self.problem.field

    @property
    def suggestions(self) -> list[str]:
        return self.problem.suggestions or []

    @property
    def errors(self) -> list[FieldError]:
        return self.problem.errors or []

    @classmethod
    def from_response(cls, response: httpx.Response) -> ClaimsAPIError:
        """The most specific error for `response`; a body that is not a problem (a proxy's
        HTML page, say) becomes an `about:blank` problem carrying its text, as RFC 9457
        prescribes for problems with no more meaning than their status."""
        problem = _problem_of(response)
        kind = _ERROR_BY_STATUS.get(response.status_code, ClaimsAPIError)
        return kind(problem, response)


class AuthError(ClaimsAPIError):
    """401: no key, or one the service does not know (or revoked); 403: a key whose
    scope is too small for the request (`write` to edit, `admin` to delete)."""


class NotFoundError(ClaimsAPIError):
    """404: an id, slug or name (in a path or a filter) that matches nothing."""


class ConflictError(ClaimsAPIError):
    """409: an id or slug taken already, or a delete of something still in use."""


class GoneError(ClaimsAPIError):
    """410: the claim was retracted; `retraction` says who withdrew it, when and why, and
    `etag` is the version to pass as `if_match` to `restore_claim`."""

    def __init__(self, problem: Problem, response: httpx.Response | None = None) -> None:
        super().__init__(problem, response)
        self.retraction: Retraction | None = _retraction_of(response)
        self.etag: str | None = response.headers.get("etag") if response is not None else None


class PreconditionFailedError(ClaimsAPIError):
    """412: the resource changed since the ETag given as `if_match` was read; read it
    again and reapply the change."""


class InvalidRequestError(ClaimsAPIError):
    """422: a parameter or body field the service refuses; `field` names it."""


_ERROR_BY_STATUS: dict[int, type[ClaimsAPIError]] = {
    401: AuthError,
    403: AuthError,
    404: NotFoundError,
    409: ConflictError,
    410: GoneError,
    412: PreconditionFailedError,
    422: InvalidRequestError,
}


def raise_for_problem(response: httpx.Response) -> httpx.Response:
    """`response` itself if it is a 2xx; otherwise the error for its status, raised."""
    if not response.is_success:
        raise ClaimsAPIError.from_response(response)
    return response


def _retraction_of(response: httpx.Response | None) -> Retraction | None:
    """The problem's `retraction` member, which `Problem` itself does not model."""
    if response is None:
        return None
    try:
        body = response.json()
        return Retraction.model_validate(body["retraction"]) if isinstance(body, dict) else None
    except (ValueError, KeyError, ValidationError):
        return None


def _problem_of(response: httpx.Response) -> Problem:
    content_type = response.headers.get("content-type", "")
    if "json" in content_type:
        try:
            return Problem.model_validate(response.json())
        except (ValueError, ValidationError):
            pass
    return Problem(
        type="about:blank",
        title=response.reason_phrase or f"HTTP {response.status_code}",
        status=response.status_code,
        detail=response.text,
    )
