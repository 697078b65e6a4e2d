# One-time set-up for the whole run: the binary must be built; probe BPF once.
setup_suite() {
    : "${BCCTOOL:=$PWD/build/bcctool}"
    [ -x "$BCCTOOL" ] || { echo "bcctool is not built at $BCCTOOL; run make" >&2; return 1; }
    export BCCTOOL
    export BCT_HAVE_BPF=0 BCT_BPF_WHY="not root"
    if [ "$(id -u)" -eq 0 ]; then
        # A real probe: bpftool loads a trivial program when the kernel allows it.
        if BCT_BPF_WHY=$(bpftool feature probe kernel 2>&1 | grep -m1 "eBPF program_type tracepoint is available"); then
            BCT_HAVE_BPF=1
        else
            BCT_BPF_WHY="bpftool feature probe: tracepoint programs are not available"
        fi
    fi
}
