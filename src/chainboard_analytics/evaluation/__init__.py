"""Enterprise evaluation: 亩均效益评价 (per-mu benefit classing) and 梯度培育 tier checks.

Pure functions over Ibis / pandas tables; methods and tier criteria are versioned YAML files in
``methods/`` and ``criteria/``. No Django here (import-linter enforces it).
"""

from chainboard_analytics.evaluation.methods import MuMethod, builtin_methods, load_method
from chainboard_analytics.evaluation.mu import (
    FIRM_SCHEMA,
    calc_mu_scores,
    evaluate_mu,
    result_columns,
)
from chainboard_analytics.evaluation.spec import SpecError
from chainboard_analytics.evaluation.tiers import (
    TIER_FIELDS,
    check_tiers,
    criteria_in_force,
    criteria_sets,
    load_criteria,
)

__all__ = [
    "FIRM_SCHEMA",
    "TIER_FIELDS",
    "MuMethod",
    "SpecError",
    "builtin_methods",
    "calc_mu_scores",
    "check_tiers",
    "criteria_in_force",
    "criteria_sets",
    "evaluate_mu",
    "load_criteria",
    "load_method",
    "result_columns",
]
