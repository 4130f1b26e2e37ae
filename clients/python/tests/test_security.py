"""TLS, mTLS and bearer tokens of the sync and asyncio clients and the CLI, against the packaged
server started with ``--tls-cert-file``, ``--tls-key-file``, ``--tls-client-ca-file`` and
``--auth-tokens-file``; certificates from a trustme authority made for the session."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import grpc
import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import customers
from churnwire import AsyncChurnClient, ChurnClient, ChurnwireError
from conftest import start_server, stop_server

PREDICT_TOKEN = "py-predict-t0ken"
ADMIN_TOKEN = "py-admin-t0ken"
CHURNWIRE = Path(sys.executable).with_name("churnwire")

@dataclass(frozen=True)
class Pki:
    """PEM files: the authority, the server's certificate, a client certificate and another authority."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    client_subject: str
    other_ca: Path


def _write_leaf(leaf: trustme.LeafCert, cert: Path, key: Path) -> None:
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    private = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), password=None)
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> Pki:
    directory = tmp_path_factory.mktemp("pki")
    authority = trustme.CA(organization_name="Churnwire tests")
    authority.cert_pem.write_to_path(str(directory / "ca.pem"))
    _write_leaf(authority.issue_cert("localhost", "127.0.0.1"), directory / "server.crt", directory / "server.key")
    client = authority.issue_cert("alice.clients.churnwire.test", common_name="alice",
                                  organization_name="Churnwire tests", organization_unit_name="clients")
    _write_leaf(client, directory / "alice.crt", directory / "alice.key")
    subject = x509.load_pem_x509_certificate(client.cert_chain_pems[0].bytes()).subject.rfc4514_string()
    trustme.CA().cert_pem.write_to_path(str(directory / "other-ca.pem"))
    return Pki(directory / "ca.pem", directory / "server.crt", directory / "server.key", directory / "alice.crt",
               directory / "alice.key", subject, directory / "other-ca.pem")


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory, pki) -> Path:
    def sha256(token: str) -> str:
        return hashlib.sha256(token.encode("utf-8")).hexdigest()

    file = tmp_path_factory.mktemp("auth") / "tokens"
    file.write_text(f"# the test callers\nsha256:{sha256(PREDICT_TOKEN)} predict\n"
                    f"sha256:{sha256(ADMIN_TOKEN)} admin\nsubject:{pki.client_subject} predict\n")
    return file


@pytest.fixture(scope="module")
def tls_target(tmp_path_factory, model_dir, server, pki, tokens_file) -> str:
    """A server with TLS and tokens; ``server`` has saved the model it loads."""
    running = start_server(tmp_path_factory.mktemp("tls") / "server.log", model_dir,
                           f"--tls-cert-file={pki.server_cert}", f"--tls-key-file={pki.server_key}",
                           f"--auth-tokens-file={tokens_file}")
    yield running.target.replace("127.0.0.1", "localhost")
    stop_server(running)


@pytest.fixture(scope="module")
def mtls_target(tmp_path_factory, model_dir, server, pki, tokens_file) -> str:
    """A server that also requires client certificates of ``pki.ca``."""
    running = start_server(tmp_path_factory.mktemp("mtls") / "server.log", model_dir,
                           f"--tls-cert-file={pki.server_cert}", f"--tls-key-file={pki.server_key}",
                           f"--tls-client-ca-file={pki.ca}", f"--auth-tokens-file={tokens_file}")
    yield running.target
    stop_server(running)


def _refusal(client: ChurnClient) -> ChurnwireError:
    with pytest.raises(ChurnwireError) as raised:
        client.predict(customers.risky())
    return raised.value


def test_sync_tlsWithToken_predicts(tls_target, pki):
    with ChurnClient(tls_target, timeout=20, ca_file=pki.ca, token=PREDICT_TOKEN) as client:
        response = client.predict(customers.risky())

    assert response.customer_id == "0001-RISKY"


def test_sync_tlsWithUnknownToken_isUnauthenticated(tls_target, pki):
    with ChurnClient(tls_target, timeout=20, ca_file=pki.ca, token="not-a-known-token") as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.UNAUTHENTICATED
    assert "a valid bearer token is required" in str(error)


def test_sync_tlsWithoutToken_isUnauthenticated(tls_target, pki):
    with ChurnClient(tls_target, timeout=20, ca_file=pki.ca) as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.UNAUTHENTICATED


def test_sync_tokenWithoutThePredictRole_isPermissionDenied(tls_target, pki):
    with ChurnClient(tls_target, timeout=20, ca_file=pki.ca, token=ADMIN_TOKEN) as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.PERMISSION_DENIED
    assert "predict" in str(error)


async def test_aio_tlsWithToken_predicts(tls_target, pki):
    async with AsyncChurnClient(tls_target, timeout=20, ca_file=pki.ca, token=PREDICT_TOKEN) as client:
        response = await client.predict(customers.loyal())

    assert response.customer_id == "0002-LOYAL"


@pytest.mark.parametrize("ca", ["other_ca", None], ids=["anotherAuthority", "platformRoots"])
def test_sync_serverCertificateOfAnUntrustedAuthority_isUnavailable(tls_target, pki, ca):
    options = {"ca_file": getattr(pki, ca)} if ca else {"tls": True}
    with ChurnClient(tls_target, timeout=20, token=PREDICT_TOKEN, **options) as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.UNAVAILABLE


async def test_aio_serverCertificateOfAnotherAuthority_isUnavailable(tls_target, pki):
    async with AsyncChurnClient(tls_target, timeout=20, ca_file=pki.other_ca, token=PREDICT_TOKEN) as client:
        with pytest.raises(ChurnwireError) as raised:
            await client.predict(customers.risky())

    assert raised.value.code is grpc.StatusCode.UNAVAILABLE


def test_sync_plaintextToATlsServer_isUnavailable(tls_target):
    with ChurnClient(tls_target, timeout=20, token=PREDICT_TOKEN) as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.UNAVAILABLE


def test_sync_mtls_certificateSubjectListed_predictsWithoutAToken(mtls_target, pki):
    with ChurnClient(mtls_target, timeout=20, ca_file=pki.ca, cert_file=pki.client_cert,
                     key_file=pki.client_key) as client:
        response = client.predict(customers.risky())

    assert response.prediction.model_version


async def test_aio_mtls_withAToken_predicts(mtls_target, pki):
    async with AsyncChurnClient(mtls_target, timeout=20, ca_file=pki.ca, cert_file=pki.client_cert,
                                key_file=pki.client_key, token=PREDICT_TOKEN) as client:
        metadata = await client.model_metadata()

    assert metadata.version


def test_sync_mtls_withoutAClientCertificate_isUnavailable(mtls_target, pki):
    with ChurnClient(mtls_target, timeout=20, ca_file=pki.ca, token=PREDICT_TOKEN) as client:
        error = _refusal(client)

    assert error.code is grpc.StatusCode.UNAVAILABLE


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CHURNWIRE_")}
    environment.update(env or {})
    return subprocess.run([str(CHURNWIRE), *args], capture_output=True, text=True, timeout=60, env=environment)


def test_cli_predictOverTlsWithATokenFile_printsTheDecision(tls_target, pki, tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(PREDICT_TOKEN + "\n")

    result = _cli("predict", "--target", tls_target, "--timeout", "20", "--tls-ca-file", str(pki.ca),
                  "--token-file", str(token_file), "--customer-id", "7590-VHVEG", "--internet-service", "yes",
                  "--number-dependents", "0", "--number-referrals", "0", "--satisfaction-score", "2",
                  "--tenure-in-months", "3", "--total-long-distance-charges", "31.2", "--total-revenue", "250.5",
                  "--contract", "month-to-month", "--payment-method", "mailed-check")

    assert result.returncode == 0, result.stderr
    assert "customer          7590-VHVEG" in result.stdout


def test_cli_mtlsFromTheEnvironment_printsTheMetadata(mtls_target, pki):
    result = _cli("metadata", "--target", mtls_target, "--timeout", "20",
                  env={"CHURNWIRE_TLS_CA_FILE": str(pki.ca), "CHURNWIRE_TLS_CLIENT_CERT_FILE": str(pki.client_cert),
                       "CHURNWIRE_TLS_CLIENT_KEY_FILE": str(pki.client_key), "CHURNWIRE_TOKEN": PREDICT_TOKEN})

    assert result.returncode == 0, result.stderr
    assert '"version"' in result.stdout


def test_cli_unknownToken_failsUnauthenticatedAndExitsOne(tls_target, pki):
    result = _cli("metadata", "--target", tls_target, "--timeout", "20", "--max-attempts", "1",
                  "--tls-ca-file", str(pki.ca), env={"CHURNWIRE_TOKEN": "wrong"})

    assert result.returncode == 1
    assert "UNAUTHENTICATED" in result.stderr
