/* SPDX-License-Identifier: Apache-2.0 */
/* The --cgroup option's directory, for BPF cgroup filters. */
#ifndef BCT_CGROUP_H
#define BCT_CGROUP_H

/* Opens a cgroup v2 directory; the fd, or -errno (logged) when it is not one. */
int bct_cgroup_open(const char *path);

#endif
