"""Build hook: generates the churnwire.v1 messages and gRPC stubs from the repository's proto/
with grpcio-tools while the package is built, so generated code is never checked in or copied.

The proto package churnwire.v1 maps to the Python package churnwire.v1 inside this distribution,
so the imports protoc writes (``from churnwire.v1 import customer_pb2``) resolve as they are.
"""

import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
PROTO_PACKAGE = Path("churnwire", "v1")


def proto_root() -> Path:
    """proto/ of the checkout, or the copy an sdist carries."""
    for candidate in (HERE / "proto", HERE.parent.parent / "proto"):
        if (candidate / PROTO_PACKAGE).is_dir():
            return candidate
    raise SystemExit(
        "churnwire-client: proto/churnwire/v1 not found next to setup.py or at ../../proto; "
        "build from a Churnwire checkout or from its sdist"
    )


def include_root(marker: str) -> Path:
    """The sys.path entry that holds ``marker``, e.g. the googleapis-common-protos install."""
    for entry in sys.path:
        if entry and (Path(entry) / marker).is_file():
            return Path(entry)
    raise SystemExit(f"churnwire-client: {marker} not found; is googleapis-common-protos installed?")


def generate_stubs(out_dir: Path) -> None:
    import grpc_tools
    from grpc_tools import protoc

    root = proto_root()
    protos = sorted(str(path) for path in (root / PROTO_PACKAGE).glob("*.proto"))
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    googleapis = include_root("google/api/annotations.proto")
    out_dir.mkdir(parents=True, exist_ok=True)
    status = protoc.main([
        "grpc_tools.protoc",
        f"-I{root}",
        f"-I{well_known}",
        f"-I{googleapis}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *protos,
    ])
    if status != 0:
        raise SystemExit(f"churnwire-client: protoc failed with status {status}")
    (out_dir / PROTO_PACKAGE / "__init__.py").write_text(
        '"""churnwire.v1 messages and stubs, generated from proto/ when the package was built."""\n'
    )


class BuildPyWithStubs(build_py):
    """build_py that also writes the generated modules into the build (or, editable, into src/)."""

    def run(self):
        super().run()
        generate_stubs(HERE / "src" if self.editable_mode else Path(self.build_lib))


class SdistWithProtos(sdist):
    """sdist that carries proto/churnwire/v1, so a wheel can be built from it away from the checkout."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        target = Path(base_dir, "proto", PROTO_PACKAGE)
        target.mkdir(parents=True, exist_ok=True)
        for proto in sorted((proto_root() / PROTO_PACKAGE).glob("*.proto")):
            self.copy_file(str(proto), str(target / proto.name))


setup(cmdclass={"build_py": BuildPyWithStubs, "sdist": SdistWithProtos})
