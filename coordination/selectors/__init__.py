"""Reads of the joint layer: the home page (``home``), meetings and action items (``meetings``), the monthly
digest (``digest``)."""

from .home import home_promises, home_sections

__all__ = ["home_promises", "home_sections"]
