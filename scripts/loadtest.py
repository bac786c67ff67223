"""Shared pieces of the load benchmarks: wait for a server, drive it with wrk, parse wrk's report."""

import argparse
import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path


def server_env(**settings: str) -> dict[str, str]:
    """This environment for a benchmark server on the embedded defaults (SQLite, local cache), plus ``settings``."""
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        DEBUG="false",
        DJANGO_ENV="development",
        LOG_LEVEL="ERROR",
        # Benchmarks serve no static files: whitenoise's warning about the missing collectstatic folder is noise.
        PYTHONWARNINGS="ignore:No directory at",
        # The load comes from one address and a few users; per-client throttles would turn it into 429s.
        THROTTLE_ANON="100000000/second",
        THROTTLE_USER="100000000/second",
        **settings,
    )
    return env


def wait_until_up(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server did not answer {url} within {timeout}s")


def latency_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(
    url: str,
    args: argparse.Namespace,
    duration: int,
    script: Path | None = None,
    token: str | None = None,
    cookie: str | None = None,
    timeout: int = 2,
) -> dict:
    """One wrk run (args.threads, args.connections) against url; script is an optional Lua request generator,
    token an access token and cookie a Cookie header sent with every request; a request not answered within
    timeout seconds counts as a socket error."""
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{duration}s",
        f"--timeout={timeout}s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    if token is not None:
        command += ["-H", f"Authorization: Bearer {token}"]
    if cookie is not None:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": latency_ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)),
        "p99_ms": latency_ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }
