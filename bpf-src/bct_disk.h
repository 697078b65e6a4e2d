/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Block devices as the kernel numbers them inside (dev_t = major << 20 | minor), shared by the
 * BPF programs that report disks and lib/disk.h, which names them.
 */
#ifndef BCT_DISK_BPF_H
#define BCT_DISK_BPF_H

#define BCT_MINORBITS 20

#endif
