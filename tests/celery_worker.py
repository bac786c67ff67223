"""A real Celery worker process on Redis for the tests that are about one."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from celery import Celery
from celery.result import AsyncResult

BASE_DIR = Path(__file__).resolve().parents[1]
# Left to the worker's own settings: the test's environment would point it at the wrong place.
NOT_INHERITED = {"DJANGO_ENV", "DATABASE_URL", "CELERY_RESULT_BACKEND", "SENTRY_DSN", "PYTEST_XDIST_WORKER"}


def shared_database_url() -> str:
    """DATABASE_URL naming the test database, for a worker that shares it with the test."""
    from django.conf import settings

    return urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{settings.DATABASES['default']['NAME']}").geturl()


def wait_until(condition, seconds: float = 60, *, describe=lambda: "") -> None:
    """Return once ``condition()`` holds; fail the test after ``seconds``, with what ``describe()`` says."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out {describe()}")
        time.sleep(0.02)


def worker_redis_url_or_skip(database: int) -> str:
    """REDIS_URL pointed at ``database`` (the suite flushes the cache database, which would wipe queued messages
    and results); CELERY_TEST_REDIS_URL overrides it. Skips when Redis is not configured or not reachable."""
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL is not set")
    url = os.environ.get("CELERY_TEST_REDIS_URL") or urlsplit(url)._replace(path=f"/{database}").geturl()
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL is unreachable: {exc}")
    return url


@dataclass
class Worker:
    process: subprocess.Popen
    output: tempfile.SpooledTemporaryFile
    client: Celery
    queue: str
    sent: list[AsyncResult]

    def send(self, name: str, *args) -> AsyncResult:
        result = self.client.send_task(name, args=args, queue=self.queue)
        self.sent.append(result)
        return result

    def wait_for(self, results: list[AsyncResult], seconds: float = 60) -> list:
        """The results' values; fails the test with the worker's output if it exits or takes too long."""
        deadline = time.monotonic() + seconds
        while not all(result.ready() for result in results):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.output.seek(0)
                pytest.fail(f"worker exited or timed out ({self.process.returncode}):\n{self.output.read()[-4000:]}")
            time.sleep(0.05)
        return [result.get(timeout=5, disable_sync_subtasks=False) for result in results]

    def wait_until(self, condition, seconds: float = 60) -> None:
        """wait_until, failing with the end of the worker's output."""
        wait_until(condition, seconds, describe=lambda: f"; worker output:\n{self.log()[-6000:]}")

    def kill_pool(self) -> list[int]:
        """SIGKILL the prefork pool's processes, as the OOM killer or a lost host would; returns their pids."""
        killed = _children(self.process.pid)
        assert killed, "no pool process to kill"
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        return killed

    def log(self) -> str:
        self.output.seek(0)
        return self.output.read()


@contextmanager
def running_worker(redis_url: str, *, prefix: str, env: dict[str, str], pool: list[str]) -> Iterator[Worker]:
    """A worker consuming a queue of its own (so nothing else on this Redis takes its messages), stopped and
    cleaned up afterwards. ``env`` adds to the test's environment; ``pool`` is e.g. ["--pool", "solo"]."""
    queue = f"{prefix}-{uuid.uuid4().hex[:12]}"
    worker_env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    worker_env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        CELERY_BROKER_URL=redis_url,
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=queue,
        **env,
    )
    command = [
        *(sys.executable, "-m", "celery", "-A", "config", "worker", *pool, "--queues", queue),
        *("--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"),
        *("--loglevel", "INFO"),
    ]
    with tempfile.TemporaryFile(mode="w+") as output:
        process = subprocess.Popen(command, cwd=BASE_DIR, env=worker_env, stdout=output, stderr=subprocess.STDOUT)
        client = Celery(f"{prefix}-client", broker=redis_url, backend=redis_url, set_as_current=False)
        worker = Worker(process, output, client, queue, [])
        try:
            yield worker
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            for result in worker.sent:
                result.forget()
            client.close()
            _forget_queue(redis_url, queue)


def _children(parent: int) -> list[int]:
    """The pids of ``parent``'s child processes (the prefork pool's workers)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == parent:
                children.append(int(entry.name))
    return children


def _forget_queue(redis_url: str, queue: str) -> None:
    """Remove the routing keys kombu left for the test queue."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    client.close()
