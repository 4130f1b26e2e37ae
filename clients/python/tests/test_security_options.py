"""How the clients turn tls, ca_file, cert_file, key_file and token into a channel, and the CLI's
security flags; a token in plaintext is checked against a small in-process server on 127.0.0.1."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent import futures
from pathlib import Path

import grpc
import pytest

import customers
from churnwire import AsyncChurnClient, ChurnClient, PredictResponse, read_token
from churnwire._security import is_loopback
from churnwire.v1 import churn_service_pb2_grpc

CHURNWIRE = Path(sys.executable).with_name("churnwire")


class RecordingChurnService(churn_service_pb2_grpc.ChurnServiceServicer):
    """Answers Predict and notes the authorization header of each call."""

    def __init__(self):
        self.authorizations = []

    def Predict(self, request, context):
        self.authorizations.append(dict(context.invocation_metadata()).get("authorization"))
        return PredictResponse(customer_id=request.customer_id)


@pytest.fixture
def recording():
    """A plaintext server on 127.0.0.1: (port, service)."""
    service = RecordingChurnService()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    churn_service_pb2_grpc.add_ChurnServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port, service
    server.stop(grace=None).wait(timeout=10)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_sync_tokenInPlaintextToThisMachine_isSentAsBearer(recording, host):
    port, service = recording

    with ChurnClient(f"{host}:{port}", timeout=20, token="loopback-t0ken") as client:
        client.predict(customers.risky())

    assert service.authorizations == ["Bearer loopback-t0ken"]


async def test_aio_tokenInPlaintextToThisMachine_isSentAsBearer(recording):
    port, service = recording

    async with AsyncChurnClient(f"127.0.0.1:{port}", timeout=20, token="loopback-t0ken") as client:
        await client.predict(customers.risky())

    assert service.authorizations == ["Bearer loopback-t0ken"]


def test_sync_noToken_sendsNoAuthorization(recording):
    port, service = recording

    with ChurnClient(f"127.0.0.1:{port}", timeout=20) as client:
        client.predict(customers.risky())

    assert service.authorizations == [None]


@pytest.mark.parametrize("client_class", [ChurnClient, AsyncChurnClient])
@pytest.mark.parametrize("target", ["scoring.example.com:50051", "10.0.0.7:50051", "dns:///scoring.example.com:443",
                                    "127.0.0.1.example.com:50051"])
def test_tokenInPlaintextToAnotherHost_isRefusedWhenTheClientIsMade(client_class, target):
    with pytest.raises(ValueError, match="refusing to send a bearer token over plaintext to"):
        client_class(target, token="t0ken")


@pytest.mark.parametrize("target", ["localhost:50051", "127.0.0.1:50051", "127.8.9.1:1", "[::1]:50051",
                                    "dns:///localhost:50051", "ipv4:127.0.0.1:50051", "LOCALHOST:1"])
def test_isLoopback_acceptsThisMachineOnly(target):
    assert is_loopback(target)


@pytest.mark.parametrize("target", ["scoring:50051", "[2001:db8::1]:50051", "localhost.example.com:1",
                                    "ipv4:10.1.1.1:50051"])
def test_isLoopback_refusesOtherHosts(target):
    assert not is_loopback(target)


@pytest.mark.parametrize("token", ["", "two words", "caf\u00e9", "line\nbreak"])
def test_tokenThatCannotTravelInAHeader_isRefused(token):
    with pytest.raises(ValueError, match="printable ASCII"):
        ChurnClient("localhost:1", token=token)


def test_readToken_takesTheFirstLineWithoutSurroundingWhiteSpace(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("  abc.DEF-123  \nsecond line\n")

    assert read_token(token_file) == "abc.DEF-123"


def test_readToken_emptyFile_isRefusedNamingIt(tmp_path):
    token_file = tmp_path / "empty-token"
    token_file.write_text("\n")

    with pytest.raises(ValueError, match=re.escape(f"token file {token_file} is empty")):
        read_token(token_file)


def test_certificateWithoutKey_isRefused():
    with pytest.raises(ValueError, match="give both or neither"):
        ChurnClient("localhost:1", ca_file=None, cert_file="alice.crt")


def test_missingCaFile_isAnOsErrorNamingIt(tmp_path):
    missing = tmp_path / "missing-ca.pem"

    with pytest.raises(FileNotFoundError) as raised:
        ChurnClient("localhost:1", ca_file=missing)

    assert raised.value.filename == str(missing)


def test_securityArgumentsWithAChannelOfTheCaller_areRefused():
    with grpc.insecure_channel("localhost:1") as channel:
        with pytest.raises(ValueError, match="cannot be combined with channel="):
            ChurnClient(channel=channel, token="t0ken")


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHURNWIRE_")}
    environment.update(env or {})
    return subprocess.run([str(CHURNWIRE), *args], capture_output=True, text=True, timeout=60, env=environment)


def test_cli_tokenInPlaintextFromTheEnvironment_reachesTheServer(recording):
    port, service = recording

    result = _cli("predict", "--target", f"127.0.0.1:{port}", "--customer-id", "c1",
                  env={"CHURNWIRE_TOKEN": "env-t0ken"})

    assert result.returncode == 0, result.stderr
    assert service.authorizations == ["Bearer env-t0ken"]


def test_cli_tokenAndTokenFile_isAUsageErrorNamingBoth(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text("a\n")

    result = _cli("metadata", "--token", "b", "--token-file", str(token_file))

    assert result.returncode == 2
    assert result.stderr == "churnwire: --token and --token-file were both given; give one\n"


def test_cli_missingTokenFile_isAUsageErrorNamingIt(tmp_path):
    missing = tmp_path / "no-such-token"

    result = _cli("metadata", "--tls", env={"CHURNWIRE_TOKEN_FILE": str(missing)})

    assert result.returncode == 2
    assert result.stderr == f"churnwire: --token-file: no such file {missing}\n"


def test_cli_missingCaFile_isAUsageErrorNamingIt(tmp_path):
    missing = tmp_path / "no-such-ca.pem"

    result = _cli("metadata", "--tls-ca-file", str(missing))

    assert result.returncode == 2
    assert result.stderr == f"churnwire: cannot read {missing}: No such file or directory\n"


def test_cli_tokenInPlaintextToAnotherHost_isAUsageError():
    result = _cli("metadata", "--target", "scoring.example.com:50051", "--token", "t0ken")

    assert result.returncode == 2
    assert "refusing to send a bearer token over plaintext to scoring.example.com:50051" in result.stderr


def test_cli_tlsVariableNotABoolean_isAUsageError():
    result = _cli("metadata", env={"CHURNWIRE_TLS": "maybe"})

    assert result.returncode == 2
    assert "CHURNWIRE_TLS must be true or false" in result.stderr
