"""The synchronous client."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any, Callable, Iterable, Iterator, TypeVar

import grpc

from churnwire._common import (
    DEFAULT_STREAM_TIMEOUT,
    DEFAULT_TARGET,
    DEFAULT_TIMEOUT,
    DEFAULT_WINDOW,
    BatchItem,
    BatchResult,
    RetryPolicy,
    batch_item,
    predict_request,
)
from churnwire._security import PathLike, open_channel
from churnwire.errors import from_rpc_error
from churnwire.v1 import churn_service_pb2 as pb
from churnwire.v1 import churn_service_pb2_grpc
from churnwire.v1 import model_pb2

T = TypeVar("T")
_END = object()


class ChurnClient:
    """A blocking client for churnwire.v1.ChurnService.

    Adds what every caller would otherwise repeat around the generated stub: a timeout on every
    call, retries of overload and unavailability that wait as long as the server asks
    (:class:`RetryPolicy`), errors as :class:`~churnwire.errors.ChurnwireError` with the field
    violations of bad input unpacked, and the PredictBatch stream as an iterator with a bounded
    number of unanswered items. Thread-safe; use it as a context manager or call :meth:`close`.
    """

    def __init__(self, target: str = DEFAULT_TARGET, *, timeout: float = DEFAULT_TIMEOUT,
                 stream_timeout: float = DEFAULT_STREAM_TIMEOUT, window: int = DEFAULT_WINDOW,
                 retry: RetryPolicy | None = None, channel: grpc.Channel | None = None,
                 tls: bool = False, ca_file: PathLike | None = None, cert_file: PathLike | None = None,
                 key_file: PathLike | None = None, token: str | None = None):
        """
        Args:
            target: host:port of the server.
            timeout: seconds each unary call may take, retries included.
            stream_timeout: seconds a whole PredictBatch stream may take.
            window: PredictBatch items that may be sent and not yet answered.
            retry: retry policy of unary calls; ``RetryPolicy()`` unless given.
            channel: a channel to use instead of one the client makes to ``target``; not closed by
                :meth:`close`, and not combined with the security arguments.
            tls: speak TLS, trusting the platform's roots unless ``ca_file`` is given.
            ca_file: PEM certificates of the authorities the server's certificate must chain to;
                implies ``tls``.
            cert_file: PEM client certificate chain for a server that requires one (mTLS), with
                ``key_file``; implies ``tls``.
            key_file: PEM private key of ``cert_file``.
            token: bearer token sent as ``authorization: Bearer <token>`` on every call; only over
                TLS or in plaintext to this machine (``localhost``, 127.0.0.0/8, ``::1``).

        Raises:
            ValueError: arguments that contradict each other, or a token that would go in
                plaintext to another host.
            OSError: a certificate, key or CA file cannot be read.
        """
        if window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        self._owns_channel = channel is None
        self._channel = open_channel(target, channel, grpc, tls=tls, ca_file=ca_file, cert_file=cert_file,
                                     key_file=key_file, token=token)
        self._stub = churn_service_pb2_grpc.ChurnServiceStub(self._channel)
        self._timeout = timeout
        self._stream_timeout = stream_timeout
        self._window = window
        self._retry = retry if retry is not None else RetryPolicy()
        self._lock = threading.Lock()
        self._retries = 0

    def __enter__(self) -> "ChurnClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_channel:
            self._channel.close()

    @property
    def retries(self) -> int:
        """Retry attempts made so far by all calls of this client."""
        with self._lock:
            return self._retries

    def predict(self, request: pb.PredictRequest | None = None, /, *, timeout: float | None = None,
                **fields: Any) -> pb.PredictResponse:
        """Scores one customer, given as a PredictRequest or as its fields by keyword.

        Raises:
            InvalidRequestError: the server refused the request; ``violations`` names every bad field.
            ChurnwireError: any other failure, after the retries the policy allows.
        """
        return self._unary(self._stub.Predict, predict_request(request, fields), timeout)

    def batch_predict(self, items: Iterable[BatchItem], *, timeout: float | None = None) -> list[BatchResult]:
        """Scores items in one unary request (the server caps its size); results in request order."""
        request = pb.BatchPredictRequest(items=[batch_item(item, i) for i, item in enumerate(items)])
        return [BatchResult.of(answer) for answer in self._unary(self._stub.BatchPredict, request, timeout).results]

    def model_metadata(self, *, timeout: float | None = None) -> model_pb2.ModelMetadata:
        """Version, feature schema with accepted ranges, metrics and threshold of the served model."""
        return self._unary(self._stub.GetModelMetadata, pb.GetModelMetadataRequest(), timeout).model

    def predict_batch(self, items: Iterable[BatchItem], *, timeout: float | None = None) -> Iterator[BatchResult]:
        """Streams items through PredictBatch and yields each answer as it arrives.

        Items are taken from ``items`` (which may be lazy and endless) only while fewer than
        ``window`` are unanswered, and gRPC sends each only once the transport accepted the one
        before; answers are read only as fast as the caller iterates. A bad item is yielded as a
        failed :class:`BatchResult` and never ends the stream. Leaving the loop early cancels it.

        Raises:
            ChurnwireError: the stream itself failed (its timeout, the server going away).
            Exception: what iterating ``items`` raised, after the answers to the items sent before.
        """
        slots = threading.Semaphore(self._window)
        finished = threading.Event()
        source_failure: list[Exception] = []

        def requests() -> Iterator[pb.PredictBatchRequest]:
            source = iter(items)
            for index in itertools.count():
                while not slots.acquire(timeout=0.1):
                    if finished.is_set():
                        return
                try:
                    item = next(source, _END)
                except Exception as failure:
                    source_failure.append(failure)
                    return
                if item is _END or finished.is_set():
                    return
                yield batch_item(item, index)

        call = self._stub.PredictBatch(
            requests(), timeout=self._stream_timeout if timeout is None else timeout)
        try:
            for answer in call:
                slots.release()
                yield BatchResult.of(answer)
        except grpc.RpcError as error:
            if source_failure:
                raise source_failure[0] from None
            raise from_rpc_error(error) from error
        finally:
            finished.set()
            call.cancel()
        if source_failure:
            raise source_failure[0]

    def _unary(self, method: Callable[..., T], request: Any, timeout: float | None) -> T:
        deadline = time.monotonic() + (self._timeout if timeout is None else timeout)
        attempt = 1
        while True:
            try:
                return method(request, timeout=max(0.0, deadline - time.monotonic()))
            except grpc.RpcError as rpc_error:
                error = from_rpc_error(rpc_error)
                delay = self._retry.delay(attempt, error)
                if delay is None or time.monotonic() + delay >= deadline:
                    raise error from rpc_error
            with self._lock:
                self._retries += 1
            time.sleep(delay)
            attempt += 1
