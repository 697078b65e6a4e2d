// SPDX-License-Identifier: Apache-2.0
/* Block device names and numbers in the kernel's dev_t encoding. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk.h"

void bct_disk_name(uint32_t dev, char *buf, size_t sz)
{
	unsigned int major = dev >> BCT_MINORBITS, minor = dev & ((1U << BCT_MINORBITS) - 1);
	char path[64], target[256];
	const char *base;
	ssize_t n;

	if (!dev) {
		snprintf(buf, sz, "<unknown>");
		return;
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", major, minor);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0) {
		snprintf(buf, sz, "%u:%u", major, minor); /* gone since: its number will do */
		return;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	snprintf(buf, sz, "%s", base ? base + 1 : target);
}

int bct_disk_dev(const char *disk, uint32_t *dev)
{
	char path[4096];
	struct stat st;

	if (disk[0] == '/')
		snprintf(path, sizeof(path), "%s", disk);
	else
		snprintf(path, sizeof(path), "/dev/%s", disk);
	if (stat(path, &st))
		return -ENOENT;
	*dev = (major(st.st_rdev) << BCT_MINORBITS) | minor(st.st_rdev);
	return 0;
}
