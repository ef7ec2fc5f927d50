"""Server processes in tests: a free loopback port, waiting until a URL answers, stopping."""

import socket
import subprocess
import time
import urllib.error
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, output, attempts: int = 600) -> None:
    """Return once ``url`` answers; fail with ``output()`` (the process's log) if it exits or never does."""
    for _ in range(attempts):
        if process.poll() is not None:
            raise AssertionError(f"{process.args[0]} exited with {process.returncode}: {output()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{process.args[0]} did not answer at {url}: {output()}")


def stop(process: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM, then SIGKILL if it has not exited within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
