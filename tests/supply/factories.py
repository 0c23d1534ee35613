"""factory_boy factories for the supply tests: chains, nodes, firm links, runs."""

from __future__ import annotations

from decimal import Decimal

import factory

from chainboard.chains.models import Chain, ChainNode, EnterpriseNode
from chainboard.geo.models import Region
from chainboard.supply.models import SupplyRun


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chain

    region = factory.LazyFunction(lambda: Region.objects.get(pk="130500"))
    code = factory.Sequence(lambda n: f"test{n}")
    name = factory.Sequence(lambda n: f"测试产业链{n}")
    category = "traditional"


class ChainNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainNode

    chain = factory.SubFactory(ChainFactory)
    name = factory.Sequence(lambda n: f"环节{n}")
    stage = "midstream"
    order = factory.Sequence(int)


class EnterpriseNodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseNode

    node = factory.SubFactory(ChainNodeFactory)
    source = "manual"
    confidence = Decimal("1")
    state = "confirmed"


class SupplyRunFactory(factory.django.DjangoModelFactory):
    """A run without results (the service stores real ones)."""

    class Meta:
        model = SupplyRun

    region = factory.LazyFunction(lambda: Region.objects.get(pk="130500"))
    source = "测试"
    inputs_hash = factory.Sequence(lambda n: f"{n:064d}")
    purchases_wan_yuan = Decimal("0")
