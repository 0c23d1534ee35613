"""Job pages: 我的任务, one job's progress page (HTMX-polled) and its result file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from chainboard.core.downloads import download
from chainboard.core.errors import NotFound
from chainboard.jobs import selectors
from chainboard.jobs.models import Job
from chainboard.jobs.services import jobs_dir


def _job_or_404(request: HttpRequest, pk: int) -> Job:
    try:
        return selectors.job_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = selectors.job_list(user=request.user)
    page = Paginator(jobs, 50).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request, pk)
    partial = getattr(request, "htmx", False)
    template = "jobs/detail.html#progress" if partial else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job_or_404(request, pk)
    if job.result_purged_at is not None:
        raise Http404("结果文件已按保留期限清理，请重新生成")
    path = jobs_dir() / job.result_file if job.result_file else None
    if path is None or not path.is_file():
        raise Http404("这个任务没有可下载的文件")
    return download(path.open("rb"), job.result_name)
