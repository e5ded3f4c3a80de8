#!/usr/bin/env python3
"""proofs/session.py: turn the proof scripts WP wrote in a run into
proofs/session, the committed per-goal choice of prover.

Usage: session.py BUILD_SESSION OUT_SESSION STEM...

For each STEM, BUILD_SESSION/STEM/script/ is WP's session after a run of
`make prove` (-wp-prover tip,...): the scripts the run did not write still
have the modification time 0 given to them before the run, so they are
goals that no longer exist and are dropped.  Each script the run wrote
lists the verdicts of the provers that ran on the goal; the new
OUT_SESSION/STEM/script/GOAL.json keeps the fastest "valid" one alone (a
goal no prover proved gets no script).  The output is written with sorted
keys, so that the same verdicts give the same bytes.
"""
import json
import re
import os
import shutil
import sys


def load(path):
    """A script as WP writes it: JSON, except that a whole number of seconds
    is printed as OCaml does, "4." (json.loads wants "4.0")."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return json.loads(re.sub(r"(?<=\d)\.(?=[\s,}\]])", ".0", text))


def best(results):
    valid = [r for r in results if isinstance(r, dict) and r.get("verdict") == "valid"
             and "prover" in r]
    if not valid:
        return None
    return min(valid, key=lambda r: (float(r.get("time", 0.0)), r["prover"]))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    src, out, stems = argv[0], argv[1], argv[2:]
    for stem in stems:
        sdir = os.path.join(src, stem, "script")
        if not os.path.isdir(sdir):
            print(f"session.py: {sdir}: no session (did `make prove` run?)", file=sys.stderr)
            return 1
        kept = {}
        stale = 0
        for name in sorted(os.listdir(sdir)):
            path = os.path.join(sdir, name)
            if not name.endswith(".json"):
                continue
            if os.stat(path).st_mtime < 1:
                stale += 1
                continue
            try:
                results = load(path)
            except (OSError, ValueError) as e:
                print(f"session.py: {path}: {e}", file=sys.stderr)
                return 1
            b = best(results if isinstance(results, list) else [])
            if b is not None:
                kept[name] = b
        odir = os.path.join(out, stem, "script")
        shutil.rmtree(os.path.join(out, stem), ignore_errors=True)
        os.makedirs(odir)
        for name, b in kept.items():
            with open(os.path.join(odir, name), "w", encoding="utf-8") as f:
                json.dump([b], f, sort_keys=True)
                f.write("\n")
        provers = {}
        for b in kept.values():
            provers[b["prover"]] = provers.get(b["prover"], 0) + 1
        print(f"session: {stem}: {len(kept)} scripts "
              f"({', '.join(f'{p} {n}' for p, n in sorted(provers.items()))}), "
              f"{stale} stale dropped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
