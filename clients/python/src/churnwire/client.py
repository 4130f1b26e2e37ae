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
    request_of,
)
from churnwire._security import PathLike, open_channel
from churnwire.errors import from_rpc_error
from churnwire.v1 import churn_insights_service_pb2 as ipb
from churnwire.v1 import churn_insights_service_pb2_grpc
from churnwire.v1 import churn_service_pb2 as pb
from churnwire.v1 import churn_service_pb2_grpc
from churnwire.v1 import model_pb2

T = TypeVar("T")
_END = object()


class ChurnClient:
    """A blocking client for churnwire.v1.ChurnService and ChurnInsightsService.

    Adds what every caller would otherwise repeat around the generated stubs: a timeout on every
    call, retries of overload and unavailability that wait as long as the server asks
    (:class:`RetryPolicy`), errors as :class:`~churnwire.errors.ChurnwireError` with the field
    violations of bad input unpacked, and the PredictBatch stream as an iterator with a bounded
    number of unanswered items. The insights calls (statistics over the server's prediction
    history, the recorded predictions) share the channel, timeout, retries and credentials; a
    token needs the ``insights`` role for them. Thread-safe; use it as a context manager or call
    :meth:`close`.
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
        self._insights = churn_insights_service_pb2_grpc.ChurnInsightsServiceStub(self._channel)
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

    def prediction_stats(self, request: ipb.GetPredictionStatsRequest | None = None, /, *,
                         timeout: float | None = None, **fields: Any) -> ipb.GetPredictionStatsResponse:
        """Counts, predicted churn rate and mean probability, overall, per risk band and per model
        version; optionally over ``start_time`` (inclusive) to ``end_time`` (exclusive), given as
        timezone-aware datetimes or Timestamps.

        Raises:
            InvalidRequestError: e.g. ``end_time`` not after ``start_time``.
            ChurnwireError: any other failure; FAILED_PRECONDITION when the server's history is off.
        """
        return self._unary(self._insights.GetPredictionStats,
                           request_of(ipb.GetPredictionStatsRequest, request, fields), timeout)

    def list_predictions(self, request: ipb.ListPredictionsRequest | None = None, /, *,
                         timeout: float | None = None, **fields: Any) -> ipb.ListPredictionsResponse:
        """One page of recorded predictions, most recent first. Fields: ``page_size`` (default 50,
        at most 1,000), ``page_token`` (the ``next_page_token`` of the page before), ``risk_band``,
        ``model_version``, ``start_time``, ``end_time``.

        Raises:
            InvalidRequestError: a bad page size, page token or time range, naming the field.
        """
        return self._unary(self._insights.ListPredictions,
                           request_of(ipb.ListPredictionsRequest, request, fields), timeout)

    def iter_predictions(self, request: ipb.ListPredictionsRequest | None = None, /, *,
                         timeout: float | None = None, **fields: Any) -> Iterator[ipb.PredictionRecord]:
        """Every prediction :meth:`list_predictions` selects, page after page as the caller
        iterates; ``timeout`` applies to each page."""
        query = request_of(ipb.ListPredictionsRequest, request, fields)
        return self._pages(self._insights.ListPredictions, query, timeout)

    def list_customer_predictions(self, request: ipb.ListCustomerPredictionsRequest | None = None, /, *,
                                  timeout: float | None = None,
                                  **fields: Any) -> ipb.ListCustomerPredictionsResponse:
        """One page of one customer's predictions, most recent first. Fields: ``customer_id``,
        ``page_size``, ``page_token``, ``start_time``, ``end_time``."""
        return self._unary(self._insights.ListCustomerPredictions,
                           request_of(ipb.ListCustomerPredictionsRequest, request, fields), timeout)

    def iter_customer_predictions(self, request: ipb.ListCustomerPredictionsRequest | None = None, /, *,
                                  timeout: float | None = None,
                                  **fields: Any) -> Iterator[ipb.PredictionRecord]:
        """Every prediction of one customer, page after page as the caller iterates."""
        query = request_of(ipb.ListCustomerPredictionsRequest, request, fields)
        return self._pages(self._insights.ListCustomerPredictions, query, timeout)

    def risk_distribution(self, request: ipb.GetRiskDistributionRequest | None = None, /, *,
                          timeout: float | None = None, **fields: Any) -> ipb.GetRiskDistributionResponse:
        """The histogram of churn probabilities. Fields: ``bucket_count`` (default 10, 1 to 100),
        ``model_version``, ``start_time``, ``end_time``."""
        return self._unary(self._insights.GetRiskDistribution,
                           request_of(ipb.GetRiskDistributionRequest, request, fields), timeout)

    def churn_over_time(self, request: ipb.GetChurnOverTimeRequest | None = None, /, *,
                        timeout: float | None = None, **fields: Any) -> ipb.GetChurnOverTimeResponse:
        """Predicted churn rate and volume per bucket. Fields: ``granularity``
        (``"TIME_GRANULARITY_HOUR"``, ``_DAY``, the default, or ``_WEEK``), ``start_time``,
        ``end_time``, ``model_version``."""
        return self._unary(self._insights.GetChurnOverTime,
                           request_of(ipb.GetChurnOverTimeRequest, request, fields), timeout)

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

    def _pages(self, method: Callable[..., Any], query: Any, timeout: float | None) -> Iterator[Any]:
        page_request = type(query)()
        page_request.CopyFrom(query)
        while True:
            page = self._unary(method, page_request, timeout)
            yield from page.predictions
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token

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
