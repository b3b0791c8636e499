from .accounts import DepartmentFactory, RegionFactory, RegionTree, UserFactory, build_region_tree
from .campaigns import (
    BrandFactory,
    MarketingPlanFactory,
    ProductCategoryFactory,
    ProductFactory,
    PromotionFactory,
    SalesTargetFactory,
)

__all__ = [
    "BrandFactory",
    "DepartmentFactory",
    "MarketingPlanFactory",
    "ProductCategoryFactory",
    "ProductFactory",
    "PromotionFactory",
    "RegionFactory",
    "RegionTree",
    "SalesTargetFactory",
    "UserFactory",
    "build_region_tree",
]
