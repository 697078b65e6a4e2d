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
