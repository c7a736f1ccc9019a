"""Print `make load`'s figures from the samples load/locustfile.py recorded, as Markdown.

Per level of users: throughput (requests answered per second, progress pages included, the
waits for documents not), and per kind of request the count, errors, p50, p95 and p99 in ms.
For the run with the 2,000-measure follow-up: the pages' p95 before it was asked and while it
rendered, and their ratio (the issue asks within 1.2×).

    python -m load.report WORKDIR --levels "5 10 20" --size full
"""

import argparse
import json
import statistics
from pathlib import Path

BIG = "big follow-up pdf until file"
# The first seconds of a run log everyone in and warm the workers: not part of the baseline.
WARM_UP_S = 5.0


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def kind_table(samples: list[dict]) -> list[str]:
    """Return the Markdown rows of count, errors and percentiles per kind, pages together too."""
    kinds: dict[str, list[dict]] = {}
    for sample in samples:
        kinds.setdefault(sample["kind"], []).append(sample)
    pages = [s for s in samples if s["kind"].startswith("page: ")]
    if pages:
        kinds["all pages"] = pages
    rows = [
        "| kind | requests | errors | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, group in sorted(kinds.items()):
        times = [s["ms"] for s in group]
        errors = sum(not s["ok"] for s in group)
        rows.append(
            f"| {kind} | {len(group)} | {errors} | {percentile(times, 0.5):.0f} | "
            f"{percentile(times, 0.95):.0f} | {percentile(times, 0.99):.0f} |"
        )
    return rows


def level(samples: list[dict], heading: str) -> list[str]:
    """Return one run's heading, throughput, error count and table."""
    answered = [s for s in samples if not s["kind"].endswith("until file")]
    if not answered:
        return [f"### {heading}", "", "no requests recorded", ""]
    began = min(s["start"] for s in answered)
    ended = max(s["start"] + s["ms"] / 1000 for s in answered)
    errors = sum(not s["ok"] for s in samples)
    return [
        f"### {heading}",
        "",
        f"{len(answered)} requests in {ended - began:.0f} s: "
        f"**{len(answered) / (ended - began):.1f} requests/s**, **{errors} errors**",
        "",
        *kind_table(samples),
        "",
    ]


def big_run(samples: list[dict]) -> list[str]:
    """Return the pages' p95 before the big follow-up was asked and while it rendered."""
    big = [s for s in samples if s["kind"] == BIG]
    lines = ["### Pages while a 2,000-measure follow-up renders", ""]
    if not big:
        return [*lines, "the big follow-up never arrived (see the errors below)", ""]
    asked, arrived = big[0]["start"], big[0]["start"] + big[0]["ms"] / 1000
    began = min(s["start"] for s in samples) + WARM_UP_S
    pages = [s for s in samples if s["kind"].startswith("page: ")]
    before = [s["ms"] for s in pages if began <= s["start"] < asked]
    during = [s["ms"] for s in pages if asked <= s["start"] < arrived]
    p95_before, p95_during = percentile(before, 0.95), percentile(during, 0.95)
    ratio = p95_during / p95_before if before and during else float("nan")
    verdict = "within" if ratio <= 1.2 else "NOT within"
    return [
        *lines,
        f"The follow-up's file came {arrived - asked:.1f} s after it was asked "
        f"({'ok' if big[0]['ok'] else 'FAILED'}).",
        "",
        "| pages | requests | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
        f"| before it was asked | {len(before)} | {statistics.median(before or [0]):.0f} "
        f"| {p95_before:.0f} |",
        f"| while it rendered | {len(during)} | {statistics.median(during or [0]):.0f} "
        f"| {p95_during:.0f} |",
        "",
        f"Page p95 while it rendered / before: **{ratio:.2f}×** ({verdict} 1.2×).",
        "",
        *level(samples, "The same run, by kind"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--levels", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--header", default="")
    arguments = parser.parse_args()
    lines = ["# `make load`: results", "", arguments.header, ""]
    for users in arguments.levels.split():
        lines += level(read(arguments.work / f"level-{users}.jsonl"), f"{users} users")
    lines += big_run(read(arguments.work / "big.jsonl"))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
