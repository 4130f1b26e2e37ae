"""The asyncio client, on grpc.aio."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any, AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, TypeVar, Union

import grpc
from grpc import aio

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


class AsyncChurnClient:
    """The asyncio counterpart of :class:`churnwire.ChurnClient`, with the same calls (the insights
    ones included), timeouts, retries and typed errors. Create it inside the event loop that uses it (grpc.aio channels belong to one
    loop); use it as an async context manager or await :meth:`close`.
    """

    def __init__(self, target: str = DEFAULT_TARGET, *, timeout: float = DEFAULT_TIMEOUT,
                 stream_timeout: float = DEFAULT_STREAM_TIMEOUT, window: int = DEFAULT_WINDOW,
                 retry: RetryPolicy | None = None, channel: aio.Channel | None = None,
                 tls: bool = False, ca_file: PathLike | None = None, cert_file: PathLike | None = None,
                 key_file: PathLike | None = None, token: str | None = None):
        """Arguments, security included, as for :class:`churnwire.ChurnClient`; ``channel`` is a
        grpc.aio channel."""
        if window < 1:
            raise ValueError(f"window must be at least 1, got {window}")
        self._owns_channel = channel is None
        self._channel = open_channel(target, channel, aio, tls=tls, ca_file=ca_file, cert_file=cert_file,
                                     key_file=key_file, token=token)
        self._stub = churn_service_pb2_grpc.ChurnServiceStub(self._channel)
        self._insights = churn_insights_service_pb2_grpc.ChurnInsightsServiceStub(self._channel)
        self._timeout = timeout
        self._stream_timeout = stream_timeout
        self._window = window
        self._retry = retry if retry is not None else RetryPolicy()
        self._retries = 0

    async def __aenter__(self) -> "AsyncChurnClient":
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.close()

    async def close(self) -> None:
        if self._owns_channel:
            await self._channel.close()

    @property
    def retries(self) -> int:
        """Retry attempts made so far by all calls of this client."""
        return self._retries

    async def predict(self, request: pb.PredictRequest | None = None, /, *, timeout: float | None = None,
                      **fields: Any) -> pb.PredictResponse:
        """Scores one customer, given as a PredictRequest or as its fields by keyword.

        Raises:
            InvalidRequestError: the server refused the request; ``violations`` names every bad field.
            ChurnwireError: any other failure, after the retries the policy allows.
        """
        return await self._unary(self._stub.Predict, predict_request(request, fields), timeout)

    async def batch_predict(self, items: Iterable[BatchItem], *, timeout: float | None = None) -> list[BatchResult]:
        """Scores items in one unary request (the server caps its size); results in request order."""
        request = pb.BatchPredictRequest(items=[batch_item(item, i) for i, item in enumerate(items)])
        response = await self._unary(self._stub.BatchPredict, request, timeout)
        return [BatchResult.of(answer) for answer in response.results]

    async def model_metadata(self, *, timeout: float | None = None) -> model_pb2.ModelMetadata:
        """Version, feature schema with accepted ranges, metrics and threshold of the served model."""
        return (await self._unary(self._stub.GetModelMetadata, pb.GetModelMetadataRequest(), timeout)).model

    async def prediction_stats(self, request: ipb.GetPredictionStatsRequest | None = None, /, *,
                               timeout: float | None = None, **fields: Any) -> ipb.GetPredictionStatsResponse:
        """As :meth:`churnwire.ChurnClient.prediction_stats`."""
        return await self._unary(self._insights.GetPredictionStats,
                                 request_of(ipb.GetPredictionStatsRequest, request, fields), timeout)

    async def list_predictions(self, request: ipb.ListPredictionsRequest | None = None, /, *,
                               timeout: float | None = None, **fields: Any) -> ipb.ListPredictionsResponse:
        """As :meth:`churnwire.ChurnClient.list_predictions`."""
        return await self._unary(self._insights.ListPredictions,
                                 request_of(ipb.ListPredictionsRequest, request, fields), timeout)

    async def iter_predictions(self, request: ipb.ListPredictionsRequest | None = None, /, *,
                               timeout: float | None = None,
                               **fields: Any) -> AsyncIterator[ipb.PredictionRecord]:
        """As :meth:`churnwire.ChurnClient.iter_predictions`, an async iterator."""
        query = request_of(ipb.ListPredictionsRequest, request, fields)
        async for record in self._pages(self._insights.ListPredictions, query, timeout):
            yield record

    async def list_customer_predictions(self, request: ipb.ListCustomerPredictionsRequest | None = None, /, *,
                                        timeout: float | None = None,
                                        **fields: Any) -> ipb.ListCustomerPredictionsResponse:
        """As :meth:`churnwire.ChurnClient.list_customer_predictions`."""
        return await self._unary(self._insights.ListCustomerPredictions,
                                 request_of(ipb.ListCustomerPredictionsRequest, request, fields), timeout)

    async def iter_customer_predictions(self, request: ipb.ListCustomerPredictionsRequest | None = None, /, *,
                                        timeout: float | None = None,
                                        **fields: Any) -> AsyncIterator[ipb.PredictionRecord]:
        """As :meth:`churnwire.ChurnClient.iter_customer_predictions`, an async iterator."""
        query = request_of(ipb.ListCustomerPredictionsRequest, request, fields)
        async for record in self._pages(self._insights.ListCustomerPredictions, query, timeout):
            yield record

    async def risk_distribution(self, request: ipb.GetRiskDistributionRequest | None = None, /, *,
                                timeout: float | None = None, **fields: Any) -> ipb.GetRiskDistributionResponse:
        """As :meth:`churnwire.ChurnClient.risk_distribution`."""
        return await self._unary(self._insights.GetRiskDistribution,
                                 request_of(ipb.GetRiskDistributionRequest, request, fields), timeout)

    async def churn_over_time(self, request: ipb.GetChurnOverTimeRequest | None = None, /, *,
                              timeout: float | None = None, **fields: Any) -> ipb.GetChurnOverTimeResponse:
        """As :meth:`churnwire.ChurnClient.churn_over_time`."""
        return await self._unary(self._insights.GetChurnOverTime,
                                 request_of(ipb.GetChurnOverTimeRequest, request, fields), timeout)

    async def predict_batch(self, items: Union[Iterable[BatchItem], AsyncIterable[BatchItem]], *,
                            timeout: float | None = None) -> AsyncIterator[BatchResult]:
        """Streams items through PredictBatch and yields each answer as it arrives.

        ``items`` may be a plain or an async iterable, lazy and endless. A writer task sends an
        item only while fewer than ``window`` are unanswered, and each ``write`` waits until the
        transport accepts it; answers are read only as fast as the caller iterates. A bad item is
        yielded as a failed :class:`BatchResult` and never ends the stream. Leaving the loop early
        cancels the stream.

        Raises:
            ChurnwireError: the stream itself failed (its timeout, the server going away).
            Exception: what iterating ``items`` raised, after the answers to the items sent before.
        """
        call = self._stub.PredictBatch(timeout=self._stream_timeout if timeout is None else timeout)
        slots = asyncio.Semaphore(self._window)
        source_failure: list[Exception] = []

        async def write_all() -> None:
            source = _aiter(items)
            try:
                for index in itertools.count():
                    await slots.acquire()
                    try:
                        item = await anext(source)
                    except StopAsyncIteration:
                        break
                    except Exception as failure:
                        source_failure.append(failure)
                        break
                    await call.write(batch_item(item, index))
                await call.done_writing()
            except (grpc.RpcError, asyncio.InvalidStateError):
                return

        writer = asyncio.create_task(write_all())
        try:
            while True:
                try:
                    answer = await call.read()
                except grpc.RpcError as error:
                    if source_failure:
                        raise source_failure[0] from None
                    raise from_rpc_error(error) from error
                if answer is aio.EOF:
                    break
                slots.release()
                yield BatchResult.of(answer)
            await writer
            if source_failure:
                raise source_failure[0]
        finally:
            if not writer.done():
                writer.cancel()
            call.cancel()

    async def _pages(self, method: Callable[..., Awaitable[Any]], query: Any,
                     timeout: float | None) -> AsyncIterator[Any]:
        page_request = type(query)()
        page_request.CopyFrom(query)
        while True:
            page = await self._unary(method, page_request, timeout)
            for record in page.predictions:
                yield record
            if not page.next_page_token:
                return
            page_request.page_token = page.next_page_token

    async def _unary(self, method: Callable[..., Awaitable[T]], request: Any, timeout: float | None) -> T:
        deadline = time.monotonic() + (self._timeout if timeout is None else timeout)
        attempt = 1
        while True:
            try:
                return await method(request, timeout=max(0.0, deadline - time.monotonic()))
            except grpc.RpcError as rpc_error:
                error = from_rpc_error(rpc_error)
                delay = self._retry.delay(attempt, error)
                if delay is None or time.monotonic() + delay >= deadline:
                    raise error from rpc_error
            self._retries += 1
            await asyncio.sleep(delay)
            attempt += 1


async def _aiter(items: Union[Iterable[T], AsyncIterable[T]]) -> AsyncIterator[T]:
    if hasattr(items, "__aiter__"):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
