"""Requests the tests start from."""

from churnwire import PredictRequest


def risky() -> PredictRequest:
    """A new month-to-month customer paying by mailed check."""
    return PredictRequest(
        customer_id="0001-RISKY", internet_service="INTERNET_SERVICE_YES", number_dependents=0,
        number_referrals=0, satisfaction_score=1, tenure_in_months=2, total_long_distance_charges=20.5,
        total_revenue=180.0, contract="CONTRACT_MONTH_TO_MONTH", payment_method="PAYMENT_METHOD_MAILED_CHECK")


def loyal() -> PredictRequest:
    """A long-standing, satisfied two-year customer."""
    return PredictRequest(
        customer_id="0002-LOYAL", internet_service="INTERNET_SERVICE_NO", number_dependents=2,
        number_referrals=5, satisfaction_score=5, tenure_in_months=70, total_long_distance_charges=2500.0,
        total_revenue=7000.0, contract="CONTRACT_TWO_YEAR", payment_method="PAYMENT_METHOD_CREDIT_CARD")


def invalid() -> PredictRequest:
    """No contract and a satisfaction score outside 1-5: two violations."""
    request = risky()
    request.customer_id = "0003-BAD"
    request.ClearField("contract")
    request.satisfaction_score = 9
    return request
