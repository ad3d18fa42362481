/*
 * lib/sysctl.c - one integer under /proc/sys. See sysctl.h.
 */
#include <errno.h>
#include <stdio.h>

#include "lib/sysctl.h"

int
sysctl_read(const char *path)
{
	FILE *f = fopen(path, "re");
	int v, rv;

	if (f == NULL)
		return -errno;
	rv = fscanf(f, "%d", &v) == 1 && v >= 0 ? v : -EINVAL;
	fclose(f);
	return rv;
}

int
sysctl_write(const char *path, int value)
{
	FILE *f = fopen(path, "we");
	int rv = 0;

	if (f == NULL)
		return -errno;
	if (fprintf(f, "%d\n", value) < 0)
		rv = -EIO;
	if (fclose(f) != 0 && rv == 0)
		rv = -errno;
	return rv;
}
