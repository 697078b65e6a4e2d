/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A hook for the tests only (test/086-stale-state.bats): BCCTOOL_TEST_PAUSE=STAGE makes the
 * process stop itself with SIGSTOP when it reaches STAGE, so that a test can signal it exactly
 * there (then SIGCONT it) instead of racing with sleeps. Stages:
 *   compile  the compiler child, before it compiles (a cache miss; its parent waits for it)
 *   load     after the BPF object is loaded (programs and maps exist), before any attach
 *   attach   after the first link is attached (bct_prog__add_link(): engine or tool)
 *   traced   every program of a tool's session attached (bct_session__start()): tracing
 * Each stage stops once per process. Without the variable, nothing happens.
 */
#ifndef BCT_TESTHOOK_H
#define BCT_TESTHOOK_H

void bct_test_pause(const char *stage);

#endif
