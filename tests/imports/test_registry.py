"""The importer registry: every domain app registers its importers from AppConfig.ready()."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
from chainboard.imports.registry import IMPORTERS, register_importer
from chainboard.projects.importers import ProjectImporter
from chainboard.strategy.importers import PanelImporter


def test_every_app_registered_its_importers_in_app_order() -> None:
    registered = dict(IMPORTERS)
    assert registered == {
        "enterprises": EnterpriseImporter,
        "figures": FiguresImporter,
        "projects": ProjectImporter,
        "strategy_panel": PanelImporter,
    }
    assert list(IMPORTERS) == ["enterprises", "figures", "projects", "strategy_panel"]


def test_registering_the_same_importer_again_changes_nothing() -> None:
    register_importer(EnterpriseImporter)
    assert IMPORTERS["enterprises"] is EnterpriseImporter and len(IMPORTERS) == 4


def test_a_second_importer_for_a_known_kind_is_refused() -> None:
    clash = type("Clash", (FiguresImporter,), {"kind": "figures"})
    with pytest.raises(ImproperlyConfigured, match="figures"):
        register_importer(clash)
    assert IMPORTERS["figures"] is FiguresImporter
