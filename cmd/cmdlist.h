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
BCT_CMD("biolatency", biolatency, "Summarize block device I/O latency as a histogram", BCT_NEEDS_BPF)
BCT_CMD("bpflist", bpflist, "Display processes currently using BPF programs and maps", 0)
BCT_CMD("cache", cache, "Show, clear or fill the BPF compile cache", 0)
BCT_CMD("check", check, "Show which attach method each tool would use on this kernel", 0)
BCT_CMD("mountsnoop", mountsnoop, "Trace mount() and umount() syscalls", BCT_NEEDS_BPF)
BCT_CMD("opensnoop", opensnoop, "Trace open() syscalls", BCT_NEEDS_BPF)
BCT_CMD("reset-trace", reset_trace, "Reset the state of tracing, disabling all tracing", 0)
BCT_CMD("shmsnoop", shmsnoop, "Trace shm*() syscalls", BCT_NEEDS_BPF)
BCT_CMD("statsnoop", statsnoop, "Trace stat() syscalls", BCT_NEEDS_BPF)
/* clang-format on */
