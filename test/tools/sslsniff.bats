#!/usr/bin/env bats
# bats file_tags=needs:bpf
# sslsniff with real TLS: `openssl s_server` and `openssl s_client` on 127.0.0.1 with a
# self-signed certificate made for the test. Each runs under a marked command name (a symlink
# to openssl), the client sends one marked line and the server one back; each test counts only
# the lines of those two commands (other programs' TLS may show too).
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup() {
    require_bpf
    command -v openssl >/dev/null || skip "openssl is not installed (make deps)"
    T=$BATS_TEST_TMPDIR
    BG=()
    local m=$$_$BATS_TEST_NUMBER
    SCOMM=ssrv$m
    SCOMM=${SCOMM:0:15}
    CCOMM=scli$m
    CCOMM=${CCOMM:0:15}
    SMARK="server-says-$m-$RANDOM"
    CMARK="client-says-$m-$RANDOM"
    ln -s "$(command -v openssl)" "$T/$SCOMM"
    ln -s "$(command -v openssl)" "$T/$CCOMM"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -subj /CN=localhost -keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null ||
        fail "cannot make a certificate"
}

teardown() {
    bg_kill
    ! mountpoint -q "$T/small" || umount "$T/small"
}

# start_server: the marked s_server, waiting for one client; its PID in SRV, its port in PORT.
# It answers SMARK and ends once it got the client's line.
start_server() {
    "$T/$SCOMM" s_server -accept 127.0.0.1:0 -cert "$T/cert.pem" -key "$T/key.pem" \
        -naccept 1 >"$T/srv.out" 2>"$T/srv.err" \
        < <(printf '%s\n' "$SMARK"; wait_for - 1000 grep -q "$CMARK" "$T/srv.out") &
    SRV=$!
    BG+=("$SRV")
    wait_for "$SRV" 1000 grep -q '^ACCEPT' "$T/srv.out" || fail "s_server did not start"
    PORT=$(sed -n 's/^ACCEPT 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/srv.out")
}

# run_client: the marked s_client sends CMARK, and ends when the server closes; PID in CLI.
run_client() {
    "$T/$CCOMM" s_client -connect "127.0.0.1:$PORT" -quiet -ign_eof \
        < <(printf '%s\n' "$CMARK") >"$T/cli.out" 2>"$T/cli.err" &
    CLI=$!
    BG+=("$CLI")
    wait "$CLI" || true
    wait "$SRV" || true
    grep -qx "$SMARK" "$T/cli.out" || fail "the client did not get the server's line"
    grep -qx "$CMARK" "$T/srv.out" || fail "the server did not get the client's line"
}

# links PID: the BPF links PID holds
links() {
    ls -l "/proc/$1/fd" 2>/dev/null | grep -c 'anon_inode:bpf_link' || true
}

# has_links PID N: whether PID holds N BPF links or more
has_links() {
    [ "$(links "$1")" -ge "$2" ]
}

# start_trace ARGS...: "bcctool sslsniff ARGS" in the background, output in $OUT and $ERR;
# returns once the header is out (printed after the probes are attached), or under --json,
# which has no header, once the tracer holds $JSON_LINKS links.
start_trace() {
    TRACE_SEQ=$((${TRACE_SEQ:-0} + 1))
    OUT=$T/trace.$TRACE_SEQ.out
    ERR=$T/trace.$TRACE_SEQ.err
    echo "\$ bcctool sslsniff $*"
    "$BCCTOOL" sslsniff "$@" >"$OUT" 2>"$ERR" &
    TRACER=$!
    BG+=("$TRACER")
    if [[ " $* " == *" --json "* ]]; then
        wait_for "$TRACER" 3000 has_links "$TRACER" "$JSON_LINKS" ||
            { cat "$ERR" >&2; fail "the tracer did not attach"; }
    else
        wait_for "$TRACER" 3000 test -s "$OUT" || { cat "$ERR" >&2; fail "no header from the tracer"; }
    fi
}

# stop_trace: after the tracer's next drain, SIGINT; it must exit 0 with nothing on stderr.
stop_trace() {
    sleep 0.1
    kill -INT "$TRACER"
    local rc=0
    wait "$TRACER" || rc=$?
    echo "tracer exit: $rc; stderr: $(cat "$ERR")"
    cat "$OUT"
    [ "$rc" -eq 0 ] || fail "sslsniff exited $rc"
    [ ! -s "$ERR" ] || fail "sslsniff wrote to stderr: $(cat "$ERR")"
}

# rows COMM: the record lines of COMM (FUNC TIME COMM PID LEN ...)
rows() {
    awk -v c="$1" '$3 == c' "$OUT"
}

# block COMM FUNC: the data lines after COMM's one FUNC row, up to its END DATA line
block() {
    awk -v c="$1" -v f="$2" '
        $3 == c && $1 == f { on = 1; next }
        on && /^----- END DATA/ { print; exit }
        on { print }' "$OUT"
}

@test "the client's WRITE and the server's READ, with BCC's columns and the plaintext" {
    start_server
    start_trace
    run_client
    stop_trace
    assert_equal "$(head -1 "$OUT")" \
        "FUNC         TIME(s)            COMM             PID     LEN    "
    local clen=$((${#CMARK} + 1)) slen=$((${#SMARK} + 1))
    # "%-12s %-18.9f %-16s %-7d %-6d"
    run rows "$CCOMM"
    assert_equal "${#lines[@]}" 2
    assert_equal "$(rows "$CCOMM" | grep -c "^WRITE/SEND   [0-9]\+\.[0-9]\{9\} \+$CCOMM \+$CLI \+$clen \+\$")" 1
    assert_equal "$(rows "$CCOMM" | grep -c "^READ/RECV    [0-9.]\+ \+$CCOMM \+$CLI \+$slen \+\$")" 1
    run rows "$SCOMM"
    assert_equal "${#lines[@]}" 2
    assert_equal "$(rows "$SCOMM" | grep -c "^READ/RECV    [0-9.]\+ \+$SCOMM \+$SRV \+$clen \+\$")" 1
    assert_equal "$(rows "$SCOMM" | grep -c "^WRITE/SEND   [0-9.]\+ \+$SCOMM \+$SRV \+$slen \+\$")" 1
    # the row's exact widths: FUNC 12, TIME 18, COMM 16, PID 7, LEN 6, each with one space
    assert_equal "$(rows "$CCOMM" | grep WRITE | cut -c 13,32,49,57 | tr -d ' ')" ""
    assert_equal "$(rows "$CCOMM" | grep WRITE | cut -c 58-63)" "$(printf '%-6s' "$clen")"
    # the data blocks: the marked line, its newline, then BCC's end line and two blank lines
    assert_equal "$(block "$SCOMM" READ/RECV)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$CMARK")"
    assert_equal "$(block "$CCOMM" WRITE/SEND)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$CMARK")"
    assert_equal "$(block "$CCOMM" READ/RECV)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$SMARK")"
    assert_equal "$(grep -A2 -x -- "----- END DATA -----" "$OUT" | head -3 | tail -2)" "$(printf '\n')"
}

@test "-p PID: only the server's calls" {
    start_server
    start_trace -p "$SRV"
    run_client
    stop_trace
    assert_equal "$(rows "$SCOMM" | wc -l)" 2
    assert_equal "$(rows "$CCOMM" | wc -l)" 0
    assert_equal "$(tail -n +2 "$OUT" | awk -v p="$SRV" '/^(READ|WRITE)/ && $4 != p' | wc -l)" 0
}

@test "-u UID: that user's calls only" {
    start_server
    start_trace -u "$(id -u)"
    run_client
    stop_trace
    assert_equal "$(rows "$SCOMM" | wc -l)" 2
    assert_equal "$(rows "$CCOMM" | wc -l)" 2
    start_server
    start_trace -u 4000000
    run_client
    stop_trace
    assert_equal "$(rows "$SCOMM" | wc -l)" 0
    assert_equal "$(rows "$CCOMM" | wc -l)" 0
}

@test "-c COMM: only that command, compared whole" {
    start_server
    start_trace -c "$CCOMM" -x
    run_client
    stop_trace
    assert_equal "$(head -1 "$OUT")" \
        "FUNC         TIME(s)            COMM             PID     LEN     UID     TID    "
    assert_equal "$(rows "$CCOMM" | wc -l)" 2
    assert_equal "$(tail -n +2 "$OUT" | awk -v c="$CCOMM" '/^(READ|WRITE)/ && $3 != c' | wc -l)" 0
    # -x: UID and TID
    assert_equal "$(rows "$CCOMM" | awk '{ print $6, $7 }' | sort -u)" "$(id -u) $CLI"
    # the first event of the output is at time 0
    assert_equal "$(sed -n 2p "$OUT" | awk '{ print $2 }')" "0.000000000"
}

@test "--hexdump: the data in hex, 32 digits a line" {
    start_server
    start_trace -c "$SCOMM" --hexdump
    run_client
    stop_trace
    local hex
    hex=$(printf '%s\n' "$CMARK" | od -An -v -tx1 | tr -d ' \n' | fold -w 32)
    assert_equal "$(block "$SCOMM" READ/RECV)" "$(printf -- '----- DATA -----\n%s\n----- END DATA -----' "$hex")"
}

@test "--max-buffer-size: a cut capture says how many bytes were lost" {
    start_server
    start_trace -c "$SCOMM" --max-buffer-size 5
    run_client
    stop_trace
    local lost=$((${#CMARK} + 1 - 5))
    assert_equal "$(block "$SCOMM" READ/RECV)" \
        "$(printf -- '----- DATA -----\n%s\n----- END DATA (TRUNCATED, %d bytes lost) -----' "${CMARK:0:5}" "$lost")"
}

# run_pyclient: a marked python3 client (its ssl module calls SSL_do_handshake, then
# SSL_write_ex and SSL_read_ex) sends CMARK and reads until SMARK; PID in CLI.
run_pyclient() {
    ln -s "$PY" "$T/$CCOMM"x
    "$T/$CCOMM"x - "$PORT" "$CMARK" "$SMARK" >"$T/cli.out" 2>"$T/cli.err" <<'PY' &
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1]))),
                    do_handshake_on_connect=False)
s.do_handshake()
s.sendall((sys.argv[2] + "\n").encode())
buf = b""
while sys.argv[3].encode() not in buf:
    d = s.recv(4096)
    if not d:
        break
    buf += d
sys.stdout.write(buf.decode())
PY
    CLI=$!
    BG+=("$CLI")
    wait "$CLI" || fail "the python client failed: $(cat "$T/cli.err")"
    wait "$SRV" || true
    grep -qx "$SMARK" "$T/cli.out" || fail "the client did not get the server's line"
    grep -qx "$CMARK" "$T/srv.out" || fail "the server did not get the client's line"
}

@test "-l --handshake: LAT(ms) on each call, and the handshake; SSL_write_ex/SSL_read_ex" {
    # Debian's python3 (its ssl module uses the system's libssl.so.3; a pyenv shim would not
    # run under another name)
    PY=/usr/bin/python3
    [ -x "$PY" ] || skip "no /usr/bin/python3"
    "$PY" -c 'import ssl' 2>/dev/null || skip "python3 has no ssl module"
    CCOMM=${CCOMM:0:14}
    start_server
    start_trace -l --handshake
    run_pyclient
    stop_trace
    CCOMM=${CCOMM}x
    assert_equal "$(head -1 "$OUT")" \
        "FUNC         TIME(s)            COMM             PID     LEN     LAT(ms)"
    # the client's handshake: its result (1) and its latency, no data
    assert_equal "$(rows "$CCOMM" | grep -c "^HANDSHAKE .* $CLI \+1 \+[0-9]\+\.[0-9]\{3\} *\$")" 1
    # its SSL_write_ex and SSL_read_ex
    local clen=$((${#CMARK} + 1)) slen=$((${#SMARK} + 1))
    assert_equal "$(rows "$CCOMM" | grep -c "^WRITE/SEND .* $CLI \+$clen \+[0-9]\+\.[0-9]\{3\} *\$")" 1
    assert_equal "$(rows "$CCOMM" | grep -c "^READ/RECV .* $CLI \+$slen \+[0-9]\+\.[0-9]\{3\} *\$")" 1
    assert_equal "$(block "$CCOMM" WRITE/SEND)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$CMARK")"
    # s_server's own calls have LAT(ms) too
    assert_equal "$(rows "$SCOMM" | grep -c '^\(READ\|WRITE\).* [0-9]\+\.[0-9]\{3\} *$')" 2
}

@test "--json: one object per call, agreeing with the text" {
    start_server
    start_trace
    JSON_LINKS=$(links "$TRACER")
    echo "links: $JSON_LINKS"
    [ "$JSON_LINKS" -gt 0 ]
    stop_trace
    start_trace --json
    run_client
    stop_trace
    jq -e . "$OUT" >/dev/null
    run jq -r --arg c "$SCOMM" 'select(.comm == $c) | [.func, .pid, .tid, .len, .data,
        .truncated_bytes, (.time_s | type), (.lat_ms >= 0)] | @tsv' "$OUT"
    assert_equal "${#lines[@]}" 2
    assert_equal "$(printf '%s\n' "${lines[@]}" | grep READ)" \
        "$(printf 'READ/RECV\t%s\t%s\t%s\t%s\\n\t0\tnumber\ttrue' "$SRV" "$SRV" $((${#CMARK} + 1)) "$CMARK")"
    run jq -r --arg c "$CCOMM" 'select(.comm == $c and .func == "WRITE/SEND") | .data' "$OUT"
    assert_output "$CMARK"
}

@test "--extra-lib: a bad type or path is a usage error" {
    run_bct 2 sslsniff --extra-lib foo:/bin/sh
    run_bct 2 sslsniff --extra-lib openssl:/nonexistent/libssl.so
    run_bct 2 sslsniff --extra-lib nocolon
    run_bct 2 sslsniff --max-buffer-size x
}

@test "--extra-lib openssl:PATH: the library by path, the default ones off" {
    local lib
    lib=$(ldconfig -p | awk '$1 ~ /^libssl\.so\.3$/ { print $NF; exit }')
    [ -n "$lib" ] || skip "no libssl.so.3 in the linker cache"
    start_server
    start_trace -o -g -n --extra-lib "openssl:$lib"
    run_client
    stop_trace
    assert_equal "$(rows "$SCOMM" | wc -l)" 2
    assert_equal "$(rows "$CCOMM" | wc -l)" 2
}

# start_gnutls_server: a marked gnutls-serv echo server on a free port (PORT), PID in SRV.
start_gnutls_server() {
    local try
    ln -s "$(command -v gnutls-serv)" "$T/$SCOMM"
    for try in 1 2 3 4 5; do
        PORT=$((20000 + RANDOM % 30000))
        "$T/$SCOMM" --echo -q -p "$PORT" --x509certfile "$T/cert.pem" \
            --x509keyfile "$T/key.pem" >"$T/srv.out" 2>&1 &
        SRV=$!
        BG+=("$SRV")
        wait_for "$SRV" 1000 grep -q 'listening on IPv4' "$T/srv.out" && return 0
    done
    fail "gnutls-serv did not start: $(cat "$T/srv.out")"
}

@test "GnuTLS: gnutls-cli's WRITE and gnutls-serv's READ; -g leaves them out" {
    command -v gnutls-serv >/dev/null && command -v gnutls-cli >/dev/null ||
        skip "gnutls-bin is not installed (make deps)"
    rm -f "$T/$SCOMM" "$T/$CCOMM"
    ln -s "$(command -v gnutls-cli)" "$T/$CCOMM"
    start_gnutls_server
    local clen=$((${#CMARK} + 1)) mode
    for mode in all no-gnutls; do
        if [ "$mode" = all ]; then start_trace -o -n; else start_trace -g; fi
        printf '%s\n' "$CMARK" | "$T/$CCOMM" --insecure -p "$PORT" 127.0.0.1 >"$T/cli.out" 2>&1 &
        CLI=$!
        wait "$CLI" || fail "gnutls-cli failed: $(cat "$T/cli.out")"
        grep -qx "$CMARK" "$T/cli.out" || fail "no echo from the server"
        stop_trace
        if [ "$mode" = no-gnutls ]; then
            assert_equal "$(rows "$CCOMM" | wc -l)" 0
            assert_equal "$(rows "$SCOMM" | wc -l)" 0
            continue
        fi
        assert_equal "$(rows "$CCOMM" | grep -c "^WRITE/SEND .* $CLI \+$clen \+\$")" 1
        assert_equal "$(rows "$SCOMM" | grep -c "^READ/RECV .* $SRV \+$clen \+\$")" 1
        assert_equal "$(block "$CCOMM" WRITE/SEND)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$CMARK")"
        assert_equal "$(block "$SCOMM" READ/RECV)" "$(printf -- '----- DATA -----\n%s\n\n----- END DATA -----' "$CMARK")"
    done
}

@test "output that stops fitting (a full file system) is one error line, exit 1" {
    start_server
    mkdir "$T/small"
    mount -t tmpfs -o size=4k none "$T/small"
    # the header fits, the 6000 bytes of plaintext do not
    CMARK="$CMARK-$(printf 'x%.0s' {1..6000})"
    local err=$T/small.err rc=0
    "$BCCTOOL" sslsniff -p "$SRV" >"$T/small/out" 2>"$err" &
    TRACER=$!
    BG+=("$TRACER")
    wait_for "$TRACER" 3000 test -s "$T/small/out" || fail "no header: $(cat "$err")"
    run_client
    wait_for - 1000 ended "$TRACER" || fail "sslsniff went on after a failed write"
    wait "$TRACER" || rc=$?
    assert_equal "$rc" 1
    assert_equal "$(cat "$err")" "sslsniff: cannot write output: No space left on device"
}
