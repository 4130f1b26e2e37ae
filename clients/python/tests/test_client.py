"""The blocking client against the packaged server."""

import contextlib
import itertools
import threading

import grpc
import pytest

import customers
from churnwire import (
    ChurnClient,
    ChurnwireError,
    FieldViolation,
    InvalidRequestError,
    PredictBatchRequest,
    RiskBand,
)

WINDOW = 16


@pytest.fixture
def client(target):
    with ChurnClient(target, timeout=20, window=WINDOW) as client:
        yield client


def test_predict_validCustomer_returnsThePredictionOfTheServedModel(client, server):
    response = client.predict(customers.risky())

    assert response.customer_id == "0001-RISKY"
    assert response.request_id
    assert response.prediction.model_version == server.model_version
    assert 0 <= response.prediction.churn_probability <= 1
    assert response.prediction.risk_band != RiskBand.RISK_BAND_UNSPECIFIED


def test_predict_keywordFields_buildTheSameRequest(client):
    by_message = client.predict(customers.loyal())

    by_fields = client.predict(
        customer_id="0002-LOYAL", internet_service="INTERNET_SERVICE_NO", number_dependents=2,
        number_referrals=5, satisfaction_score=5, tenure_in_months=70, total_long_distance_charges=2500.0,
        total_revenue=7000.0, contract="CONTRACT_TWO_YEAR", payment_method="PAYMENT_METHOD_CREDIT_CARD")

    assert by_fields.prediction == by_message.prediction


def test_predict_missingContractAndBadScore_raisesInvalidRequestNamingEveryField(client):
    with pytest.raises(InvalidRequestError) as raised:
        client.predict(customers.invalid())

    error = raised.value
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert set(error.violations) == {"contract", "satisfaction_score"}
    assert all(description for description in error.violations.values())
    assert FieldViolation("satisfaction_score", error.violations["satisfaction_score"]) in error.field_violations
    assert not error.retryable


def test_predict_timeoutTooShort_raisesDeadlineExceeded(client):
    with pytest.raises(ChurnwireError) as raised:
        client.predict(customers.risky(), timeout=0)

    assert raised.value.code is grpc.StatusCode.DEADLINE_EXCEEDED


def test_predict_requestAndFieldsTogether_isATypeError(client):
    with pytest.raises(TypeError):
        client.predict(customers.risky(), tenure_in_months=3)


def test_modelMetadata_describesTheNineFeatures(client, server):
    metadata = client.model_metadata()

    assert metadata.version == server.model_version
    assert len(metadata.features) == 9


def test_batchPredict_mixedItems_answersEachInOrderWithTypedErrors(client):
    results = client.batch_predict([customers.risky(), customers.invalid(), customers.loyal()])

    assert [result.item_id for result in results] == ["0", "1", "2"]
    assert [result.ok for result in results] == [True, False, True]
    assert isinstance(results[1].error, InvalidRequestError)
    assert "request.contract" in results[1].error.violations
    assert results[0].response.customer_id == "0001-RISKY"


def test_predictBatch_manyItemsWithBadOnes_answersEachOnceWithinTheWindow(client):
    count = 2_000
    pulled = 0
    answered = 0
    most_unanswered = 0
    lock = threading.Lock()

    def items():
        nonlocal pulled, most_unanswered
        for index in range(count):
            with lock:
                pulled += 1
                most_unanswered = max(most_unanswered, pulled - answered)
            request = customers.invalid() if index % 7 == 3 else customers.risky()
            yield PredictBatchRequest(item_id=f"item-{index}", request=request)

    results = {}
    for result in client.predict_batch(items()):
        with lock:
            answered += 1
        assert result.item_id not in results, f"{result.item_id} answered twice"
        results[result.item_id] = result

    bad = {f"item-{i}" for i in range(count) if i % 7 == 3}
    assert len(results) == count
    assert {item_id for item_id, result in results.items() if not result.ok} == bad
    assert most_unanswered <= WINDOW
    assert "request.satisfaction_score" in results["item-3"].error.violations
    assert results["item-4"].response.prediction.model_version


def test_predictBatch_leftEarly_cancelsTheStreamAndTheClientGoesOn(client):
    endless = (customers.risky() for _ in itertools.count())

    with contextlib.closing(client.predict_batch(endless)) as stream:
        first = list(itertools.islice(stream, 5))

    assert len({result.item_id for result in first}) == 5
    assert client.predict(customers.loyal()).prediction.model_version


def test_predictBatch_failingItemSource_answersWhatWasSentThenRaisesItsError(client):
    def items():
        yield customers.risky()
        raise RuntimeError("the item source broke")

    answered = []
    with pytest.raises(RuntimeError, match="the item source broke"):
        for result in client.predict_batch(items()):
            answered.append(result)

    assert [(result.item_id, result.ok) for result in answered] == [("0", True)]
