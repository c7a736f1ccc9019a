"""What "Mitt arbete" lists: one thing she must do, as each app's selectors describe it.

Defined here, apart from `folkhalsa/my_work.py` (which asks every app), so that `plans`,
`councils` and `reports` can describe their items without importing one another.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class WorkItem:
    """Something the user must do: what, where to do it, by when (None: no date set)."""

    # The heading it stands under on Mitt arbete: "Rapportera", "Möten och protokoll" …
    group: str
    title: str
    url: str
    due: datetime.date | None = None
    # One more line: a returned report's comment, who has not checked yet, how long it waited.
    detail: str = ""
    # The plan's or body's own words (title, name): marked lang="sv" on the page.
    subject: str = ""

    def sort_key(self) -> tuple:
        """Soonest first; undated items after the dated ones, in the order they came."""
        return (self.due is None, self.due or datetime.date.max)
