"""Python client for Churnwire, gRPC churn-prediction serving.

``ChurnClient`` (blocking) and ``AsyncChurnClient`` (grpc.aio) wrap the generated
``churnwire.v1`` stubs with timeouts, retries that honour the server's RetryInfo, typed errors
(``InvalidRequestError.violations``), the PredictBatch stream as an (async) iterator, and TLS,
mTLS and a bearer token (``ca_file=``, ``cert_file=``, ``key_file=``, ``token=``; ``read_token``).
"""

from churnwire._common import BatchResult, RetryPolicy
from churnwire._security import read_token
from churnwire.aio import AsyncChurnClient
from churnwire.client import ChurnClient
from churnwire.errors import ChurnwireError, FieldViolation, InvalidRequestError
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
    "InternetService",
    "InvalidRequestError",
    "ModelMetadata",
    "PaymentMethod",
    "PredictBatchRequest",
    "PredictBatchResponse",
    "PredictRequest",
    "PredictResponse",
    "Prediction",
    "RetryPolicy",
    "RiskBand",
    "read_token",
]
