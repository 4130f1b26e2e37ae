"""The asyncio client against the packaged server."""

import asyncio
import itertools

import grpc
import pytest

import customers
from churnwire import AsyncChurnClient, ChurnwireError, InvalidRequestError, PredictBatchRequest, RetryPolicy

WINDOW = 8


async def test_predict_validCustomer_matchesTheBlockingAnswer(target, server):
    async with AsyncChurnClient(target, timeout=20) as client:
        risky, loyal = await asyncio.gather(client.predict(customers.risky()), client.predict(customers.loyal()))

    assert risky.customer_id == "0001-RISKY"
    assert loyal.customer_id == "0002-LOYAL"
    assert risky.prediction.model_version == server.model_version


async def test_predict_invalidCustomer_raisesInvalidRequestWithViolations(target):
    async with AsyncChurnClient(target, timeout=20) as client:
        with pytest.raises(InvalidRequestError) as raised:
            await client.predict(customers.invalid())

    assert set(raised.value.violations) == {"contract", "satisfaction_score"}


async def test_modelMetadataAndBatchPredict_work_asInTheBlockingClient(target, server):
    async with AsyncChurnClient(target, timeout=20) as client:
        metadata = await client.model_metadata()
        results = await client.batch_predict([customers.invalid(), customers.risky()])

    assert metadata.version == server.model_version
    assert [result.ok for result in results] == [False, True]
    assert "request.contract" in results[0].error.violations


async def test_predictBatch_asyncItemsWithBadOnes_answersEachOnceWithinTheWindow(target):
    count = 1_000
    pulled = 0
    answered = 0
    most_unanswered = 0

    async def items():
        nonlocal pulled, most_unanswered
        for index in range(count):
            pulled += 1
            most_unanswered = max(most_unanswered, pulled - answered)
            request = customers.invalid() if index % 5 == 0 else customers.loyal()
            yield PredictBatchRequest(item_id=f"a-{index}", request=request)

    results = {}
    async with AsyncChurnClient(target, window=WINDOW) as client:
        async for result in client.predict_batch(items()):
            answered += 1
            assert result.item_id not in results
            results[result.item_id] = result

    assert len(results) == count
    assert sum(not result.ok for result in results.values()) == count // 5
    assert most_unanswered <= WINDOW
    assert isinstance(results["a-0"].error, InvalidRequestError)


async def test_predictBatch_plainIterableLeftEarly_cancelsAndTheClientGoesOn(target):
    async with AsyncChurnClient(target, timeout=20) as client:
        stream = client.predict_batch(customers.risky() for _ in itertools.count())
        first = [await anext(stream) for _ in range(3)]
        await stream.aclose()
        after = await client.predict(customers.loyal())

    assert len({result.item_id for result in first}) == 3
    assert after.prediction.model_version


async def test_predictBatch_failingItemSource_answersWhatWasSentThenRaisesItsError(target):
    def items():
        yield customers.risky()
        raise RuntimeError("the item source broke")

    answered = []
    async with AsyncChurnClient(target, timeout=20) as client:
        with pytest.raises(RuntimeError, match="the item source broke"):
            async for result in client.predict_batch(items()):
                answered.append(result)

    assert [(result.item_id, result.ok) for result in answered] == [("0", True)]


async def test_predict_nothingListening_raisesUnavailableAfterRetrying(unused_target):
    async with AsyncChurnClient(unused_target, timeout=20,
                                retry=RetryPolicy(max_attempts=3, initial_backoff=0.01, max_backoff=0.02)) as client:
        with pytest.raises(ChurnwireError) as raised:
            await client.predict(customers.risky())

        assert raised.value.code is grpc.StatusCode.UNAVAILABLE
        assert client.retries == 2
