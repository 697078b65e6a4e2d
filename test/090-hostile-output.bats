#!/usr/bin/env bats
# bats file_tags=needs:bpf
# Hostile output: file and command names holding every control byte (0x01-0x1f, 0x7f),
# quotes, backslashes and invalid UTF-8 (\xff\xfe, a sequence cut short), made by
# test/workloads/hostile, go through the event tools that print them, in text and --json at
# once. Text: exactly one row per event, nothing raw that is a control character (C0, DEL, C1)
# or not UTF-8. JSON: every line parses strictly (UTF-8 decode included), and the control
# bytes, quotes and backslashes come back as they were, each invalid byte as U+FFFD.
load helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
N=3

setup() {
    require_bpf
    T=$BATS_TEST_TMPDIR
    BG=()
    mkdir -p "$T/d"
}

teardown() {
    bg_kill
}

# check_text FILE MARK COUNT: FILE is clean text and has COUNT lines holding the escaped MARK.
# MARK: file (the file name; its rows show the command name too) or comm (the command name).
check_text() {
    python3 - "$@" <<'PY'
import re, sys
path, mark, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, "rb").read()
text = data.decode("utf-8", "strict")  # raises on invalid UTF-8
bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) <= 0x9f]
assert not bad, "raw control characters in the text: %r" % bad[:5]
m = {"file": "hx\\001\\002\\003\\004", "comm": "hc\\012\\011\\033\\177\"\\134\\377\\376"}[mark]
lines = [l for l in text.split("\n") if m in l]
print("\n".join(lines))
# the file's events are the workload's: its command name is on their rows too
C = "hc\\012\\011\\033\\177\"\\134\\377\\376\\001\\342\\202"
assert mark != "file" or all(C in l for l in lines), "a row lost the command name"
assert len(lines) == want, "%d rows hold the %s, want %d" % (len(lines), mark, want)
PY
}

# check_json FILE MARK COUNT: every line of FILE is strict JSON in strict UTF-8, and COUNT
# objects hold the MARK's string as the tool read it.
check_json() {
    python3 - "$@" <<'PY'
import json, sys
path, mark, want = sys.argv[1], sys.argv[2], int(sys.argv[3])
objs = [json.loads(l) for l in open(path, "rb").read().decode("utf-8", "strict").splitlines()]
R = "\ufffd"
FILE = "hx" + "".join(chr(c) for c in range(1, 32)) + "\x7f\"' \\" + R + R + "\x85" + R + R + "zz"
COMM = "hc\n\t\x1b\x7f\"\\" + R + R + "\x01" + R + R

def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)

def has(o):
    for s in strings(o):
        if mark == "comm" and s == COMM:
            return True
        if mark == "file" and "hx\x01\x02\x03" in s:
            tail = s[s.index("hx\x01\x02\x03"):].rstrip(R)
            assert FILE.startswith(tail), "file name read back wrong: %r" % s
            assert o.get("comm", COMM) == COMM, "command name read back wrong: %r" % o
            return True
    return False

hits = [o for o in objs if has(o)]
print("\n".join(json.dumps(o) for o in hits))
assert len(hits) == want, "%d objects hold the %s, want %d" % (len(hits), mark, want)
PY
}

# hostile_run TOOL MARK COUNT [ARGS...]: the tool in text and in JSON while the workload runs
# N rounds; both outputs checked.
hostile_run() {
    local tool=$1 mark=$2 count=$3 text_pid text_out text_err
    shift 3
    tracer_start "$tool" "$@"
    text_pid=$TRACER text_out=$OUT text_err=$ERR
    tracer_start "$tool" --json "$@"
    bg_workload W hostile -n "$N" "$T/d"
    go_workload "$W"
    tracer_stop
    TRACER=$text_pid OUT=$text_out ERR=$text_err tracer_stop
    check_text "$text_out" "$mark" "$count"
    check_json "$T/trace.2.out" "$mark" "$count"
}

@test "opensnoop: hostile path and command name" {
    hostile_run opensnoop file "$N"
}

@test "statsnoop: hostile path" {
    hostile_run statsnoop file "$N"
}

@test "filelife: hostile file name and command name" {
    hostile_run filelife file "$N"
}

@test "filegone: hostile file name" {
    hostile_run filegone file "$N"
}

@test "killsnoop: hostile command name" {
    hostile_run killsnoop comm "$N"
}

@test "exitsnoop: hostile command names (the children and the workload)" {
    hostile_run exitsnoop comm "$((N + 1))"
}

@test "execsnoop: hostile command name and argument" {
    hostile_run execsnoop comm "$N"
    check_text "$T/trace.1.out" file "$N"
    check_json "$T/trace.2.out" file "$N"
}
