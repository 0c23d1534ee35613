"""Background job of the chains app: the one-page PDF brief of a chain (chainboard.jobs)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from chainboard.chains import exports, selectors
from chainboard.chains.models import Chain
from chainboard.jobs.models import Job
from chainboard.jobs.services import Outcome, Progress, run_job


def brief_filename(chain: Chain) -> str:
    return f"{chain.region.name}{chain.name}简报.pdf"


def _brief(job: Job, progress: Progress) -> Outcome:
    progress(0, 2, "汇总全景图、企业和缺链环节")
    chain = selectors.chain_get(user=job.started_by, pk=int(job.params["chain"]))
    year = job.params.get("year")
    pdf = exports.chain_brief_pdf(user=job.started_by, chain=chain, year=year, progress=progress)
    return Outcome(data=pdf, filename=brief_filename(chain))


@task(takes_context=True)
def chain_brief(context: Any, job_id: int) -> str:
    return run_job(context, job_id, _brief)
