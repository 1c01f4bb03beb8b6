#!/usr/bin/python3
"""Before/after table of two callgrind profiles of the same run.

    profile_diff.py BEFORE.callgrind AFTER.callgrind --calls 2000 [--top 15]

Prints total instructions and instructions per call of each, then the functions whose
inclusive instruction count changed the most. Both profiles must come from the same
scenario and overrides (bench.py --only profile writes one).
"""

import argparse
import re
import subprocess

LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+(.*)$")


def inclusive(path):
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                          capture_output=True, text=True, check=True).stdout
    total, functions = 0, {}
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        count = int(m.group(1).replace(",", ""))
        name = m.group(2)
        if "PROGRAM TOTALS" in name:
            total = count
            continue
        # "???:sipsim::Foo(args) [/path/binary]" -> "sipsim::Foo"
        name = re.sub(r"\s*\[[^\]]*\]$", "", name.split(":", 1)[-1])
        name = re.sub(r"\(.*", "", name)
        functions[name] = max(functions.get(name, 0), count)
    return total, functions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--calls", type=int, required=True)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    tb, fb = inclusive(args.before)
    ta, fa = inclusive(args.after)
    print(f"{'':44} {'before':>15} {'after':>15} {'change':>8}")
    print(f"{'instructions (total)':44} {tb:>15,} {ta:>15,} {100 * (ta - tb) / tb:>7.1f}%")
    print(f"{'instructions per call':44} {tb // args.calls:>15,} {ta // args.calls:>15,} "
          f"{100 * (ta - tb) / tb:>7.1f}%")
    print(f"\nlargest changes (inclusive instructions per call):")
    # Functions above 30% of the run are the driver's call chain (main, Simulator::Run,
    # the socket callbacks ...): their change is the sum of the others'.
    names = [f for f in set(fb) | set(fa) if max(fb.get(f, 0), fa.get(f, 0)) < 0.3 * tb]
    deltas = sorted(names, key=lambda f: fa.get(f, 0) - fb.get(f, 0))
    for name in deltas[:args.top]:
        b, a = fb.get(name, 0), fa.get(name, 0)
        if a == b:
            continue
        print(f"  {name[:60]:60} {b // args.calls:>9,} -> {a // args.calls:>9,}")


if __name__ == "__main__":
    main()
