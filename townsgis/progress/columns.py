"""Column names of the quarterly indicators table (flows: amounts in a quarter; stocks:
levels at its end) and the three investment-structure shares with their default targets
(%, §2.3, §3.2.1)."""

from __future__ import annotations

FLOW_COLUMNS = (
    "fai",
    "specialty_investment",
    "nongov_investment",
    "tech_investment",
    "tax",
    "main_business_revenue",
    "services_revenue",
    "culture_revenue",
    "tourist_visits",
    "new_industrial_projects",
)
STOCK_COLUMNS = (
    "teams",
    "talents",
    "thousand_talents",
    "national_rd_centres",
    "innovation_bases",
    "guidance_station",
)


SHARE_METRICS = {
    "specialty_share": "specialty_investment",
    "nongov_share": "nongov_investment",
    "tech_share": "tech_investment",
}
DEFAULT_SHARE_TARGETS = {"specialty_share": 70.0, "nongov_share": 80.0, "tech_share": 8.0}
