"""Demo data of campaigns, one module per area, seeded in dependency order by ``seed_campaigns_demo``."""
