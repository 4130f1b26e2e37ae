"""The ChurnInsightsService calls of both clients against a packaged server of their own, whose
prediction history (a DuckDB file) holds exactly what this module scored."""

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import grpc
import pytest

import customers
from churnwire import (
    AsyncChurnClient,
    ChurnClient,
    ChurnwireError,
    GetPredictionStatsRequest,
    InvalidRequestError,
    ListPredictionsRequest,
    PredictionInterface,
    PredictionMethod,
    TimeGranularity,
)
from conftest import start_server, stop_server

CHURNWIRE = Path(sys.executable).with_name("churnwire")
UNARY = 7
BATCHED = 2
STREAMED = 2
TOTAL = UNARY + BATCHED + STREAMED


def _varied(index: int):
    request = customers.risky()
    request.customer_id = f"PY-{index}"
    request.tenure_in_months = 3 + 11 * index
    request.satisfaction_score = 1 + index % 5
    return request


@pytest.fixture(scope="module")
def history_server(tmp_path_factory, model_dir):
    running = start_server(tmp_path_factory.mktemp("insights") / "server.log", model_dir)
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def recorded(history_server):
    """Scores TOTAL predictions through Predict, BatchPredict and PredictBatch, then waits for the
    recorder (asynchronous) to have written them all."""
    with ChurnClient(history_server.target, timeout=20) as client:
        client.predict(customers.risky())
        client.predict(customers.risky())
        client.predict(customers.loyal())
        for index in range(UNARY - 3):
            client.predict(_varied(index))
        assert all(result.ok for result in client.batch_predict([_varied(10), _varied(11)]))
        assert all(result.ok for result in client.predict_batch([_varied(20), _varied(21)]))
        deadline = time.monotonic() + 60
        count = -1
        while time.monotonic() < deadline:
            count = client.prediction_stats().overall.prediction_count
            if count == TOTAL:
                return history_server
            time.sleep(0.05)
    pytest.fail(f"the store holds {count} predictions, expected {TOTAL}")


@pytest.fixture
def client(recorded):
    with ChurnClient(recorded.target, timeout=20) as client:
        yield client


def test_predictionStats_countEveryPrediction_ofTheServedModel(client, recorded):
    stats = client.prediction_stats()

    assert stats.overall.prediction_count == TOTAL
    assert sum(band.summary.prediction_count for band in stats.risk_bands) == TOTAL
    assert [version.model_version for version in stats.model_versions] == [recorded.model_version]
    assert stats.overall.predicted_churn_rate == pytest.approx(stats.overall.predicted_churn_count / TOTAL)
    assert stats.HasField("first_predict_time") and stats.HasField("last_predict_time")


def test_predictionStats_timeRangeAsDatetimes_selectsByTime(client):
    tomorrow = datetime.now(timezone.utc) + timedelta(days=1)
    last_week = datetime.now(timezone.utc) - timedelta(days=7)

    assert client.prediction_stats(start_time=tomorrow).overall.prediction_count == 0
    assert client.prediction_stats(end_time=last_week).overall.prediction_count == 0
    assert client.prediction_stats(start_time=last_week, end_time=tomorrow).overall.prediction_count == TOTAL


def test_listPredictions_onePage_hasANextPageToken(client):
    page = client.list_predictions(page_size=4)

    assert len(page.predictions) == 4
    assert page.next_page_token


def test_iterPredictions_walkEveryPageOnce_mostRecentFirst(client):
    records = list(client.iter_predictions(page_size=4))

    assert len(records) == TOTAL
    assert len({record.request_id for record in records}) == TOTAL
    times = [record.predict_time.ToDatetime() for record in records]
    assert times == sorted(times, reverse=True)


def test_predictions_recordTheMethodThatScoredThem_allOverGrpc(client):
    records = list(client.iter_predictions(ListPredictionsRequest(page_size=100)))

    methods = [record.method for record in records]
    assert methods.count(PredictionMethod.PREDICTION_METHOD_PREDICT) == UNARY
    assert methods.count(PredictionMethod.PREDICTION_METHOD_BATCH_PREDICT) == BATCHED
    assert methods.count(PredictionMethod.PREDICTION_METHOD_PREDICT_BATCH) == STREAMED
    assert {record.interface for record in records} == {PredictionInterface.PREDICTION_INTERFACE_GRPC}


def test_listPredictions_byRiskBand_areOnlyThatBand(client):
    band = client.prediction_stats().risk_bands[0]

    records = list(client.iter_predictions(page_size=3, risk_band=band.risk_band))

    assert len(records) == band.summary.prediction_count
    assert {record.risk_band for record in records} == {band.risk_band}


def test_iterCustomerPredictions_areThatCustomersWithTheFeaturesAsSent(client):
    history = list(client.iter_customer_predictions(customer_id="0001-RISKY", page_size=1))

    assert len(history) == 2
    assert {record.customer_id for record in history} == {"0001-RISKY"}
    assert all(record.features.tenure_in_months == 2 for record in history)
    assert all(record.features.HasField("total_revenue") for record in history)


def test_riskDistribution_hasTheBucketsAskedFor_countingEveryPrediction(client):
    distribution = client.risk_distribution(bucket_count=4)

    assert len(distribution.buckets) == 4
    assert [bucket.lower_bound for bucket in distribution.buckets] == [0.0, 0.25, 0.5, 0.75]
    assert distribution.buckets[-1].upper_bound == 1.0
    assert sum(bucket.prediction_count for bucket in distribution.buckets) == TOTAL == distribution.prediction_count


def test_churnOverTime_perHour_countsEveryPredictionInHourBuckets(client):
    per_hour = client.churn_over_time(granularity="TIME_GRANULARITY_HOUR")

    assert per_hour.granularity == TimeGranularity.TIME_GRANULARITY_HOUR
    assert sum(bucket.summary.prediction_count for bucket in per_hour.buckets) == TOTAL
    assert all(bucket.start_time.seconds % 3600 == 0 for bucket in per_hour.buckets)


@pytest.mark.parametrize("call, fields, field", [
    ("list_predictions", {"page_size": 100_000}, "page_size"),
    ("list_predictions", {"page_token": "garbage"}, "page_token"),
    ("list_customer_predictions", {"customer_id": "0001-RISKY", "page_token": "garbage"}, "page_token"),
    ("prediction_stats", {"start_time": datetime(2026, 12, 1, 12, tzinfo=timezone.utc),
                          "end_time": datetime(2026, 12, 1, 11, tzinfo=timezone.utc)}, "end_time"),
    ("risk_distribution", {"bucket_count": 101}, "bucket_count"),
])
def test_badArguments_raiseInvalidRequestNamingTheField(client, call, fields, field):
    with pytest.raises(InvalidRequestError) as raised:
        getattr(client, call)(**fields)

    assert raised.value.code is grpc.StatusCode.INVALID_ARGUMENT
    assert list(raised.value.violations) == [field]


def test_requestAndKeywordFieldsTogether_isATypeError(client):
    with pytest.raises(TypeError):
        client.prediction_stats(GetPredictionStatsRequest(), start_time=datetime.now(timezone.utc))


async def test_asyncClient_answersAsTheBlockingOne(recorded):
    with ChurnClient(recorded.target, timeout=20) as blocking:
        expected_stats = blocking.prediction_stats()
        expected_ids = [record.request_id for record in blocking.iter_predictions(page_size=5)]

    async with AsyncChurnClient(recorded.target, timeout=20) as client:
        stats = await client.prediction_stats()
        ids = [record.request_id async for record in client.iter_predictions(page_size=5)]
        customer = [record async for record in client.iter_customer_predictions(customer_id="0002-LOYAL")]
        distribution = await client.risk_distribution(bucket_count=10)
        per_day = await client.churn_over_time()
        page = await client.list_customer_predictions(customer_id="0001-RISKY", page_size=1)
        with pytest.raises(InvalidRequestError) as raised:
            await client.list_predictions(page_size=-1)

    assert stats == expected_stats
    assert ids == expected_ids
    assert [record.customer_id for record in customer] == ["0002-LOYAL"]
    assert distribution.prediction_count == TOTAL
    assert per_day.granularity == TimeGranularity.TIME_GRANULARITY_DAY
    assert len(page.predictions) == 1 and page.next_page_token
    assert list(raised.value.violations) == ["page_size"]


def test_cliStats_printsTheStatisticsAsJson(recorded):
    result = subprocess.run([str(CHURNWIRE), "stats", "--target", recorded.target, "--timeout", "20",
                             "--start-time", "2020-01-01T00:00:00Z"], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall"]["prediction_count"] == str(TOTAL)


def test_cliStats_endBeforeStart_exitsTwoNamingEndTime(recorded):
    result = subprocess.run([str(CHURNWIRE), "stats", "--target", recorded.target, "--timeout", "20",
                             "--start-time", "2026-12-01T12:00:00Z", "--end-time", "2026-12-01T11:00:00+00:00"],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "  end_time: " in result.stderr


def test_serverWithHistoryOff_answersFailedPrecondition(tmp_path_factory, model_dir, server):
    off = start_server(tmp_path_factory.mktemp("history-off") / "server.log", model_dir, "--history=off")
    try:
        with ChurnClient(off.target, timeout=20) as client:
            with pytest.raises(ChurnwireError) as raised:
                client.prediction_stats()
    finally:
        stop_server(off)

    assert raised.value.code is grpc.StatusCode.FAILED_PRECONDITION
    assert not isinstance(raised.value, InvalidRequestError)
