"""DRF serializers of campaigns, one module per area."""
