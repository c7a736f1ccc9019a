"""The REST API's follow-up: rounds, the measure owners' reports, the published yearly
follow-ups, indicators with their targets and values (folkhalsa/api.py has the shared parts).

Reads are what the pages show the same user (`round_reader_plans`, `readable_reports`,
`visible_plans`, `readable_indicators`); a report is written through the report page's form and
`report_save` under its version, and reviewed with `report_review`; an indicator's values are
written by its editors (`can_edit_indicator`) through the model's own validation, all or nothing.
`follow_up` has the rounds, reports and published follow-ups; `indicators` the indicators.
"""

from reports.api.follow_up import (
    FollowUpRoundViewSet,
    MeasureReportViewSet,
    PublishedFollowUpViewSet,
)
from reports.api.indicators import IndicatorValueViewSet, IndicatorViewSet


def register(router) -> None:
    """Add the follow-up's resources to the API's router."""
    router.register("rounds", FollowUpRoundViewSet, basename="followupround")
    router.register("reports", MeasureReportViewSet, basename="measurereport")
    router.register("published-follow-ups", PublishedFollowUpViewSet, basename="publishedfollowup")
    router.register("indicators", IndicatorViewSet, basename="indicator")
    router.register("indicator-values", IndicatorValueViewSet, basename="indicatorvalue")
