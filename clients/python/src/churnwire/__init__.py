"""Python client for Churnwire, gRPC churn-prediction serving.

``ChurnClient`` (blocking) and ``AsyncChurnClient`` (grpc.aio) wrap the generated
``churnwire.v1`` stubs with timeouts, retries that honour the server's RetryInfo, typed errors
(``InvalidRequestError.violations``), the PredictBatch stream as an (async) iterator, and TLS,
mTLS and a bearer token (``ca_file=``, ``cert_file=``, ``key_file=``, ``token=``; ``read_token``).
The same clients make the ChurnInsightsService calls: ``prediction_stats``, ``list_predictions``
(and ``iter_predictions`` over every page), ``list_customer_predictions``, ``risk_distribution``,
``churn_over_time``.
"""

from churnwire._common import BatchResult, RetryPolicy
from churnwire._security import read_token
from churnwire.aio import AsyncChurnClient
from churnwire.client import ChurnClient
from churnwire.errors import ChurnwireError, FieldViolation, InvalidRequestError
from churnwire.v1.churn_insights_service_pb2 import (
    GetChurnOverTimeRequest,
    GetChurnOverTimeResponse,
    GetPredictionStatsRequest,
    GetPredictionStatsResponse,
    GetRiskDistributionRequest,
    GetRiskDistributionResponse,
    ListCustomerPredictionsRequest,
    ListCustomerPredictionsResponse,
    ListPredictionsRequest,
    ListPredictionsResponse,
    PredictionInterface,
    PredictionMethod,
    PredictionRecord,
    TimeGranularity,
)
from churnwire.v1.churn_service_pb2 import (
    PredictBatchRequest,
    PredictBatchResponse,
    PredictRequest,
    PredictResponse,
)
from churnwire.v1.customer_pb2 import Contract, InternetService, PaymentMethod, Prediction, RiskBand
from churnwire.v1.model_pb2 import ModelMetadata

__all__ = [
    "AsyncChurnClient",
    "BatchResult",
    "ChurnClient",
    "ChurnwireError",
    "Contract",
    "FieldViolation",
    "GetChurnOverTimeRequest",
    "GetChurnOverTimeResponse",
    "GetPredictionStatsRequest",
    "GetPredictionStatsResponse",
    "GetRiskDistributionRequest",
    "GetRiskDistributionResponse",
    "InternetService",
    "InvalidRequestError",
    "ListCustomerPredictionsRequest",
    "ListCustomerPredictionsResponse",
    "ListPredictionsRequest",
    "ListPredictionsResponse",
    "ModelMetadata",
    "PaymentMethod",
    "PredictBatchRequest",
    "PredictBatchResponse",
    "PredictRequest",
    "PredictResponse",
    "Prediction",
    "PredictionInterface",
    "PredictionMethod",
    "PredictionRecord",
    "RetryPolicy",
    "RiskBand",
    "TimeGranularity",
    "read_token",
]
