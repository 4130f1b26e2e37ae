"""Validates the manifests `helm template` rendered from the Churnwire chart, offline.

Every object is checked against a schema, and an object whose kind has none fails:
  - Kubernetes' own kinds against the OpenAPI schemas kubernetes-validate ships, in strict mode
    (unknown fields refused), for each Kubernetes version given;
  - KEDA's ScaledObject against schemas/keda-scaledobject.schema.json (its CRD is not part of
    Kubernetes).
Then the chart's own promises are checked on what was rendered: every workload's pods run as the
unprivileged user on a read-only root with every capability dropped, have resource requests and
limits and a writable /tmp; the server is probed over gRPC health on churnwire.v1.ChurnService
(or over TCP when its ports speak TLS); Envoy's configuration has no placeholder left and points
at the headless server Service; every Service, ConfigMap, claim and scale target that an object
names is rendered too (or listed with --existing-claim).

Usage: validate_manifests.py --kubernetes-version 1.30.0 [--kubernetes-version ...]
       [--existing-claim NAME ...] [--envoy-config-out FILE] rendered.yaml
Exits 1 naming every failure; prints one line per object checked.
"""

import argparse
import json
import pathlib
import re
import sys

import jsonschema
import kubernetes_validate
import yaml

HERE = pathlib.Path(__file__).resolve().parent
CUSTOM_SCHEMAS = {
    ("keda.sh/v1alpha1", "ScaledObject"): HERE / "schemas" / "keda-scaledobject.schema.json",
}
WORKLOAD_KINDS = {"Deployment", "Job", "StatefulSet", "DaemonSet"}
READINESS_SERVICE = "churnwire.v1.ChurnService"


class Failures:
    def __init__(self):
        self.messages = []

    def add(self, where, message):
        self.messages.append(f"{where}: {message}")


def name_of(doc):
    return f"{doc['kind']}/{doc.get('metadata', {}).get('name', '?')}"


def validate_schemas(docs, versions, failures):
    for doc in docs:
        key = (doc.get("apiVersion"), doc.get("kind"))
        custom = CUSTOM_SCHEMAS.get(key)
        if custom is not None:
            schema = json.loads(custom.read_text())
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
            for error in errors:
                path = ".".join(str(p) for p in error.path)
                failures.add(name_of(doc), f"{custom.name}: {path}: {error.message}")
            print(f"  schema {'FAIL' if errors else 'ok  '} {name_of(doc)} ({key[0]}) against {custom.name}")
            continue
        for version in versions:
            try:
                checked = kubernetes_validate.validate(doc, version, strict=True)
                print(f"  schema ok   {name_of(doc)} ({key[0]}) against Kubernetes {checked} (strict)")
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(p) for p in error.path)
                failures.add(name_of(doc), f"Kubernetes {error.version}: {path}: {error.message}")
                print(f"  schema FAIL {name_of(doc)} against Kubernetes {version}")
            except kubernetes_validate.SchemaNotFoundError as error:
                failures.add(name_of(doc), f"no schema to validate it: {error.message}")
                print(f"  schema FAIL {name_of(doc)}: no schema")


def pod_spec(doc):
    return doc["spec"]["template"]["spec"]


def check_pod_security(doc, failures):
    spec = pod_spec(doc)
    where = name_of(doc)
    pod_context = spec.get("securityContext", {})
    if pod_context.get("runAsNonRoot") is not True:
        failures.add(where, "pod securityContext.runAsNonRoot is not true")
    if pod_context.get("runAsUser") != 10001:
        failures.add(where, f"pod runs as user {pod_context.get('runAsUser')}, not 10001")
    if spec.get("automountServiceAccountToken") is not False:
        failures.add(where, "mounts a service account token")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for container in spec.get("initContainers", []) + spec["containers"]:
        cwhere = f"{where} container {container['name']}"
        context = container.get("securityContext", {})
        if context.get("readOnlyRootFilesystem") is not True:
            failures.add(cwhere, "root file system is not read-only")
        if context.get("allowPrivilegeEscalation") is not False:
            failures.add(cwhere, "may gain privileges")
        if context.get("capabilities", {}).get("drop") != ["ALL"]:
            failures.add(cwhere, f"capabilities.drop is {context.get('capabilities', {}).get('drop')}, not [ALL]")
        resources = container.get("resources", {})
        if not resources.get("requests") or not resources.get("limits", {}).get("memory"):
            failures.add(cwhere, f"resources need requests and a memory limit: {resources}")
        for mount in container.get("volumeMounts", []):
            if mount["name"] not in volumes:
                failures.add(cwhere, f"mounts volume {mount['name']}, which the pod does not define")
    main = spec["containers"][0]
    tmp = [m for m in main.get("volumeMounts", []) if m["mountPath"] == "/tmp"]
    if not tmp or "emptyDir" not in volumes.get(tmp[0]["name"], {}):
        failures.add(f"{where} container {main['name']}", "no emptyDir on /tmp")


def check_server(doc, failures):
    container = pod_spec(doc)["containers"][0]
    where = f"{name_of(doc)} container {container['name']}"
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    tls = "CHURNWIRE_TLS_CERT_FILE" in env
    for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
        probe = container.get(probe_name)
        if probe is None:
            failures.add(where, f"has no {probe_name}")
            continue
        if tls:
            if "grpc" in probe:
                failures.add(where, f"{probe_name} is a gRPC probe, which cannot speak TLS to a TLS-only port")
        elif "grpc" not in probe:
            failures.add(where, f"{probe_name} is not a gRPC health probe: {probe}")
        elif probe_name != "livenessProbe" and probe["grpc"].get("service") != READINESS_SERVICE:
            failures.add(where, f"{probe_name} asks for service {probe['grpc'].get('service')!r}, not {READINESS_SERVICE}")
    models = [m for m in container.get("volumeMounts", []) if m["mountPath"] == "/models"]
    if not models or models[0].get("readOnly") is not True:
        failures.add(where, "does not mount the model registry read-only on /models")
    if env.get("CHURNWIRE_MODEL_DIR") != "/models":
        failures.add(where, f"CHURNWIRE_MODEL_DIR is {env.get('CHURNWIRE_MODEL_DIR')!r}")
    if any("password" in (value or "").lower() and name != "CHURNWIRE_HISTORY_PASSWORD_FILE" for name, value in env.items()):
        failures.add(where, "an environment value mentions a password")
    print(f"  server  ok   {name_of(doc)}: probes {'TCP/HTTP (TLS)' if tls else 'gRPC health'}, registry read-only")


def check_envoy_config(docs, failures, config_out):
    maps = [d for d in docs if d["kind"] == "ConfigMap" and "envoy.yaml" in d.get("data", {})]
    if not maps:
        return
    text = maps[0]["data"]["envoy.yaml"]
    where = name_of(maps[0])
    left = sorted(set(re.findall(r"\$\{[A-Z_]+\}", text)))
    if left:
        failures.add(where, f"placeholders left in envoy.yaml: {left}")
    config = yaml.safe_load(text)
    services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
    headless = {d["metadata"]["name"] for d in docs if d["kind"] == "Service" and d["spec"].get("clusterIP") == "None"}
    for cluster in config["static_resources"]["clusters"]:
        for group in cluster["load_assignment"]["endpoints"]:
            for endpoint in group["lb_endpoints"]:
                address = endpoint["endpoint"]["address"]["socket_address"]["address"]
                service = address.split(".")[0]
                if service not in headless:
                    failures.add(where, f"cluster {cluster['name']} points at {address}, not a headless Service rendered here ({sorted(services)})")
    for key, value in maps[0]["data"].items():
        if key != "envoy.yaml" and re.search(r"\$\{[A-Z_]+\}", value):
            failures.add(where, f"placeholders left in {key}")
    if config_out:
        pathlib.Path(config_out).mkdir(parents=True, exist_ok=True)
        for key, value in maps[0]["data"].items():
            (pathlib.Path(config_out) / key).write_text(value)
    print(f"  envoy   ok   {where}: no placeholder left, clusters {[c['name'] for c in config['static_resources']['clusters']]}")


def check_references(docs, existing_claims, failures):
    rendered = {(d["kind"], d["metadata"]["name"]) for d in docs}
    for doc in docs:
        where = name_of(doc)
        if doc["kind"] in WORKLOAD_KINDS:
            for volume in pod_spec(doc).get("volumes", []):
                if "configMap" in volume and ("ConfigMap", volume["configMap"]["name"]) not in rendered:
                    failures.add(where, f"volume {volume['name']} names ConfigMap {volume['configMap']['name']}, not rendered")
                claim = volume.get("persistentVolumeClaim", {}).get("claimName")
                if claim and ("PersistentVolumeClaim", claim) not in rendered and claim not in existing_claims:
                    failures.add(where, f"volume {volume['name']} names claim {claim}, neither rendered nor existing")
        target = None
        if doc["kind"] == "HorizontalPodAutoscaler" or doc["kind"] == "ScaledObject":
            target = doc["spec"]["scaleTargetRef"]
        if target and (target.get("kind", "Deployment"), target["name"]) not in rendered:
            failures.add(where, f"scales {target.get('kind')}/{target['name']}, which is not rendered")
        if doc["kind"] in ("Service", "PodDisruptionBudget"):
            selector = doc["spec"].get("selector", {})
            selector = selector.get("matchLabels", selector)
            pods = [d for d in docs if d["kind"] in WORKLOAD_KINDS
                    and selector.items() <= d["spec"]["template"]["metadata"].get("labels", {}).items()]
            if not pods:
                failures.add(where, f"selects no rendered pods with {selector}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubernetes-version", action="append", required=True)
    parser.add_argument("--existing-claim", action="append", default=[])
    parser.add_argument("--envoy-config-out")
    parser.add_argument("manifests")
    args = parser.parse_args()

    docs = [d for d in yaml.safe_load_all(pathlib.Path(args.manifests).read_text()) if d]
    if not docs:
        print(f"{args.manifests}: nothing rendered", file=sys.stderr)
        return 1
    failures = Failures()
    print(f"{args.manifests}: {len(docs)} objects: {', '.join(sorted(name_of(d) for d in docs))}")
    validate_schemas(docs, args.kubernetes_version, failures)
    for doc in docs:
        if doc["kind"] in WORKLOAD_KINDS:
            check_pod_security(doc, failures)
        if doc["kind"] == "Deployment" and doc["metadata"]["labels"].get("app.kubernetes.io/component") == "server":
            check_server(doc, failures)
    if not any(d["kind"] == "Deployment" and d["metadata"]["labels"].get("app.kubernetes.io/component") == "server" for d in docs):
        failures.add(args.manifests, "no server Deployment rendered")
    check_envoy_config(docs, failures, args.envoy_config_out)
    check_references(docs, set(args.existing_claim), failures)
    if failures.messages:
        print(f"{args.manifests}: {len(failures.messages)} failure(s):", file=sys.stderr)
        for message in failures.messages:
            print(f"  FAIL {message}", file=sys.stderr)
        return 1
    print(f"{args.manifests}: every object valid, the chart's promises hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
