"""gunicorn settings for the widgets service; each can be overridden from the environment.

Prometheus needs one shared folder for all workers' samples (multiprocess mode): it is wiped when
the master starts, and a worker's live samples are dropped when it exits.
"""

import os
import shutil
import tempfile
from pathlib import Path

from prometheus_client import multiprocess

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Newer gunicorn opens a control socket under $HOME; the container has no writable home.
control_socket_disable = True
# Heartbeat files on tmpfs: the root filesystem is read-only in the container.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# Django logs each request (JSON, with its request id); gunicorn only logs its own events.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "ops.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False}},
}

# Set before the workers fork, so each worker's prometheus_client finds it at import.
PROMETHEUS_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(tempfile.gettempdir()) / f"prometheus-{os.getpid()}"),
    )
)


def on_starting(server):
    """Samples left by an earlier run would be added to this one's: start from an empty folder."""
    shutil.rmtree(PROMETHEUS_DIR, ignore_errors=True)
    PROMETHEUS_DIR.mkdir(parents=True)


def child_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    shutil.rmtree(PROMETHEUS_DIR, ignore_errors=True)
