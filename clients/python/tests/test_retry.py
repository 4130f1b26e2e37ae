"""Retries of UNAVAILABLE and RESOURCE_EXHAUSTED: against the packaged server made to overload,
and, for exact control of the delays the server asks for, against a small in-process fake."""

from __future__ import annotations

import threading
import time
from concurrent import futures
from dataclasses import dataclass

import grpc
import pytest
from google.protobuf import duration_pb2
from google.rpc import error_details_pb2, status_pb2

import customers
from churnwire import ChurnClient, ChurnwireError, PredictResponse, RetryPolicy
from churnwire.v1 import churn_service_pb2_grpc
from conftest import start_server, stop_server

PUSHBACK_MS = 50
HOG_ITEMS = 20_000
CALLS_DURING_HOG = 5


@pytest.fixture(scope="module")
def overloadable(tmp_path_factory, model_dir, server):
    """A second server with a single scoring permit; ``server`` has saved the model it loads."""
    running = start_server(
        tmp_path_factory.mktemp("overloadable") / "server.log", model_dir,
        "--scoring-threads=1", "--max-in-flight=1", f"--retry-pushback-ms={PUSHBACK_MS}",
        f"--max-batch-items={HOG_ITEMS}", "--max-inbound-message-bytes=67108864")
    yield running
    stop_server(running)


def test_predict_whileTheServerIsSaturated_retriesAsAskedAndSucceeds(overloadable):
    """A large explained BatchPredict keeps the only permit busy for seconds (an explained item costs
    the whole capacity, so the batch is admitted one item at a time and the permit is free only for
    the instant between two items); a call made meanwhile is refused, waits the pushback the server
    asks for, tries again, and is scored."""
    target = overloadable.target
    hog_results = []
    big_answers = grpc.insecure_channel(target, options=[("grpc.max_receive_message_length", 64 << 20)])
    # The hog retries: the probe may hold the only permit at the moment the batch arrives.
    with big_answers, ChurnClient(channel=big_answers, timeout=120,
                                  retry=RetryPolicy(max_attempts=10_000)) as hog_client:
        hog = threading.Thread(target=lambda: hog_results.extend(
            hog_client.batch_predict([_explained(customers.risky())] * HOG_ITEMS)))
        hog.start()
        try:
            refused = _first_refusal(target)
            # A call can land in the instant between two of the hog's items and be admitted at
            # once; of several calls made while the hog runs, some are refused and retried.
            with ChurnClient(target, timeout=120, retry=RetryPolicy(max_attempts=100_000)) as client:
                responses = [client.predict(customers.loyal()) for _ in range(CALLS_DURING_HOG)]
                retries = client.retries
        finally:
            hog.join(timeout=120)

    assert refused.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert refused.retry_delay == pytest.approx(PUSHBACK_MS / 1000)
    assert refused.reason == "SCORING_CAPACITY_EXHAUSTED"
    assert all(response.customer_id == "0002-LOYAL" for response in responses)
    assert retries >= 1
    assert not hog.is_alive()
    assert len(hog_results) == HOG_ITEMS and all(result.ok for result in hog_results)


def _explained(request):
    request.explain = True
    return request


def _first_refusal(target: str) -> ChurnwireError:
    """Calls without retries until the server refuses one, which it does once the hog holds its permit.

    The probe pauses between calls so that it does not keep the hog's batch from being admitted.
    """
    deadline = time.monotonic() + 60
    with ChurnClient(target, timeout=20, retry=RetryPolicy.none()) as probe:
        while time.monotonic() < deadline:
            time.sleep(PUSHBACK_MS / 1000)
            try:
                probe.predict(customers.risky())
            except ChurnwireError as error:
                if error.code is grpc.StatusCode.RESOURCE_EXHAUSTED:
                    return error
                raise
    pytest.fail("the server never refused a call while a large batch held its only permit")


@dataclass
class Refuse:
    """One planned refusal of the fake: a status code, with RetryInfo and/or a pushback trailer."""

    code: grpc.StatusCode
    retry_delay: float | None = None
    pushback_ms: int | None = None


class _Status(grpc.Status):
    def __init__(self, code, details, trailing_metadata):
        self.code = code
        self.details = details
        self.trailing_metadata = trailing_metadata


class FakeChurnService(churn_service_pb2_grpc.ChurnServiceServicer):
    """Refuses Predict as planned (the first refusal on every call when ``forever``), then answers;
    records when each attempt arrived."""

    def __init__(self, refusals, forever):
        self.refusals = list(refusals)
        self.forever = forever
        self.arrivals = []

    def Predict(self, request, context):
        self.arrivals.append(time.monotonic())
        if not self.refusals:
            return PredictResponse(customer_id=request.customer_id)
        refusal = self.refusals[0] if self.forever else self.refusals.pop(0)
        status = status_pb2.Status(code=refusal.code.value[0], message=f"planned {refusal.code.name}")
        if refusal.retry_delay is not None:
            delay = duration_pb2.Duration()
            delay.FromNanoseconds(round(refusal.retry_delay * 1e9))
            status.details.add().Pack(error_details_pb2.RetryInfo(retry_delay=delay))
        trailers = [("grpc-status-details-bin", status.SerializeToString())]
        if refusal.pushback_ms is not None:
            trailers.append(("grpc-retry-pushback-ms", str(refusal.pushback_ms)))
        context.abort_with_status(_Status(refusal.code, status.message, tuple(trailers)))


@pytest.fixture
def fake():
    """Starts fakes on 127.0.0.1: ``fake(*refusals, forever=False)`` returns (target, service)."""
    servers = []

    def serve(*refusals, forever=False):
        service = FakeChurnService(refusals, forever)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        churn_service_pb2_grpc.add_ChurnServiceServicer_to_server(service, server)
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        servers.append(server)
        return f"127.0.0.1:{port}", service

    yield serve
    for server in servers:
        server.stop(grace=None).wait(timeout=10)


QUICK_BACKOFF = RetryPolicy(max_attempts=5, initial_backoff=0.001, max_backoff=0.001)


def _gaps(arrivals):
    return [later - earlier for earlier, later in zip(arrivals, arrivals[1:])]


def test_predict_refusedWithRetryInfo_waitsAtLeastTheAskedDelayBeforeEachRetry(fake):
    target, service = fake(Refuse(grpc.StatusCode.RESOURCE_EXHAUSTED, retry_delay=0.3),
                           Refuse(grpc.StatusCode.UNAVAILABLE, retry_delay=0.3))

    with ChurnClient(target, timeout=30, retry=QUICK_BACKOFF) as client:
        response = client.predict(customers.risky())
        retries = client.retries

    assert response.customer_id == "0001-RISKY"
    assert retries == 2
    assert len(service.arrivals) == 3
    assert all(gap >= 0.3 for gap in _gaps(service.arrivals)), _gaps(service.arrivals)


def test_predict_pushbackTrailerWithoutRetryInfo_isHonouredToo(fake):
    target, service = fake(Refuse(grpc.StatusCode.RESOURCE_EXHAUSTED, pushback_ms=200))

    with ChurnClient(target, timeout=30, retry=QUICK_BACKOFF) as client:
        client.predict(customers.risky())

    assert len(service.arrivals) == 2
    assert _gaps(service.arrivals)[0] >= 0.2


def test_predict_refusedOnEveryAttempt_raisesTheLastRefusalWithItsDelay(fake):
    target, service = fake(Refuse(grpc.StatusCode.RESOURCE_EXHAUSTED, retry_delay=0.05), forever=True)

    with ChurnClient(target, timeout=30, retry=RetryPolicy(max_attempts=3)) as client:
        with pytest.raises(ChurnwireError) as raised:
            client.predict(customers.risky())
        retries = client.retries

    assert raised.value.code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert raised.value.retry_delay == pytest.approx(0.05)
    assert raised.value.retryable
    assert retries == 2
    assert len(service.arrivals) == 3


def test_predict_askedDelayBeyondTheTimeout_failsWithoutWaiting(fake):
    target, service = fake(Refuse(grpc.StatusCode.RESOURCE_EXHAUSTED, retry_delay=30), forever=True)

    with ChurnClient(target, timeout=5, retry=QUICK_BACKOFF) as client:
        with pytest.raises(ChurnwireError) as raised:
            client.predict(customers.risky())

    assert raised.value.retry_delay == 30
    assert len(service.arrivals) == 1


def test_predict_invalidArgument_isNeverRetried(fake):
    target, service = fake(Refuse(grpc.StatusCode.INVALID_ARGUMENT), forever=True)

    with ChurnClient(target, timeout=30, retry=QUICK_BACKOFF) as client:
        with pytest.raises(ChurnwireError) as raised:
            client.predict(customers.risky())

    assert raised.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert len(service.arrivals) == 1
