from .accounts import DepartmentFactory, RegionFactory, RegionTree, UserFactory, build_region_tree
from .campaigns import (
    BrandFactory,
    MarketingPlanFactory,
    ProductCategoryFactory,
    ProductFactory,
    PromotionFactory,
    SalesTargetFactory,
)
from .feedback import DailyReportFactory, OutletFactory, PhotoFactory, jpeg_bytes

__all__ = [
    "BrandFactory",
    "DailyReportFactory",
    "DepartmentFactory",
    "MarketingPlanFactory",
    "OutletFactory",
    "PhotoFactory",
    "ProductCategoryFactory",
    "ProductFactory",
    "PromotionFactory",
    "RegionFactory",
    "RegionTree",
    "SalesTargetFactory",
    "UserFactory",
    "build_region_tree",
    "jpeg_bytes",
]
