# Shared by the serve test files: a free port and a bcctool serve in the background.

# free_port: a TCP port no socket uses, below the kernel's ephemeral range
free_port() {
    local p
    while :; do
        p=$((20000 + RANDOM % 12000))
        ss -Htan "sport = :$p" | grep -q . || { echo "$p"; return; }
    done
}

# start_serve ARGS...: bcctool serve in the background (PID in SPID, also in BG; stdout and
# stderr in $T/serve.out and serve.err); returns once it says it is serving.
start_serve() {
    "$BCCTOOL" serve "$@" >"$T/serve.out" 2>"$T/serve.err" &
    SPID=$!
    BG+=("$SPID")
    wait_for "$SPID" 3000 grep -q '^serving ' "$T/serve.err" ||
        { cat "$T/serve.err"; fail "serve $* did not start"; }
}

# serve_local ARGS...: start_serve on a free loopback port (SPORT)
serve_local() {
    SPORT=$(free_port)
    start_serve --listen "127.0.0.1:$SPORT" "$@"
}

scrape() { # FILE: one scrape, checked by promtool
    curl -sf "http://127.0.0.1:$SPORT/metrics" >"$1"
    promtool check metrics <"$1"
}

# val FILE SERIES: the value of that exact series (name and labels), or "none"
val() {
    awk -v s="$2" 'index($0, s " ") == 1 { v = $NF } END { print v == "" ? "none" : v }' "$1"
}

# serve_stop_all: stops every PID in BG (the servers and workloads), for teardown
serve_stop_all() {
    local p
    for p in "${BG[@]}"; do stop_pid "$p" 5; done
    BG=()
}
