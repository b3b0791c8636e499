from .accounts import DepartmentFactory, RegionFactory, RegionTree, UserFactory, build_region_tree

__all__ = ["DepartmentFactory", "RegionFactory", "RegionTree", "UserFactory", "build_region_tree"]
