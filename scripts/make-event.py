#!/usr/bin/env python3
"""Writes the events the issues' checks run on, so that every figure can be reproduced.

  scripts/make-event.py tags N [--id ID] > create-tags-N.json
      the example EC2 CreateTags CloudTrail event (examples/events/create-tags-5.json) with N tags,
      tag-0 .. tag-(N-1); a distinct --id gives a distinct job (job ids come from the event's id).
  scripts/make-event.py numbers N [--negative-every K --negative-from F] > numbers-N.json
      {"numbers": [0, 1, ..., N-1]}, with the numbers at F, F+K, F+2K, ... negated
      (the results issue's 200-number check: --negative-every 20 --negative-from 5, i.e. 5, 25, ..., 185).
"""
import argparse
import json
import pathlib
import sys

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "events" / "create-tags-5.json"


def tags(count, event_id):
    event = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if event_id:
        event["id"] = event_id
    event["detail"]["requestParameters"]["tagSet"]["items"] = [
        {"key": f"tag-{i}", "value": f"value-{i}"} for i in range(count)
    ]
    return event


def numbers(count, every, start):
    values = list(range(count))
    if every:
        for i in range(start, count, every):
            values[i] = -values[i]
    return {"numbers": values}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["tags", "numbers"])
    parser.add_argument("count", type=int)
    parser.add_argument("--id", default="", help="the event's id (tags only)")
    parser.add_argument("--negative-every", type=int, default=0)
    parser.add_argument("--negative-from", type=int, default=0)
    args = parser.parse_args()
    if args.count < 0:
        parser.error("count must be 0 or more")
    event = tags(args.count, args.id) if args.kind == "tags" else numbers(
        args.count, args.negative_every, args.negative_from)
    json.dump(event, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
