from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coordination.tabular import MAX_IMPORT_BYTES


def _file_help() -> str:
    # Interpolated when shown, so the text follows the reader's language (a lazy string % values is not lazy).
    return gettext(
        "Columns: code, name, channel, region (code), address, latitude, longitude, reps (usernames separated "
        "by ';'), active (1/0). CSV in UTF-8 or GBK. At most %(mb)s MB."
    ) % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}


class OutletImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
