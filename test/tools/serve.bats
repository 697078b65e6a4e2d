#!/usr/bin/env bats
# bats file_tags=needs:bpf,serial
# serial: biolatency's counts on a loop device are exact only when run alone (see
# biolatency.bats).
# bcctool serve against a real Prometheus (Debian's prometheus package): it scrapes
# `bcctool serve biolatency -D` every second while the test does direct I/O on a loop device of
# its own; the _count of that disk's series, queried through Prometheus's HTTP API, grows by
# exactly the writes made, and its buckets equal `bcctool biolatency -D --json` run beside it.
# A second server runs with TLS and basic authentication from a web config (a self-signed
# certificate made here by openssl), unprivileged after attaching.
load ../helpers
load ../serve

BATS_NO_PARALLELIZE_WITHIN_FILE=true
# password "s3cret", bcrypt with cost 4 (made with Python's crypt.crypt(), METHOD_BLOWFISH)
HASH='$2b$04$Orv1edLlKG0jPxIxprkvZ.dwgKjfXsKzSPLwtPDIAFWRr.4QLY5Te'

setup() {
    T=$BATS_TEST_TMPDIR
    BG=()
    LOOP=
}

teardown() {
    serve_stop_all
    loop_dev_detach
}

prom_query() { # QUERY: the first result's value, or nothing (also while it starts)
    curl -sG "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
        jq -r '.data.result[0].value[1] // empty' 2>/dev/null || true
}

prom_wait() { # QUERY VALUE: until Prometheus answers VALUE (10 s at most)
    local i v
    for ((i = 0; i < 100; i++)); do
        v=$(prom_query "$1")
        [ "$v" = "$2" ] && return 0
        sleep 0.1
    done
    fail "prometheus: $1 = '$v', not $2"
}

@test "serve: bad command lines exit 2 with one line" {
    run_bct 2 serve
    assert_output --partial "no tool given"
    run_bct 2 serve memleak
    assert_line --index 0 "serve: 'memleak' is not a servable tool (see 'bcctool serve --help')"
    run_bct 2 serve runqlat ,
    assert_output --partial "a tool name is missing after ','"
    run_bct 2 serve runqlat , runqlat
    assert_output --partial "runqlat is given twice"
    run_bct 2 serve --max-series x runqlat
    assert_output --partial "invalid --max-series: 'x'"
    run_bct 2 serve runqlat --no-such-option
    assert_output --partial "unrecognized option '--no-such-option'"
    # modes that print from a loop of their own or a table serve cannot read are refused (the
    # timeout: before, serve tcpretrans -c ran tcpretrans's own loop and never served)
    BCT_TIMEOUT=15 run_bct 2 serve tcpretrans -c
    assert_equal "$output" "serve: 'tcpretrans -c' cannot be served: with these options it prints from a loop of its own; drop the option that selects that mode"
    BCT_TIMEOUT=15 run_bct 2 serve runqlat , tcpretrans -4 -c
    assert_equal "$output" "serve: 'tcpretrans -4 -c' cannot be served: with these options it prints from a loop of its own; drop the option that selects that mode"
    BCT_TIMEOUT=15 run_bct 2 serve tcpconnect -c
    assert_equal "$output" "serve: 'tcpconnect -c' cannot be served: with these options it prints a table serve cannot read; drop the option that selects that mode"
    BCT_TIMEOUT=15 run_bct 2 serve bindsnoop --count
    assert_line --index 0 --partial "serve: 'bindsnoop --count' cannot be served"
    [ "${#lines[@]}" -eq 1 ]
}

@test "serve biolatency: Prometheus scrapes it; _count grows by the writes; buckets equal biolatency --json" {
    require_bpf
    command -v prometheus >/dev/null || skip "prometheus is not installed"
    loop_dev
    SPORT=$(free_port)
    # milliseconds: two tracers time each request a few hundred ns apart, which can put it in
    # neighbouring microsecond buckets; in ms, only a request taking 2 ms or more could differ
    start_serve --listen "127.0.0.1:$SPORT" biolatency -m -D , vfsstat , pidpersec , runqlen
    "$BCCTOOL" biolatency -m -D --json >"$T/bio.json" 2>"$T/bio.err" &
    BPID=$!
    BG+=("$BPID")
    wait_for "$BPID" 3000 has_bpf_links "$BPID" 2 || fail "biolatency did not attach"

    # the exposition itself: Prometheus's own checker, and OpenMetrics on request
    curl -sf "http://127.0.0.1:$SPORT/metrics" >"$T/m.txt"
    promtool check metrics <"$T/m.txt"
    grep -q '^# TYPE bcctool_biolatency_seconds histogram$' "$T/m.txt"
    grep -q '^bcctool_vfsstat_calls_total{call="read"} [0-9]' "$T/m.txt"
    grep -q '^bcctool_pidpersec_forks_total [0-9]' "$T/m.txt"
    grep -q '^bcctool_runqlen_bucket{le="0"} [0-9]' "$T/m.txt"
    run curl -sf -D "$T/h" -H 'Accept: application/openmetrics-text; version=1.0.0' \
        "http://127.0.0.1:$SPORT/metrics"
    assert_line --index $((${#lines[@]} - 1)) "# EOF"
    assert_line "# TYPE bcctool_vfsstat_calls counter"
    grep -qi '^content-type: application/openmetrics-text; version=1.0.0' "$T/h"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SPORT/nope")" = 404 ]
    curl -sf "http://127.0.0.1:$SPORT/" | grep -q '<li>biolatency -m -D</li>'

    PPORT=$(free_port)
    cat >"$T/prom.yml" <<EOF
global: { scrape_interval: 1s, evaluation_interval: 1s }
scrape_configs:
  - job_name: bcctool
    static_configs: [ { targets: [ "127.0.0.1:$SPORT" ] } ]
EOF
    prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
        --web.listen-address="127.0.0.1:$PPORT" >"$T/prom.log" 2>&1 &
    BG+=($!)
    prom_wait 'up{job="bcctool"}' 1

    direct_io 8 0
    prom_wait "bcctool_biolatency_seconds_count{disk=\"$DISK\"}" 8
    direct_io 0 16
    prom_wait "bcctool_biolatency_seconds_count{disk=\"$DISK\"}" 24
    # the increase seen through Prometheus: the 16 writes (or 0 once both samples are after)
    prom_wait "max_over_time(bcctool_biolatency_seconds_count{disk=\"$DISK\"}[1h]) - min_over_time(bcctool_biolatency_seconds_count{disk=\"$DISK\"}[1h])" 16

    kill -INT "$BPID"
    wait "$BPID"
    # biolatency's histogram of the disk, cumulative per upper bound in ms
    jq -r --arg d "$DISK" 'select(.disk == $d) | .data[] | "\(."interval-end") \(.count)"' \
        "$T/bio.json" | awk '{ c += $2; print $1, c }' >"$T/want"
    [ "$(tail -1 "$T/want" | cut -d' ' -f2)" = 24 ]
    # Prometheus's buckets of the same disk, le in ms
    curl -sG "http://127.0.0.1:$PPORT/api/v1/query" \
        --data-urlencode "query=bcctool_biolatency_seconds_bucket{disk=\"$DISK\"}" |
        jq -r '.data.result[] | "\(.metric.le) \(.value[1])"' | grep -v '^+Inf' |
        awk '{ printf "%.0f %s\n", $1 * 1000, $2 }' | sort -n >"$T/got"
    [ -s "$T/got" ]
    # every bucket Prometheus has equals biolatency's cumulative count at that bound
    while read -r le n; do
        want=$(awk -v le="$le" '$1 <= le { c = $2 } END { print c + 0 }' "$T/want")
        [ "$n" = "$want" ] || fail "bucket le=${le}ms: prometheus $n, biolatency $want"
    done <"$T/got"
    [ "$(prom_query "bcctool_biolatency_seconds_bucket{disk=\"$DISK\",le=\"+Inf\"}")" = 24 ]
    [ ! -s "$T/bio.err" ] || fail "biolatency's stderr: $(cat "$T/bio.err")"
    echo "buckets compared: $(wc -l <"$T/got")"
}

@test "serve with TLS and basic auth: 401, 404, plain HTTP refused, unprivileged after attach" {
    require_bpf
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
        -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
    chmod 600 "$T/key.pem"
    cat >"$T/web.yml" <<EOF
tls_server_config:
  cert_file: $T/cert.pem
  key_file: $T/key.pem
basic_auth_users:
  prom: '$HASH'
EOF
    SPORT=$(free_port)
    start_serve --listen "127.0.0.1:$SPORT" --web-config "$T/web.yml" --max-series 40 --json \
        runqlat , syscount
    U="https://127.0.0.1:$SPORT"

    # no longer root, no capability left
    run grep -E '^(Uid|Gid|CapEff|CapPrm|CapBnd):' "/proc/$SPID/status"
    assert_line --regexp "^Uid:[[:space:]]+$(id -u nobody)[[:space:]]"
    assert_line --regexp '^CapEff:[[:space:]]+0000000000000000$'
    assert_line --regexp '^CapPrm:[[:space:]]+0000000000000000$'

    # a plain HTTP client on the TLS port gets no answer; the server keeps serving
    run curl -s -m 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$SPORT/metrics"
    [ "$output" != 200 ]
    [ "$(curl -sk -o /dev/null -w '%{http_code}' "$U/metrics")" = 401 ]
    [ "$(curl -sk -u prom:wrong -o /dev/null -w '%{http_code}' "$U/metrics")" = 401 ]
    [ "$(curl -sk -u other:s3cret -o /dev/null -w '%{http_code}' "$U/metrics")" = 401 ]
    [ "$(curl -sk -u prom:s3cret -o /dev/null -w '%{http_code}' "$U/nope")" = 404 ]
    # a huge header is refused (431), and the server still answers
    big=$(head -c 100000 /dev/zero | tr '\0' x)
    run curl -sk -u prom:s3cret -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$U/metrics"
    assert_output 431
    # a slow client that connects and sends nothing does not hold up the others
    exec {slow}<>"/dev/tcp/127.0.0.1/$SPORT"
    curl -sfk -u prom:s3cret --compressed -D "$T/h" "$U/metrics" >"$T/m.txt"
    grep -qi '^content-encoding: gzip' "$T/h"
    exec {slow}>&-
    promtool check metrics <"$T/m.txt"
    grep -q '^# TYPE bcctool_runqlat_seconds histogram$' "$T/m.txt"
    # --json: the same data on stdout, one object per series
    jq -se '[.[] | select(.tool == "runqlat")] | length > 0 and
        all(.metric == "bcctool_runqlat_seconds" and .count > 0 and (.data | length) > 0)' \
        "$T/serve.out"
    jq -se '[.[] | select(.tool == "syscount")] | length > 0 and
        all(.metric == "bcctool_syscount_calls_total" and (.syscall | length) > 0)' \
        "$T/serve.out"
    # --max-series 40: the rest dropped and counted
    dropped=$(awk '$1 == "bcctool_serve_series_dropped" { print $2 }' "$T/m.txt")
    [ "$dropped" -gt 0 ]
    [ "$(grep -v '^#' "$T/m.txt" | grep -vc '^bcctool_serve_')" -le 40 ]

    kill -TERM "$SPID"
    wait "$SPID"
    BG=()
    stderr_clean_serve() { grep -v '^serving ' "$T/serve.err" || true; }
    [ -z "$(stderr_clean_serve)" ] || fail "stderr: $(cat "$T/serve.err")"
}
