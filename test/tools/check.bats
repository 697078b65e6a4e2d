#!/usr/bin/env bats
# check: the attach method each tool would use here, from declarations and probes alone.
# No file_tags: the tests about the report's shape run unprivileged (BPF tools then say
# "unknown" or their method); those that need the real answer carry test_tags=needs:bpf.
# The engine test runs opensnoop and biolatency and compares the method their debug log says
# they attached with to check's answer, under several BCCTOOL_DISABLE_ATTACH settings.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

teardown() {
    if [ -n "${CHK_UNPRIV-}" ]; then rm -rf "$CHK_UNPRIV"; fi
}

# visible tools without BPF, from the dispatcher
no_bpf_tools() {
    "$BCCTOOL" --list --json | jq -r 'select(.needs_bpf | not) | .name'
}

# the kernel has kprobes (a PMU, or kprobe_events in a mounted tracefs)
have_kprobes() {
    [ -e /sys/bus/event_source/devices/kprobe ] ||
        [ -e /sys/kernel/tracing/kprobe_events ] ||
        [ -e /sys/kernel/debug/tracing/kprobe_events ]
}

@test "check: one line per visible tool and variant, tools without BPF say so" {
    local t n
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 check
    [ -z "$stderr" ] || fail "stderr: $stderr"
    n=$("$BCCTOOL" --list | wc -l)
    # one line per tool, and one more per variant ("biolatency -Q", "funccount t:CAT:EV"): every
    # listed tool has lines, and every line is a listed tool's
    [ "$(printf '%s\n' "${lines[@]}" | awk '{ print $1 }' | sort -u | wc -l)" -eq "$n" ] ||
        fail "expected lines for exactly the $n listed tools"
    printf '%s\n' "${lines[@]}" | awk '{ print $1 }' | sort -u |
        diff - <("$BCCTOOL" --list | awk '{ print $1 }' | sort) || fail "lines of unlisted tools"
    for t in $("$BCCTOOL" --list | awk '{print $1}'); do
        assert_line --regexp "^$t( [^ ]+( [^ ]+)?)? +[A-Za-z]"
    done
    assert_line --regexp '^biolatency +[a-z_]+'
    assert_line --regexp '^biolatency -Q +[a-z_]+'
    for t in $(no_bpf_tools); do
        assert_line --regexp "^$t +no BPF\$"
    done
    assert_line --regexp '^check +no BPF$'
    # the label column is as wide as the widest label and two spaces
    local w
    w=$(printf '%s\n' "${lines[@]}" | sed -E 's/  +.*//' | awk '{ if (length > m) m = length } END { print m + 2 }')
    assert_line --regexp "^$(printf '%-*s' "$w" opensnoop)[a-z]"
    assert_line --regexp "^$(printf '%-*s' "$w" 'biolatency -Q')[a-z]"
}

@test "check TOOL: only the named tools, in order; exit 0 for a tool without BPF" {
    run_bct 0 check reset-trace bpflist
    assert_equal "${#lines[@]}" 2
    assert_line --index 0 --regexp '^reset-trace +no BPF$'
    assert_line --index 1 --regexp '^bpflist +no BPF$'
}

@test "check: an unknown tool is a usage error (exit 2), nothing on stdout" {
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 check opensnoop nosuchtool
    assert_output ""
    [[ "$stderr" == *"unknown tool: 'nosuchtool'"* ]] || fail "stderr: $stderr"
    BCT_RUN_FLAGS=--separate-stderr run_bct 2 check __selftest
    [[ "$stderr" == *"unknown tool: '__selftest'"* ]] || fail "hidden tools are not tools"
}

@test "check --json: one object per tool and variant that parses and agrees with the text" {
    local text json want
    run_bct 0 check
    text=$output
    run_bct 0 check --json
    json=$output
    jq -e . <<<"$json" >/dev/null || fail "not JSON"
    assert_equal "$(wc -l <<<"$json")" "$(wc -l <<<"$text")"
    # render the objects as the text lines, label padding squeezed to one space
    want=$(jq -r '
        def alts: if length > 1 then (.[:-1] | join(", ")) + " or " + .[-1] else .[0] end;
        def hooktext: (if (.method | not) then "unknown: " + (.candidates | alts)
            else .method + (if .approximate then " (approximate: " + .approximate + ")"
            else "" end) end);
        (.tool + (if .variant == "" then "" else " " + .variant end)) + " " +
        (if .bpf | not then "no BPF"
         elif .available == true then
             if (.hooks | length) == 1 then (.hooks[0] | hooktext)
             else [.hooks[] | select(.method or .candidates) | .hook + ": " + hooktext]
                 | join("; ") end +
             ([.hooks[] | select((.method or .candidates) | not) | " (without " + .hook + ")"]
                 | join(""))
         elif .available == false then "unavailable: " + .reason
         else (.hooks | length) as $n | "unknown: " +
             ([.hooks[] | select(.candidates and (.optional | not))][0] |
              (if $n > 1 then .hook + ": " else "" end) + (.candidates | alts) +
              " (" + .reason + ")")
         end)' <<<"$json")
    diff <(sed -E 's/  +/ /' <<<"$text") <(cat <<<"$want") || fail "--json and text disagree"
    # a BPF tool has hooks, unless the machine lacks what it needs beyond them (llcstat's PMU)
    jq -s -e 'all(.[] | select(.bpf); (.hooks | length > 0) or (.available == false and .reason))' \
        <<<"$json" >/dev/null
    jq -s -e 'all(.[] | select(.bpf | not); .available == true and .hooks == [])' <<<"$json" \
        >/dev/null
}

# bats test_tags=needs:bpf
@test "check on this kernel: opensnoop uses tracepoints, biolatency tp_btf" {
    require_bpf
    BCT_RUN_FLAGS=--separate-stderr run_bct 0 check opensnoop biolatency
    [ -z "$stderr" ] || fail "stderr: $stderr"
    assert_line --index 0 --regexp '^opensnoop +tracepoint$'
    assert_line --index 1 --regexp '^biolatency +tp_btf$'
    assert_line --index 2 --regexp '^biolatency -Q +tp_btf$'
    run_bct 0 check --json opensnoop
    assert_equal "$(jq -r '[.available, .hooks[0].hook, .hooks[0].method] | join(",")' <<<"$output")" \
        "true,open syscalls,tracepoint"
}

# bats test_tags=needs:bpf
@test "check -v: every method tried before the chosen one, and why it was rejected" {
    require_bpf
    run_bct 0 check -v opensnoop
    assert_line --index 0 --regexp '^opensnoop +tracepoint$'
    assert_line --regexp '^    open syscalls: fexit: .+'
    assert_line --regexp '^    open syscalls: kprobe: .+'
    assert_line '    open syscalls: tracepoint: chosen'
    run_bct 0 check -v --json opensnoop
    assert_equal "$(jq -r '[.hooks[0].tried[].method] | join(",")' <<<"$output")" "fexit,kprobe"
}

@test "check: without tracepoints and kprobes biolatency needs kprobes (exit 1 when named)" {
    have_kprobes && skip "this kernel has kprobes"
    export BCCTOOL_DISABLE_ATTACH=tracepoint,tp_btf,raw_tp
    run_bct 1 check biolatency
    assert_line --index 0 --regexp '^biolatency +unavailable: needs kprobes$'
    assert_line --index 1 --regexp '^biolatency -Q +unavailable: needs kprobes$'
    run_bct 1 check --json biolatency
    assert_equal "$(jq -r '[.available, .reason, .hooks[0].method] | join(",")' <<<"$output" |
        sort -u)" "false,needs kprobes,"
    # a report of every tool exits 0 whatever it says
    run_bct 0 check
    assert_line --regexp '^biolatency +unavailable: needs kprobes$'
    # nothing left: say so rather than name a kind the kernel lacks
    BCCTOOL_DISABLE_ATTACH=fentry,kprobe,tracepoint,tp_btf,raw_tp run_bct 1 check opensnoop
    assert_output --regexp '^opensnoop +unavailable: every method disabled by BCCTOOL_DISABLE_ATTACH$'
}

# bats test_tags=needs:bpf
@test "check: without tracepoints, opensnoop needs fentry/fexit or kprobes; -v says why" {
    require_bpf
    have_kprobes && skip "this kernel has kprobes"
    "$BCCTOOL" check opensnoop | grep -q fexit && skip "fentry/fexit work here"
    BCCTOOL_DISABLE_ATTACH=tracepoint run_bct 1 check -v opensnoop
    assert_line --index 0 --regexp '^opensnoop +unavailable: needs fentry/fexit or kprobes$'
    assert_line --regexp '^    open syscalls: fexit: fentry/fexit .+'
    assert_line '    open syscalls: kprobe: kernel has no kprobes'
    assert_line '    open syscalls: tracepoint: disabled by BCCTOOL_DISABLE_ATTACH'
}

# bats test_tags=needs:bpf
@test "check answers what the tools really attach with (their debug log), also on fallbacks" {
    require_bpf
    local dis tool args want got
    for dis in "" tp_btf tp_btf,raw_tp; do
        for tool in "opensnoop -d 1" "biolatency 1 1" "biolatency -Q 1 1"; do
            read -r -a args <<<"$tool"
            # check's answer for this variant: "hook: method" per hook
            want=$(BCCTOOL_DISABLE_ATTACH=$dis "$BCCTOOL" check --json "${args[0]}" |
                jq -r --arg v "$([ "${args[1]}" = -Q ] && echo -Q)" \
                    'select(.variant == $v) | .hooks[] | "\(.hook): \(.method)"')
            BCCTOOL_DISABLE_ATTACH=$dis BCCTOOL_LOG=debug BCT_RUN_FLAGS=--separate-stderr \
                run_bct 0 "${args[@]}"
            got=$(sed -nE "s/.*'([^']+)': attaching with (.+)$/\1: \2/p" <<<"$stderr")
            echo "disable='$dis' $tool: check says '$want', the tool attached '$got'"
            [ -n "$got" ] || fail "no 'attaching with' in the debug log"
            assert_equal "$got" "$want"
        done
    done
}

# bats test_tags=needs:bpf
@test "check compiles and loads no tool's program: no compiler, no bpf() once probes are memoized" {
    require_bpf
    export BCCTOOL_CACHE_DIR=$BATS_TEST_TMPDIR/cache
    # the first run probes the kernel (tiny programs) and keeps the answers for the boot
    BCCTOOL_CC_PLUGIN=/nonexistent/bcctool-cc.so run_bct 0 check
    assert_line --regexp '^opensnoop +tracepoint$'
    command -v strace >/dev/null || skip "no strace"
    run_bct 0 check --json
    local before=$output
    run strace -f -qq -e trace=bpf -o "$BATS_TEST_TMPDIR/strace" "$BCCTOOL" check --json
    assert_success
    assert_equal "$output" "$before"
    run grep -c 'bpf(' "$BATS_TEST_TMPDIR/strace"
    assert_output 0
}

# bats test_tags=needs:root
@test "check runs unprivileged: tools without BPF say so, BPF tools an answer or unknown" {
    require_root
    command -v setpriv >/dev/null || skip "no setpriv"
    # a copy nobody can run wherever the build tree is
    CHK_UNPRIV=$(mktemp -d /tmp/check-unpriv.XXXXXX)
    chmod 755 "$CHK_UNPRIV"
    cp "$BCCTOOL" "$CHK_UNPRIV/bcctool"
    mkdir "$CHK_UNPRIV/home"
    chown 65534 "$CHK_UNPRIV/home"
    run -0 --separate-stderr setpriv --reuid 65534 --regid 65534 --clear-groups \
        env -u BCCTOOL_CACHE_DIR -u XDG_CACHE_HOME HOME="$CHK_UNPRIV/home" \
        "$CHK_UNPRIV/bcctool" check opensnoop bpflist
    echo "$output"
    [ -z "$stderr" ] || fail "stderr: $stderr"
    assert_line --index 0 --regexp '^opensnoop +(tracepoint|unknown: .*tracepoint \(probing needs root or CAP_BPF\+CAP_PERFMON\))$'
    assert_line --index 1 --regexp '^bpflist +no BPF$'
    run -0 setpriv --reuid 65534 --regid 65534 --clear-groups \
        env -u BCCTOOL_CACHE_DIR -u XDG_CACHE_HOME HOME="$CHK_UNPRIV/home" \
        "$CHK_UNPRIV/bcctool" check --json opensnoop
    jq -e '.available != false' <<<"$output"
}
