"""The campaigns API, one module per area (master data, plans, targets, promotions); see campaigns/api_urls.py."""
