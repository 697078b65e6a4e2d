#!/usr/bin/env bats
# bats file_tags=needs:bpf
# netqtop on a veth pair of the test's own: one end (A) in the root namespace, the other (B)
# in the test's network namespace, both without IPv6 (no autoconfiguration traffic), and a
# permanent neighbour entry on A (no ARP). test/workloads/udpsend sends UDP datagrams of known
# sizes out of A to an address B's side does not have (dropped there without a reply): each is
# one packet of 42 + SIZE bytes sent on A and 28 + SIZE received on B (its Ethernet header
# pulled). Two tracers watch A and B; the packets' size buckets and counts are exact.
load ../helpers

BATS_NO_PARALLELIZE_WITHIN_FILE=true
HEAD=' QueueID    avg_size   [0, 64)    [64, 512)  [512, 2K)  [2K, 16K)  [16K, 64K) '

setup() {
    require_bpf
    BG=()
    net_ns bct_nq
    VA=nqa$$ VB=nqb$$
    ip link add "$VA" mtu 65000 type veth peer name "$VB" mtu 65000 netns "$NS" ||
        fail "cannot create the veth pair"
    sysctl -qw "net.ipv6.conf.$VA.disable_ipv6=1"
    ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$VB.disable_ipv6=1"
    ip addr add 10.231.$(($$ % 250)).1/24 dev "$VA"
    DST=10.231.$(($$ % 250)).2
    ip neigh add "$DST" lladdr "$(ip -n "$NS" -br link show "$VB" | awk '{ print $3 }')" \
        dev "$VA" nud permanent
    ip link set "$VA" up
    ip -n "$NS" link set "$VB" up
}

teardown() {
    bg_kill
    ip link del "$VA" 2>/dev/null || true
    net_ns_del
}

# total FILE DIR: the Total lines of direction DIR (TX or RX) summed, column by column
total() {
    awk -v d="$2" '$1 == "TX" || $1 == "RX" { dir = $1 } $1 == "Total" && dir == d {
            for (i = 3; i <= 7; i++) s[i] += $i; n++ }
        END { print s[3] + 0, s[4] + 0, s[5] + 0, s[6] + 0, s[7] + 0 }' "$1"
}

@test "packets of known sizes in the right buckets, TX on one end, RX on the other" {
    tracer_start netqtop -n "$VA"
    local oa=$OUT ea=$ERR ta=$TRACER
    # B is in the namespace: its tracer runs there, to find its /sys/class/net entry; it
    # prints nothing before its first interval: attached once it holds its two BPF links
    local ob=$BATS_TEST_TMPDIR/b.out eb=$BATS_TEST_TMPDIR/b.err tb
    ip netns exec "$NS" "$BCCTOOL" netqtop -n "$VB" >"$ob" 2>"$eb" &
    tb=$!
    BG+=("$tb")
    wait_for "$tb" 3000 has_bpf_links "$tb" 2 || fail "the tracer of B never attached: $(cat "$eb")"
    # 3 x [0, 64), 2 x [64, 512), 1 x [512, 2K), 2 x [2K, 16K), 1 x [16K, 64K)
    "$(workload udpsend)" "$DST" 9 1 10 20 100 400 1000 3000 9000 30000 || fail "udpsend failed"
    sleep 1.2 # one interval after the packets
    OUT=$ob ERR=$eb TRACER=$tb
    tracer_stop
    OUT=$oa ERR=$ea TRACER=$ta
    tracer_stop
    cat "$oa"
    run total "$oa" TX
    assert_output "3 2 1 2 1"
    run total "$oa" RX
    assert_output "0 0 0 0 0"
    run total "$ob" RX
    assert_output "3 2 1 2 1"
    run total "$ob" TX
    assert_output "0 0 0 0 0"
    # BCC's layout: the date, TX, header, queue 0, Total, empty line, RX, ..., 77 dashes
    run grep -cxF "$HEAD" "$oa"
    [ "$output" -ge 2 ]
    grep -qE '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 123][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$' "$oa"
    grep -qx -- "$(printf '%077d' 0 | tr 0 -)" "$oa"
    # the interval with the packets: avg_size as Python prints it, (42 * 9 + 43460) / 9
    grep -qE '^ 0 {10}4\.76K {6}3 {10}2 {10}1 {10}2 {10}1 {10}$' "$oa"
}

@test "-t: BPS and PPS columns; --json: one object per queue and total" {
    tracer_start netqtop -n "$VA" -t -i 2
    "$(workload udpsend)" "$DST" 9 100 100 || fail "udpsend failed"
    sleep 2.2
    tracer_stop
    cat "$OUT"
    grep -qxF "${HEAD}BPS        PPS        " "$OUT"
    grep -qx -- "$(printf '%095d' 0 | tr 0 -)" "$OUT"
    # 2 packets of 142 bytes in 2 seconds
    grep -qE '^ Total {6}142\.0 {6}0 {10}2 {10}0 {10}0 {10}0 {10}142\.0 {6}1\.0 {8}$' "$OUT"

    tracer_start netqtop -n "$VA" -i 1.5 --json
    "$(workload udpsend)" "$DST" 9 10 10 10 || fail "udpsend failed"
    sleep 1.7
    tracer_stop
    run jq -c 'select(.dir == "tx" and .queue == "total" and .packets > 0) | [.dev, .packets, .bytes, .size_0_64, .avg_size, .pps]' "$OUT"
    assert_output "[\"$VA\",3,156,3,52,2]"
    run jq -s -e 'all(.[]; .ts and .dev and .dir and .queue)' "$OUT"
    assert_success
}

@test "BCC's messages: no interface, a missing one, a name too long, interval 0" {
    run_bct 1 netqtop
    assert_output --partial "Please specify a network interface."
    run_bct 1 netqtop -n nosuchdev0
    assert_output --partial "Net interface nosuchdev0 does not exits."
    run_bct 1 netqtop -n abcdefghijklmnopq
    assert_output --partial "NIC name too long"
    run_bct 1 netqtop -n lo -i 0
    assert_output --partial "print interval must be non-zero"
    run_bct 2 netqtop -n lo -i x
    run_bct 2 netqtop -x
}
