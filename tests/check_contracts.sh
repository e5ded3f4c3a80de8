#!/usr/bin/env bash
# tests/check_contracts.sh: every function of src/core has an ACSL contract
# (issue 3: "every src/core function has a contract").  A function's
# contract is the /*@ ... */ block right before its definition, or right
# before a prototype of it in a header of src/core (the public entry points'
# are in contracts.h, the codec's in tcpsm_wire.h, reasm.c's in reasm.h).
# Every loop carries loop invariant, loop assigns and loop variant.
# Prints each function or loop without them, and the counts; fails if any.
set -eu
cd "$(dirname "$0")/.."
python3 - <<'PY'
import glob, re, sys

DEF = re.compile(r"^(?:static\s+)?(?:inline\s+)?(?:const\s+)?(?:enum\s+|struct\s+)?[A-Za-z_]\w*[\s\*]+\**([A-Za-z_]\w*)\(")

def strip_ghosts(text):
    # ghost code is ACSL: its functions are not C functions of the library
    return re.sub(r"/\*@\s*ghost.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)

def with_contract(lines, i):
    """Is the text before line i (skipping blank lines and plain comments) an ACSL block?"""
    j = i - 1
    while j >= 0:
        s = lines[j].strip()
        if not s:
            j -= 1
            continue
        if s.endswith("*/"):
            k = j
            while k >= 0 and "/*" not in lines[k]:
                k -= 1
            if k >= 0 and lines[k].lstrip().startswith("/*@"):
                return True
            if k >= 0 and lines[k].lstrip().startswith("/*"):
                j = k - 1          # a plain comment: look above it
                continue
        return False
    return False

headers = {}
for h in sorted(glob.glob("src/core/*.h")):
    headers[h] = strip_ghosts(open(h, encoding="utf-8").read()).split("\n")

declared = set()   # functions whose contract is on a prototype in a header
for h, lines in headers.items():
    for i, line in enumerate(lines):
        m = DEF.match(line)
        if not m:
            continue
        j = i
        while j < len(lines) and ")" not in lines[j]:
            j += 1
        tail = lines[j][lines[j].rindex(")"):] if j < len(lines) else ""
        tail = re.sub(r"/\*.*?\*/|//.*", "", tail)
        if tail.rstrip().endswith(";") and with_contract(lines, i):
            declared.add(m.group(1))

missing, total = [], 0
for path in sorted(glob.glob("src/core/*.c") + glob.glob("src/core/*.h")):
    lines = strip_ghosts(open(path, encoding="utf-8").read()).split("\n")
    for i, line in enumerate(lines):
        m = DEF.match(line)
        if not m or re.sub(r"/\*.*?\*/|//.*", "", line).rstrip().endswith(";"):
            continue
        j = i
        while j < len(lines) and ")" not in lines[j]:
            j += 1
        rest = "\n".join(lines[j:j + 2])
        after = rest[rest.index(")") + 1:].lstrip() if ")" in rest else ""
        if not after.startswith("{"):
            continue        # a prototype, not a definition
        total += 1
        name = m.group(1)
        if not (with_contract(lines, i) or name in declared):
            missing.append("%s:%d: %s has no contract" % (path, i + 1, name))
# Loops: each carries loop invariant, loop assigns and loop variant.
LOOP = re.compile(r"^\s*(?:for|while)\s*\(")
loops, bad_loops = 0, []
for path in sorted(glob.glob("src/core/*.c") + glob.glob("src/core/*.h")):
    lines = strip_ghosts(open(path, encoding="utf-8").read()).split("\n")
    for i, line in enumerate(lines):
        if not LOOP.match(line):
            continue
        loops += 1
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        block = []
        if j >= 0 and lines[j].rstrip().endswith("*/"):
            k = j
            while k >= 0 and "/*" not in lines[k]:
                k -= 1
            block = lines[k:j + 1] if k >= 0 and lines[k].lstrip().startswith("/*@") else []
        text = " ".join(block)
        lack = [w for w in ("loop invariant", "loop assigns", "loop variant") if w not in text]
        if lack:
            bad_loops.append("%s:%d: loop without %s" % (path, i + 1, ", ".join(lack)))
for m in missing + bad_loops:
    print(m)
print("contracts: %d functions in src/core, %d without a contract; %d loops, %d without "
      "invariant, assigns and variant" % (total, len(missing), loops, len(bad_loops)))
sys.exit(1 if missing or bad_loops else 0)
PY
