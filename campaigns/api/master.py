"""/api/v1/products/, /api/v1/brands/, /api/v1/product-categories/: master data every signed-in user reads."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import BasePermission
from rest_framework.routers import SimpleRouter

from ..filters import BrandFilter, ProductFilter
from ..permissions import can_view_master_data
from ..selectors.master import brand_list, product_category_list, product_list
from ..serializers.master import BrandSerializer, ProductCategorySerializer, ProductSerializer


class CanViewMasterData(BasePermission):
    def has_permission(self, request, view) -> bool:
        return can_view_master_data(request.user)


@extend_schema(tags=["master data"])
@extend_schema_view(
    list=extend_schema(summary=_("List our products (filter by category, brand, active, search)")),
    retrieve=extend_schema(summary=_("One product")),
)
class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductSerializer
    permission_classes = [CanViewMasterData]
    # The FilterSet backend applies campaigns.filters.ProductFilter (and documents it); pages use the selector.
    filterset_class = ProductFilter

    def get_queryset(self):
        return product_list()


@extend_schema(tags=["master data"])
@extend_schema_view(
    list=extend_schema(summary=_("List brands: ours and competitors'")),
    retrieve=extend_schema(summary=_("One brand")),
)
class BrandViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BrandSerializer
    permission_classes = [CanViewMasterData]
    filterset_class = BrandFilter

    def get_queryset(self):
        return brand_list()


@extend_schema(tags=["master data"])
@extend_schema_view(
    list=extend_schema(summary=_("List product categories")),
    retrieve=extend_schema(summary=_("One product category")),
)
class ProductCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProductCategorySerializer
    permission_classes = [CanViewMasterData]
    filterset_class = None

    def get_queryset(self):
        return product_category_list()


router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("brands", BrandViewSet, basename="brand")
router.register("product-categories", ProductCategoryViewSet, basename="product-category")

urlpatterns = router.urls
