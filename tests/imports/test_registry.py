"""The importer registry: every domain app registers its importers from AppConfig.ready()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from chainboard.chains.importers import ChainFirmsImporter
from chainboard.chiefs.importers import ChokepointImporter
from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
from chainboard.enterprises.qualification_import import QualificationImporter
from chainboard.evaluation.tier_import import TierInputsImporter
from chainboard.imports.registry import IMPORTERS, register_importer
from chainboard.investment.importers import LeadImporter
from chainboard.projects.importers import ProjectImporter
from chainboard.strategy.importers import PanelImporter


def test_every_app_registered_its_importers_in_app_order() -> None:
    registered = dict(IMPORTERS)
    assert registered == {
        "enterprises": EnterpriseImporter,
        "figures": FiguresImporter,
        "qualifications": QualificationImporter,
        "chain_firms": ChainFirmsImporter,
        "tier_inputs": TierInputsImporter,
        "projects": ProjectImporter,
        "strategy_panel": PanelImporter,
        "chokepoints": ChokepointImporter,
        "leads": LeadImporter,
    }
    assert list(IMPORTERS) == [
        "enterprises",
        "figures",
        "qualifications",
        "chain_firms",
        "tier_inputs",
        "projects",
        "strategy_panel",
        "chokepoints",
        "leads",
    ]


def test_registering_the_same_importer_again_changes_nothing() -> None:
    register_importer(EnterpriseImporter)
    assert IMPORTERS["enterprises"] is EnterpriseImporter and len(IMPORTERS) == 9


def test_a_second_importer_for_a_known_kind_is_refused() -> None:
    clash = type("Clash", (FiguresImporter,), {"kind": "figures"})
    with pytest.raises(ImproperlyConfigured, match="figures"):
        register_importer(clash)
    assert IMPORTERS["figures"] is FiguresImporter
