"""Qualification grant fields: 新认定/复审, 首次认定日期, 证书编号, 批次."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from tests.factories import QualificationFactory

from chainboard.enterprises.models import GrantKind, Qualification, QualificationKind

pytestmark = pytest.mark.django_db


def test_new_grant_is_the_default_and_the_labels_are_chinese():
    q = QualificationFactory()
    assert q.grant_kind == GrantKind.NEW
    assert q.get_grant_kind_display() == "新认定"
    assert dict(GrantKind.choices)[GrantKind.RENEWAL] == "复审/重新认定"
    assert q.first_granted_on is None and q.certificate_no == "" and q.batch == ""


def test_renewal_keeps_first_grant_certificate_and_batch():
    q = QualificationFactory(
        grant_kind=GrantKind.RENEWAL,
        granted_on=dt.date(2024, 12, 1),
        first_granted_on=dt.date(2021, 12, 1),
        certificate_no="GR202413000123",
        batch="2024年第二批",
        expires_on=dt.date(2027, 11, 30),
    )
    q.full_clean()
    q.refresh_from_db()
    assert (q.grant_kind, q.first_granted_on, q.certificate_no, q.batch) == (
        "renewal",
        dt.date(2021, 12, 1),
        "GR202413000123",
        "2024年第二批",
    )
    assert q.history.count() == 1


def test_first_grant_after_grant_is_refused_with_a_chinese_message():
    q = QualificationFactory.build(
        enterprise=QualificationFactory().enterprise,
        kind=QualificationKind.SRDI,
        granted_on=dt.date(2024, 1, 1),
        first_granted_on=dt.date(2024, 6, 1),
    )
    with pytest.raises(ValidationError, match="首次认定日期不能晚于认定日期"):
        q.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        q.save()
    assert not Qualification.objects.filter(kind=QualificationKind.SRDI).exists()


def test_programme_kinds_exist():
    labels = dict(QualificationKind.choices)
    assert labels["integration_standard"] == "两化融合管理体系贯标"
    assert labels["morning_star"] == "晨星工厂"
    assert labels["design_center"] == "工业设计中心"
