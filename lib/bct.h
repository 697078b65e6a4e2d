/* SPDX-License-Identifier: Apache-2.0 */
/* Umbrella header for lib/: what a command includes. */
#ifndef BCT_H
#define BCT_H

#include "json.h"
#include "log.h"
#include "opt.h"
#include "signals.h"
#include "tracefs.h"

#endif
