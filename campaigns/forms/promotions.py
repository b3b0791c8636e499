"""The promotion draft form and the attachment upload form. They check shapes; the service checks the rules."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, User
from accounts.permissions import sees_whole_company

from ..models import Product, Promotion, PromotionType


class _UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class _UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class _RegionMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.display_name


class _ProductMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Product) -> str:
        return f"{obj.display_name} · {obj.sku}"


_DATE = {"type": "date"}
_MONEY = {"inputmode": "decimal", "step": "0.01", "min": "0"}


class PromotionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=[("", "—"), *PromotionType.choices])
    starts_on = forms.DateField(label=_("Starts"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    ends_on = forms.DateField(label=_("Ends"), widget=forms.DateInput(attrs=_DATE, format="%Y-%m-%d"))
    regions = _RegionMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each region includes every region below it."),
    )
    products = _ProductMultipleChoiceField(
        label=_("Products"), queryset=Product.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    mechanics = forms.CharField(
        label=_("Mechanics"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the shopper gets and how the store runs it."),
    )
    price_floor = forms.DecimalField(
        label=_("Price floor (CNY)"),
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs=_MONEY),
        help_text=_("Lowest shelf price allowed during the promotion."),
    )
    price_ceiling = forms.DecimalField(
        label=_("Price ceiling (CNY)"),
        max_digits=10,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs=_MONEY),
        help_text=_("Highest shelf price allowed during the promotion."),
    )
    budget = forms.DecimalField(
        label=_("Budget (CNY)"),
        max_digits=14,
        decimal_places=2,
        required=False,
        initial=0,
        widget=forms.NumberInput(attrs=_MONEY),
    )
    expected_effect = forms.CharField(
        label=_("Expected effect"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. 20% more units in the covered outlets."),
    )
    expected_uplift_pct = forms.DecimalField(
        label=_("Expected uplift (%)"),
        max_digits=6,
        decimal_places=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
    )
    owner = _UserChoiceField(label=_("Owner (项目负责人)"), queryset=User.objects.none(), required=False)
    responsible = _UserMultipleChoiceField(
        label=_("Responsible people"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user: User, promotion: Promotion | None = None, **kwargs):
        if promotion is not None and "initial" not in kwargs:
            kwargs["initial"] = promotion_form_initial(promotion)
        super().__init__(*args, **kwargs)
        # Only what the author may pick: active products (plus any already on the draft), the regions of their
        # area, active people. The service checks the same rules for the API.
        current_products = [p.pk for p in promotion.products.all()] if promotion else []
        self.fields["products"].queryset = (
            Product.objects.filter(Q(active=True) | Q(pk__in=current_products))
            .select_related("category")
            .order_by("category__code", "sku")
        )
        regions = Region.objects.order_by("path")
        if not sees_whole_company(user):
            regions = regions.filter(path__startswith=user.region.path) if user.region_id else regions.none()
        self.fields["regions"].queryset = regions
        people = User.objects.filter(is_active=True, groups__isnull=False).distinct().order_by("username")
        self.fields["owner"].queryset = people
        self.fields["responsible"].queryset = people
        if promotion is None and not self.is_bound:
            self.initial.setdefault("owner", user.pk)
            if user.region_id and not sees_whole_company(user):
                self.initial.setdefault("regions", [user.region_id])


def promotion_form_initial(promotion: Promotion) -> dict:
    return {
        "title": promotion.title,
        "type": promotion.type,
        "starts_on": promotion.starts_on,
        "ends_on": promotion.ends_on,
        "regions": [r.pk for r in promotion.regions.all()],
        "products": [p.pk for p in promotion.products.all()],
        "mechanics": promotion.mechanics,
        "price_floor": promotion.price_floor,
        "price_ceiling": promotion.price_ceiling,
        "budget": promotion.budget,
        "expected_effect": promotion.expected_effect,
        "expected_uplift_pct": promotion.expected_uplift_pct,
        "owner": promotion.owner_id,
        "responsible": [u.pk for u in promotion.responsible.all()],
    }


class PromotionAttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, picture, Excel/Word/PowerPoint or CSV; at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.png,.jpg,.jpeg,.gif,.webp,.xlsx,.docx,.pptx,.csv,image/*"}
        ),
    )
