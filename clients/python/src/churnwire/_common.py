"""What the sync and asyncio clients share: retry policy, batch results, request building."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Mapping, TypeVar, Union

from google.protobuf.message import Message
from google.rpc import code_pb2, status_pb2

from churnwire.errors import ChurnwireError, from_status
from churnwire.v1 import churn_service_pb2 as pb

DEFAULT_TARGET = "localhost:50051"
DEFAULT_TIMEOUT = 5.0
DEFAULT_STREAM_TIMEOUT = 600.0
DEFAULT_WINDOW = 64

BatchItem = Union[pb.PredictBatchRequest, pb.PredictRequest]


@dataclass(frozen=True)
class RetryPolicy:
    """How unary calls are retried on UNAVAILABLE and RESOURCE_EXHAUSTED.

    The wait before the next attempt is the delay the server asked for (google.rpc.RetryInfo, or
    the grpc-retry-pushback-ms trailer) when it sent one, else a random backoff up to
    ``initial_backoff * multiplier ** (attempt - 1)``, capped at ``max_backoff``. Attempts stop when
    the call's timeout would pass before the next one could start. The PredictBatch stream is never
    retried: some of its items may already have been answered.
    """

    max_attempts: int = 5
    initial_backoff: float = 0.1
    max_backoff: float = 2.0
    multiplier: float = 2.0

    def __post_init__(self):
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not 0 < self.initial_backoff <= self.max_backoff:
            raise ValueError(
                f"need 0 < initial_backoff <= max_backoff, got {self.initial_backoff} and {self.max_backoff}")
        if self.multiplier < 1:
            raise ValueError(f"multiplier must be at least 1, got {self.multiplier}")

    @classmethod
    def none(cls) -> "RetryPolicy":
        """A single attempt: every error reaches the caller at once."""
        return cls(max_attempts=1)

    def delay(self, attempt: int, error: ChurnwireError) -> float | None:
        """Seconds to wait before retrying after failed attempt number ``attempt``, or None to give up."""
        if not error.retryable or attempt >= self.max_attempts:
            return None
        if error.retry_delay is not None:
            return error.retry_delay
        bound = min(self.max_backoff, self.initial_backoff * self.multiplier ** (attempt - 1))
        return random.uniform(0, bound)


@dataclass(frozen=True)
class BatchResult:
    """The outcome of one batch item: ``response`` when scored, else ``error``."""

    item_id: str
    response: pb.PredictResponse | None = None
    error: ChurnwireError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @classmethod
    def of(cls, answer: pb.PredictBatchResponse) -> "BatchResult":
        outcome = answer.WhichOneof("outcome")
        if outcome == "response":
            return cls(answer.item_id, response=answer.response)
        if outcome == "error":
            return cls(answer.item_id, error=from_status(answer.error))
        return cls(answer.item_id, error=from_status(_internal(
            f"the server answered item {answer.item_id!r} with neither a prediction nor an error")))


def _internal(message: str) -> status_pb2.Status:
    return status_pb2.Status(code=code_pb2.INTERNAL, message=message)


def predict_request(request: pb.PredictRequest | None, fields: Mapping[str, Any]) -> pb.PredictRequest:
    """The request given, or one built from keyword fields (enum values by name, e.g. "CONTRACT_ONE_YEAR")."""
    if request is not None and fields:
        raise TypeError("pass either a PredictRequest or keyword fields, not both")
    return request if request is not None else pb.PredictRequest(**fields)


M = TypeVar("M", bound=Message)


def request_of(message_type: type[M], request: M | None, fields: Mapping[str, Any]) -> M:
    """``request`` as given, or a ``message_type`` built from keyword fields: enum values by name
    (``risk_band="RISK_BAND_HIGH"``), times as timezone-aware ``datetime`` or ``Timestamp``."""
    if request is not None and fields:
        raise TypeError(f"pass either a {message_type.__name__} or keyword fields, not both")
    if request is None:
        return message_type(**fields)
    if not isinstance(request, message_type):
        raise TypeError(f"expected a {message_type.__name__}, got {type(request).__name__}")
    return request


def batch_item(item: BatchItem, index: int) -> pb.PredictBatchRequest:
    """A stream or batch item; a bare PredictRequest gets its position as item id."""
    if isinstance(item, pb.PredictBatchRequest):
        return item
    if isinstance(item, pb.PredictRequest):
        return pb.PredictBatchRequest(item_id=str(index), request=item)
    raise TypeError(f"batch items are PredictBatchRequest or PredictRequest, got {type(item).__name__}")
