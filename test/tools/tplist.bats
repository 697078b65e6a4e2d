#!/usr/bin/env bats
# tplist: tracepoints from tracefs and USDT probes from ELF notes (test/workloads/usdtdemo.c,
# built plain and with semaphores as usdtdemo_sema). Loads no BPF; tracefs needs root.
load ../helpers

@test "a glob keeps exactly the matching tracepoints, sorted" {
    require_root
    run_bct tplist 'sched:sched_process_ex*'
    [ "$output" = $'sched:sched_process_exec\nsched:sched_process_exit' ]
}

@test "-v: the fields of the format file, no common_ fields" {
    require_root
    run_bct tplist -v sched:sched_process_exec
    [ "${lines[0]}" = sched:sched_process_exec ]
    [ "${lines[1]}" = '    __data_loc char[] filename;' ]
    [ "${lines[2]}" = '    pid_t pid;' ]
    [ "${lines[3]}" = '    pid_t old_pid;' ]
    [ "${#lines[@]}" -eq 4 ]
    ! grep -q common_ <<<"$output"
}

@test "every tracepoint once, as many as tracefs has" {
    require_root
    run_bct tplist
    local dir n
    dir=$(tracefs_dir)
    n=$(find "$dir/events" -mindepth 2 -maxdepth 2 -type d | wc -l)
    [ "${#lines[@]}" -eq "$n" ]
    [ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq "$n" ]
}

@test "--json: the tracepoint and its typed fields" {
    require_root
    run_bct tplist --json syscalls:sys_enter_openat
    jq -e '.tracepoint == "syscalls:sys_enter_openat" and
        ([.fields[].name] | index("filename")) != null and
        (.fields[] | select(.name == "filename") | .type == "const char *" and .size == 8)' \
        <<<"${lines[0]}"
}

@test "-l: each USDT probe of a binary with its path; a filter" {
    local d
    d=$(workload usdtdemo)
    run_bct tplist -l "$d"
    [ "${lines[0]}" = "$d demo:tick" ]
    [ "${lines[1]}" = "$d demo:done" ]
    [ "${#lines[@]}" -eq 2 ]
    run_bct tplist -l "$d" '*tick'
    [ "${lines[0]}" = "$d demo:tick" ]
    [ "${#lines[@]}" -eq 1 ]
}

@test "-v and -vv: semaphores, locations and arguments as BCC prints them" {
    local d s
    d=$(workload usdtdemo)
    s=$(workload usdtdemo_sema)
    run_bct tplist -v -l "$d" 'demo:tick'
    [ "${lines[0]}" = 'demo:tick [sema 0x0]' ]
    [ "${lines[1]}" = '  1 location(s)' ]
    [ "${lines[2]}" = '  2 argument(s)' ]
    run_bct tplist -vv -l "$s" 'demo:tick'
    [[ "${lines[0]}" =~ ^demo:tick\ \[sema\ 0x[1-9a-f][0-9a-f]*\]$ ]]
    [[ "${lines[1]}" =~ ^\ \ location\ #1\ $s\ 0x[0-9a-f]+$ ]]
    [[ "${lines[2]}" =~ ^\ \ \ \ argument\ #1\ 4\ signed\ \ \ bytes\ @\ [a-z0-9]+$ ]]
    [[ "${lines[3]}" =~ ^\ \ \ \ argument\ #2\ 8\ unsigned\ bytes\ @\  ]]
    # the semaphore's address is the one readelf shows for the note
    local sema
    sema=$(readelf -n "$s" | awk '/Name: tick/ { getline; print $NF }')
    [ "${lines[0]}" = "demo:tick [sema 0x$(printf '%x' "$sema")]" ]
}

@test "-p: the probes of every module of a running process" {
    local d
    d=$(workload usdtdemo)
    bg_workload W usdtdemo 1
    run_bct tplist -p "$W"
    go_workload "$W"
    [ "${lines[0]}" = "$(readlink -f "$d") demo:tick" ]
    [ "${lines[1]}" = "$(readlink -f "$d") demo:done" ]
}

@test "--json: a probe with its locations and decoded arguments" {
    run_bct tplist --json -l "$(workload usdtdemo)" demo:tick
    jq -e '.probe == "demo:tick" and .semaphore == 0 and (.locations | length) == 1 and
        (.locations[0].args | length) == 2 and .locations[0].args[0].size == 4 and
        .locations[0].args[0].signed and (.locations[0].args[1].signed | not)' <<<"${lines[0]}"
}

@test "errors: a missing file or process is exit 1 with BCC's words on stderr" {
    run_bct 1 tplist -l /nonexistent
    [[ "$output" == *"USDT failed to instrument path /nonexistent"* ]]
    run_bct 1 tplist -p 999999999
    [ "$status" -ne 0 ]
    run_bct 1 tplist -l /etc/passwd
    [[ "$output" == *"USDT failed to instrument path /etc/passwd"* ]]
}

@test "bad options: exit 2" {
    run_bct 2 tplist -p abc
    run_bct 2 tplist -x
    run_bct 2 tplist a b
}
