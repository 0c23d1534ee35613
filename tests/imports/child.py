"""A child process for the subprocess tests (run by tests/imports/subproc.py; prints one JSON line).

child.py hostile KIND FILE…  warm up (a valid file through both paths), then per file a
                             forked worker, its address space capped at its size + 1.5 GB
                             (HOSTILE_AS_BYTES): the CLI import, then the web upload
                             (streamed, as a server receives it)
child.py inspect             the batches and the number of firms, as JSON
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import sys
import time
from pathlib import Path
from typing import Any

AS_LIMIT = int(os.environ.get("HOSTILE_AS_BYTES", str(1536 * 1024 * 1024)))  # growth allowed


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class _Body(io.RawIOBase):
    """The multipart body read piece by piece: the file is never held in memory."""

    def __init__(self, head: bytes, path: Path, tail: bytes) -> None:
        self.parts: list[Any] = [io.BytesIO(head), path.open("rb"), io.BytesIO(tail)]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self.parts:
            n = self.parts[0].readinto(buffer)
            if n:
                return int(n)
            self.parts.pop(0).close()
        return 0


def cli_import(kind: str, path: Path) -> dict[str, Any]:
    """``chainboard import KIND FILE`` without the process start and the system checks."""
    from django.core.management import call_command

    err = io.StringIO()
    started = time.perf_counter()
    code = 0
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            call_command("import_data", kind, str(path), "--no-progress", stderr=err)
        except SystemExit as exc:
            code = int(exc.code or 0)
    return {"seconds": time.perf_counter() - started, "exit": code, "message": err.getvalue()}


def web_upload(kind: str, path: Path) -> dict[str, Any]:
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    from chainboard.accounts.models import User
    from chainboard.imports.models import ImportBatch

    user, _ = User.objects.get_or_create(
        username=f"hostile{os.getpid()}", defaults={"role": "admin", "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    token = "a" * 32
    boundary = "chainboardhostileboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n'
        f'{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/imports/",
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BufferedReader(_Body(head, path, tail)),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(head) + path.stat().st_size + len(tail)),
        "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session}; "
        f"{settings.CSRF_COOKIE_NAME}={token}",
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *_: Any) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    started = time.perf_counter()
    result = get_wsgi_application()(environ, start_response)
    body = b"".join(result)
    getattr(result, "close", lambda: None)()
    seconds = time.perf_counter() - started
    location = answer["headers"].get("Location", "")
    found = re.search(r"/imports/(\d+)/", location)
    if found:
        batch = ImportBatch.objects.get(pk=int(found.group(1)))
        message = "\n".join(e["text"] for e in batch.errors)
        stored = Path(batch.stored_path).exists()
        status = batch.status
    else:
        message = re.sub(r"<[^>]+>", " ", body.decode("utf-8", "replace"))
        stored, status = False, ""
    return {
        "seconds": seconds,
        "status": answer["status"],
        "batch_status": status,
        "message": message,
        "file_kept": stored,
    }


def vm_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def hostile(kind: str, files: list[Path]) -> dict[str, Any]:
    """Warm up like a running server, then fork one capped process per file."""
    from django.db import connections

    warm = Path(os.environ["HOSTILE_WARMUP_FILE"])
    warmup = {"cli": cli_import(kind, warm), "web": web_upload(kind, warm)}
    connections.close_all()
    results: dict[str, Any] = {"warmup": warmup}
    for path in files:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the capped worker
            os.close(read)
            code = 0
            try:
                cap = vm_bytes() + AS_LIMIT
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
                before = peak_mb()
                cli = cli_import(kind, path)
                web = web_upload(kind, path)
                out = {"baseline_mb": before, "peak_mb": peak_mb(), "cli": cli, "web": web}
                os.write(write, json.dumps(out, ensure_ascii=False).encode())
            except BaseException as exc:  # report, then exit non-zero
                os.write(write, json.dumps({"crash": repr(exc)}).encode())
                code = 3
            finally:
                os.close(write)
                os._exit(code)
        os.close(write)
        chunks = []
        while chunk := os.read(read, 1 << 16):
            chunks.append(chunk)
        os.close(read)
        _, status = os.waitpid(pid, 0)
        result = json.loads(b"".join(chunks) or b"{}")
        result["exit_status"] = status  # 0: exited normally with code 0
        results[path.name] = result
    return results


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[0] == "hostile":
        out = hostile(argv[1], [Path(p) for p in argv[2:]])
    else:
        from chainboard.enterprises.models import Enterprise
        from chainboard.imports.models import ImportBatch
        from chainboard.imports.services import uploads_cleanup

        report = uploads_cleanup(orphans=False)
        out = {
            "interrupted_now": report.interrupted,
            "firms": Enterprise.objects.count(),
            "batches": list(
                ImportBatch.objects.order_by("pk").values(
                    "pk", "status", "created_count", "error_count", "errors", "pid"
                )
            ),
        }
    print(json.dumps(out, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
