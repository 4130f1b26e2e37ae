"""The ``churnwire`` command: score one customer from the shell, print the model's metadata, or
print the statistics of the recorded predictions.

Nothing is validated locally beyond types: a missing or out-of-range feature goes to the server,
whose answer lists every bad field, so the tool never disagrees with the model's own schema.
Exit codes: 0 success, 1 the call failed, 2 invalid input (usage error or INVALID_ARGUMENT).
TLS, the client certificate and the bearer token take the flags and variables of every Churnwire
client (``--tls-ca-file``/``CHURNWIRE_TLS_CA_FILE``, ``--token-file``/``CHURNWIRE_TOKEN_FILE``, ...).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import Callable, Sequence

from google.protobuf import json_format
from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from churnwire._common import DEFAULT_TARGET, DEFAULT_TIMEOUT, RetryPolicy
from churnwire._security import read_token
from churnwire.client import ChurnClient
from churnwire.errors import ChurnwireError, InvalidRequestError
from churnwire.v1 import churn_service_pb2 as pb
from churnwire.v1 import customer_pb2

EXIT_FAILED = 1
EXIT_INVALID = 2

_INTEGER_FEATURES = ("number_dependents", "number_referrals", "satisfaction_score", "tenure_in_months")
_REAL_FEATURES = ("total_long_distance_charges", "total_revenue")
_ENUM_FEATURES = (
    ("internet_service", customer_pb2.InternetService, "INTERNET_SERVICE_"),
    ("contract", customer_pb2.Contract, "CONTRACT_"),
    ("payment_method", customer_pb2.PaymentMethod, "PAYMENT_METHOD_"),
)


def _choices(enum: EnumTypeWrapper, prefix: str) -> list[str]:
    return [name[len(prefix):].lower().replace("_", "-") for name in enum.keys()
            if not name.endswith("_UNSPECIFIED")]


def _enum_value(enum: EnumTypeWrapper, prefix: str) -> Callable[[str], int]:
    """Accepts ``one-year``, ``ONE_YEAR`` or ``CONTRACT_ONE_YEAR``; never the "not given" value."""

    def parse(text: str) -> int:
        name = text.strip().upper().replace("-", "_")
        name = name if name.startswith(prefix) else prefix + name
        if name in enum.keys() and not name.endswith("_UNSPECIFIED"):
            return enum.Value(name)
        raise argparse.ArgumentTypeError(f"'{text}' is not one of {', '.join(_choices(enum, prefix))}")

    return parse


def _at_least_one(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _time(text: str) -> datetime:
    """An RFC 3339 time with ``Z`` or an offset, e.g. ``2026-12-01T00:00:00Z``."""
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value)
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an RFC 3339 time such as 2026-12-01T00:00:00Z")
    return parsed


def _parser() -> argparse.ArgumentParser:
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--target", default=os.environ.get("CHURNWIRE_TARGET", DEFAULT_TARGET),
                            help="server address host:port (env CHURNWIRE_TARGET; default %(default)s)")
    connection.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                            help="seconds the call may take, retries included (default %(default)s)")
    connection.add_argument("--max-attempts", type=_at_least_one, default=RetryPolicy().max_attempts,
                            help="attempts on UNAVAILABLE or RESOURCE_EXHAUSTED, waiting as long as the "
                                 "server asks; 1 disables retries (default %(default)s)")

    security = connection.add_argument_group(
        "security", "TLS, client certificate and bearer token; the same flags and variables as every Churnwire "
                    "client's. A token goes only over TLS or in plaintext to this machine.")
    security.add_argument("--tls", action="store_true", default=_env_flag("CHURNWIRE_TLS"),
                          help="speak TLS, trusting the platform's roots unless --tls-ca-file is given (env CHURNWIRE_TLS)")
    security.add_argument("--tls-ca-file", default=os.environ.get("CHURNWIRE_TLS_CA_FILE"), metavar="PATH",
                          help="PEM certificates of the authorities the server's certificate must chain to; "
                               "implies --tls (env CHURNWIRE_TLS_CA_FILE)")
    security.add_argument("--tls-cert-file", default=os.environ.get("CHURNWIRE_TLS_CLIENT_CERT_FILE"), metavar="PATH",
                          help="PEM client certificate chain for a server that requires one (mTLS), with "
                               "--tls-key-file (env CHURNWIRE_TLS_CLIENT_CERT_FILE)")
    security.add_argument("--tls-key-file", default=os.environ.get("CHURNWIRE_TLS_CLIENT_KEY_FILE"), metavar="PATH",
                          help="PEM private key of --tls-cert-file (env CHURNWIRE_TLS_CLIENT_KEY_FILE)")
    security.add_argument("--token", default=os.environ.get("CHURNWIRE_TOKEN"),
                          help="bearer token sent on every call (env CHURNWIRE_TOKEN); a flag shows in the "
                               "process list, so prefer --token-file or the variable")
    security.add_argument("--token-file", default=os.environ.get("CHURNWIRE_TOKEN_FILE"), metavar="PATH",
                          help="file whose first line is the bearer token (env CHURNWIRE_TOKEN_FILE)")

    parser = argparse.ArgumentParser(prog="churnwire", description="Calls a Churnwire server over gRPC.")
    commands = parser.add_subparsers(dest="command", required=True)

    predict = commands.add_parser("predict", parents=[connection],
                                  help="score one customer and print the churn probability, decision and risk band")
    predict.add_argument("--customer-id", help="customer identifier, echoed back")
    predict.add_argument("--request-id", help="request id, echoed back; the server assigns one when absent")
    for name in _INTEGER_FEATURES:
        predict.add_argument("--" + name.replace("_", "-"), type=int)
    for name in _REAL_FEATURES:
        predict.add_argument("--" + name.replace("_", "-"), type=float)
    for name, enum, prefix in _ENUM_FEATURES:
        predict.add_argument("--" + name.replace("_", "-"), type=_enum_value(enum, prefix),
                             metavar="{" + ",".join(_choices(enum, prefix)) + "}")
    predict.add_argument("--json", action="store_true", help="print the response as JSON")

    commands.add_parser("metadata", parents=[connection],
                        help="print the served model's metadata (version, schema, metrics) as JSON")

    stats = commands.add_parser("stats", parents=[connection],
                                help="print the statistics of the recorded predictions (count, churn rate, per "
                                     "risk band and model version) as JSON")
    stats.add_argument("--start-time", type=_time, metavar="TIME",
                       help="only predictions at or after this RFC 3339 time, e.g. 2026-12-01T00:00:00Z")
    stats.add_argument("--end-time", type=_time, metavar="TIME", help="only predictions before this time")
    return parser


def _env_flag(variable: str) -> bool:
    value = os.environ.get(variable, "false").strip().lower()
    if value not in ("true", "false"):
        print(f"churnwire: {variable} must be true or false, got '{value}'", file=sys.stderr)
        raise SystemExit(EXIT_INVALID)
    return value == "true"


def _security(args: argparse.Namespace) -> dict:
    """The client's security arguments from the flags; the token file read.

    Raises:
        ValueError: naming the flags, when they contradict each other or the token file is unusable.
    """
    if args.token is not None and args.token_file is not None:
        raise ValueError("--token and --token-file were both given; give one")
    if (args.tls_cert_file is None) != (args.tls_key_file is None):
        raise ValueError("--tls-cert-file and --tls-key-file go together; give both or neither")
    token = args.token
    if args.token_file is not None:
        try:
            token = read_token(args.token_file)
        except FileNotFoundError:
            raise ValueError(f"--token-file: no such file {args.token_file}") from None
        except (OSError, ValueError) as error:
            raise ValueError(f"--token-file: {error}") from None
    return {"tls": args.tls, "ca_file": args.tls_ca_file, "cert_file": args.tls_cert_file,
            "key_file": args.tls_key_file, "token": token}


def _request(args: argparse.Namespace) -> pb.PredictRequest:
    names = ("customer_id", "request_id", *_INTEGER_FEATURES, *_REAL_FEATURES, *(e[0] for e in _ENUM_FEATURES))
    return pb.PredictRequest(**{name: getattr(args, name) for name in names if getattr(args, name) is not None})


def _print_prediction(response: pb.PredictResponse) -> None:
    prediction = response.prediction
    if response.customer_id:
        print(f"customer          {response.customer_id}")
    print(f"request id        {response.request_id}")
    print(f"churn probability {prediction.churn_probability:.4f}")
    print(f"will churn        {'yes' if prediction.will_churn else 'no'} (threshold {prediction.decision_threshold:.4f})")
    print(f"risk band         {customer_pb2.RiskBand.Name(prediction.risk_band).removeprefix('RISK_BAND_')}")
    print(f"model version     {prediction.model_version}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    retry = RetryPolicy(max_attempts=args.max_attempts)
    try:
        client = ChurnClient(args.target, timeout=args.timeout, retry=retry, **_security(args))
    except ValueError as error:
        print(f"churnwire: {error}", file=sys.stderr)
        return EXIT_INVALID
    except OSError as error:
        print(f"churnwire: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return EXIT_INVALID
    try:
        with client:
            if args.command == "predict":
                response = client.predict(_request(args))
                if args.json:
                    print(json_format.MessageToJson(response, always_print_fields_with_no_presence=True))
                else:
                    _print_prediction(response)
            elif args.command == "stats":
                time_range = {name: getattr(args, name) for name in ("start_time", "end_time")
                              if getattr(args, name) is not None}
                print(json_format.MessageToJson(client.prediction_stats(**time_range),
                                                always_print_fields_with_no_presence=True,
                                                preserving_proto_field_name=True))
            else:
                print(json_format.MessageToJson(client.model_metadata(), always_print_fields_with_no_presence=True))
        return 0
    except InvalidRequestError as error:
        print("churnwire: the server refused the request as invalid:", file=sys.stderr)
        for violation in error.field_violations:
            print(f"  {violation.field}: {violation.description}", file=sys.stderr)
        return EXIT_INVALID
    except ChurnwireError as error:
        print(f"churnwire: {args.command} failed: {error}", file=sys.stderr)
        return EXIT_FAILED
