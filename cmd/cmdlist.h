/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry: one line per command, sorted by name. This is the only place a command is
 * added. BCT_CMD(name, function suffix, one-line summary, flags); cmd/main.c includes this
 * twice (prototypes, then the dispatch table). scripts/check-cmds.sh checks the order and that
 * each visible command has cmd/<fn>.c, man/man8/bcctool-<name>.8 and test/tools/<name>.bats.
 */
/* clang-format off */
BCT_CMD("__compile", compile, "Compile a BPF program with the engine (tests, developers)", BCT_HIDDEN)
BCT_CMD("__info", info, "What this kernel offers bcctool (bcctool --info)", BCT_HIDDEN)
BCT_CMD("__selftest", selftest, "Engine self-test (for the test suite)", BCT_HIDDEN | BCT_NEEDS_BPF)
BCT_CMD("bashreadline", bashreadline, "Print entered bash commands from all running shells", BCT_NEEDS_BPF)
BCT_CMD("biolatency", biolatency, "Summarize block device I/O latency as a histogram", BCT_NEEDS_BPF)
BCT_CMD("biopattern", biopattern, "Show block device I/O pattern (random or sequential) per disk", BCT_NEEDS_BPF)
BCT_CMD("biosnoop", biosnoop, "Trace block device I/O with PID and latency", BCT_NEEDS_BPF)
BCT_CMD("bitesize", bitesize, "Summarize block device I/O size as a histogram per process", BCT_NEEDS_BPF)
BCT_CMD("bpflist", bpflist, "Display processes currently using BPF programs and maps", 0)
BCT_CMD("cache", cache, "Show, clear or fill the BPF compile cache", 0)
BCT_CMD("capable", capable, "Trace security capability checks", BCT_NEEDS_BPF)
BCT_CMD("check", check, "Show which attach method each tool would use on this kernel", 0)
BCT_CMD("cpudist", cpudist, "Summarize on- and off-CPU time per task as a histogram", BCT_NEEDS_BPF)
BCT_CMD("drsnoop", drsnoop, "Trace direct reclaim", BCT_NEEDS_BPF)
BCT_CMD("execsnoop", execsnoop, "Trace new processes via exec() syscalls", BCT_NEEDS_BPF)
BCT_CMD("exitsnoop", exitsnoop, "Trace process termination (exit and fatal signals)", BCT_NEEDS_BPF)
BCT_CMD("filegone", filegone, "Trace why file gone (deleted or renamed)", BCT_NEEDS_BPF)
BCT_CMD("filelife", filelife, "Trace the lifespan of short-lived files", BCT_NEEDS_BPF)
BCT_CMD("filetop", filetop, "File reads and writes by process", BCT_NEEDS_BPF)
BCT_CMD("gethostlatency", gethostlatency, "Show latency for getaddrinfo/gethostbyname[2] calls", BCT_NEEDS_BPF)
BCT_CMD("hardirqs", hardirqs, "Summarize hard irq event time as histograms", BCT_NEEDS_BPF)
BCT_CMD("killsnoop", killsnoop, "Trace signals issued by the kill() syscall", BCT_NEEDS_BPF)
BCT_CMD("mdflush", mdflush, "Trace md flush events", BCT_NEEDS_BPF)
BCT_CMD("mountsnoop", mountsnoop, "Trace mount() and umount() syscalls", BCT_NEEDS_BPF)
BCT_CMD("oomkill", oomkill, "Trace OOM killer", BCT_NEEDS_BPF)
BCT_CMD("opensnoop", opensnoop, "Trace open() syscalls", BCT_NEEDS_BPF)
BCT_CMD("pidpersec", pidpersec, "Count new processes (via fork)", BCT_NEEDS_BPF)
BCT_CMD("reset-trace", reset_trace, "Reset the state of tracing, disabling all tracing", 0)
BCT_CMD("runqlat", runqlat, "Summarize run queue (scheduler) latency as a histogram", BCT_NEEDS_BPF)
BCT_CMD("runqslower", runqslower, "Trace high run queue latency", BCT_NEEDS_BPF)
BCT_CMD("shmsnoop", shmsnoop, "Trace shm*() syscalls", BCT_NEEDS_BPF)
BCT_CMD("sigsnoop", sigsnoop, "Trace standard and real-time signals", BCT_NEEDS_BPF)
BCT_CMD("softirqs", softirqs, "Summarize soft irq event time as histograms", BCT_NEEDS_BPF)
BCT_CMD("statsnoop", statsnoop, "Trace stat() syscalls", BCT_NEEDS_BPF)
BCT_CMD("syncsnoop", syncsnoop, "Trace sync() syscalls", BCT_NEEDS_BPF)
BCT_CMD("syscount", syscount, "Summarize syscall counts and latencies", BCT_NEEDS_BPF)
BCT_CMD("tcplife", tcplife, "Trace the lifespan of TCP sessions and summarize", BCT_NEEDS_BPF)
BCT_CMD("tcpstates", tcpstates, "Trace TCP session state changes and durations", BCT_NEEDS_BPF)
BCT_CMD("vfsstat", vfsstat, "Count some VFS calls", BCT_NEEDS_BPF)
BCT_CMD("wqlat", wqlat, "Summarize kernel workqueue latency as a histogram", BCT_NEEDS_BPF)
/* clang-format on */
