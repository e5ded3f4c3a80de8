#!/usr/bin/env python3
"""proofs/report.py: reshape WP's per-file reports into proofs/report.json
and proofs/REPORT.md, and say whether everything required is proved.

Called by `make prove` (proofs/wp.mk), once, after Frama-C ran on every
file of PROVE_FILES.  For each file it reads BUILD/<stem>.json (WP's
-wp-report-json), BUILD/<stem>.log (WP's output, for prover times and cache
use), BUILD/<stem>.rc (Frama-C's exit status) and BUILD/<stem>.pass
("replay" or "prove", the last pass run), where <stem> is the path with
'/' turned into '_' and '.c' dropped.

Both outputs are deterministic for a given cache: no date, no Qed times
(Qed is not cached and its times vary), nothing about which pass ran;
prover times come from the cache once a goal is in it.  Exit status: 0 when
every goal of every file that is not pending is proved and Frama-C finished
on every file, 1 otherwise (a pending file's unproved goals never fail).
"""
import argparse
import fnmatch
import json
import os
import re
import sys

CACHE_LINE = re.compile(r"^\[wp\] \[Cache\] (.*)$")
GOAL_LINE = re.compile(r"^\[wp\] \[([^\]]+)\] Goal typed_(\S+) : (\w+)(.*)$")
TIME = re.compile(r"\((\d+(?:\.\d+)?)(ms|s)\)")


def stem(path):
    return re.sub(r"\.c$", "", path).replace("/", "_")


def script_time(script_dir, goal):
    """The prover time WP wrote in a goal's proof script (-wp-prover tip):
    a goal replayed through its script is logged as "[Script] ... : Valid"
    with no time."""
    try:
        with open(os.path.join(script_dir, goal + ".json"), encoding="utf-8") as f:
            # WP prints a whole number of seconds as OCaml does: "4."
            results = json.loads(re.sub(r"(?<=\d)\.(?=[\s,}\]])", ".0", f.read()))
    except (OSError, ValueError):
        return None
    valid = [float(r.get("time", 0.0)) for r in results if isinstance(r, dict)
             and r.get("verdict") == "valid"] if isinstance(results, list) else []
    return min(valid) if valid else None


def prover_times(log, script_dir=None):
    """Goal name (without typed_ and _partN) -> prover seconds, summed over parts."""
    times = {}
    if not os.path.exists(log):
        return times
    with open(log, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = GOAL_LINE.match(line.rstrip("\n"))
            if not m or m.group(1) == "Qed":
                continue
            if m.group(1) == "Script":
                secs = script_time(script_dir, m.group(2)) if script_dir else None
                if secs is not None:
                    name = re.sub(r"_part\d+$", "", m.group(2))
                    times[name] = times.get(name, 0.0) + secs
                continue
            # "(Qed:2ms) (50ms) (35431) (cached)": the first plain time is the prover's
            t = TIME.search(re.sub(r"\(Qed:[^)]*\)", "", m.group(4)))
            if not t:
                continue
            secs = float(t.group(1)) / (1000.0 if t.group(2) == "ms" else 1.0)
            name = re.sub(r"_part\d+$", "", m.group(2))
            times[name] = times.get(name, 0.0) + secs
    return times


def cache_use(log):
    """WP's "[Cache] found:N, failed:N, updated:N" line, as a dict."""
    use = {}
    if os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = CACHE_LINE.match(line.rstrip("\n"))
                if m:
                    for kv in m.group(1).split(","):
                        k, _, v = kv.strip().partition(":")
                        if v.isdigit():
                            use[k] = use.get(k, 0) + int(v)
    return use


def entries(goals, times):
    """Aggregate one function's (or axiomatic's) goals from WP's JSON."""
    total = proved = 0
    provers = {}
    unproved = []
    secs = 0.0
    for goal, res in sorted(goals.items()):
        if goal == "wp:section" or not isinstance(res, dict) or "wp:main" not in res:
            continue
        main = res["wp:main"]
        total += main.get("total", 0)
        proved += main.get("valid", 0)
        if main.get("valid", 0) < main.get("total", 0):
            unproved.append(goal)
        for prover, r in res.items():
            if prover != "wp:main" and r.get("valid", 0):
                provers[prover] = provers.get(prover, 0) + r["valid"]
        secs += times.get(goal, 0.0)
    return {"goals": total, "proved": proved, "provers": dict(sorted(provers.items())),
            "prover_time_s": round(secs, 2), "unproved": unproved}


def file_report(path, build, pending, skipped, once=()):
    s = stem(path)
    rep = {"file": path, "pending": pending, "skipped": skipped, "proven_once": list(once),
           "log": os.path.join(build, s + ".log")}
    rc_file = os.path.join(build, s + ".rc")
    rc = int(open(rc_file).read().strip() or 1) if os.path.exists(rc_file) else 1
    pass_file = os.path.join(build, s + ".pass")
    run = {"pass": open(pass_file).read().strip() if os.path.exists(pass_file) else "?",
           "cache": cache_use(rep["log"])}
    js = os.path.join(build, s + ".json")
    if rc != 0 or not os.path.exists(js):
        rep.update(status="error", error="frama-c exit status %d" % rc, goals=0, proved=0,
                   functions=[])
        return rep, run
    with open(js, encoding="utf-8") as f:
        data = json.load(f)
    lemmas = {}
    for goals in data.get("wp:axiomatics", {}).values():
        lemmas.update(goals)
    run["goals"] = {"functions": data.get("wp:functions", {}), "lemmas": lemmas}
    times = prover_times(rep["log"], os.path.join(build, "session", s, "script"))
    funcs = []
    for name, goals in sorted(data.get("wp:functions", {}).items()):
        funcs.append(dict(name=name, **entries(goals, times)))
    for axiomatic, goals in sorted(data.get("wp:axiomatics", {}).items()):
        funcs.append(dict(name="lemmas" + (" " + axiomatic if axiomatic else ""),
                          **entries(goals, times)))
    goals = sum(f["goals"] for f in funcs)
    proved = sum(f["proved"] for f in funcs)
    rep.update(status="proved" if goals == proved else "unproved", goals=goals,
               proved=proved, functions=funcs)
    return rep, run


def properties(path, runs, skip):
    """Evaluate proofs/properties.tsv against the per-file WP reports."""
    props = []
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f if l.strip() and not l.startswith("#")]
    for line in lines:
        name, statement, patterns = line.split("\t")
        goals = proved = 0
        unproved, missing, skipped = [], [], set()
        for pat in patterns.split():
            fpat, _, rest = pat.rpartition("@")
            fpat = fpat or "*"
            fnpat, _, gpat = rest.partition(":")
            found = 0
            for f, run in runs:
                if not fnmatch.fnmatchcase(f["file"], fpat) or "goals" not in run:
                    continue
                if fnpat == "lemmas":
                    tables = [("lemmas", run["goals"]["lemmas"])]
                else:
                    tables = [(fn, g) for fn, g in sorted(run["goals"]["functions"].items())
                              if fnmatch.fnmatchcase(fn, fnpat)]
                for fn, table in tables:
                    for goal, res in sorted(table.items()):
                        if goal == "wp:section" or not isinstance(res, dict) \
                                or "wp:main" not in res or not fnmatch.fnmatchcase(goal, gpat):
                            continue
                        found += 1
                        goals += res["wp:main"].get("total", 0)
                        proved += res["wp:main"].get("valid", 0)
                        if res["wp:main"].get("valid", 0) < res["wp:main"].get("total", 0):
                            unproved.append("%s:%s" % (fn, goal))
            named = sorted(fn for file, fns in skip.items() if fnmatch.fnmatchcase(file, fpat)
                           for fn in fns if fnpat != "lemmas" and fnmatch.fnmatchcase(fn, fnpat))
            skipped.update(named)
            if not found and not named:
                missing.append(pat)
        status = ("stale" if missing else "unproved" if unproved
                  else "partial" if skipped else "proved")
        props.append({"name": name, "statement": statement, "status": status,
                      "goals": goals, "proved": proved, "unproved": unproved,
                      "not_yet_proven": sorted(skipped), "no_goal": missing})
    return props


def markdown(report):
    out = ["# Proof report", "",
           "Written by `make prove` (proofs/wp.mk, proofs/report.py); do not edit.",
           "Per function: WP goals (contracts, `-wp-rte` runtime-error checks, lemmas)",
           "and how many are proved.  Which prover proved what, and in how long,",
           "is in proofs/report.json.", "",
           "Command, run from the top directory for each FILE of `PROVE_FILES`:", "",
           "    " + report["command"], "",
           "It is run first with `%s` in place of `-wp-cache update -wp-par 2`" % report["replay"],
           "(cached verdicts only, no prover started); only if that leaves a goal",
           "unproved is it run as above.  STEM is the file's path with `/` as `_`",
           "and no `.c`; build/proofs/session/STEM is a fresh copy of",
           "proofs/session/STEM, the prover each goal's script names (proofs/README.md).", ""]
    if report.get("properties"):
        out += ["## Properties", "",
                "What the proofs establish, by name (proofs/properties.tsv names the goals",
                "that carry each).  *partial*: the goals that exist are proved, but some",
                "functions the property needs are not yet proven (skipped).", "",
                "| property | statement | goals proved | status |",
                "| --- | --- | ---: | --- |"]
        for p in report["properties"]:
            st = p["status"]
            if p["not_yet_proven"]:
                st += "; not yet proven: " + ", ".join("`%s`" % n for n in p["not_yet_proven"])
            if p["no_goal"]:
                st += "; no goal for: " + ", ".join("`%s`" % n for n in p["no_goal"])
            out.append("| %s | %s | %d/%d | %s |" % (p["name"], p["statement"], p["proved"],
                                                   p["goals"], st))
        out.append("")
    for f in report["files"]:
        tag = " (pending: reported, does not fail `make prove`)" if f["pending"] else ""
        out.append("## %s: %d/%d%s" % (f["file"], f["proved"], f["goals"], tag))
        out.append("")
        if f["status"] == "error":
            out += ["Frama-C did not finish (%s); see %s." % (f["error"], f["log"]), ""]
            continue
        out += ["| function | goals | proved |", "| --- | ---: | ---: |"]
        for fn in f["functions"]:
            mark = "" if fn["goals"] == fn["proved"] else " **(%d unproved)**" % (
                fn["goals"] - fn["proved"])
            out.append("| %s | %d | %d%s |" % (fn["name"], fn["goals"], fn["proved"], mark))
        out.append("")
        if f["skipped"]:
            out += ["Not yet proven (`-wp-skip-fct`, `PROVE_SKIP` in proofs/wp.mk): no goal of",
                    "these functions is generated, and the proofs of their callers rest on their",
                    "contracts: " + ", ".join("`%s`" % n for n in f["skipped"]) + ".", ""]
        if f.get("proven_once"):
            out += ["Header functions proven in another file's run (`PROVE_ONCE` in",
                    "proofs/wp.mk; seq.h's with proofs/seq_harness.c, conn_impl.h's with",
                    "src/core/conn.c): " + ", ".join("`%s`" % n for n in f["proven_once"]) + ".", ""]
    t = report["total"]
    out += ["## Total", "",
            "%d goals, %d proved; outside the pending files: %d goals, %d proved." % (
                t["goals"], t["proved"], t["required_goals"], t["required_proved"]),
            "Functions not yet proven (skipped, listed under their file): %d." % (
                t["skipped_functions"]), ""]
    out += ["## Not yet under proof", "",
            "Files of src/core that are not in `PROVE_FILES`:", ""]
    out += ["- %s" % f for f in report["not_yet"]] or ["- (none)"]
    out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="directory of the per-file WP outputs")
    ap.add_argument("--command", required=True, help="the Frama-C command, FILE for the file")
    ap.add_argument("--replay", required=True, help="the flags of the replay pass")
    ap.add_argument("--pending", default="", help="files whose goals do not fail the run")
    ap.add_argument("--core", default="", help="every src/core/*.c file")
    ap.add_argument("--skip", default="",
                    help="FILE=f,g ...: functions of FILE whose goals are not generated")
    ap.add_argument("--once", default="",
                    help="FILE=f,g ...: header functions of FILE proven in another run")
    ap.add_argument("--properties", default="",
                    help="proofs/properties.tsv: the named properties and their goals")
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()

    pending = set(a.pending.split())
    skip = {}
    for item in a.skip.split():
        path, _, fns = item.partition("=")
        skip[path] = sorted(x for x in fns.split(",") if x)
    once = {}
    for item in a.once.split():
        path, _, fns = item.partition("=")
        once[path] = sorted(x for x in fns.split(",") if x)
    runs = [file_report(p, a.build, p in pending, skip.get(p, []), once.get(p, []))
            for p in a.files]
    files = [f for f, _ in runs]
    provers = {}
    for f in files:
        for fn in f["functions"]:
            for p, n in fn["provers"].items():
                provers[p] = provers.get(p, 0) + n
    required = [f for f in files if not f["pending"]]
    report = {
        "command": a.command,
        "replay": a.replay,
        "files": files,
        "total": {
            "goals": sum(f["goals"] for f in files),
            "proved": sum(f["proved"] for f in files),
            "provers": dict(sorted(provers.items())),
            "required_goals": sum(f["goals"] for f in required),
            "required_proved": sum(f["proved"] for f in required),
            "skipped_functions": sum(len(f["skipped"]) for f in files),
        },
        "not_yet": sorted(set(a.core.split()) - set(a.files)),
        "properties": properties(a.properties, runs, skip) if a.properties else [],
    }
    with open(a.json, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, sort_keys=False)
        f.write("\n")
    with open(a.md, "w", encoding="utf-8") as f:
        f.write(markdown(report))

    # One line per file: "prove: FILE PROVED/GOALS STATUS [(pending)] [how]";
    # tests/run_suites.sh counts these lines.
    bad = False
    for f, run in runs:
        line = "prove: %-24s %5d/%-5d %s" % (f["file"], f["proved"], f["goals"], f["status"])
        if f["pending"]:
            line += " (pending)"
        if f["skipped"]:
            line += " (%d functions skipped)" % len(f["skipped"])
        # WP's words: found = a verdict read, failed = none there, updated = written
        words = {"found": "read", "failed": "missing", "updated": "written"}
        use = ", ".join("%d %s" % (n, words.get(k, k)) for k, n in sorted(run["cache"].items()))
        line += " [%s pass; cache: %s]" % (run["pass"], use or "not used")
        print(line)
        failing = f["status"] == "error" or (f["status"] != "proved" and not f["pending"])
        if failing:
            bad = True
            if f["status"] == "error":
                print("  %s; see %s" % (f["error"], f["log"]))
            for fn in f["functions"]:
                for g in fn["unproved"]:
                    print("  unproved: %s" % g)
        elif f["pending"] and f["status"] == "proved":
            print("  fully proved: take it out of PROVE_PENDING (proofs/wp.mk)")
    props = report["properties"]
    if props:
        counts = {}
        for p in props:
            counts[p["status"]] = counts.get(p["status"], 0) + 1
        print("prove properties: %d listed: %s" % (len(props), ", ".join(
            "%d %s" % (n, k) for k, n in sorted(counts.items()))))
        for p in props:
            if p["status"] != "proved":
                print("  %s: %s%s%s" % (p["name"], p["status"],
                      "; not yet proven: " + ",".join(p["not_yet_proven"]) if p["not_yet_proven"] else "",
                      "; no goal for: " + " ".join(p["no_goal"]) if p["no_goal"] else ""))
            if p["status"] == "stale":
                bad = True
    t = report["total"]
    print("prove total: %d/%d goals proved (required: %d/%d); %d functions not yet proven" % (
        t["proved"], t["goals"], t["required_proved"], t["required_goals"],
        t["skipped_functions"]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
