"""Channel credentials shared by the sync and asyncio clients: TLS, mTLS and the bearer token.

The token travels as ``authorization: Bearer <token>`` through grpc's access-token call
credentials, combined with TLS credentials, or, in plaintext, with local credentials, which grpc
only lets connect to this machine. A token is never sent in plaintext to another host: asking
for that is refused when the client is made.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Union

import grpc

PathLike = Union[str, "os.PathLike[str]"]

_SCHEMES_WITH_HOST = ("dns:", "ipv4:", "ipv6:")
_LOCAL_SOCKET_SCHEMES = ("unix:", "unix-abstract:")


def read_token(path: PathLike) -> str:
    """The first line of a token file (as secrets are mounted), surrounding white space removed.

    Raises:
        OSError: the file cannot be read.
        ValueError: it holds no token.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    token = lines[0].strip() if lines else ""
    if not token:
        raise ValueError(f"token file {os.fspath(path)} is empty")
    return token


def channel_credentials(target: str, *, tls: bool = False, ca_file: PathLike | None = None,
                        cert_file: PathLike | None = None, key_file: PathLike | None = None,
                        token: str | None = None) -> grpc.ChannelCredentials | None:
    """The credentials of a channel to ``target``, or None for a plaintext channel without a token.

    ``ca_file`` and ``cert_file`` imply TLS; without ``ca_file`` the platform's roots are trusted.
    The files are read now.

    Raises:
        ValueError: the options contradict each other, the token cannot travel in a header, or a
            token would go in plaintext to a host other than this one.
        OSError: a file cannot be read.
    """
    if (cert_file is None) != (key_file is None):
        raise ValueError("cert_file and key_file go together; give both or neither")
    if token is not None:
        _check_token(token)
    if tls or ca_file is not None or cert_file is not None:
        transport = grpc.ssl_channel_credentials(
            root_certificates=_read(ca_file), private_key=_read(key_file), certificate_chain=_read(cert_file))
    elif token is None:
        return None
    elif target.startswith(_LOCAL_SOCKET_SCHEMES):
        transport = grpc.local_channel_credentials(grpc.LocalConnectionType.UDS)
    elif is_loopback(target):
        transport = grpc.local_channel_credentials(grpc.LocalConnectionType.LOCAL_TCP)
    else:
        raise ValueError(f"refusing to send a bearer token over plaintext to {target}; use tls=True or ca_file")
    if token is None:
        return transport
    return grpc.composite_channel_credentials(transport, grpc.access_token_call_credentials(token))


def is_loopback(target: str) -> bool:
    """Whether ``target`` names this machine: ``localhost``, or an address literal in 127.0.0.0/8 or
    ``::1``. Nothing is resolved, so a host name such as ``127.0.0.1.example.com`` is not one."""
    host = _host(target)
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host(target: str) -> str:
    """The host of a gRPC target: ``host:port``, ``[v6]:port``, ``dns:///host:port``, ``ipv4:a:port``."""
    rest = target
    if rest.startswith(_SCHEMES_WITH_HOST):
        rest = rest.split(":", 1)[1]
        if rest.startswith("//"):
            rest = rest[2:].split("/", 1)[-1]
    if rest.startswith("["):
        return rest[1:rest.find("]")] if "]" in rest else rest
    if rest.count(":") == 1:
        return rest.split(":", 1)[0]
    return rest


def _check_token(token: str) -> None:
    if not token or not all(0x20 < ord(c) < 0x7F for c in token):
        raise ValueError("a bearer token must be printable ASCII without spaces")


def _read(path: PathLike | None) -> bytes | None:
    return None if path is None else Path(path).read_bytes()


def open_channel(target: str, channel, channels, *, tls: bool, ca_file: PathLike | None,
                 cert_file: PathLike | None, key_file: PathLike | None, token: str | None):
    """The channel a client uses: ``channel`` as given (then no security argument may be set), or a
    new one to ``target`` made by ``channels`` (the ``grpc`` or ``grpc.aio`` module) with the
    credentials of :func:`channel_credentials`."""
    if channel is not None:
        if tls or any(arg is not None for arg in (ca_file, cert_file, key_file, token)):
            raise ValueError("tls, ca_file, cert_file, key_file and token configure the channel the client "
                             "makes; they cannot be combined with channel=")
        return channel
    credentials = channel_credentials(target, tls=tls, ca_file=ca_file, cert_file=cert_file,
                                      key_file=key_file, token=token)
    return channels.insecure_channel(target) if credentials is None else channels.secure_channel(target, credentials)
