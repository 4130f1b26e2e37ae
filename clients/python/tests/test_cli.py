"""The installed ``churnwire`` console script against the packaged server."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CHURNWIRE = Path(sys.executable).with_name("churnwire")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(CHURNWIRE), *args], capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module", autouse=True)
def installed():
    assert CHURNWIRE.is_file(), f"{CHURNWIRE} missing: install the package (pip install ./clients/python)"


def test_predict_everyFeatureGiven_printsTheDecisionAndExitsZero(target):
    result = run("predict", "--target", target, "--timeout", "20", "--customer-id", "7590-VHVEG",
                 "--internet-service", "yes", "--number-dependents", "0", "--number-referrals", "0",
                 "--satisfaction-score", "2", "--tenure-in-months", "3", "--total-long-distance-charges", "31.2",
                 "--total-revenue", "250.5", "--contract", "month-to-month", "--payment-method", "MAILED_CHECK")

    assert result.returncode == 0, result.stderr
    assert "customer          7590-VHVEG" in result.stdout
    assert "churn probability 0." in result.stdout or "churn probability 1.0000" in result.stdout


def test_predict_json_printsAResponseThatParses(target):
    result = run("predict", "--target", target, "--timeout", "20", "--json", "--internet-service", "no",
                 "--number-dependents", "1", "--number-referrals", "2", "--satisfaction-score", "4",
                 "--tenure-in-months", "40", "--total-long-distance-charges", "900", "--total-revenue", "4000",
                 "--contract", "two-year", "--payment-method", "credit-card")

    assert result.returncode == 0, result.stderr
    assert 0 <= json.loads(result.stdout)["prediction"]["churnProbability"] <= 1


def test_predict_featuresLeftOut_listsEveryViolationAndExitsTwo(target):
    result = run("predict", "--target", target, "--timeout", "20", "--tenure-in-months", "3",
                 "--satisfaction-score", "7")

    assert result.returncode == 2
    for field in ("contract", "payment_method", "internet_service", "total_revenue", "satisfaction_score"):
        assert f"  {field}: " in result.stderr
    assert "tenure_in_months" not in result.stderr


def test_predict_unknownContract_isAUsageErrorNamingTheChoices():
    result = run("predict", "--contract", "weekly")

    assert result.returncode == 2
    assert "month-to-month, one-year, two-year" in result.stderr


def test_metadata_printsTheModelAsJson(target, server):
    result = run("metadata", "--target", target, "--timeout", "20")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["version"] == server.model_version


def test_stats_timeThatIsNotRfc3339_isAUsageErrorNamingTheFlag():
    result = run("stats", "--start-time", "yesterday")

    assert result.returncode == 2
    assert "--start-time" in result.stderr
    assert "RFC 3339" in result.stderr
