"""Reads of the projects app; every one starts from the user's scope (``accounts.scope``).

- :mod:`.projects`: projects, pools, alerts, a project's page, history, the wall-map data;
- :mod:`.ranking`: the monthly ranking 月评比 (computed and stored) and period results;
- :mod:`.targets`: targets 目标 (values over the data, evaluations) and tasks 任务;
- :mod:`.reviews`: the counties and their 季观摩 / 半年考核 scores.
- :mod:`.reports`: the reads of the supervision reports (``projects/reports.py`` renders them).

The names of :mod:`.projects` are re-exported here (``selectors.project_get``).
"""

from chainboard.projects.selectors.projects import (
    ALERT_KINDS,
    BEHIND_RATIO,
    POOLS,
    SEVERITIES,
    STALE_DAYS,
    Alert,
    alert_severity,
    alerts,
    alerts_by_region,
    filter_by_chain,
    late_updates,
    map_data,
    map_panel,
    map_projects,
    pool_totals,
    pools_summary,
    project_detail_parts,
    project_get,
    project_history,
    project_list,
    projects_visible,
    update_get,
    update_latest,
)

__all__ = [
    "ALERT_KINDS",
    "BEHIND_RATIO",
    "POOLS",
    "SEVERITIES",
    "STALE_DAYS",
    "Alert",
    "alert_severity",
    "alerts",
    "alerts_by_region",
    "filter_by_chain",
    "late_updates",
    "map_data",
    "map_panel",
    "map_projects",
    "pool_totals",
    "pools_summary",
    "project_detail_parts",
    "project_get",
    "project_history",
    "project_list",
    "projects_visible",
    "update_get",
    "update_latest",
]
