"""Forms: the weekly update 周调度 (one short form per project), project edit, milestones.

The list filters are django-filter sets in :mod:`chainboard.projects.filters`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from chainboard.core.locking import MISSING, NEW, VersionRequired
from chainboard.projects.models import (
    Batch,
    Project,
    Stage,
    week_start,
)
from chainboard.projects.services import PROJECT_FIELDS


class UpdateForm(forms.Form):
    week = forms.DateField(
        label="周（该周任一天）", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    done_this_week = forms.CharField(
        label="本周进展", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    investment_period_wan_yuan = forms.DecimalField(
        label="本期完成投资(万元)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )
    cumulative_wan_yuan = forms.DecimalField(
        label="累计完成投资(万元)",
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="留空则按上周累计加本期自动计算",
        widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
    )
    stage = forms.ChoiceField(label="阶段变化", required=False)
    next_steps = forms.CharField(
        label="下步计划", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    problems = forms.CharField(
        label="需协调解决的问题",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    help_department = forms.CharField(label="请求协调部门", required=False, max_length=100)
    photo = forms.FileField(
        label="现场照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    # optimistic locking: the version of the week's update when the form was opened (0: none
    # yet) and the week it belongs to (the user may pick another week in the form)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    version_week = forms.DateField(widget=forms.HiddenInput, required=False)

    TEXT_FIELDS = (
        "done_this_week",
        "investment_period_wan_yuan",
        "next_steps",
        "problems",
        "help_department",
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        later = Stage.values[Stage.values.index(project.stage) + 1 :]
        stage: Any = self.fields["stage"]  # a ChoiceField (django-stubs types it as Field)
        stage.choices = [("", "无变化")] + [(s, f"进入「{Stage(s).label}」") for s in later]
        self.fields["week"].initial = week_start(timezone.localdate())

    @classmethod
    def initial_for(cls, project: Project) -> dict[str, Any]:
        """This week's update as stored (and its version), else a blank one that carries last
        week's next steps; version 0 says "there was none when I opened the form"."""
        week = week_start(timezone.localdate())
        current = project.updates.filter(week=week).first()
        if current is not None:
            values = {f: getattr(current, f) for f in cls.TEXT_FIELDS}
            return values | {"week": week, "version": current.version, "version_week": week}
        last = project.updates.first()
        initial: dict[str, Any] = {"week": week, "version": NEW, "version_week": week}
        initial["next_steps"] = last.next_steps if last is not None else ""
        return initial

    def expected_version(self) -> int:
        """The version to check: the opened one for the same week, else "none seen" (a week the
        user switched to is merged against an empty update, so nothing there is overwritten);
        ``MISSING`` (refused by the service) when the form sent none."""
        d = self.cleaned_data
        if d.get("version") is None:
            return MISSING
        opened = d.get("version_week")
        same = opened is None or week_start(d["week"]) == week_start(opened)
        return d["version"] if same else NEW

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and not str(photo.name).lower().endswith((".jpg", ".jpeg", ".png", ".webp")):
            raise forms.ValidationError("照片应为 jpg/png/webp 图片")
        if photo and photo.size > 10 * 1024 * 1024:
            raise forms.ValidationError("照片不能超过 10 MB")
        return photo


class ProjectForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    chain_node_codes = forms.CharField(
        label="产业链/集群标签", required=False, help_text="多个用逗号分隔"
    )
    chain_nodes: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="产业链环节",
        queryset=None,  # set per user in __init__
        required=False,
        help_text="项目延链、补链、强链所在的环节（本区县及上级地区的产业链）",
    )

    class Meta:
        model = Project
        fields = [
            f for f in PROJECT_FIELDS if f not in ("investor", "chain_node_codes", "introduced")
        ]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for f in (
                "listed_on",
                "planned_start_on",
                "signed_on",
                "started_on",
                "producing_on",
                "effective_on",
            )
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from chainboard.accounts.scope import parks_visible, regions_visible

        fields: dict[str, Any] = self.fields  # ModelChoiceFields (django-stubs types them as Field)
        fields["region"].queryset = regions_visible(user).filter(level="county")
        fields["park"].queryset = parks_visible(user)
        fields["batch"].queryset = Batch.objects.all()
        from chainboard.projects.services import linkable_chain_nodes

        region = self.instance.region if self.instance.pk else None
        if region is not None:
            nodes = linkable_chain_nodes(user, region).order_by("chain__name", "order", "pk")
        else:
            from chainboard.chains.models import ChainNode

            nodes = ChainNode.objects.none()
        fields["chain_nodes"].queryset = nodes
        fields["chain_nodes"].label_from_instance = lambda n: f"{n.chain.name} · {n.name}"
        fields["chain_nodes"].widget.attrs["size"] = 10
        if self.instance.pk:
            fields["chain_nodes"].initial = list(
                self.instance.chain_nodes.values_list("pk", flat=True)
            )
            self.fields["chain_node_codes"].initial = ",".join(self.instance.chain_node_codes)
            self.fields["version"].initial = self.instance.version

    def clean_chain_node_codes(self) -> list[str]:
        text = self.cleaned_data.get("chain_node_codes") or ""
        return [c.strip() for c in text.replace("，", ",").split(",") if c.strip()]

    def _post_clean(self) -> None:  # validation happens in the service (with the merge)
        pass


class MilestoneForm(forms.Form):
    """A planned milestone of a project: new (no ``milestone``) or an existing one updated."""

    milestone: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.HiddenInput,  # type: ignore[arg-type]
    )
    name = forms.CharField(label="节点", max_length=100)
    due_on = forms.DateField(
        label="计划完成日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    done_on = forms.DateField(
        label="实际完成日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].queryset = project.milestones.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("milestone") is not None and cleaned.get("version") is None:
            raise forms.ValidationError(VersionRequired().message)
        return cleaned
