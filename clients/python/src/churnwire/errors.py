"""Typed errors for failed calls, with the details the server packs into google.rpc.Status.

The server answers bad input with INVALID_ARGUMENT and a google.rpc.BadRequest that lists every bad
field, and overload with RESOURCE_EXHAUSTED, a google.rpc.RetryInfo and the grpc-retry-pushback-ms
trailer. These classes unpack that once, so callers read ``error.violations`` or
``error.retry_delay`` instead of decoding grpc-status-details-bin themselves.
"""

from __future__ import annotations

from typing import NamedTuple

import grpc
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

_CODES = {code.value[0]: code for code in grpc.StatusCode}
_PUSHBACK_KEY = "grpc-retry-pushback-ms"
_RETRYABLE = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.RESOURCE_EXHAUSTED})


class FieldViolation(NamedTuple):
    """One refused field: its path in the request (``contract``, ``request.contract`` in batches) and why."""

    field: str
    description: str


class ChurnwireError(Exception):
    """A call that failed, or a batch item that was not scored.

    Attributes:
        code: the gRPC status code.
        message: the server's message.
        status: the full google.rpc.Status when the server sent one, else None.
        reason: the google.rpc.ErrorInfo reason, e.g. ``SCORING_CAPACITY_EXHAUSTED``, else None.
        retry_delay: seconds the server asked callers to wait (RetryInfo, else the pushback
            trailer), else None.
    """

    def __init__(self, code: grpc.StatusCode, message: str, status: status_pb2.Status | None = None,
                 pushback: float | None = None):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.reason = None
        self.retry_delay = pushback
        for detail in status.details if status is not None else ():
            if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR) and self.reason is None:
                info = error_details_pb2.ErrorInfo()
                detail.Unpack(info)
                self.reason = info.reason
            elif detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR):
                info = error_details_pb2.RetryInfo()
                detail.Unpack(info)
                self.retry_delay = info.retry_delay.seconds + info.retry_delay.nanos / 1e9

    @property
    def retryable(self) -> bool:
        """Whether the same call may succeed later: overload, or a server not (yet) serving."""
        return self.code in _RETRYABLE


class InvalidRequestError(ChurnwireError):
    """The server refused the request as invalid (INVALID_ARGUMENT), naming every bad field at once.

    Attributes:
        field_violations: every violation, in the server's order.
        violations: field path -> description (descriptions of a repeated field joined by "; ").
    """

    def __init__(self, message: str, status: status_pb2.Status | None = None):
        super().__init__(grpc.StatusCode.INVALID_ARGUMENT, message, status)
        self.field_violations: list[FieldViolation] = []
        for detail in status.details if status is not None else ():
            if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
                bad_request = error_details_pb2.BadRequest()
                detail.Unpack(bad_request)
                self.field_violations.extend(
                    FieldViolation(v.field, v.description) for v in bad_request.field_violations)
        self.violations: dict[str, str] = {}
        for violation in self.field_violations:
            known = self.violations.get(violation.field)
            self.violations[violation.field] = (
                violation.description if known is None else f"{known}; {violation.description}")


def from_status(status: status_pb2.Status, pushback: float | None = None) -> ChurnwireError:
    """The typed error for a google.rpc.Status, e.g. the ``error`` of a failed batch item."""
    code = _CODES.get(status.code, grpc.StatusCode.UNKNOWN)
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidRequestError(status.message, status)
    return ChurnwireError(code, status.message, status, pushback)


def from_rpc_error(error: grpc.RpcError) -> ChurnwireError:
    """The typed error for what a grpc (sync or aio) call raised."""
    try:
        status = rpc_status.from_call(error)
    except ValueError:
        status = None
    pushback = None
    for key, value in error.trailing_metadata() or ():
        if key == _PUSHBACK_KEY:
            try:
                pushback = int(value) / 1000
            except ValueError:
                pushback = None
    if status is not None:
        return from_status(status, pushback)
    code = error.code()
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        return InvalidRequestError(error.details() or "")
    return ChurnwireError(code, error.details() or "", None, pushback)
