"""
Side by side: one benchmark, run on another git revision of the shop and on
this working tree in the same session, alternating rounds, so both see the
same machine at the same time of day. Prints each round's figures, the median
of each side and their ratio.

    python bench/compare.py 9d8a722                       # purchases.py --quick, 3 rounds each
    python bench/compare.py 9d8a722 --rounds 5 -- --buyers 4 --duration 30
    python bench/compare.py --also=--observe      # this tree as is, and with --observe

Without a revision both sides are this working tree, and ``--also`` names
arguments only the second side gets (a setting's cost, in one session).

The harness (this checkout's ``bench/``) is the same for both: only the shop
it starts differs. The other revision is checked out in a worktree under
``$TMPDIR/shop-compare/<sha>`` (kept for the next run) and runs with this
checkout's virtualenv, which must therefore hold what that revision needs
(true for any earlier revision, since requirements only grow). Each run
starts from a fresh database, so the order of rounds leaves nothing behind.
"""

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import stack

WORKTREES = Path(tempfile.gettempdir()) / "shop-compare"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "revision", nargs="?", help="the git revision to compare this working tree with"
    )
    parser.add_argument(
        "--also", default="", help="arguments the working tree's side adds (quoted, one string)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="runs of each side")
    parser.add_argument("--script", default="bench/purchases.py", help="the benchmark to run")
    argv = sys.argv[1:]
    # What follows "--" is the benchmark's own (argparse would give it to "revision"'s chunk).
    own = argv[argv.index("--") + 1 :] if "--" in argv else ["--quick"]
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    args.arguments = own
    if not args.revision and not args.also:
        parser.error("compare with a revision, or the same tree with --also")
    return args


def worktree_of(revision: str) -> Path:
    """A detached checkout of ``revision`` that shares this checkout's virtualenv."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],
        cwd=stack.ROOT, check=True, text=True, capture_output=True,
    ).stdout.strip()  # fmt: skip
    path = WORKTREES / sha[:12]
    if not path.exists():
        WORKTREES.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), sha], cwd=stack.ROOT, check=True
        )
    venv = path / ".venv"
    if not venv.exists():
        venv.symlink_to(stack.ROOT / ".venv")
    return path


def run_once(shop_root: Path, script: str, arguments: list[str]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as figures:
        command = [stack.PYTHON, script, *arguments, "--json", figures.name]
        env = {**os.environ, "BENCH_SHOP_ROOT": str(shop_root)}
        finished = subprocess.run(command, cwd=stack.ROOT, env=env)
        result = json.loads(Path(figures.name).read_text() or "{}")
    result["exit_status"] = finished.returncode
    return result


def summary(label: str, runs: list[dict]) -> dict:
    rates = [run["purchases_per_second"] for run in runs]
    steps = runs[0]["steps"].keys()
    cpu = [run.get("cpu_ms_per_purchase") for run in runs]
    return {
        "label": label,
        "rates": rates,
        "rate": statistics.median(rates),
        # CPU ms per purchase by part of the stack (purchases.py only).
        "cpu": {kind: statistics.median(each[kind] for each in cpu) for kind in cpu[0]}
        if all(cpu)
        else {},
        **{
            quantile: {
                step: statistics.median(run["steps"][step][quantile] for run in runs)
                for step in steps
            }
            for quantile in ("p50", "p95")
        },
    }


def report(before: dict, after: dict) -> str:
    lines = [
        f"| | {before['label']} | {after['label']} | ratio |",
        "|---|---:|---:|---:|",
        "| purchases/s, each round | "
        + " / ".join(f"{rate:.1f}" for rate in before["rates"])
        + " | "
        + " / ".join(f"{rate:.1f}" for rate in after["rates"])
        + " | |",
        f"| purchases/s, median | {before['rate']:.2f} | {after['rate']:.2f} | "
        f"**{after['rate'] / before['rate']:.2f}** |",
    ]
    for quantile in ("p50", "p95"):
        for step, seconds in before[quantile].items():
            now = after[quantile][step]
            ratio = f"{now / seconds:.2f}" if seconds else ""
            lines.append(
                f"| {step} {quantile} ms | {seconds * 1000:.0f} | {now * 1000:.0f} | {ratio} |"
            )
    if before["cpu"] and after["cpu"]:
        for kind, ms in sorted(before["cpu"].items(), key=lambda kv: -kv[1]):
            now = after["cpu"].get(kind, 0)
            ratio = f"{now / ms:.2f}" if ms >= 0.5 else ""
            lines.append(f"| CPU ms per purchase: {kind} | {ms:.1f} | {now:.1f} | {ratio} |")
        total, now = sum(before["cpu"].values()), sum(after["cpu"].values())
        lines.append(
            f"| CPU ms per purchase: all | {total:.1f} | {now:.1f} | **{now / total:.2f}** |"
        )
    return "\n".join(lines)


def main():
    args = parse_args()
    also = shlex.split(args.also)
    if args.revision:
        sides = {
            args.revision: (worktree_of(args.revision), args.arguments),
            "working tree": (stack.ROOT, args.arguments + also),
        }
    else:
        sides = {
            "as is": (stack.ROOT, args.arguments),
            args.also: (stack.ROOT, args.arguments + also),
        }
    runs = {label: [] for label in sides}
    for round_number in range(args.rounds):
        # Alternate which side goes first, so neither always runs on a warmer machine.
        order = list(sides.items())
        if round_number % 2:
            order.reverse()
        for label, (root, arguments) in order:
            print(f"\n=== round {round_number + 1}/{args.rounds}: {label} ({root})", flush=True)
            result = run_once(root, args.script, arguments)
            if result["exit_status"] or "purchases_per_second" not in result:
                raise SystemExit(f"{label}: the benchmark failed (exit {result['exit_status']})")
            runs[label].append(result)
    before, after = (summary(label, runs[label]) for label in sides)
    print(f"\n{args.script} {' '.join(args.arguments)}, {args.rounds} rounds each, alternating\n")
    print(report(before, after))


if __name__ == "__main__":
    main()
