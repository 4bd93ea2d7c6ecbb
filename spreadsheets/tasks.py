"""Celery task of large spreadsheet imports (more than ``LARGE_IMPORT_ROWS`` data rows).

The upload already lies under MEDIA_ROOT/imports/<token>.bin with its <token>.json (who, which
council, which resource). The job's state is one more small file there, <token>.job.json:

    {"phase": "preview" | "import",
     "status": "queued" | "running" | "done" | "failed" | "cancelled",
     "done": rows read, "total": rows in the file, "report": the ImportReport when done}

It is written whole and renamed into place, so the progress page never reads half a file. The
task takes the token, claims the phase by creating <token>.<phase>.claim exclusively (the file
equivalent of the conditional UPDATE of reports.tasks: a redelivered message finds it and does
nothing), and calls the same ``run_import`` as the request path: one transaction, all or nothing.
In the embedded default (eager Celery) the task runs in-process, after the request's commit.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import time
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from council.models import Council
from spreadsheets.tables import ImportCancelled, ImportReport, RowReport, run_import

logger = logging.getLogger(__name__)

FAILED_MESSAGE = (
    "取り込みの処理中に問題が起きました（何も保存していません）。時間をおいてもう一度お試しください。"
)
DISPATCH_FAILED_MESSAGE = (
    "取り込みの受付に失敗しました（処理を受け付ける仕組みに一時的につながりません）。何も保存していません。"
    "しばらくしてから、もう一度ファイルを選んでお試しください。"
)
WORKER_LOST_MESSAGE = (
    "取り込みの途中で処理が止まりました（何も保存していません）。もう一度ファイルを選んでお試しください。"
)
CANCELLED_MESSAGE = (
    "取り込みを取り消しました。何も保存していません。必要なときは、もう一度ファイルを選んでください。"
)
PHASES = ("preview", "import")
# A queued or running phase whose state file has not changed for this long was left by a worker
# that died (the task writes its progress at least every few seconds while it reads rows).
STALE_AFTER_SECONDS = 15 * 60


def upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _state_path(token: str) -> Path:
    return upload_dir() / f"{token}.job.json"


def read_state(token: str) -> dict | None:
    """The job's state; a pending phase that stopped moving long ago is failed here, so that no
    page waits for a dead worker."""
    try:
        state = json.loads(_state_path(token).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    stalled = time.time() - float(state.get("updated") or 0) > STALE_AFTER_SECONDS
    if state.get("status") in ("queued", "running") and stalled:
        state = write_state(token, **{**state, "status": "failed", "error": WORKER_LOST_MESSAGE})
    return state


def write_state(token: str, **state) -> dict:
    path = _state_path(token)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    state["updated"] = time.time()
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)
    return state


def _cancel_path(token: str) -> Path:
    return upload_dir() / f"{token}.cancel"


def cancel_requested(token: str) -> bool:
    return _cancel_path(token).exists()


def import_cancel(token: str) -> bool:
    """「取り消す」: a queued phase is cancelled at once; a running one when its worker next checks
    (every 1,000 rows read, every 100 rows imported, and before the commit: nothing is saved).
    False when the phase has already ended."""
    state = read_state(token)
    if state is None or state.get("status") not in ("queued", "running"):
        return False
    _cancel_path(token).touch()
    if state["status"] == "queued":
        write_state(token, **{**state, "status": "cancelled", "error": CANCELLED_MESSAGE})
    return True


def drop_state(token: str) -> None:
    folder = upload_dir()
    _state_path(token).unlink(missing_ok=True)
    _cancel_path(token).unlink(missing_ok=True)
    for phase in (*PHASES, "confirm"):
        (folder / f"{token}.{phase}.claim").unlink(missing_ok=True)


def report_to_dict(report: ImportReport) -> dict:
    return dataclasses.asdict(report)


def report_from_dict(data: dict) -> ImportReport:
    rows = [RowReport(**row) for row in data.get("rows", [])]
    return ImportReport(**{**data, "rows": rows})


def claim(token: str, phase: str, task_id: str = "") -> bool:
    """Create the claim file exclusively, naming the message that claims. The same message again
    (redelivered because the worker running it died) may take its own claim over."""
    path = upload_dir() / f"{token}.{phase}.claim"
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        try:
            return bool(task_id) and path.read_text(encoding="utf-8") == task_id
        except OSError:
            return False
    with os.fdopen(fd, "w", encoding="utf-8") as claim_file:
        claim_file.write(task_id)
    return True


def import_queue(token: str, phase: str) -> None:
    """Record the phase as queued and send the task once the current transaction commits."""
    if phase not in PHASES:
        raise ValueError(phase)
    write_state(token, phase=phase, status="queued", done=0, total=0, report=None)
    transaction.on_commit(lambda: _send(token, phase))


def _send(token: str, phase: str) -> None:
    try:
        import_spreadsheet.delay(token, phase)
    except Exception:  # the broker cannot be reached: say so on the progress page, keep nothing
        logger.exception("import %s/%s could not be queued", token, phase)
        write_state(
            token, phase=phase, status="failed", done=0, total=0, report=None, error=DISPATCH_FAILED_MESSAGE
        )


# The name predates the move to this app; kept so jobs queued before an upgrade still run.
@shared_task(name="council.import_spreadsheet", ignore_result=True, bind=True)
def import_spreadsheet(self, token: str, phase: str) -> None:
    """Preview (dry run) or import one stored upload. Safe to run twice: only the claimer runs
    (or the same message again, after its worker died: the import is one transaction, so the dead
    run saved nothing)."""
    if phase not in PHASES or not claim(token, phase, self.request.id or ""):
        logger.info("import %s/%s not claimed (done, running elsewhere, or gone)", token, phase)
        return
    folder = upload_dir()
    try:
        meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
        data = (folder / f"{token}.bin").read_bytes()
    except (OSError, ValueError):
        logger.info("import %s: upload gone", token)
        return
    state = {"phase": phase, "status": "running", "done": 0, "total": 0, "report": None}
    if cancel_requested(token):  # cancelled while it waited
        write_state(token, **{**state, "status": "cancelled", "error": CANCELLED_MESSAGE})
        return
    write_state(token, **state)
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if done in (0, total) or now - last[0] >= 0.5:  # a small file write, at most twice a second
            last[0] = now
            state.update(done=done, total=total)
            write_state(token, **state)

    try:
        council = Council.objects.get(pk=meta["council"])
        user = get_user_model().objects.filter(pk=meta["user"]).first()
        report = run_import(
            resource_name=meta["resource"],
            council=council,
            data=data,
            filename=meta.get("filename", ""),
            user=user,
            dry_run=phase == "preview",
            progress=progress,
            fiscal_year=meta.get("fiscal_year"),
            should_stop=lambda: cancel_requested(token),
            choices=meta.get("choices"),
        )
    except ImportCancelled:
        logger.info("import %s/%s cancelled", token, phase)
        state.update(status="cancelled", error=CANCELLED_MESSAGE)
        write_state(token, **state)
        return
    except Exception:
        logger.exception("import %s/%s failed", token, phase)
        state.update(status="failed", error=FAILED_MESSAGE)
        write_state(token, **state)
        return
    state.update(status="done", report=report_to_dict(report))
    write_state(token, **state)
