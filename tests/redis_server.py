"""A redis-server of a test's own, on a free port, that the test stops and starts again: an outage it controls.

Stopping saves the data first and starting loads it again (a Redis with persistence restarting, or a network
outage), so values written before the outage are still there after it.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

START_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_server_binary_or_skip() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    return binary


class RedisServer:
    def __init__(self, binary: str, directory: Path) -> None:
        self.binary = binary
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def client(self, database: int = 0) -> redis.Redis:
        return redis.Redis.from_url(self.url(database), socket_connect_timeout=1, socket_timeout=1)

    def start(self) -> None:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), "--dbfilename", "dump.rdb"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                self.client().ping()
                return
            except redis.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.01)

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                self.client().shutdown(save=True)
            except redis.RedisError:
                self.process.terminate()
            self.process.wait(timeout=START_SECONDS)
        self.process = None
