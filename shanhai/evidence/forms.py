from django import forms
from django.utils.translation import gettext_lazy as _

from shanhai.network.models import Pairing


class DocumentForm(forms.Form):
    pairing = forms.ModelChoiceField(queryset=Pairing.objects.none(), label=_("结对关系"))
    title = forms.CharField(label=_("标题"), required=False, max_length=300, help_text=_("留空则取正文第一行"))
    published = forms.DateField(label=_("发布日期"), required=False, help_text=_("用于解析“今年”“去年”；留空则从正文中识别"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(label=_("文件"), required=False, help_text=_("支持 .txt、.html、.docx、有文字层的 .pdf，最大 50 MB"))
    text = forms.CharField(label=_("或粘贴正文"), required=False, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: object, pairings: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if pairings is not None:
            self.fields["pairing"].queryset = pairings  # type: ignore[attr-defined]
