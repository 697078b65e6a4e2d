/* SPDX-License-Identifier: Apache-2.0 */
/* SIGINT, SIGTERM and SIGPIPE as a flag that poll loops check, so cleanup always runs. */
#ifndef BCT_SIGNALS_H
#define BCT_SIGNALS_H

#include <signal.h>

extern volatile sig_atomic_t bct_exiting;

/* Installs handlers (no SA_RESTART) that set bct_exiting to the signal number. */
void bct_signals_install(void);

#endif
