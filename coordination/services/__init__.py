"""Writes of the joint layer: meetings and action items (``meetings``), the monthly digest (``digest``)."""
