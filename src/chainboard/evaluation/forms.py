"""Forms of the 公示/异议/复核 pages (the services check everything again)."""

from __future__ import annotations

from typing import Any

from django import forms

from chainboard.enterprises.models import FIGURE_TITLES
from chainboard.evaluation.models import ObjectionStatus


class PublicityForm(forms.Form):
    end = forms.DateField(
        label="公示截止日期（含当日）", widget=forms.DateInput(attrs={"type": "date"})
    )


class ObjectionForm(forms.Form):
    reason = forms.CharField(
        label="异议理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="说明哪项数据或结果有误、正确的数值及依据",
    )


class AnswerForm(forms.Form):
    """维持 or 更正 with the firm's figures of the run's year (pre-filled with the current ones)."""

    outcome = forms.ChoiceField(
        label="答复结果",
        choices=[
            (ObjectionStatus.UPHELD.value, "维持原结果"),
            (ObjectionStatus.CORRECTED.value, "更正数据并重新评分"),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label="答复意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, title in FIGURE_TITLES.items():
            if name == "employees":
                self.fields[name] = forms.IntegerField(label=title, required=False, min_value=0)
            else:
                self.fields[name] = forms.DecimalField(
                    label=title, required=False, min_value=0, max_digits=16, decimal_places=4
                )

    def figure_fields(self) -> list[Any]:
        return [self[name] for name in FIGURE_TITLES]

    def figures(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in FIGURE_TITLES}
