"""``chainboard evaluate mu|tiers``: run the 亩均 evaluation or the tier checks from the shell.

chainboard evaluate mu --year 2025 --method zhejiang|anhui|FILE.yaml [--out FILE.csv|.xlsx]
                       [--region CODE] [--save --user NAME [--publish]]
chainboard evaluate tiers --year 2025 [--on YYYY-MM-DD] [--region CODE] [--out FILE.csv|.xlsx]
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chainboard.accounts.models import User
from chainboard.core.errors import DomainError
from chainboard.enterprises.models import Enterprise, EnterpriseStatus
from chainboard.evaluation import exports, selectors, services
from chainboard.evaluation.inputs import mu_inputs
from chainboard.evaluation.selectors import (
    TIER_ORDER,
    criteria,
    evaluation_date,
    tier_candidates,
)
from chainboard.geo.models import Region
from chainboard_analytics.evaluation import SpecError, evaluate_mu, load_method

STATUS_NAMES = {"qualifies": "符合条件", "close": "接近", "missing": "数据不足", "far": "差距较大"}


class Command(BaseCommand):
    help = "亩均效益评价 (mu) 或梯度培育条件检查 (tiers)"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        mu = sub.add_parser("mu", help="亩均效益评价")
        mu.add_argument("--year", type=int, required=True)
        mu.add_argument("--method", required=True, help="zhejiang, anhui or a method YAML file")
        mu.add_argument("--out", help="result table, .csv or .xlsx")
        mu.add_argument("--region", help="only firms of this region code (e.g. 130528)")
        mu.add_argument("--save", action="store_true", help="store the run (needs --user)")
        mu.add_argument("--user", help="the analyst who runs it (for --save/--publish)")
        mu.add_argument(
            "--publish",
            action="store_true",
            help="publish the stored run directly, without 公示 (recorded with --reason)",
        )
        mu.add_argument(
            "--reason",
            default="命令行 --publish",
            help="why the run is published without 公示 (kept in its history)",
        )
        tiers = sub.add_parser("tiers", help="梯度培育候选名单")
        tiers.add_argument("--year", type=int, required=True)
        tiers.add_argument(
            "--on",
            type=date.fromisoformat,
            help="evaluation date YYYY-MM-DD: picks the rule set in force (default: end of year+1 "
            "or today)",
        )
        tiers.add_argument("--region", help="only firms of this region code")
        tiers.add_argument("--out", help="candidate list, .csv or .xlsx")
        tiers.add_argument("--user", help="read as this user (default: everything)")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["what"] == "mu":
            self._mu(opts)
        else:
            self._tiers(opts)

    def _region(self, code: str | None) -> Region | None:
        if not code:
            return None
        region = Region.objects.filter(pk=code).first()
        if region is None:
            raise CommandError(f"unknown region code {code}")
        return region

    def _user(self, name: str | None) -> User | None:
        if not name:
            return None
        user = User.objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"unknown user {name}")
        return user

    def _mu(self, opts: dict[str, Any]) -> None:
        try:
            method = load_method(opts["method"])
        except SpecError as exc:
            raise CommandError(str(exc)) from exc
        year = opts["year"]
        if opts["save"] or opts["publish"]:
            user = self._user(opts["user"])
            if user is None:
                raise CommandError("--save/--publish need --user NAME (an analyst or admin)")
            try:
                run, created = services.evaluation_run_create(actor=user, year=year, method=method)
                if opts["publish"]:
                    services.evaluation_run_publish(
                        actor=user, run=run, direct_reason=opts["reason"]
                    )
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(
                f"run #{run.pk} {'created' if created else 'unchanged (same method and inputs)'}"
                f"{', published' if opts['publish'] else ''}: {run.n_firms} firms"
            )
            if opts["out"]:
                results = run.results.select_related("enterprise").order_by(*selectors.RESULT_ORDER)
                exports.write_table(exports.result_frame_from_rows(results, method), opts["out"])
                self.stdout.write(f"wrote {opts['out']}")
            return
        firms = Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)
        if (region := self._region(opts["region"])) is not None:
            firms = firms.filter(region__path__startswith=region.path)
        frame = mu_inputs(firms=firms, year=year)
        if frame.empty:
            raise CommandError(f"no firm has figures for {year}")
        out = evaluate_mu(frame.drop(columns="enterprise_id"), method, year=year)
        table = exports.result_frame_from_analytics(out, method)
        counts = table["等级"].value_counts().to_dict()
        summary = " ".join(f"{k}:{counts[k]}" for k in sorted(counts))
        self.stdout.write(f"{method.title} {year}: {len(table)} firms evaluated ({summary})")
        if opts["out"]:
            try:
                exports.write_table(table, opts["out"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"wrote {opts['out']}")

    def _tiers(self, opts: dict[str, Any]) -> None:
        user = self._user(opts["user"]) or User(role="admin", is_superuser=True, is_active=True)
        on = opts.get("on") or evaluation_date(opts["year"])
        crit = criteria(on)
        self.stdout.write(f"评价日期 {on.isoformat()}，适用 {crit.label}")
        cands = tier_candidates(user=user, year=opts["year"], on=on)
        if (region := self._region(opts["region"])) is not None:
            cands = cands[cands["region_id"].astype(str).str.startswith(region.code.rstrip("0"))]
        cands = cands.assign(order=cands["tier"].map(TIER_ORDER.index)).sort_values(
            ["order", "held", "shortfall", "uscc"]
        )
        names = {t.id: t.name for t in crit.tiers}
        for tier in TIER_ORDER:
            sub = cands[(cands["tier"] == tier) & ~cands["held"]]
            self.stdout.write(
                f"{names[tier]}: 符合 {int((sub['status'] == 'qualifies').sum())}，"
                f"接近 {int((sub['status'] == 'close').sum())}，已认定 "
                f"{int(cands[(cands['tier'] == tier) & cands['held']].shape[0])}"
            )
        if opts["out"]:
            exports.write_table(
                exports.tier_frame(cands, names, STATUS_NAMES), opts["out"], sheet="梯度培育"
            )
            self.stdout.write(f"wrote {opts['out']}")
