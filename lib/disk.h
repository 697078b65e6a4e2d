/* SPDX-License-Identifier: Apache-2.0 */
/* Block devices as the BPF side sees them: the kernel's dev_t (major << 20 | minor) and names. */
#ifndef BCT_DISK_H
#define BCT_DISK_H

#include <stddef.h>
#include <stdint.h>

#include "bct_disk.h" /* BCT_MINORBITS, as the BPF side uses it */

/* The disk's name from sysfs ("sda"), "<unknown>" for dev 0, "MAJ:MIN" when it is gone. */
void bct_disk_name(uint32_t dev, char *buf, size_t sz);
/*
 * The kernel dev_t of a disk named as BCC's -d takes it ("sdc", or a path under /dev).
 * 0, or -ENOENT when it does not exist.
 */
int bct_disk_dev(const char *disk, uint32_t *dev);

#endif
