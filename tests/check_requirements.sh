#!/usr/bin/env bash
# tests/check_requirements.sh: check spec/requirements.tsv, the traceability
# table from RFC 9293 Appendix B to code and tests.
#
# Columns (tab-separated, first line the header):
#     id  title  status  where  tests  note
# - every Appendix B id appears exactly once: MUST-1..69, SHLD-1..31,
#   MAY-1..18, REC-1 (119 rows), and no other id;
# - status is one of: done, partial, not yet, not applicable;
# - tests: comma-separated names, each must exist: test_xxx is a function
#   defined in some tests/unit/*.c; xxx.pkt is a file under tests/scripts/
#   (a path relative to it, or a bare file name found anywhere below it);
# - where: file paths (comma/space separated, each optionally :function);
#   the file part must exist in the repo, and the function (or other C
#   name) must occur in that file as a word;
# - a done or partial row names at least one test and a where.
# Usage: tests/check_requirements.sh [FILE]   (default spec/requirements.tsv)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

TSV=${1:-spec/requirements.tsv}
if [ ! -f "$TSV" ]; then
    echo "requirements: $TSV does not exist"
    exit 1
fi

# Names of test functions defined in tests/unit/*.c: a line that starts
# with a return type (optionally static/inline) followed by test_xxx(, or
# with test_xxx( itself (return type on the line before).
defined_tests=$(mktemp)
trap 'rm -f "$defined_tests"' EXIT
for f in tests/unit/*.c; do
    [ -e "$f" ] || continue
    sed -nE 's/^[[:space:]]*((static|inline|extern)[[:space:]]+)*(void|int|bool)[[:space:]*]+(test_[A-Za-z0-9_]+)[[:space:]]*\(.*/\4/p;
             s/^(test_[A-Za-z0-9_]+)[[:space:]]*\(.*/\1/p' "$f"
done | sort -u >"$defined_tests"

# Bare .pkt names found anywhere under tests/scripts/.
pkt_files=$(find tests/scripts -type f -name '*.pkt' 2>/dev/null | sed 's|^tests/scripts/||' || true)

awk -F'\t' -v defined="$defined_tests" -v pkts="$pkt_files" '
function trim(s) { gsub(/^[ \t\r]+|[ \t\r]+$/, "", s); return s }
function problem(id, msg) { printf "requirements: %s: %s\n", id, msg; nproblems++ }
function exists(path,   cmd, r) {
    if (path in seen_path) return seen_path[path]
    cmd = "test -e \"" path "\""
    r = (system(cmd) == 0)
    seen_path[path] = r
    return r
}
BEGIN {
    while ((getline line < defined) > 0) have_test[line] = 1
    n = split(pkts, p, "\n")
    for (i = 1; i <= n; i++) if (p[i] != "") {
        have_pkt[p[i]] = 1
        b = p[i]; sub(/.*\//, "", b); have_pkt[b] = 1
    }
    split("MUST 69 SHLD 31 MAY 18 REC 1", spec, " ")
    for (i = 1; i <= 8; i += 2)
        for (k = 1; k <= spec[i + 1]; k++) { expected[spec[i] "-" k] = 1; nexpected++ }
    nstatus["done"] = 0; nstatus["partial"] = 0; nstatus["not yet"] = 0; nstatus["not applicable"] = 0
}
{ sub(/\r$/, "") }
NR == 1 {
    if ($0 != "id\ttitle\tstatus\twhere\ttests\tnote")
        problem("header", "first line must be id<TAB>title<TAB>status<TAB>where<TAB>tests<TAB>note")
    next
}
/^[ \t]*$/ { next }
{
    id = trim($1); status = trim($3); where = trim($4); tests = trim($5)
    where_line = "line " NR
    if (NF > 6) problem(id, "more than 6 columns (a tab inside a field?)")
    if (!(id in expected)) { problem(id, "not an RFC 9293 Appendix B id (" where_line ")"); next }
    if (id in count) problem(id, "duplicate row (" where_line ")")
    count[id]++
    rows++
    if (!(status in nstatus)) problem(id, "status \"" status "\" is not one of: done, partial, not yet, not applicable")
    else nstatus[status]++

    ntests = 0
    m = split(tests, t, ",")
    for (i = 1; i <= m; i++) {
        name = trim(t[i])
        if (name == "") continue
        ntests++; named++
        if (name ~ /\.pkt$/) {
            if (!(name in have_pkt)) { problem(id, "script " name " not found under tests/scripts/"); missing++ }
        } else if (name ~ /^test_[A-Za-z0-9_]+$/) {
            if (!(name in have_test)) { problem(id, "test " name " is not defined in tests/unit/*.c"); missing++ }
        } else {
            problem(id, "\"" name "\" is neither a test_xxx function nor a .pkt script"); missing++
        }
    }

    nwhere = 0
    m = split(where, w, /[,; ]+/)
    for (i = 1; i <= m; i++) {
        loc = trim(w[i])
        if (loc == "") continue
        nwhere++
        file = loc; sub(/:.*/, "", file)
        if (file == "" || !exists(file)) problem(id, "where: " file " does not exist")
        else if (loc ~ /:/) {
            sym = loc; sub(/^[^:]*:/, "", sym)
            if (sym !~ /^[A-Za-z_][A-Za-z0-9_]*$/) problem(id, "where: " loc ": \"" sym "\" is not a C name")
            else if (system("grep -qw -- \"" sym "\" \"" file "\"") != 0)
                problem(id, "where: " sym " does not occur in " file)
        }
    }

    if (status == "done" || status == "partial") {
        if (ntests == 0) problem(id, status " but no test named")
        if (nwhere == 0) problem(id, status " but no where")
    }
}
END {
    for (i = 1; i <= 8; i += 2)
        for (k = 1; k <= spec[i + 1]; k++)
            if (!((spec[i] "-" k) in count)) problem(spec[i] "-" k, "missing row")
    printf "requirements: %d rows, %d done, %d partial, %d not yet, %d not applicable; ", \
        rows, nstatus["done"], nstatus["partial"], nstatus["not yet"], nstatus["not applicable"]
    if (missing == 0) printf "all %d named tests exist", named
    else printf "%d of %d named tests missing", missing, named
    printf "; %d problem%s\n", nproblems, nproblems == 1 ? "" : "s"
    exit nproblems != 0
}' "$TSV"
