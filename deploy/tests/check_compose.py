"""The compose stack's promises, read from docker-compose.yml (the Compose Specification's schema
is checked apart, by check-jsonschema; the containers' hardening by ContainerHardeningTest):

  - every long-running service restarts unless stopped and has a health check; one-shot services
    (the topic creation, the model init, the demo simulator) do not restart, and the demo
    profile's services are left to the person who started them;
  - services start after what they need is healthy (or, for one-shot services, completed);
  - the server keeps its history in the compose PostgreSQL, reading the password from the compose
    secret, and PostgreSQL takes the same secret;
  - no environment value holds a secret: a variable whose name speaks of a password, token or key
    names a file instead, and every secret comes from a file that git ignores;
  - the Kafka topics the bridge uses are all created.

Usage: check_compose.py docker-compose.yml; exits 1 naming every broken promise.
"""

import pathlib
import re
import subprocess
import sys

import yaml

ONE_SHOT = {"kafka-topics", "model-init", "simulator"}
TOPICS = {"churn.requests", "churn.predictions", "churn.requests.dlq", "churn.outcomes"}
SECRET_NAME = re.compile(r"PASSWORD|TOKEN|SECRET|_KEY$", re.IGNORECASE)


def main(path):
    compose_file = pathlib.Path(path)
    compose = yaml.safe_load(compose_file.read_text())
    services = compose["services"]
    problems = []

    for name, service in services.items():
        # The demo profile's services are started by hand to watch the stack; they may stop.
        long_running = name not in ONE_SHOT and "demo" not in service.get("profiles", [])
        restart = service.get("restart")
        if long_running and restart not in ("unless-stopped", "always"):
            problems.append(f"{name}: restart is {restart!r}, not unless-stopped")
        if name in ONE_SHOT and restart not in (None, "no"):
            problems.append(f"{name}: a one-shot service restarts ({restart})")
        if long_running and "healthcheck" not in service:
            problems.append(f"{name}: no healthcheck")
        depends = service.get("depends_on", {})
        if isinstance(depends, list):
            problems.append(f"{name}: depends_on {depends} waits for nothing but the start")
            depends = {}
        for dependency, condition in depends.items():
            wanted = "service_completed_successfully" if dependency in ONE_SHOT else "service_healthy"
            if condition.get("condition") != wanted:
                problems.append(f"{name}: waits for {dependency} to be {condition.get('condition')}, not {wanted}")
        environment = service.get("environment", {})
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        for variable, value in environment.items():
            if SECRET_NAME.search(variable) and not variable.endswith("_FILE"):
                problems.append(f"{name}: {variable} carries a secret in the file; name a secret file instead")
            if re.search(r"password=", str(value), re.IGNORECASE):
                problems.append(f"{name}: {variable} carries a password")

    server = services["server"]["environment"]
    if not str(server.get("CHURNWIRE_HISTORY_URL", "")).startswith("jdbc:postgresql://postgres:"):
        problems.append(f"server: the history is {server.get('CHURNWIRE_HISTORY_URL')!r}, not the compose PostgreSQL")
    postgres = services.get("postgres", {})
    if "history_password" not in services["server"].get("secrets", []):
        problems.append("server: does not get the history_password secret")
    if server.get("CHURNWIRE_HISTORY_PASSWORD_FILE") != "/run/secrets/history_password":
        problems.append("server: CHURNWIRE_HISTORY_PASSWORD_FILE is not the history_password secret")
    if "history_password" not in postgres.get("secrets", []) or \
            postgres.get("environment", {}).get("POSTGRES_PASSWORD_FILE") != "/run/secrets/history_password":
        problems.append("postgres: does not take its password from the history_password secret")
    if postgres.get("environment", {}).get("POSTGRES_USER") != server.get("CHURNWIRE_HISTORY_USER"):
        problems.append("postgres: its user is not the server's CHURNWIRE_HISTORY_USER")

    root = compose_file.resolve().parent
    for name, secret in compose.get("secrets", {}).items():
        if "file" not in secret:
            problems.append(f"secret {name}: not read from a file")
            continue
        ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "-q", secret["file"]])
        if ignored.returncode != 0:
            problems.append(f"secret {name}: {secret['file']} is not ignored by git")
        tracked = subprocess.run(["git", "-C", str(root), "ls-files", "--error-unmatch", secret["file"]],
                                 capture_output=True)
        if tracked.returncode == 0:
            problems.append(f"secret {name}: {secret['file']} is committed")

    created = set(re.findall(r"churn\.[a-z.]+", " ".join(map(str, services["kafka-topics"]["command"]))))
    if not TOPICS <= created:
        problems.append(f"kafka-topics: does not create {sorted(TOPICS - created)}")

    for problem in problems:
        print(f"  FAIL {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"  {compose_file}: {len(services)} services; long-running ones restart and are health-checked; "
          f"history in PostgreSQL through the secret file; topics {sorted(created)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
