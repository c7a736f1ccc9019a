"""Council workflows: meetings, notices, minutes; atomic, with their side effects."""
