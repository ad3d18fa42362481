/*
 * lib/array.c - growable arrays. See array.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"

int
array_grow(void *vp, size_t n, size_t *cap, size_t elem, size_t min)
{
	void *v, *nv;
	size_t ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : min;
	memcpy(&v, vp, sizeof(v));	/* vp is the address of some T *: no aliasing */
	if (ncap <= *cap || elem == 0 || ncap > SIZE_MAX / elem ||
	    (nv = reallocarray(v, ncap, elem)) == NULL)
		return -ENOMEM;
	memcpy(vp, &nv, sizeof(nv));
	*cap = ncap;
	return 0;
}
